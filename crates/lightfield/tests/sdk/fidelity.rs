//! Findings of the fidelity review (`spec/reference` against the SDK) that the other suites
//! do not already cover, each over HTTP through the reference's Prism proxy: dependent
//! selects (A2), logged emails (A7, B4), refusal details (A8) and run timestamps (A9).
//! A1 and A3 are in `types.rs`, A4–A6 and B1–B3 in `preview.rs`, C6 in `lists.rs`.

use crate::common::*;
use lightfield::resources::mail::LoggedEmail;
use lightfield::{ObjectType, Privacy};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// A2: `parentFieldKey` is read from `typeConfiguration`, so a dependent select resolves.
#[tokio::test]
async fn dependent_select_options_resolve_under_their_parent() {
    let (_server, client) = setup().await;
    let definitions = client.accounts().definitions().send().await.unwrap();
    let segment = definitions.field("segment").expect("seeded");
    assert_eq!(segment.parent_field_key.as_deref(), Some("$industry"));
    let under: Vec<&str> = definitions
        .options_under("segment", "Software")
        .iter()
        .map(|o| o.label.as_str())
        .collect();
    assert_eq!(under, ["SaaS", "Developer tools"]);
    assert!(definitions.options_under("segment", "Retail").is_empty());
    assert!(definitions.options_under("tier", "Software").is_empty());
    let cached = client.schema(ObjectType::Account).await.unwrap();
    assert_eq!(
        cached
            .field("segment")
            .and_then(|f| f.parent_field_key.clone()),
        Some("$industry".to_string())
    );
}

/// A7 and B4: only the body parts given are sent (the API takes no `null`), with the
/// privacy setting and the threading headers.
#[tokio::test]
async fn a_logged_email_sends_only_its_parts_privacy_and_threading() {
    let (server, client) = setup().await;
    let email = LoggedEmail::new(
        "me@acme.example",
        OffsetDateTime::now_utc() - Duration::hours(1),
    )
    .to(["ada@example.com"])
    .subject("Re: proposal")
    .body(None, Some("Thanks!".into()))
    .privacy(Privacy::Metadata)
    .message_id("<2@acme.example>")
    .in_reply_to("<1@acme.example>")
    .references(["<0@acme.example>", "<1@acme.example>"]);
    client.emails().log(email).send().await.unwrap();
    let sent = server.requests().pop().unwrap().json();
    assert_eq!(sent["fields"]["$body"], json!({"text": "Thanks!"}));
    assert_eq!(sent["fields"]["$privacySetting"], json!("METADATA"));
    assert_eq!(
        sent["headers"],
        json!({
            "Message-ID": "<2@acme.example>",
            "In-Reply-To": "<1@acme.example>",
            "References": "<0@acme.example> <1@acme.example>"
        })
    );
}

/// A8: a refusal keeps what the body says beyond type and message.
#[cfg(feature = "preview")]
#[tokio::test]
async fn a_refusal_keeps_the_contacts_it_names() {
    let (_server, client) = setup().await;
    let definition = json!({"description": "Nurture", "steps": []});
    let draft = client
        .sequences()
        .create(
            "Nurture",
            definition.as_object().cloned().unwrap_or_default(),
        )
        .send()
        .await
        .unwrap();
    // A sequence never published takes no enrollment, and cannot be activated: 400
    // `sequence_not_published`, as the API documents.
    let id = draft.sequence_id().to_string();
    let unpublished = client
        .sequences()
        .enroll(&id)
        .add(["con_missing_1"])
        .send()
        .await
        .expect_err("not published");
    let api = unpublished.as_api().expect("an API refusal");
    assert_eq!(
        (api.status, api.code.as_deref()),
        (400, Some("sequence_not_published"))
    );
    let inactive = client
        .sequences()
        .activate(&id)
        .send()
        .await
        .expect_err("not published");
    let api = inactive.as_api().expect("an API refusal");
    assert_eq!(
        (api.status, api.code.as_deref()),
        (400, Some("sequence_not_published"))
    );
    client
        .sequences()
        .publish(&id, draft.version().unwrap_or("v1"))
        .send()
        .await
        .expect("published");
    let err = client
        .sequences()
        .enroll(&id)
        .add(["con_missing_1", "con_missing_2"])
        .send()
        .await
        .expect_err("unknown contacts");
    let api = err.as_api().expect("an API refusal");
    assert_eq!(api.code.as_deref(), Some("invalid_configuration"));
    assert_eq!(
        api.details["invalidContacts"],
        json!(["con_missing_1", "con_missing_2"])
    );
    assert!(err.to_string().contains("con_missing_2"), "{err}");
}

/// A9: enrichment runs say when they were queued and last changed.
#[tokio::test]
async fn enrichment_runs_carry_their_timestamps() {
    let (_server, client) = setup().await;
    let account = client.accounts().create("Acme").send().await.unwrap();
    let started = client.accounts().enrich(&account.id).send().await.unwrap();
    let run = started.run.expect("a run was started");
    assert!(
        run.created_at.is_some() && run.updated_at.is_some(),
        "{run:?}"
    );
    let fetched = client
        .enrichment_runs()
        .retrieve(&run.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.created_at, run.created_at);
}

/// C7 and C8: what the API would refuse, or would silently ignore, is refused before sending.
#[tokio::test]
async fn an_empty_file_and_a_status_on_list_members_are_refused_before_sending() {
    let (server, client) = setup().await;
    let before = server.requests().len();
    refused(
        client
            .files()
            .create("empty.txt", "text/plain", 0, None)
            .send()
            .await,
        "1 byte or more",
    );
    refused(
        client
            .lists()
            .accounts("lst_0000000001")
            .status(lightfield::RecordStatus::Trashed)
            .send()
            .await,
        "no status filter",
    );
    assert_eq!(server.requests().len(), before, "nothing was sent");
}

/// The bounds and patterns the public reference states for requests are checked before
/// anything is sent (`cargo xtask drift` lists them under Bound).
#[tokio::test]
async fn the_public_references_bounds_are_checked_before_sending() {
    use lightfield::resources::mail::EmailMessage;
    let (server, client) = setup().await;
    let long_name = "a".repeat(256);
    refused(
        client
            .files()
            .create(long_name.as_str(), "text/plain", 1, None)
            .send()
            .await,
        "1 to 255 characters",
    );
    refused(
        client
            .files()
            .create("", "text/plain", 1, None)
            .send()
            .await,
        "1 to 255 characters",
    );
    refused(
        client
            .files()
            .complete("fil_0000000001", Some("not-a-digest".into()))
            .send()
            .await,
        "not an MD5 digest",
    );
    let mail = || EmailMessage::new("me@acme.example").to(["ada@example.com"]);
    for (message, needle) in [
        (
            EmailMessage::new("me@acme")
                .to(["ada@example.com"])
                .subject("Hi")
                .text("Hello"),
            "`me@acme` is not an email address",
        ),
        (
            mail()
                .cc(["ada at example.com"])
                .subject("Hi")
                .text("Hello"),
            "`ada at example.com` is not an email address",
        ),
        (mail().subject("").text("Hello"), "subject"),
        (mail().subject("Hi").text(""), "body"),
        (
            mail()
                .bcc((0..501).map(|i| format!("b{i}@example.com")))
                .subject("Hi")
                .text("Hello"),
            "at most 500 `bcc` recipients",
        ),
    ] {
        refused(client.emails().send(message).send().await, needle);
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}
