//! Writing emails over HTTP against lightfield-mock: send, draft, log (and the 409 on a
//! Message-ID logged twice), with the API's limits checked before sending.

use crate::common::*;
use lightfield::ErrorKind;
use lightfield::resources::mail::{EmailMessage, LoggedEmail};
use serde_json::json;
use time::{Duration, OffsetDateTime};

#[tokio::test]
async fn send_and_draft_put_exactly_the_message_on_the_wire() {
    let (server, client) = setup().await;
    let message = EmailMessage::new("me@acme.example")
        .to(["ada@example.com"])
        .cc(["grace@example.com"])
        .subject("Proposal")
        .html("<p>Attached</p>")
        .attachments(["fil_1"]);
    let sent_at = client
        .emails()
        .send(message)
        .idempotency_key("send-1")
        .send()
        .await
        .unwrap();
    assert!(!sent_at.is_empty());
    let sent = server.requests().pop().unwrap();
    assert_eq!(sent.path, "/v1/emails/send");
    assert_eq!(sent.header("idempotency-key"), Some("send-1"));
    assert_eq!(
        sent.json(),
        json!({
            "from": "me@acme.example",
            "to": ["ada@example.com"],
            "cc": ["grace@example.com"],
            "subject": "Proposal",
            "messageBody": {"contentType": "HTML", "content": "<p>Attached</p>"},
            "attachments": ["fil_1"],
        })
    );
    let drafted = client
        .emails()
        .draft(EmailMessage::new("me@acme.example").subject("Later"))
        .send()
        .await
        .unwrap();
    assert!(!drafted.is_empty());
    assert_eq!(
        server.requests().pop().unwrap().json(),
        json!({"from": "me@acme.example", "subject": "Later"})
    );
}

#[tokio::test]
async fn limits_are_checked_before_sending() {
    let (server, client) = setup().await;
    let many: Vec<String> = (0..501).map(|i| format!("p{i}@example.com")).collect();
    let base = || EmailMessage::new("me@acme.example").subject("s").text("t");
    refused(
        client.emails().send(base().to(many)).send().await,
        "1 to 500",
    );
    refused(client.emails().send(base()).send().await, "0 were given");
    refused(
        client
            .emails()
            .send(
                base()
                    .to(["a@b.c"])
                    .attachments(["f1", "f2", "f3", "f4", "f5", "f6"]),
            )
            .send()
            .await,
        "at most 5 attachments",
    );
    refused(
        client
            .emails()
            .send(base().to(["not-an-address"]))
            .send()
            .await,
        "not an email address",
    );
    refused(
        client
            .emails()
            .draft(EmailMessage::new("me@acme.example"))
            .send()
            .await,
        "besides `from`",
    );
    let future = OffsetDateTime::now_utc() + Duration::hours(1);
    refused(
        client
            .emails()
            .log(LoggedEmail::new("a@b.c", future).to(["x@y.z"]))
            .send()
            .await,
        "in the past",
    );
    refused(
        client
            .emails()
            .log(LoggedEmail::new("a@b.c", OffsetDateTime::now_utc()))
            .send()
            .await,
        "at least one of",
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_logged_email_becomes_a_record_and_cannot_be_logged_twice() {
    let (server, client) = setup().await;
    let sent = OffsetDateTime::now_utc() - Duration::hours(2);
    let log = || {
        LoggedEmail::new("ada@example.com", sent)
            .to(["me@acme.example"])
            .subject("Re: proposal")
            .message_id("<abc@mail.example>")
    };
    let email = client.emails().log(log()).send().await.unwrap();
    assert_eq!(email.subject(), Some("Re: proposal"));
    assert_eq!(email.from_address(), Some("ada@example.com"));
    assert_eq!(email.to(), ["me@acme.example"]);
    let body = server.requests().pop().unwrap().json();
    assert_eq!(body["headers"], json!({"Message-ID": "<abc@mail.example>"}));
    assert_eq!(body["fields"]["$to"], json!(["me@acme.example"]));
    let again = client
        .emails()
        .log(log())
        .max_retries(0)
        .send()
        .await
        .expect_err("duplicate");
    assert_eq!(again.kind(), Some(&ErrorKind::Conflict));
    let api = again.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("duplicate_message_id"));
    assert!(api.message.contains(&email.id), "{}", api.message);
    let listed = client.emails().retrieve(&email.id).send().await.unwrap();
    assert_eq!(listed.id, email.id);
}
