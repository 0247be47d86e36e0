//! Senders and sequences (the `preview` feature) over HTTP against lightfield-mock:
//! pacing with a null sent, versioned drafts with a stale version refused, enrollments of
//! at most 25 ids all or nothing, messages, performance, and a test run waited for.
#![cfg(feature = "preview")]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use lightfield::preview::{EnrollmentOutcome, Health, Pacing, StepType, TestStatus, View};
use lightfield::{ErrorKind, FullName};
use serde_json::{Map, Value, json};

fn definition(steps: Value) -> Map<String, Value> {
    json!({"steps": steps})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn senders_change_pacing_and_health() {
    let (server, client) = setup().await;
    let page = client.senders().list(0, 10).send().await.unwrap();
    assert_eq!(page.total_count, 2);
    let email = &page.items[0];
    assert_eq!(email.health, Some(Health::Healthy));
    let mut pacing = BTreeMap::new();
    pacing.insert(
        "EMAIL".to_string(),
        Pacing {
            daily_limit: 80,
            min_gap_seconds: 30,
            max_gap_seconds: None,
        },
    );
    let updated = client
        .senders()
        .update_pacing(&email.id, pacing.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.pacing["EMAIL"].daily_limit, 80);
    assert_eq!(
        server.requests().pop().unwrap().json(),
        json!({"pacing": {"EMAIL": {"dailyLimit": 80, "minGapSeconds": 30, "maxGapSeconds": null}}}),
        "a null maxGapSeconds is sent, not left out"
    );
    let archived = &page.items[1];
    let err = client
        .senders()
        .update_pacing(&archived.id, pacing)
        .send()
        .await
        .expect_err("archived");
    assert_eq!(err.kind(), Some(&ErrorKind::Conflict));
    let healed = client
        .senders()
        .mark_healthy(&archived.id)
        .send()
        .await
        .unwrap();
    assert_eq!(healed.health, Some(Health::Healthy));
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        (sent.path.ends_with("/mark_healthy"), sent.json()),
        (true, json!({}))
    );
}

#[tokio::test]
async fn drafts_publish_at_their_version_and_unknown_steps_are_kept() {
    let (_server, client) = setup().await;
    let steps = json!([
        {"type": "EMAIL", "mode": "AGENT", "name": "Intro", "prompt": "Say hi", "deliveryMode": "AUTO"},
        {"type": "VOICE_CALL", "name": "Call", "script": "new in a later API"}
    ]);
    let sequence = client
        .sequences()
        .create("Outbound", definition(steps))
        .send()
        .await
        .unwrap();
    let parsed = sequence.steps();
    assert_eq!(parsed[0].step_type, Some(StepType::Email));
    assert_eq!(parsed[0].mode.as_deref(), Some("AGENT"));
    assert_eq!(
        parsed[1].step_type,
        Some(StepType::Other("VOICE_CALL".into()))
    );
    assert_eq!(
        parsed[1].raw["script"],
        json!("new in a later API"),
        "unknown steps stay whole"
    );

    let draft = client
        .sequences()
        .draft(sequence.id())
        .send()
        .await
        .unwrap();
    let v1 = draft.version().unwrap().to_string();
    let draft = client
        .sequences()
        .update_draft(
            sequence.id(),
            definition(json!([{"type": "LINKEDIN_INVITE", "name": "Connect"}])),
        )
        .send()
        .await
        .unwrap();
    let v2 = draft.version().unwrap().to_string();
    assert_ne!(v1, v2);
    let stale = client
        .sequences()
        .publish(sequence.id(), &v1)
        .send()
        .await
        .expect_err("stale");
    assert_eq!(stale.kind(), Some(&ErrorKind::Conflict));
    assert!(stale.to_string().contains("reload the draft"), "{stale}");
    let published = client
        .sequences()
        .publish(sequence.id(), &v2)
        .send()
        .await
        .unwrap();
    assert_eq!(
        published.steps()[0].step_type,
        Some(StepType::LinkedinInvite)
    );
    let active = client
        .sequences()
        .activate(sequence.id())
        .send()
        .await
        .unwrap();
    assert_eq!(active.status(), Some("ACTIVE"));
    client
        .sequences()
        .deactivate(sequence.id())
        .send()
        .await
        .unwrap();
    let v3 = client
        .sequences()
        .draft(sequence.id())
        .send()
        .await
        .unwrap()
        .version()
        .unwrap()
        .to_string();
    client
        .sequences()
        .discard(sequence.id(), v3)
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .sequences()
            .list(0, 5)
            .send()
            .await
            .unwrap()
            .total_count,
        1
    );
    let variables = client
        .sequences()
        .template_variables()
        .send()
        .await
        .unwrap();
    assert!(variables.iter().any(|v| v.group() == Some("account")));
}

#[tokio::test]
async fn enrollments_are_all_or_nothing_and_tests_are_waited_for() {
    let (server, client) = setup().await;
    let sequence = client
        .sequences()
        .create("Nurture", definition(json!([])))
        .send()
        .await
        .unwrap();
    let mut contacts = Vec::new();
    for i in 0..3 {
        let c = client
            .contacts()
            .create()
            .name(FullName::new("C", format!("{i}")))
            .send()
            .await
            .unwrap();
        contacts.push(c.into_record().id);
    }
    let too_many: Vec<String> = (0..26).map(|i| format!("con_{i}")).collect();
    refused(
        client
            .sequences()
            .enroll(sequence.id())
            .add(too_many)
            .send()
            .await,
        "1 to 25",
    );
    let before = server.requests().len();
    let err = client
        .sequences()
        .enroll(sequence.id())
        .add([contacts[0].as_str(), "con_missing"])
        .send()
        .await
        .expect_err("unknown contact");
    assert_eq!(err.status(), Some(400));
    assert_eq!(server.requests().len(), before + 1);
    let none = client
        .sequences()
        .enrollments(sequence.id(), 0, 25)
        .send()
        .await
        .unwrap();
    assert_eq!(none.total_count, 0, "nothing was enrolled");

    let results = client
        .sequences()
        .enroll(sequence.id())
        .add(&contacts[..2])
        .remove([contacts[2].as_str()])
        .send()
        .await
        .unwrap();
    let outcomes: Vec<_> = results.iter().map(|r| r.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [
            EnrollmentOutcome::Enrolled,
            EnrollmentOutcome::Enrolled,
            EnrollmentOutcome::NoActiveEnrollment
        ]
    );
    assert_eq!(results[2].enrollment_id, None);
    let enrollment_id = results[0].enrollment_id.clone().unwrap();
    let enrollment = client
        .sequences()
        .enrollment(sequence.id(), &enrollment_id)
        .send()
        .await
        .unwrap();
    assert_eq!(enrollment.contact_id(), Some(contacts[0].as_str()));
    let messages = client
        .sequences()
        .messages(sequence.id(), 0, 10)
        .send()
        .await
        .unwrap();
    assert_eq!(messages.total_count, 2);
    let message = client
        .sequences()
        .message(sequence.id(), messages.items[0].id())
        .send()
        .await
        .unwrap();
    assert_eq!(message.direction(), Some("OUTBOUND"));
    let performance = client
        .sequences()
        .performance(sequence.id())
        .send()
        .await
        .unwrap();
    assert_eq!(performance.raw()["byStepType"]["EMAIL"]["sent"], json!(2));

    let test = client
        .sequences()
        .start_test(sequence.id(), &contacts[0], None)
        .send()
        .await
        .unwrap();
    assert_eq!(test.status(), TestStatus::Running);
    let done = client
        .sequences()
        .wait_test(sequence.id(), test.id())
        .interval(Duration::from_millis(5), Duration::from_millis(5))
        .deadline(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), TestStatus::Completed);
    assert_eq!(done.steps()[0]["message"]["subject"], json!("Hello"));
}
