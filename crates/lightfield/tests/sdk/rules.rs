//! The rules that differ between record types, over HTTP against lightfield-mock: required
//! fields, read-only and create-only keys, meeting update limits, note relationship
//! operations, soft-delete repeats, cursor paging of field history, custom object
//! discovery and the read-only types. A refusal made by the SDK sends nothing, which the
//! mock's request log proves.

use crate::common::*;
use lightfield::{ErrorKind, FullName, ObjectType, Privacy, RecordStatus, TaskStatus};
use serde_json::json;
use time::macros::datetime;

#[tokio::test]
async fn required_fields_are_checked_for_every_type_before_sending() {
    let (server, client) = setup().await;
    refused(
        client.records_of(ObjectType::Account).create().send().await,
        "`$name` is required",
    );
    refused(
        client.accounts().create("  ").send().await,
        "`$name` must not be empty",
    );
    refused(
        client
            .records_of(ObjectType::Opportunity)
            .create()
            .field("$name", "Deal")
            .send()
            .await,
        "relationship `$account` is required",
    );
    // A key given without its `$` is named, so the refusal explains itself.
    refused(
        client
            .records_of(ObjectType::Account)
            .create()
            .field("name", "Acme")
            .send()
            .await,
        "`$name` is required to create accounts (`name` was given: system keys start with `$`)",
    );
    refused(
        client
            .records_of(ObjectType::Task)
            .create()
            .field("$title", "t")
            .send()
            .await,
        "`$status` is required",
    );
    refused(
        client
            .records_of(ObjectType::Meeting)
            .create()
            .field("$title", "m")
            .send()
            .await,
        "Date` is required to create meetings",
    );
    refused(
        client
            .records_of(ObjectType::Member)
            .create()
            .field("nick", "x")
            .send()
            .await,
        "no create for members",
    );
    assert!(server.requests().is_empty(), "nothing was sent");

    // The server agrees: the same bodies sent raw are refused with the key as `param`.
    let err = client
        .raw(http::Method::POST, "/v1/tasks")
        .json(json!({"fields": {"$title": "t", "$status": "TODO"}, "relationships": {}}))
        .send()
        .await
        .expect_err("the mock refuses it too");
    assert_eq!(
        err.as_api().and_then(|e| e.param.as_deref()),
        Some("relationships.$assignedTo")
    );
}

#[tokio::test]
async fn typed_creates_take_the_required_fields_and_send_them() {
    let (server, client) = setup().await;
    server.insert_linkable(&["mem_1"]);
    let account = client
        .accounts()
        .create("Acme")
        .skip_enrichment(true)
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests()[0].json()["skipEnrichment"], json!(true));
    let contact = client
        .contacts()
        .create()
        .name(FullName::new("Ada", "Lovelace"))
        .emails(["ada@example.com"])
        .accounts(account.id.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        contact.name().and_then(|n| n.first_name.as_deref()),
        Some("Ada")
    );
    assert_eq!(contact.emails(), ["ada@example.com"]);
    assert_eq!(contact.accounts(), std::slice::from_ref(&account.id));
    let deal = client
        .opportunities()
        .create("Big deal", &account.id)
        .stage("Discovery")
        .champions([contact.id.as_str()])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (deal.name(), deal.stage(), deal.account()),
        (
            Some("Big deal"),
            Some("Discovery"),
            Some(account.id.as_str())
        )
    );
    let task = client
        .tasks()
        .create("Call Ada", TaskStatus::Todo, "mem_1")
        .due_at(datetime!(2027-01-02 09:00 UTC))
        .opportunity(&deal.id)
        .send()
        .await
        .unwrap();
    assert_eq!(task.status(), Some(TaskStatus::Todo));
    assert_eq!(task.assignee(), Some("mem_1"));
    assert_eq!(task.due_at(), Some(datetime!(2027-01-02 09:00 UTC)));
    let task = client
        .tasks()
        .update(&task.id)
        .status(TaskStatus::Complete)
        .send()
        .await
        .unwrap();
    assert_eq!(task.status(), Some(TaskStatus::Complete));
    let note = client
        .notes()
        .create("Call notes")
        .content("went well")
        .accounts([account.id.as_str()])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (note.title(), note.content()),
        (Some("Call notes"), Some("went well"))
    );
    let meeting = client
        .meetings()
        .create(
            "Kickoff",
            datetime!(2026-01-10 09:00 UTC),
            datetime!(2026-01-10 10:00 UTC),
        )
        .privacy(Privacy::Metadata)
        .attendee_emails(["ada@example.com"])
        .auto_create_records(false)
        .send()
        .await
        .unwrap();
    assert_eq!(meeting.start(), Some(datetime!(2026-01-10 09:00 UTC)));
    assert_eq!(meeting.privacy(), Some(Privacy::Metadata));
    assert_eq!(meeting.access_level.as_deref(), Some("FULL"));
    assert_eq!(meeting.object_type.as_deref(), Some("meeting"));
    let sent = server.requests().pop().unwrap().json();
    assert_eq!(sent["fields"]["$startDate"], json!("2026-01-10T09:00:00Z"));
    assert_eq!(sent["autoCreateRecords"], json!(false));
}

#[tokio::test]
async fn read_only_and_create_only_keys_are_refused_with_where_to_set_them() {
    let (server, client) = setup().await;
    refused(
        client
            .accounts()
            .create("A")
            .field("$accountStatus", "Active")
            .send()
            .await,
        "read-only on accounts",
    );
    refused(
        client
            .accounts()
            .create("A")
            .relationship("$opportunity", "opp_1")
            .send()
            .await,
        "link it from the opportunity record",
    );
    refused(
        client
            .opportunities()
            .update("opp_1")
            .field("$opportunityStatus", "Won")
            .send()
            .await,
        "read-only on opportunities",
    );
    // `$createdBy` is set on create only.
    refused(
        client
            .tasks()
            .update("tsk_1")
            .add("$createdBy", "mem_2")
            .send()
            .await,
        "created",
    );
    refused(
        client
            .accounts()
            .create("A")
            .relationship("$owner", ["mem_1", "mem_2"])
            .send()
            .await,
        "one record at most",
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn meeting_updates_write_only_what_the_api_allows() {
    let (server, client) = setup().await;
    let meeting = client
        .meetings()
        .create(
            "Review",
            datetime!(2026-02-01 09:00 UTC),
            datetime!(2026-02-01 10:00 UTC),
        )
        .send()
        .await
        .unwrap();
    refused(
        client
            .meetings()
            .update(&meeting.id)
            .field("$title", "New")
            .send()
            .await,
        "only be set when the record is created",
    );
    refused(
        client
            .meetings()
            .update(&meeting.id)
            .add("$transcript", "fil_1")
            .send()
            .await,
        "use replace",
    );
    refused(
        client
            .meetings()
            .update(&meeting.id)
            .field("$manuallyAddedAttendeeEmails", json!(["a@b.c"]))
            .send()
            .await,
        "read-only",
    );
    let before = server.requests().len();
    let updated = client
        .meetings()
        .update(&meeting.id)
        .privacy(Privacy::Full)
        .attendee_emails(["ada@example.com", "alan@example.com"])
        .meeting_prep("agenda")
        .post_meeting_summary("done")
        .transcript("fil_1")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), before + 1);
    assert_eq!(updated.transcript(), Some("fil_1"));
    assert_eq!(updated.post_meeting_summary(), Some("done"));
    assert_eq!(
        server.requests().pop().unwrap().json()["relationships"],
        json!({"$transcript": {"replace": "fil_1"}})
    );
    // The mock refuses the same write sent raw (straight to it: the reference proxy would
    // refuse it first, as the meeting update body has no `$title`).
    let direct = direct_client(&server).build().unwrap();
    let err = direct
        .raw(http::Method::POST, format!("/v1/meetings/{}", meeting.id))
        .json(json!({"fields": {"$title": "New"}}))
        .send()
        .await
        .expect_err("create-only");
    assert_eq!(
        err.as_api().and_then(|e| e.param.as_deref()),
        Some("fields.$title")
    );
}

#[tokio::test]
async fn note_links_change_by_add_and_remove_only() {
    let (server, client) = setup().await;
    server.insert_linkable(&["acc_1", "acc_2", "acc_3", "acc_9"]);
    let note = client
        .notes()
        .create("N")
        .accounts(["acc_1", "acc_2"])
        .send()
        .await
        .unwrap();
    refused(
        client
            .notes()
            .update(&note.id)
            .replace("$account", "acc_3")
            .send()
            .await,
        "use add or remove",
    );
    refused(
        client
            .notes()
            .update(&note.id)
            .clear_relationship("$account")
            .send()
            .await,
        "cannot be changed with `clear`",
    );
    // One operation per key in a note update: the public spec takes exactly one, the
    // newest SDK says both "add and/or remove" and "one of"; one satisfies every reading.
    refused(
        client
            .notes()
            .update(&note.id)
            .add("$account", "acc_3")
            .remove("$account", "acc_1")
            .send()
            .await,
        "send the add and remove as separate updates",
    );
    client
        .notes()
        .update(&note.id)
        .add("$account", "acc_3")
        .send()
        .await
        .unwrap();
    let note = client
        .notes()
        .update(&note.id)
        .remove("$account", "acc_1")
        .send()
        .await
        .unwrap();
    assert_eq!(note.accounts(), ["acc_2", "acc_3"]);
    let err = client
        .raw(http::Method::POST, format!("/v1/notes/{}", note.id))
        .json(json!({"relationships": {"$account": {"replace": "acc_9"}}}))
        .send()
        .await
        .expect_err("the mock refuses replace on notes");
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        4
    );
}

#[tokio::test]
async fn a_second_delete_is_a_no_op_except_for_meetings() {
    let (_server, client) = setup().await;
    let account = client.accounts().create("Twice").send().await.unwrap();
    client.accounts().delete(&account.id).send().await.unwrap();
    client
        .accounts()
        .delete(&account.id)
        .send()
        .await
        .expect("no-op");
    let meeting = client
        .meetings()
        .create(
            "Once",
            datetime!(2026-02-01 09:00 UTC),
            datetime!(2026-02-01 10:00 UTC),
        )
        .send()
        .await
        .unwrap();
    client.meetings().delete(&meeting.id).send().await.unwrap();
    let err = client
        .meetings()
        .delete(&meeting.id)
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), Some(&ErrorKind::NotFound));
    let trashed = client
        .meetings()
        .list()
        .status(RecordStatus::Trashed)
        .send()
        .await
        .unwrap();
    assert_eq!(trashed.total_count, 1);
}

#[tokio::test]
async fn ids_that_would_leave_their_collection_are_refused() {
    let (server, client) = setup().await;
    for id in ["", ".", "..", "a/b", "..\\x", &"x".repeat(600)] {
        refused(client.contacts().retrieve(id).send().await, "the id");
        refused(client.object("vendor").delete(id).send().await, "the id");
        refused(
            client.accounts().update(id).name("x").send().await,
            "the id",
        );
    }
    assert!(server.requests().is_empty());
}

/// The input a local refusal names, or a panic when `result` is not one.
fn param_of<T: std::fmt::Debug>(result: lightfield::Result<T>) -> Option<String> {
    match result {
        Err(lightfield::Error::InvalidInput { param, .. }) => param,
        other => panic!("expected a local refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn refusals_name_the_input_at_fault() {
    let (server, client) = setup().await;
    let accounts = client.accounts();
    let cases: Vec<(Option<String>, &str)> = vec![
        (
            param_of(client.records_of(ObjectType::Account).create().send().await),
            "$name",
        ),
        (
            param_of(
                accounts
                    .create("A")
                    .field("$accountStatus", "Active")
                    .send()
                    .await,
            ),
            "$accountStatus",
        ),
        (
            param_of(
                accounts
                    .create("A")
                    .field("tierr", "Gold")
                    .checked(true)
                    .send()
                    .await,
            ),
            "tierr",
        ),
        (param_of(accounts.list().limit(26).send().await), "limit"),
        (
            param_of(
                accounts
                    .list()
                    .filter("a[b]", lightfield::Op::Equal, 1)
                    .send()
                    .await,
            ),
            "a[b]",
        ),
        (
            param_of(accounts.create("A").idempotency_key("").send().await),
            "Idempotency-Key",
        ),
        (param_of(accounts.retrieve("../x").send().await), "id"),
    ];
    for (param, expected) in cases {
        assert_eq!(param.as_deref(), Some(expected));
    }
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "only the definitions were read: {:?}",
        server.requests()
    );
}

/// D2: a meeting's prep and summary are set on a meeting that exists; the API's create
/// takes neither, so the SDK refuses them on create and the mock does too.
#[tokio::test]
async fn a_meeting_create_refuses_the_fields_only_an_update_sets() {
    let (server, client) = setup().await;
    let fields = json!({
        "$title": "Kickoff",
        "$startDate": "2026-01-10T09:00:00Z",
        "$endDate": "2026-01-10T10:00:00Z",
    });
    for key in ["$meetingPrep", "$postMeetingSummary"] {
        let start = time::OffsetDateTime::now_utc();
        let create = client
            .meetings()
            .create("Kickoff", start, start + time::Duration::hours(1));
        refused(
            create.field(key, json!("notes")).send().await,
            "can only be set on a record that exists",
        );
        let mut body = fields.clone();
        body[key] = json!("notes");
        let direct = direct_client(&server).build().unwrap();
        let err = direct
            .raw(http::Method::POST, "/v1/meetings")
            .json(json!({"fields": body}))
            .send()
            .await
            .expect_err("update-only");
        assert_eq!(
            err.as_api().and_then(|e| e.param.clone()),
            Some(format!("fields.{key}"))
        );
    }
    assert_eq!(server.record_count_of("meeting"), 0);
}
