"""A second client of lightfield-mock that none of us wrote: the official Python SDK.

Drives every resource of the mock through the URL in LIGHTFIELD_BASE_URL (a Prism proxy
loaded with the reference, as `cargo xtask ci` runs it): records of each type with delete,
restore and history, custom objects, members, lists with members, files with the upload
PUT, auth, emails, merges, enrichment, workflow runs, senders and sequences. Every step
must succeed; the SDK does not retry, so an answer the proxy refuses fails the step. The
SDK validates every answer against its own models (strict response validation), and the
values written are read back and compared (`expect`).

Prints one line per step and a summary; exits 1 if any step failed.
"""

import datetime
import hashlib
import os
import sys
import traceback

import httpx
import lightfield

client = lightfield.Lightfield(
    api_key=os.environ.get("LIGHTFIELD_API_KEY", "sk_lf_python_scenario"),
    base_url=os.environ["LIGHTFIELD_BASE_URL"],
    max_retries=0,
    _strict_response_validation=True,
)
steps = {"ok": 0, "failed": 0}


def step(name, call):
    """Runs one step; its answer, or None when it failed."""
    try:
        answer = call()
    except Exception as error:  # noqa: BLE001 - every failure is reported the same way
        steps["failed"] += 1
        print(f"FAIL {name}: {error}")
        traceback.print_exc(limit=1)
        return None
    steps["ok"] += 1
    print(f"ok   {name}")
    return answer


def same(read, wanted):
    """Equal, reading times as instants (`Z` and `+00:00` say the same)."""
    if isinstance(read, str) and isinstance(wanted, str):
        try:
            parse = datetime.datetime.fromisoformat
            return parse(read.replace("Z", "+00:00")) == parse(wanted.replace("Z", "+00:00"))
        except ValueError:
            return read == wanted
    return read == wanted


def expect(name, read, wanted):
    """A value read back must be the one written; a mismatch fails like a step."""
    if same(read, wanted):
        steps["ok"] += 1
        print(f"ok   {name}: {read!r}")
    else:
        steps["failed"] += 1
        print(f"FAIL {name}: read {read!r}, wanted {wanted!r}")


def field(record, key):
    """The value of field `key` of a record the SDK read, as plain data."""
    entry = (record.fields or {}).get(key) if record else None
    return as_plain(getattr(entry, "value", None)) if entry is not None else None


def records(kind, create, update):
    """Create, retrieve, update, list, definitions, delete, restore of one record type."""
    resource = getattr(client, kind)
    created = step(f"{kind}.create", lambda: resource.create(**create))
    if created is None:
        return None
    read = step(f"{kind}.retrieve", lambda: resource.retrieve(created.id))
    expect(f"{kind}.retrieve id", read.id if read else None, created.id)
    for key, value in create.get("fields", {}).items():
        expect(f"{kind}.retrieve {key}", field(read, key), normalised(value))
    updated = step(f"{kind}.update", lambda: resource.update(created.id, **update))
    for key, value in update.get("fields", {}).items():
        expect(f"{kind}.update {key}", field(updated, key), normalised(value))
    listed = step(f"{kind}.list", lambda: resource.list(limit=5))
    if listed is not None:
        expect(f"{kind}.list counts the record", listed.total_count >= 1, True)
    step(f"{kind}.definitions", lambda: resource.definitions())
    step(f"{kind}.delete", lambda: resource.delete(created.id))
    step(f"{kind}.restore", lambda: resource.restore(created.id))
    return created


def normalised(value):
    """A written value as it reads back: a list of one is read as written."""
    return value


def as_plain(value):
    """A model read by the SDK as plain data (its wire names), to compare with what was
    written."""
    if hasattr(value, "model_dump"):
        return {k: v for k, v in value.model_dump(by_alias=True).items() if v is not None}
    return value


key = step("auth.validate", lambda: client.auth.validate())
expect("auth.validate active", key.active if key else None, True)
members = step("member.list", lambda: client.member.list(limit=5))
member_id = members.data[0].id if members else "mem_0000000001"
step("member.retrieve", lambda: client.member.retrieve(member_id))

account = records(
    "account",
    {"fields": {"$name": "Acme"}},
    {"fields": {"$twitter": "acme"}},
)
other = step("account.create (duplicate)", lambda: client.account.create(fields={"$name": "Acme Inc"}))
if account:
    step(
        "account.field_history",
        lambda: client.account.field_history("$name", id=account.id, limit=10),
    )
contact = records(
    "contact",
    {"fields": {"$name": {"firstName": "Ada", "lastName": "Lovelace"}, "$email": ["ada@example.com"]}},
    {"fields": {"$email": ["ada@lovelace.example"]}},
)
account_id = account.id if account else "acc_missing"
contact_id = contact.id if contact else "con_missing"
opportunity = records(
    "opportunity",
    {"fields": {"$name": "Big deal"}, "relationships": {"$account": account_id}},
    {"fields": {"$name": "Bigger deal"}},
)
records(
    "task",
    {
        "fields": {"$title": "Call Ada", "$status": "TODO"},
        "relationships": {"$assignedTo": member_id},
    },
    {"fields": {"$status": "COMPLETE"}},
)
records(
    "note",
    {"fields": {"$title": "Met Ada"}, "relationships": {"$account": account_id}},
    {"relationships": {"$contact": {"add": [contact_id]}}},
)
start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
records(
    "meeting",
    {
        "fields": {
            "$title": "Kick-off",
            "$startDate": start.isoformat(),
            "$endDate": (start + datetime.timedelta(hours=1)).isoformat(),
        }
    },
    {"fields": {"$privacySetting": "FULL"}},
)

# Custom objects.
step("object.list_definitions", lambda: client.object.list_definitions())
vendor = step("object.create", lambda: client.object.create("vendor", fields={"$name": "Parts Co"}))
if vendor:
    step("object.retrieve", lambda: client.object.retrieve(vendor.id, entity_slug="vendor"))
    step("object.update", lambda: client.object.update(vendor.id, entity_slug="vendor", fields={"category": "Hardware"}))
    step("object.list", lambda: client.object.list("vendor", limit=5))
    step("object.definitions", lambda: client.object.definitions("vendor"))
    step("object.delete", lambda: client.object.delete(vendor.id, entity_slug="vendor"))
    step("object.restore", lambda: client.object.restore(vendor.id, entity_slug="vendor"))

# Lists and their members.
lst = step(
    "list.create",
    lambda: client.list.create(
        fields={"$name": "Targets", "$objectType": "$account"},
        relationships={"$accounts": [account_id]},
    ),
)
if lst:
    step("list.retrieve", lambda: client.list.retrieve(lst.id))
    renamed = step("list.update", lambda: client.list.update(lst.id, fields={"$name": "Q3 targets"}))
    expect("list.update $name", field(renamed, "$name"), "Q3 targets")
    step("list.list", lambda: client.list.list(limit=5))
    step("list.list_accounts", lambda: client.list.list_accounts(lst.id))
    step("list.list_contacts", lambda: client.list.list_contacts(lst.id))
    step("list.list_opportunities", lambda: client.list.list_opportunities(lst.id))
    step("list.delete", lambda: client.list.delete(lst.id))

# Files, with the upload PUT to the URL the API hands out.
content = b"hello from python"
upload = step(
    "file.create",
    lambda: client.file.create(
        filename="hello.txt", mime_type="text/plain", size_bytes=len(content)
    ),
)
if upload:
    upload_url = upload.upload_url
    upload_headers = dict(getattr(upload, "upload_headers", None) or {})
    step(
        "file upload PUT",
        lambda: httpx.put(upload_url, content=content, headers=upload_headers).raise_for_status(),
    )
    md5 = hashlib.md5(content).hexdigest()
    step("file.complete", lambda: client.file.complete(upload.id, md5=md5))
    done = step("file.retrieve", lambda: client.file.retrieve(upload.id))
    expect("file.retrieve status", done.status if done else None, "COMPLETED")
    expect("file.retrieve sizeBytes", done.size_bytes if done else None, len(content))
    step("file.url", lambda: client.file.url(upload.id))
    step("file.list", lambda: client.file.list(limit=5))
spare = step(
    "file.create (to cancel)",
    lambda: client.file.create(filename="spare.txt", mime_type="text/plain", size_bytes=1),
)
if spare:
    step("file.cancel", lambda: client.file.cancel(spare.id))

# Emails.
step(
    "email.send",
    lambda: client.email.send(
        from_="me@acme.example",
        to=["ada@example.com"],
        subject="Hello",
        message_body={"contentType": "TEXT", "content": "Hi Ada"},
    ),
)
step(
    "email.draft",
    lambda: client.email.draft(from_="me@acme.example", to=["ada@example.com"], subject="Draft"),
)
logged = step(
    "email.log",
    lambda: client.email.log(
        fields={
            "$from": "me@acme.example",
            "$to": ["ada@example.com"],
            "$subject": "Logged",
            "$sentAt": (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).isoformat(),
            "$body": {"text": "Text only"},
        },
        headers={"Message-ID": "<python-scenario@acme.example>"},
    ),
)
step("email.list", lambda: client.email.list(limit=5))
if logged:
    email = step("email.retrieve", lambda: client.email.retrieve(logged.id))
    expect("email.retrieve $subject", field(email, "$subject"), "Logged")
    step("email.delete", lambda: client.email.delete(logged.id))
    step("email.restore", lambda: client.email.restore(logged.id))
step("channel.list", lambda: client.channel.list(limit=5))
step("message.list", lambda: client.message.list(limit=5))

# Merges, enrichment and workflow runs.
if account and other:
    merged = step(
        "merge.merge_accounts",
        lambda: client.merge.merge_accounts(duplicate_id=other.id, primary_id=account.id),
    )
    if merged:
        step("merge.get_merge", lambda: client.merge.get_merge(merged.merge.id))
enriched = step(
    "enrichment_run.enrich",
    lambda: client.enrichment_run.enrich(account_id, entity_slug="accounts"),
)
if enriched and enriched.enrichment_run:
    step(
        "enrichment_run.get_enrichment_run",
        lambda: client.enrichment_run.get_enrichment_run(enriched.enrichment_run.id),
    )
run = step("workflow_run.status", lambda: client.workflow_run.status("wfr_0000000001"))
expect("workflow_run.status of a run that exists", run.status if run else None, "running")

# Senders and sequences (Preview).
senders = step("sender.list", lambda: client.sender.list(limit=5))
sender_id = senders.data[0].id if senders else "snd_0000000001"
step("sender.retrieve", lambda: client.sender.retrieve(sender_id))
step(
    "sender.update",
    lambda: client.sender.update(
        sender_id,
        pacing={"EMAIL": {"dailyLimit": 40, "minGapSeconds": 60, "maxGapSeconds": None}},
    ),
)
step("sender.mark_healthy", lambda: client.sender.mark_healthy(sender_id))
definition = {
    "description": "Outbound to new accounts",
    "steps": [{"type": "EMAIL", "name": "Intro", "prompt": "Say hi", "deliveryMode": "AUTO"}],
}
draft = step(
    "sequence.create",
    lambda: client.sequence.create(name="Outbound", definition=definition, senders=[sender_id]),
)
if draft:
    sid = draft.sequence_id
    step("sequence.retrieve_draft", lambda: client.sequence.retrieve_draft(sid))
    updated = step(
        "sequence.update_draft",
        lambda: client.sequence.update_draft(sid, expected_version=draft.version, name="Outbound 2"),
    )
    version = updated.version if updated else draft.version
    step("sequence.publish_draft", lambda: client.sequence.publish_draft(sid, expected_version=version))
    sequence = step("sequence.retrieve", lambda: client.sequence.retrieve(sid))
    expect("sequence.retrieve name", sequence.name if sequence else None, "Outbound 2")
    step("sequence.list", lambda: client.sequence.list(limit=5))
    step("sequence.activate", lambda: client.sequence.activate(sid))
    enrolled = step(
        "sequence.update_enrollments",
        lambda: client.sequence.update_enrollments(sid, add=[contact_id]),
    )
    enrollments = step("sequence.list_enrollments", lambda: client.sequence.list_enrollments(sid))
    expect(
        "sequence.list_enrollments contact",
        [e.contact_id for e in enrollments.data] if enrollments else None,
        [contact_id],
    )
    if enrollments and enrollments.data:
        eid = enrollments.data[0].id
        step("sequence.retrieve_enrollment", lambda: client.sequence.retrieve_enrollment(eid, id=sid))
    messages = step("sequence.list_messages", lambda: client.sequence.list_messages(sid))
    if messages and messages.data:
        mid = messages.data[0].id
        step("sequence.retrieve_message", lambda: client.sequence.retrieve_message(mid, id=sid))
    step("sequence.retrieve_performance", lambda: client.sequence.retrieve_performance(sid))
    test = step("sequence.start_test", lambda: client.sequence.start_test(sid, contact_id=contact_id))
    if test:
        step("sequence.retrieve_test", lambda: client.sequence.retrieve_test(test.id, id=sid))
    step("sequence.deactivate", lambda: client.sequence.deactivate(sid))
    reopened = step(
        "sequence.update_draft (opens a draft)",
        lambda: client.sequence.update_draft(sid, name="Outbound 3"),
    )
    if reopened:
        step(
            "sequence.discard_draft",
            lambda: client.sequence.discard_draft(sid, expected_version=reopened.version),
        )
step("sequence.list_template_variables", lambda: client.sequence.list_template_variables())

print(f"python scenario: {steps['ok']} steps succeeded, {steps['failed']} failed")
sys.exit(1 if steps["failed"] else 0)
