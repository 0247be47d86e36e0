//! Senders and sequences, sent when the `preview` feature is on.
#![cfg(feature = "preview")]

use lightfield::Client;
use serde_json::json;

use crate::harness::Seen;

/// Senders and sequences.
pub async fn preview(client: &Client, seen: &mut Seen) {
    use lightfield::preview::Pacing;
    let senders = client.senders();
    seen.check(
        "sender_list".into(),
        senders
            .list()
            .limit(5)
            .filter("channel", lightfield::Op::Equal, "EMAIL")
            .send_with_response()
            .await,
    );
    seen.check(
        "sender_retrieve".into(),
        senders.retrieve("snd_1").send_with_response().await,
    );
    let mut pacing = std::collections::BTreeMap::new();
    pacing.insert(
        "EMAIL".to_string(),
        Pacing {
            daily_limit: 10,
            min_gap_seconds: 5,
            max_gap_seconds: None,
        },
    );
    seen.check(
        "sender_update".into(),
        senders
            .update_pacing("snd_1", pacing)
            .send_with_response()
            .await,
    );
    seen.check(
        "sender_mark_healthy".into(),
        senders.mark_healthy("snd_1").send_with_response().await,
    );
    let s = client.sequences();
    let definition = json!({"description": "Intro", "steps": [{"type": "EMAIL", "name": "Intro", "prompt": "hi", "deliveryMode": "AUTO"}]});
    let definition = definition.as_object().cloned().unwrap_or_default();
    seen.check(
        "sequence_create".into(),
        s.create("Seq", definition.clone())
            .reviewers(["mem_1"])
            .senders(["snd_1"])
            .send_with_response()
            .await,
    );
    seen.check(
        "sequence_list".into(),
        s.list()
            .limit(5)
            .filter("status", lightfield::Op::Equal, "ACTIVE")
            .send_with_response()
            .await,
    );
    seen.check(
        "sequence_retrieve".into(),
        s.retrieve("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_activate".into(),
        s.activate("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_deactivate".into(),
        s.deactivate("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_draft".into(),
        s.draft("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_update_draft".into(),
        s.update_draft("seq_1")
            .expected_version("v1")
            .name("Seq 2")
            .definition(definition)
            .add_reviewers(["mem_1"])
            .remove_senders(["snd_2"])
            .send_with_response()
            .await,
    );
    seen.check(
        "sequence_publish".into(),
        s.publish("seq_1", "v2").send_with_response().await,
    );
    seen.check(
        "sequence_discard".into(),
        s.discard("seq_1", "v3").send_with_response().await,
    );
    seen.check(
        "sequence_enrollments".into(),
        s.enrollments("seq_1").limit(10).send_with_response().await,
    );
    seen.check(
        "sequence_enrollment".into(),
        s.enrollment("seq_1", "enr_1").send_with_response().await,
    );
    seen.check(
        "sequence_messages".into(),
        s.messages("seq_1").limit(10).send_with_response().await,
    );
    seen.check(
        "sequence_message".into(),
        s.message("seq_1", "sqm_1").send_with_response().await,
    );
    seen.check(
        "sequence_performance".into(),
        s.performance("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_start_test".into(),
        s.start_test("seq_1", "con_1", Some("v2".into()))
            .send_with_response()
            .await,
    );
    seen.check(
        "sequence_test".into(),
        s.test("seq_1", "sqt_1").send_with_response().await,
    );
    seen.check(
        "sequence_template_variables".into(),
        s.template_variables().send_with_response().await,
    );
    // `sequence_enroll` answers results, not a Response: a refusal by the spec is an error.
    let enrolled = s
        .enroll("seq_1")
        .add(["con_1"])
        .remove(["con_2"])
        .send()
        .await;
    seen.check_sent("sequence_enroll", enrolled);
}
