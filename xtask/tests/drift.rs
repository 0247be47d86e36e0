//! Drift between `spec/openapi.yaml` and the API, as `spec/reference/` describes it
//! ([`xtask::drift`]): every operation's path and query parameters, its deduplication
//! header, and each request and answer property's presence, type, enum, required-ness and
//! nullability. `cargo xtask drift` prints the same report by kind.
//!
//! A difference kept on purpose is named in [`ALLOWED`] with the reason; spots where ours is
//! open (an untyped value, an open string for an enum) are counted and may not grow.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use xtask::drift::{Doc, METHODS, Report, drift, shape};

/// Why the bounds of an email are not in our spec: `EmailMessage::check` refuses, before
/// sending, what the public reference's bounds would (the_public_references_bounds_are_checked_before_sending).
const MAIL_CHECKS: &str = "EmailMessage checks recipients (1 to 500 each), attachments (at most \
     5), a non-empty subject and body before sending";

/// Why email addresses have no pattern in our spec.
const ADDRESSES: &str = "the SDK checks each address by the same rule before sending \
     (mail.rs is_address; the_public_references_bounds_are_checked_before_sending); a \
     pattern would make typify wrap every address in a type of its own";

/// Differences kept on purpose: `(operationId or "*", what the finding says after it, why)`.
/// Each reason says where the SDK makes up for the spec, or why the difference is harmless.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "*",
        "header `Idempotency-Key`: our spec sends it, the API does not deduplicate by it",
        "the SDK sends a key on every write; the API ignores it where it does not deduplicate, \
         and what the SDK retries follows Operation::retry (x-idempotency-key), held to the \
         reference by the_writes_the_api_deduplicates_are_the_references",
    ),
    (
        "*",
        "body.autoCreateRecords: we may send it",
        "one create body serves every record type; the SDK sets autoCreateRecords only for \
         types whose x-object-types entry takes it (accounts, contacts)",
    ),
    (
        "*",
        "body.skipEnrichment: we may send it",
        "one create body serves every record type; the SDK sets skipEnrichment only for types \
         whose x-object-types entry takes it (accounts, contacts, meetings)",
    ),
    ("list.update", "body.relationships.$", RELATIONSHIP_OPS),
    (
        "meeting.update",
        "body.relationships.$transcript.",
        RELATIONSHIP_OPS,
    ),
    ("list.create", "body.fields.$", CREATE_REQUIRES),
    ("meeting.create", "body.fields.$", CREATE_REQUIRES),
    ("note.create", "body.fields.$", CREATE_REQUIRES),
    ("task.create", "body.fields.$", CREATE_REQUIRES),
    (
        "email.log",
        "body.fields.$",
        "LoggedEmail::new takes the sender and the time sent: no logged email goes without them",
    ),
    (
        "*",
        "body.relationships: the API requires it",
        "as for required fields: a type whose creates need relationships has a required one in \
         x-object-types (the_keys_each_create_requires_are_the_references)",
    ),
    (
        "email.send",
        "body.to: the API requires it",
        "one body serves send and draft (a draft needs only `from`); the SDK refuses a send \
         without recipients before sending (resources/mail.rs)",
    ),
    (
        "email.send",
        "body.subject: the API requires it",
        "as for `to`: the SDK refuses a send without a subject",
    ),
    (
        "email.send",
        "body.messageBody: the API requires it",
        "as for `to`: the SDK refuses a send without a body",
    ),
    (
        "sequence.create",
        "body.definition.description: the API requires it",
        "the definition is Preview and modelled open; the SDK's create builder takes the \
         description it requires",
    ),
    (
        "sequence.create",
        "body.definition.steps: the API requires it",
        "the definition is Preview and modelled open; the SDK's create builder takes the steps \
         it requires",
    ),
    (
        "*",
        "query.offset: maximum 9007199254740991",
        "the largest integer JSON numbers hold exactly; paging 25 at a time never reaches it",
    ),
    (
        "*",
        "body.from: the API takes only strings matching",
        ADDRESSES,
    ),
    (
        "*",
        "body.to[]: the API takes only strings matching",
        ADDRESSES,
    ),
    (
        "*",
        "body.cc[]: the API takes only strings matching",
        ADDRESSES,
    ),
    (
        "*",
        "body.bcc[]: the API takes only strings matching",
        ADDRESSES,
    ),
    ("email.send", "body.to: minItems 1", MAIL_CHECKS),
    ("*", "body.to: maxItems 500", MAIL_CHECKS),
    ("*", "body.cc: maxItems 500", MAIL_CHECKS),
    ("*", "body.bcc: maxItems 500", MAIL_CHECKS),
    ("*", "body.attachments: maxItems 5", MAIL_CHECKS),
    ("email.send", "body.subject: minLength 1", MAIL_CHECKS),
    (
        "email.send",
        "body.messageBody.content: minLength 1",
        MAIL_CHECKS,
    ),
    (
        "file.create",
        "body.filename: m",
        "Files::create refuses a name outside 1 to 255 characters before sending; bounds on \
         strings would make typify wrap the name in a type of its own",
    ),
    (
        "file.complete",
        "body.md5: the API takes only strings matching ^[a-f0-9]{32}$",
        "Files::complete lowercases the digest and refuses anything but 32 hex digits",
    ),
];

/// Why a relationship operation our spec admits for every key may be one the API's body for
/// that key does not describe.
const RELATIONSHIP_OPS: &str = "one relationship operation serves every key; x-object-types \
     updateOps says which of add, remove, replace and clear each key takes, and the SDK \
     refuses the others before sending (tests/sdk/rules.rs)";

/// Why a create's required field keys may be left out of our shared create body.
const CREATE_REQUIRES: &str = "one create body serves every record type; the keys each type \
     requires are in x-object-types, held to the reference by \
     the_keys_each_create_requires_are_the_references, and the SDK refuses a create without them";

/// Open spots (ours untyped, or an open string for an enum, where the reference is typed)
/// at the last count: the check fails when there are more.
const OPEN_SPOTS: usize = 609;

fn load(path: &str) -> Value {
    let root = xtask::workspace_root();
    let text = std::fs::read_to_string(root.join(path)).expect("the description is readable");
    if path.ends_with(".json") {
        serde_json::from_str(&text).expect("valid JSON")
    } else {
        serde_norway::from_str(&text).expect("valid YAML")
    }
}

fn reference() -> Doc {
    Doc {
        root: load("spec/reference/lightfield-api-newer.json"),
    }
}

/// The public reference: the one that states bounds and patterns.
fn public() -> Doc {
    Doc {
        root: load("spec/reference/lightfield-api.json"),
    }
}

fn allowed(finding: &xtask::drift::Finding) -> bool {
    ALLOWED.iter().any(|(op, text, _)| {
        (*op == "*" || *op == finding.operation) && finding.text.starts_with(text)
    })
}

/// The findings of `report` that ALLOWED does not name.
fn unexplained(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| !allowed(f))
        .map(ToString::to_string)
        .collect()
}

#[test]
fn our_spec_differs_from_the_reference_only_where_a_reason_is_given() {
    let report = drift(
        &reference(),
        &public(),
        &Doc {
            root: load(xtask::SPEC_PATH),
        },
    );
    // Every operation of the reference is walked (112 today; a new reference may add some).
    let described = reference().root["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, item)| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum::<usize>();
    assert!(
        described >= 112,
        "the reference lost operations: {described}"
    );
    assert_eq!(report.operations, described, "every operation is walked");
    let left = unexplained(&report);
    println!(
        "{} operations walked: {} differences, {} of them explained in ALLOWED; {} open spots",
        report.operations,
        report.findings.len(),
        report.findings.len() - left.len(),
        report.open_spots.len()
    );
    assert!(
        left.is_empty(),
        "{} differences between spec/openapi.yaml and spec/reference/lightfield-api-newer.json \
         (fix the spec, or name the difference in ALLOWED with the reason; `cargo xtask drift` \
         prints them all):\n  {}",
        left.len(),
        left.join("\n  ")
    );
    for (op, text, _) in ALLOWED {
        assert!(
            report
                .findings
                .iter()
                .any(|f| (*op == "*" || *op == f.operation) && f.text.starts_with(text)),
            "ALLOWED names `{op}: {text}`, which no longer differs: remove it"
        );
    }
    assert!(
        report.open_spots.len() <= OPEN_SPOTS,
        "{} open spots, {OPEN_SPOTS} before: type what the reference types (or, having \
         closed some, lower OPEN_SPOTS)",
        report.open_spots.len()
    );
}

/// One change to a copy of our spec, and the finding it must cause.
struct Mutation {
    what: &'static str,
    apply: fn(&mut Value),
    finding: &'static str,
}

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the spec has {pointer}"))
}

/// The review's mutations of the spec (FIDELITY.md §2a), and one per dimension: each must
/// be reported, and not be one ALLOWED explains.
#[test]
fn each_kind_of_drift_seeded_into_the_spec_is_reported() {
    let mutations = [
        Mutation {
            what: "Sender loses replyToAddress",
            apply: |s| {
                let props = at(s, "/components/schemas/Sender/properties");
                props.as_object_mut().map(|p| p.remove("replyToAddress"));
            },
            finding: "sender.retrieve: answer.replyToAddress",
        },
        Mutation {
            what: "File.sizeBytes becomes a string",
            apply: |s| {
                *at(s, "/components/schemas/File/properties/sizeBytes") =
                    serde_json::json!({"type": "string"})
            },
            finding: "file.retrieve: answer.sizeBytes: the API may send",
        },
        Mutation {
            what: "ExpectedVersionBody loses required",
            apply: |s| {
                at(s, "/components/schemas/ExpectedVersionBody")
                    .as_object_mut()
                    .map(|o| o.remove("required"));
            },
            finding: "sequence.publishDraft: body.expectedVersion: the API requires it",
        },
        Mutation {
            what: "replace becomes an array",
            apply: |s| {
                *at(
                    s,
                    "/components/schemas/RelationshipOperation/properties/replace",
                ) = serde_json::json!({"type": "array", "items": {"type": "string"}})
            },
            finding: "account.update: body.relationships.*.replace: we may send [\"array\"]",
        },
        Mutation {
            what: "MessageBody.content becomes an integer",
            apply: |s| {
                *at(s, "/components/schemas/MessageBody/properties/content") =
                    serde_json::json!({"type": "integer"})
            },
            finding: "email.send: body.messageBody.content: we may send [\"integer\"]",
        },
        Mutation {
            what: "Record loses httpLink",
            apply: |s| {
                at(s, "/components/schemas/Record/properties")
                    .as_object_mut()
                    .map(|p| p.remove("httpLink"));
            },
            finding: "account.retrieve: answer.httpLink: not in our spec",
        },
        Mutation {
            what: "limit becomes a deepObject",
            apply: |s| {
                let limit = at(s, "/components/parameters/Limit");
                limit["style"] = "deepObject".into();
                limit["explode"] = false.into();
            },
            finding: "account.list: query parameter `limit`: style",
        },
        Mutation {
            what: "KeyInfo.scopes becomes an object",
            apply: |s| {
                *at(s, "/components/schemas/KeyInfo/properties/scopes") =
                    serde_json::json!({"type": "object"})
            },
            finding: "auth.validate: answer.scopes: the API may send",
        },
        Mutation {
            what: "EnrichmentStart.reason no longer nullable",
            apply: |s| {
                let reason = at(s, "/components/schemas/EnrichmentStart/properties/reason");
                reason.as_object_mut().map(|r| r.remove("nullable"));
            },
            finding: "enrichmentRun.enrich: answer.reason: the API may send null",
        },
        Mutation {
            what: "RecordDirectionEnd.values renamed ids",
            apply: |s| {
                let props = at(s, "/components/schemas/RecordDirectionEnd/properties");
                let values = props.as_object_mut().and_then(|p| p.remove("values"));
                props["ids"] = values.unwrap_or_default();
            },
            finding: "account.retrieve: answer.relationships.*.directions.asSource.values: not in our spec",
        },
        Mutation {
            what: "FileCreateBody loses sizeBytes",
            apply: |s| {
                at(s, "/components/schemas/FileCreateBody/properties")
                    .as_object_mut()
                    .map(|p| p.remove("sizeBytes"));
            },
            finding: "file.create: body.sizeBytes: not in our spec",
        },
        Mutation {
            what: "a required answer key the API may leave out",
            apply: |s| {
                let required = at(s, "/components/schemas/Record/required");
                if let Some(r) = required.as_array_mut() {
                    r.push("httpLink".into());
                }
            },
            finding: "account.retrieve: answer.httpLink: required here",
        },
        Mutation {
            what: "an enum value we may send and the API does not take",
            apply: |s| {
                let status = at(s, "/components/parameters/Status/schema");
                status["enum"] = serde_json::json!(["active", "trashed", "archived"]);
            },
            finding: "account.list: query.status: we may send [\"\\\"archived\\\"\"]",
        },
        Mutation {
            what: "a path parameter renamed",
            apply: |s| {
                let paths = at(s, "/paths").as_object_mut().expect("paths");
                let item = paths
                    .remove("/v1/lists/{list_id}/accounts")
                    .expect("the path");
                paths.insert("/v1/lists/{id}/accounts".into(), item);
            },
            finding: "list.listAccounts: path parameters",
        },
        Mutation {
            what: "a bound of a request dropped",
            apply: |s| {
                let size = at(s, "/components/schemas/FileCreateBody/properties/sizeBytes");
                if let Some(size) = size.as_object_mut() {
                    size.remove("maximum");
                }
            },
            finding: "file.create: body.sizeBytes: maximum 536870912",
        },
        Mutation {
            what: "a deduplicated write loses its key",
            apply: |s| {
                let params = at(s, "/paths/~1v1~1accounts/post/parameters");
                if let Some(p) = params.as_array_mut() {
                    p.clear();
                }
            },
            finding: "account.create: header `Idempotency-Key`: the API deduplicates by it",
        },
    ];
    let reference = reference();
    let mut missed = Vec::new();
    for mutation in &mutations {
        let mut spec = load(xtask::SPEC_PATH);
        (mutation.apply)(&mut spec);
        let report = drift(&reference, &public(), &Doc { root: spec });
        // Reported as a difference, or, where ours is an open map, as one more open spot.
        let hit = report
            .findings
            .iter()
            .filter(|f| !allowed(f))
            .any(|f| f.to_string().starts_with(mutation.finding))
            || (report.open_spots.len() > OPEN_SPOTS
                && report
                    .open_spots
                    .iter()
                    .any(|s| s.starts_with(mutation.finding)));
        if !hit {
            missed.push(format!(
                "{}: expected `{}`, found:\n    {}",
                mutation.what,
                mutation.finding,
                unexplained(&report).join("\n    ")
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// What each create requires, by the reference, is required by x-object-types too, so the
/// SDK (which refuses a create without the table's required keys) never sends a create the
/// API refuses. The table may require more where the public reference does.
#[test]
fn the_keys_each_create_requires_are_the_references() {
    let reference = load("spec/reference/lightfield-api-newer.json");
    let ours = load(xtask::SPEC_PATH);
    let mut wrong = Vec::new();
    for item in reference["paths"].as_object().expect("paths").values() {
        let Some(op) = item.get("post") else { continue };
        let id = op["operationId"].as_str().unwrap_or_default();
        let Some(kind) = id.strip_suffix(".create") else {
            continue;
        };
        let Some(table) = ours["x-object-types"].get(kind) else {
            continue;
        };
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        let required = |v: &Value| -> BTreeSet<String> {
            v["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let ours_required = |part: &str| -> BTreeSet<String> {
            table[part]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| v["required"] == Value::Bool(true))
                .map(|(k, _)| k.clone())
                .collect()
        };
        for key in required(&body["properties"]["fields"]).difference(&ours_required("fields")) {
            wrong.push(format!(
                "{id}: the API requires `{key}`, x-object-types does not"
            ));
        }
        if required(body).contains("relationships") && ours_required("relationships").is_empty() {
            wrong.push(format!(
                "{id}: the API requires relationships, x-object-types none"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Rate-limit categories: ours is the reference's where it gives one; where no reference
/// does, ours says it is inferred (`x-rate-limit-category-inferred: true`).
#[test]
fn rate_limit_categories_are_the_references_or_marked_inferred() {
    let reference = load("spec/reference/lightfield-api-newer.json");
    let ours = load(xtask::SPEC_PATH);
    let mut theirs = BTreeMap::new();
    for (path, item) in reference["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                theirs.insert((m, shape(path)), op.get("x-rate-limit-category").cloned());
            }
        }
    }
    let mut wrong = Vec::new();
    let mut inferred = 0;
    for (path, item) in ours["paths"].as_object().expect("paths") {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let id = op["operationId"].as_str().unwrap_or(path);
            let category = op.get("x-rate-limit-category").cloned();
            let marked = op.get("x-rate-limit-category-inferred") == Some(&Value::Bool(true));
            let given = theirs.get(&(m, shape(path))).cloned().flatten();
            match given.filter(|g| !g.is_null()) {
                Some(given) if Some(&given) != category.as_ref() => {
                    wrong.push(format!("{id}: ours {category:?}, the reference's {given}"))
                }
                Some(_) if marked => {
                    wrong.push(format!("{id}: marked inferred, but the reference gives it"))
                }
                None if !marked => wrong.push(format!(
                    "{id}: no reference gives a category; mark ours inferred"
                )),
                None => inferred += 1,
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(inferred, 7, "seven categories are inferred");
}

/// The writes the API deduplicates: ours mark exactly the operations the reference marks
/// `x-idempotency-key`, so the SDK's retries (which re-send only what is safe to re-send)
/// follow the API and not our wishes. A write we call idempotent by nature must not be one
/// the reference says is keyed.
#[test]
fn the_writes_the_api_deduplicates_are_the_references() {
    let reference = load("spec/reference/lightfield-api-newer.json");
    let ours = load(xtask::SPEC_PATH);
    let marks = |doc: &Value, key: &str| -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for m in METHODS {
                if item.get(m).is_some_and(|op| op.get(key).is_some()) {
                    out.insert((m.to_string(), shape(path)));
                }
            }
        }
        out
    };
    let theirs = marks(&reference, "x-idempotency-key");
    let keyed = marks(&ours, "x-idempotency-key");
    assert_eq!(theirs.len(), 18, "the reference marks 18 writes");
    let missing: Vec<_> = theirs.difference(&keyed).collect();
    let extra: Vec<_> = keyed.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "keyed in the reference only: {missing:?}; keyed in ours only: {extra:?}"
    );
    let both: Vec<_> = marks(&ours, "x-retry")
        .intersection(&theirs)
        .cloned()
        .collect();
    assert!(both.is_empty(), "x-retry on a keyed write: {both:?}");
}
