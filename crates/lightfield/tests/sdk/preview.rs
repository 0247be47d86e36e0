//! Senders and sequences (the `preview` feature) over HTTP against lightfield-mock:
//! pacing with a null sent, versioned drafts with a stale version refused, enrollments of
//! at most 25 ids all or nothing, messages, performance, and a test run waited for.
#![cfg(feature = "preview")]

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::*;
use lightfield::preview::{EnrollmentOutcome, Health, Pacing, StepType, TestStatus, View};
use lightfield::{ErrorKind, FullName};
use serde_json::{Map, Value, json};

fn definition(steps: Value) -> Map<String, Value> {
    json!({"description": "Outbound to new accounts", "steps": steps})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn senders_change_pacing_and_health() {
    let (server, client) = setup().await;
    let page = client.senders().list().limit(10).send().await.unwrap();
    assert_eq!(page.total_count, 3);
    let email = &page.items[0];
    assert_eq!(email.health, Some(Health::Healthy));
    let mut pacing = BTreeMap::new();
    pacing.insert(
        "EMAIL".to_string(),
        Pacing {
            daily_limit: 80,
            min_gap_seconds: 60,
            max_gap_seconds: None,
        },
    );
    let updated = client
        .senders()
        .update_pacing(&email.id, pacing.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.pacing["EMAIL"].map(|p| p.daily_limit), Some(80));
    // A step type the sender cannot send is a null entry, which decodes.
    assert_eq!(page.items[1].pacing.get("EMAIL"), Some(&None));
    // Fields the API sends that were dropped before.
    assert_eq!(email.transport.as_deref(), Some("OAUTH"));
    assert_eq!(email.created_at.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(email.object_type.as_deref(), Some("sender"));
    assert_eq!(
        server.requests().pop().unwrap().json(),
        json!({"pacing": {"EMAIL": {"dailyLimit": 80, "minGapSeconds": 60, "maxGapSeconds": null}}}),
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
    // An archived sender cannot be marked healthy either (M4).
    let err = client
        .senders()
        .mark_healthy(&archived.id)
        .send()
        .await
        .expect_err("archived");
    assert_eq!(err.kind(), Some(&ErrorKind::Conflict));
    // A bounce threshold is a reason marking healthy clears.
    let bounced = &page.items[2];
    assert_eq!(bounced.health_reason.as_deref(), Some("BOUNCE_THRESHOLD"));
    let healed = client
        .senders()
        .mark_healthy(&bounced.id)
        .send()
        .await
        .unwrap();
    assert_eq!(healed.health, Some(Health::Healthy));
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        (sent.path.ends_with("/mark_healthy"), sent.json()),
        (true, json!({}))
    );
    let linkedin = client
        .senders()
        .list()
        .limit(10)
        .filter("channel", lightfield::Op::Equal, "LINKEDIN")
        .send()
        .await
        .unwrap();
    assert_eq!(linkedin.items.len(), 1, "the filter reaches the API");
    let query = server.requests().last().unwrap().query.clone();
    assert!(query.contains("channel%5Bequal%5D=LINKEDIN"), "{query}");
}

#[tokio::test]
async fn create_answers_the_first_draft_and_drafts_change_at_their_version() {
    let (server, client) = setup().await;
    let sequences = client.sequences();
    let email =
        json!([{"type": "EMAIL", "name": "Intro", "prompt": "Say hi", "deliveryMode": "AUTO"}]);
    let draft = sequences
        .create("Outbound", definition(email))
        .reviewers(["mem_0000000001"])
        .senders(["snd_0000000001"])
        .send()
        .await
        .unwrap();
    // The answer is the first draft: its sequence, its version, what the API filled in.
    let sent = server.requests().last().unwrap().json();
    assert_eq!(
        (&sent["reviewers"], &sent["senders"]),
        (&json!(["mem_0000000001"]), &json!(["snd_0000000001"]))
    );
    let id = draft.sequence_id().to_string();
    assert!(id.starts_with("seq_"), "{id}");
    assert_eq!(draft.version(), Some("v1"));
    assert_eq!(
        (draft.reviewers(), draft.senders()),
        (vec!["mem_0000000001"], vec!["snd_0000000001"])
    );
    let step = &draft.steps()[0];
    assert_eq!(step.step_type, Some(StepType::Email));
    assert_eq!(step.mode.as_deref(), Some("AGENT"));
    assert!(step.raw["id"].is_string(), "the API names each step");

    // While a draft is open, a change must name its version.
    let unversioned = sequences.update_draft(&id).name("Outbound 2").send().await;
    assert_eq!(unversioned.unwrap_err().kind(), Some(&ErrorKind::Conflict));
    let linkedin = json!([{"type": "LINKEDIN_INVITE", "name": "Connect", "prompt": "Hi", "deliveryMode": "FOR_REVIEW"}]);
    let v2 = sequences
        .update_draft(&id)
        .expected_version("v1")
        .name("Outbound 2")
        .definition(definition(linkedin))
        .add_reviewers(["mem_0000000002"])
        .remove_senders(["snd_0000000001"])
        .add_senders(["snd_0000000002"])
        .send()
        .await
        .unwrap();
    let sent = server.requests().last().unwrap().json();
    assert_eq!(sent["expectedVersion"], json!("v1"));
    assert_eq!(sent["reviewers"]["add"], json!(["mem_0000000002"]));
    assert_eq!(sent["senders"]["remove"], json!(["snd_0000000001"]));
    assert_eq!((v2.name(), v2.version()), (Some("Outbound 2"), Some("v2")));
    assert_eq!(v2.senders(), ["snd_0000000002"]);

    let stale = sequences
        .publish(&id, "v1")
        .send()
        .await
        .expect_err("stale");
    assert_eq!(stale.kind(), Some(&ErrorKind::Conflict));
    assert!(stale.to_string().contains("reload the draft"), "{stale}");
    let published = sequences.publish(&id, "v2").send().await.unwrap();
    assert_eq!(
        published.steps()[0].step_type,
        Some(StepType::LinkedinInvite)
    );
    assert_eq!(published.status(), Some("DRAFT"), "not activated yet");
    let active = sequences.activate(&id).send().await.unwrap();
    assert_eq!(active.status(), Some("ACTIVE"));
    let stopped = sequences.deactivate(&id).send().await.unwrap();
    assert_eq!(stopped.status(), Some("DEACTIVATED"));
    let by_status = |status: &'static str| {
        sequences
            .list()
            .limit(5)
            .filter("status", lightfield::Op::Equal, status)
            .send()
    };
    assert_eq!(by_status("DEACTIVATED").await.unwrap().total_count, 1);
    assert_eq!(by_status("ACTIVE").await.unwrap().total_count, 0);

    // No draft is open after publishing: a change without a version opens the next one.
    let v3 = sequences
        .update_draft(&id)
        .name("Outbound 3")
        .send()
        .await
        .unwrap();
    assert_eq!(v3.version(), Some("v3"));
    let discarded = sequences.discard(&id, "v3").send().await.unwrap();
    assert_eq!(discarded["sequenceDeleted"], json!(false));
    let variables = sequences.template_variables().send().await.unwrap();
    assert!(variables.iter().any(|v| v.group() == Some("account")));
}

#[test]
fn steps_of_a_type_this_sdk_does_not_know_are_kept_whole() {
    let raw = json!({"sequenceId": "seq_1", "version": "v1", "definition": {"steps": [
        {"type": "EMAIL", "mode": "AGENT", "name": "Intro"},
        {"type": "VOICE_CALL", "name": "Call", "script": "new in a later API"}
    ]}});
    let draft = lightfield::preview::Draft::from(raw.as_object().cloned().unwrap_or_default());
    let steps = draft.steps();
    assert_eq!(
        steps[1].step_type,
        Some(StepType::Other("VOICE_CALL".into()))
    );
    assert_eq!(steps[1].raw["script"], json!("new in a later API"));
}

#[tokio::test]
async fn enrollments_are_all_or_nothing_and_tests_are_waited_for() {
    let (server, client) = setup().await;
    let draft = client
        .sequences()
        .create("Nurture", definition(json!([])))
        .send()
        .await
        .unwrap();
    let sequence = client
        .sequences()
        .publish(draft.sequence_id(), draft.version().unwrap_or_default())
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
        .enrollments(sequence.id())
        .limit(25)
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
        .messages(sequence.id())
        .limit(10)
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
