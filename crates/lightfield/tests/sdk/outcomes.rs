//! A write is sent again only when the API deduplicates it or repeating it is harmless
//! (the spec's table of operations, from the reference's `x-idempotency-key`). Any other
//! write whose answer is lost ends in `Error::OutcomeUnknown`, never in a second attempt.
//! Over real HTTP against lightfield-mock, which deduplicates only the keyed writes.

use std::time::Duration;

use crate::common::*;
use lightfield::Error;
use lightfield_mock::Fault;

const VENDORS: &str = "/v1/objects/vendor/values";

fn posts_to(server: &lightfield_mock::MockServer, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

fn unknown(error: Error) -> Box<lightfield::OutcomeUnknown> {
    match error {
        Error::OutcomeUnknown(u) => u,
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
}

#[tokio::test]
async fn a_lost_answer_to_an_object_create_is_not_sent_again() {
    let (server, client) = setup_direct().await;
    server.inject(Fault::drop_after_commit().method("POST").path(VENDORS));
    let error = client
        .object("vendor")
        .create()
        .field("$name", "Parts Co")
        .send()
        .await
        .expect_err("the answer was lost");
    assert!(
        error.is_outcome_unknown() && !error.is_retryable(),
        "{error}"
    );
    let text = error.to_string();
    let outcome = unknown(error);
    assert!(!outcome.deduplicated);
    assert_eq!(outcome.operation, "object_create");
    assert!(text.contains("does not deduplicate"), "{text}");
    assert_eq!(posts_to(&server, VENDORS), 1, "sent once");
    assert_eq!(server.record_count_of("vendor"), 1, "carried out once");
}

#[tokio::test]
async fn a_keyed_create_whose_answers_are_all_lost_says_which_key_replays_it() {
    let (server, client) = setup_direct().await;
    server.inject(
        Fault::drop_after_commit()
            .method("POST")
            .path("/v1/accounts")
            .times(3),
    );
    let error = client
        .accounts()
        .create("Once")
        .send()
        .await
        .expect_err("every answer was lost");
    assert_eq!(
        error.attempts(),
        Some(3),
        "retried: the API deduplicates it"
    );
    let outcome = unknown(error);
    assert!(outcome.deduplicated);
    let key = outcome.idempotency_key.clone().expect("the key is given");
    assert!(outcome.to_string().contains(&key));
    assert_eq!(server.record_count(), 1, "three attempts, one record");
    let again = client
        .accounts()
        .create("Once")
        .idempotency_key(&key)
        .send_with_response()
        .await
        .expect("the same key answers the first write");
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(again.value().id, server.records()[0]["id"]);
    assert_eq!(server.record_count(), 1);
}

#[tokio::test]
async fn a_503_is_retried_only_where_repeating_is_harmless() {
    let (server, client) = setup_direct().await;
    // Unsafe: one attempt, and the caller hears that it may have happened.
    server.inject(Fault::status(503).method("POST").path(VENDORS));
    let error = client
        .object("vendor")
        .create()
        .field("$name", "Parts Co")
        .send()
        .await
        .expect_err("not retried");
    assert_eq!(posts_to(&server, VENDORS), 1);
    assert_eq!(unknown(error).source.status(), Some(503));

    // Idempotent by nature (a restore): retried to success.
    let vendor = client
        .object("vendor")
        .create()
        .field("$name", "Spare")
        .send()
        .await
        .expect("created");
    client
        .object("vendor")
        .delete(&vendor.id)
        .send()
        .await
        .expect("trashed");
    server.clear_requests();
    server.inject(Fault::status(503).method("POST").path(VENDORS));
    let restored = client
        .object("vendor")
        .restore(&vendor.id)
        .send_with_response()
        .await
        .expect("retried");
    assert_eq!(restored.attempts(), 2);

    // A 429 is a refusal before anything is done: retried even for an unsafe write.
    server.clear_requests();
    server.inject(Fault::rate_limited(0).method("POST").path(VENDORS));
    client
        .object("vendor")
        .create()
        .field("$name", "Third")
        .send()
        .await
        .expect("retried after the 429");
    assert_eq!(posts_to(&server, VENDORS), 2);
    // The 503 came before handling, so only the two others were made.
    assert_eq!(server.record_count_of("vendor"), 2);
}

#[tokio::test]
async fn a_deadline_that_cuts_an_unsafe_write_short_leaves_its_outcome_unknown() {
    let (server, client) = setup_direct().await;
    server.inject(Fault::delay(Duration::from_millis(400)).path(VENDORS));
    let error = client
        .object("vendor")
        .create()
        .field("$name", "Slow")
        .deadline(Duration::from_millis(100))
        .send()
        .await
        .expect_err("cut short");
    assert!(matches!(unknown(error).source, Error::Timeout { .. }));
    // A read cut short is a plain timeout: nothing to be unsure of.
    server.inject(Fault::delay(Duration::from_millis(400)).path("/v1/accounts"));
    let read = client
        .accounts()
        .list()
        .deadline(Duration::from_millis(100))
        .send()
        .await
        .expect_err("cut short");
    assert!(matches!(read, Error::Timeout { .. }), "{read:?}");
}

#[tokio::test]
async fn the_mock_repeats_an_unkeyed_write_and_forgets_keys_on_demand() {
    let (server, client) = setup_direct().await;
    for _ in 0..2 {
        client
            .object("vendor")
            .create()
            .field("$name", "Twice")
            .idempotency_key("same-key")
            .send()
            .await
            .expect("created");
    }
    assert_eq!(
        server.record_count_of("vendor"),
        2,
        "the API does not deduplicate object creates"
    );
    let create = || {
        client
            .accounts()
            .create("Keyed")
            .idempotency_key("k-1")
            .send()
    };
    let first = create().await.expect("created");
    assert_eq!(create().await.expect("replayed").id, first.id);
    assert_eq!(server.record_count(), 1);
    server.forget_idempotency_keys();
    assert_ne!(create().await.expect("written again").id, first.id);
    assert_eq!(server.record_count(), 2, "a forgotten key writes again");
}

#[tokio::test]
async fn a_definite_refusal_after_a_doubtful_attempt_is_a_plain_refusal() {
    let (server, client) = setup_direct().await;
    // The first attempt fails before handling; the retry is refused for its data. The
    // refusal settles what became of the write: it is an API error, not an unknown outcome.
    server.inject(Fault::status(503).method("POST").path("/v1/accounts"));
    let error = client
        .accounts()
        .create("Acme")
        .field("tier", "Platinum")
        .send()
        .await
        .expect_err("refused");
    assert!(!error.is_outcome_unknown(), "{error:?}");
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.attempts(), Some(2));
    // The same refusal of an unsafe write at the first attempt: plain too.
    let error = client
        .object("vendor")
        .create()
        .field("$name", "Parts Co")
        .field("category", "not-an-option")
        .send()
        .await
        .expect_err("refused");
    assert!(!error.is_outcome_unknown(), "{error:?}");
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn a_raw_write_is_unsafe_and_a_raw_read_is_retried() {
    let (server, client) = setup_direct().await;
    server.inject(Fault::status(503).method("POST").path("/v1/accounts"));
    let write = client
        .raw(http::Method::POST, "/v1/accounts")
        .json(serde_json::json!({"fields": {"$name": "Raw"}}))
        .send()
        .await
        .expect_err("not retried");
    assert!(write.is_outcome_unknown(), "{write:?}");
    assert_eq!(posts_to(&server, "/v1/accounts"), 1);
    server.inject(Fault::status(503).method("GET").path("/v1/accounts"));
    let read = client
        .raw(http::Method::GET, "/v1/accounts")
        .send()
        .await
        .expect("retried");
    assert_eq!(read.attempts(), 2);
}
