//! Never lose or duplicate a write: retries, timeouts, rate limits and bulk work under
//! faults injected into lightfield-mock, over real HTTP. The client talks to the mock
//! directly: injected faults are answers the API never gives, which the reference proxy
//! would turn into violations.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

use crate::common::*;
use futures_util::{StreamExt, TryStreamExt};
use lightfield::{Client, Error, ErrorKind};
use lightfield_mock::{Fault, MockConfig, MockServer};

#[tokio::test]
async fn a_create_whose_response_is_lost_is_retried_and_leaves_one_record() {
    let (server, client) = setup_direct().await;
    server.inject(Fault::drop_after_commit().method("POST"));
    let response = client
        .accounts()
        .create("Once")
        .send_with_response()
        .await
        .expect("retried to success");
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.record_count(), 1, "no duplicate");
    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].status, None, "the first answer was lost");
    assert_eq!(
        log[0].header("idempotency-key"),
        log[1].header("idempotency-key"),
        "same key on the retry"
    );
    assert_eq!(
        response
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(response.value().id, server.records()[0]["id"]);
}

#[tokio::test]
async fn transient_statuses_and_connection_drops_are_retried() {
    let (server, client) = setup_direct().await;
    for status in [408u16, 429, 500, 502, 503, 504] {
        server.clear_requests();
        server.inject(Fault::status(status).times(2));
        let response = client
            .accounts()
            .definitions()
            .send_with_response()
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(response.attempts(), 3, "{status}");
        assert_eq!(server.requests().len(), 3, "{status}");
    }
    server.inject(Fault::drop_before_handling());
    let response = client
        .accounts()
        .list()
        .send_with_response()
        .await
        .expect("retried after a dropped connection");
    assert_eq!(response.attempts(), 2);

    // A plain 409 `conflict` (a duplicate, a stale version) would answer the same again:
    // sent once. An `idempotency_conflict` (the same key still in flight) is retried.
    server.clear_requests();
    server.inject(Fault::status(409).times(1));
    let err = client
        .accounts()
        .definitions()
        .send()
        .await
        .expect_err("conflict");
    assert_eq!((err.attempts(), server.requests().len()), (Some(1), 1));
    server.clear_requests();
    server.inject(Fault::idempotency_conflict().times(1));
    client
        .accounts()
        .create("Retried")
        .send()
        .await
        .expect("retried");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let (server, client) = setup_direct().await;
    for status in [400u16, 401, 403, 404, 415, 422] {
        server.clear_requests();
        server.inject(Fault::status(status));
        let err = client
            .accounts()
            .create("X")
            .send()
            .await
            .expect_err("refused");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.attempts(), Some(1), "{status}");
        assert_eq!(server.requests().len(), 1, "{status} was sent once");
    }
    assert_eq!(server.record_count(), 0);
}

#[tokio::test]
async fn retries_are_bounded_and_counted_and_settable_per_request() {
    let (server, client) = setup_direct().await;
    server.inject(Fault::status(503).always());
    let err = client
        .accounts()
        .retrieve("acc_1")
        .send()
        .await
        .expect_err("never succeeds");
    assert_eq!(
        (err.status(), err.attempts()),
        (Some(503), Some(3)),
        "default: 2 retries"
    );
    assert_eq!(err.kind(), Some(&ErrorKind::Server));
    assert!(
        err.is_retryable() && !err.is_not_found(),
        "a 5xx may succeed later"
    );
    assert!(err.to_string().contains("3 attempt(s)"), "{err}");
    server.clear_requests();
    let err = client
        .accounts()
        .retrieve("acc_1")
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), Some(1));
    let err = client
        .accounts()
        .retrieve("acc_1")
        .max_retries(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), Some(6));
    assert_eq!(server.requests().len(), 7);

    let strict = direct_client(&server).max_retries(0).build().unwrap();
    assert_eq!(
        strict
            .accounts()
            .list()
            .send()
            .await
            .unwrap_err()
            .attempts(),
        Some(1)
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let (server, client) = setup_direct().await;
    server.inject(Fault::rate_limited(1));
    let started = Instant::now();
    let response = client
        .accounts()
        .create("Patient")
        .send_with_response()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(response.attempts(), 2);
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");

    // A Retry-After longer than the cap is cut down to the cap.
    let capped = direct_client(&server)
        .max_retry_after(Duration::from_millis(100))
        .build()
        .unwrap();
    server.inject(Fault::rate_limited(30));
    let started = Instant::now();
    capped.accounts().definitions().send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));

    // With retries off, the caller sees how long to wait.
    server.inject(Fault::rate_limited(7));
    let err = client
        .accounts()
        .definitions()
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(
        (api.kind.clone(), api.retry_after),
        (ErrorKind::RateLimited, Some(Duration::from_secs(7)))
    );
}

#[tokio::test]
async fn a_concurrent_repeat_of_the_same_write_waits_for_the_first_and_gets_its_result() {
    let (server, client) = setup_direct().await;
    server.inject(Fault::delay(Duration::from_millis(300)));
    let first = client
        .accounts()
        .create("Shared")
        .idempotency_key("shared-key")
        .send();
    let second = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        client
            .accounts()
            .create("Shared")
            .idempotency_key("shared-key")
            .max_retries(10)
            .send_with_response()
            .await
    };
    let (a, b) = tokio::join!(first, second);
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.id, b.value().id);
    assert!(
        b.attempts() >= 2,
        "the second saw idempotency_conflict first"
    );
    assert_eq!(server.record_count(), 1);
    assert!(server.status_count(409) >= 1);
}

#[tokio::test]
async fn timeouts_fire_within_their_budget() {
    let (server, _) = setup_direct().await;
    let client = direct_client(&server)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    server.inject(Fault::delay(Duration::from_secs(3)));
    let started = Instant::now();
    let err = client.accounts().list().send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );

    // A deadline bounds the whole call, retries and backoff included.
    server.inject(Fault::delay(Duration::from_secs(3)).times(10));
    let started = Instant::now();
    let err = client
        .accounts()
        .list()
        .timeout(Duration::from_millis(150))
        .max_retries(10)
        .deadline(Duration::from_millis(500))
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    assert!(err.attempts().unwrap_or(0) >= 2, "{err:?}");
}

#[tokio::test]
async fn an_attempt_that_times_out_is_retried_and_the_retry_answers() {
    let (server, seeded) = setup_direct().await;
    let created = seeded.accounts().create("Slow").send().await.unwrap();
    let client = direct_client(&server)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();
    // The first attempt is held past its time; the retry answers.
    server.inject(Fault::delay(Duration::from_secs(2)));
    let response = client
        .accounts()
        .retrieve(&created.id)
        .send_with_response()
        .await
        .expect("the second attempt succeeds");
    assert_eq!(response.attempts(), 2);
    assert_eq!(response.value().name(), Some("Slow"));
}

#[tokio::test]
async fn a_thousand_creates_under_twenty_percent_faults_make_exactly_a_thousand_records() {
    let server = MockServer::start_with(MockConfig {
        rate_limit: None,
        seed: 20261129,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    server.inject(
        Fault::drop_after_commit()
            .method("POST")
            .probability(0.08)
            .always(),
    );
    server.inject(Fault::status(503).method("POST").probability(0.08).always());
    server.inject(
        Fault::rate_limited(1)
            .method("POST")
            .probability(0.05)
            .always(),
    );
    let client: Client = direct_client(&server).max_retries(8).build().unwrap();
    let started = Instant::now();
    let writes = (0..1000).map(|i| {
        client
            .accounts()
            .create(format!("Bulk {i:04}"))
            .field("seats", i)
    });
    let results: Vec<_> = lightfield::bulk::send_all(writes, 32).collect().await;
    let elapsed = started.elapsed();
    let errors: Vec<_> = results
        .iter()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| format!("{i}: {e}")))
        .collect();
    assert!(errors.is_empty(), "errors reached the caller: {errors:?}");
    let positions: BTreeSet<usize> = results.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        positions.len(),
        1000,
        "every input position is reported once"
    );
    for (i, result) in &results {
        let account = result.as_ref().unwrap();
        assert_eq!(
            account.name(),
            Some(format!("Bulk {i:04}").as_str()),
            "result matches its input"
        );
    }
    let records = server.records();
    let names: HashSet<_> = records
        .iter()
        .map(|r| r["fields"]["$name"]["value"].as_str().unwrap().to_string())
        .collect();
    let requests = server.requests();
    let faulted = requests.iter().filter(|r| r.status != Some(200)).count();
    eprintln!(
        "1000 creates: {} records, {} distinct names, {} requests, {} faulted ({:.1}%), {:.2?}",
        records.len(),
        names.len(),
        requests.len(),
        faulted,
        100.0 * faulted as f64 / requests.len() as f64,
        elapsed
    );
    assert_eq!(records.len(), 1000, "exactly one record per create");
    assert_eq!(names.len(), 1000, "no duplicates");
    assert!(
        faulted as f64 / requests.len() as f64 > 0.12,
        "the faults really happened"
    );
}

#[tokio::test]
async fn bulk_work_at_the_default_limit_meets_no_429() {
    let server = MockServer::start().await.unwrap(); // 25/s per category, like the API
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .build()
        .unwrap();
    let started = Instant::now();
    let writes = (0..60).map(|i| client.accounts().create(format!("Paced {i:02}")));
    let results: Vec<_> = lightfield::bulk::send_all(writes, 16).collect().await;
    let create_time = started.elapsed();
    assert!(results.iter().all(|(_, r)| r.is_ok()));

    let started = Instant::now();
    let exported: Vec<_> = client
        .accounts()
        .list()
        .limit(5)
        .export(8)
        .try_collect()
        .await
        .unwrap();
    let export_time = started.elapsed();
    let expected: Vec<String> = server.record_ids();
    assert_eq!(
        exported.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        expected,
        "complete and in order"
    );
    assert_eq!(server.status_count(429), 0, "no request met a 429");
    eprintln!(
        "at 25/s: 60 creates in {create_time:.2?} ({:.1}/s), export of 12 pages in {export_time:.2?} ({:.1} pages/s), 429s: 0",
        60.0 / create_time.as_secs_f64(),
        12.0 / export_time.as_secs_f64()
    );

    let capped: Vec<_> = client
        .accounts()
        .list()
        .limit(5)
        .max_items(13)
        .export(4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(capped.len(), 13);
    assert_eq!(
        capped.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        expected[..13]
    );
}

#[tokio::test]
async fn the_limiter_learns_a_lower_server_limit() {
    let server = MockServer::start_with(MockConfig {
        rate_limit: Some(5),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..15 {
        client.accounts().definitions().send().await.unwrap();
    }
    let elapsed = started.elapsed();
    // The first response says the limit is 5/s; the client slows down to match, so at most
    // the first burst can meet a 429 and every call still succeeds.
    assert!(
        server.status_count(429) <= 1,
        "429s: {}",
        server.status_count(429)
    );
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
}
