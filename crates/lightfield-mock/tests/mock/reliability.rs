//! Idempotency, rate limits, fault injection and the binary, over HTTP.

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use crate::common::*;
use lightfield_mock::{Fault, MockConfig, MockServer};
use serde_json::{Value, json};

async fn create_with_key(server: &MockServer, key: &str, body: Value) -> reqwest::Response {
    http()
        .post(format!("{}/v1/accounts", server.url()))
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .expect("answered")
}

#[tokio::test]
async fn a_repeated_key_replays_the_first_response() {
    let server = unlimited().await;
    let first = create_with_key(&server, "k1", json!({"fields": {"$name": "Once"}})).await;
    let first: Value = first.json().await.unwrap();
    let second = create_with_key(&server, "k1", json!({"fields": {"$name": "Once"}})).await;
    assert_eq!(
        second
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    let second: Value = second.json().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(server.record_count(), 1);
    // The same key on another operation type is a different key.
    let id = first["id"].as_str().unwrap();
    let update = http()
        .post(format!("{}/v1/accounts/{id}", server.url()))
        .header("idempotency-key", "k1")
        .json(&json!({"fields": {"seats": 3}}))
        .send()
        .await
        .unwrap();
    assert_eq!(update.status(), 200);
    assert_eq!(
        update.json::<Value>().await.unwrap()["fields"]["seats"]["value"],
        3
    );
}

#[tokio::test]
async fn a_concurrent_repeat_gets_idempotency_conflict() {
    let server = unlimited().await;
    server.inject(Fault::delay(Duration::from_millis(400)));
    let body = json!({"fields": {"$name": "Slow"}});
    let (a, b) = tokio::join!(create_with_key(&server, "same", body.clone()), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        create_with_key(&server, "same", body.clone()).await
    });
    assert_eq!(a.status(), 200);
    assert_eq!(b.status(), 409);
    assert_eq!(
        b.json::<Value>().await.unwrap()["type"],
        "idempotency_conflict"
    );
    assert_eq!(server.record_count(), 1);
}

#[tokio::test]
async fn a_failed_first_attempt_frees_the_key() {
    let server = unlimited().await;
    let bad = create_with_key(&server, "retry-me", json!({"fields": {"seats": 1}})).await;
    assert_eq!(bad.status(), 400);
    let good = create_with_key(
        &server,
        "retry-me",
        json!({"fields": {"$name": "Second try"}}),
    )
    .await;
    assert_eq!(good.status(), 200);
    assert_eq!(server.record_count(), 1);
}

#[tokio::test]
async fn long_keys_are_refused_and_keys_expire() {
    let server = MockServer::start_with(MockConfig {
        rate_limit: None,
        idempotency_ttl: Duration::from_millis(150),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let long = "k".repeat(256);
    let response = create_with_key(&server, &long, json!({"fields": {"$name": "X"}})).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["param"],
        "Idempotency-Key"
    );
    let ok = create_with_key(&server, &"k".repeat(255), json!({"fields": {"$name": "X"}})).await;
    assert_eq!(ok.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let again = create_with_key(&server, &"k".repeat(255), json!({"fields": {"$name": "X"}})).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        server.record_count(),
        2,
        "an expired key runs the operation again"
    );
}

#[tokio::test]
async fn rate_limits_are_per_category_with_headers() {
    let server = MockServer::start_with(MockConfig {
        rate_limit: Some(5),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let mut statuses = Vec::new();
    let burst = std::time::Instant::now();
    for _ in 0..8 {
        let r = http()
            .get(format!("{}/v1/accounts/definitions", server.url()))
            .send()
            .await
            .unwrap();
        for h in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ] {
            assert!(r.headers().contains_key(h), "{h} missing");
        }
        assert_eq!(r.headers()["x-ratelimit-limit"], "5");
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry >= 1);
            assert_eq!(
                r.json::<Value>().await.unwrap()["type"],
                "too_many_requests"
            );
        }
    }
    // Five from the full bucket, plus one for every 200 ms of refill the burst took (a
    // loaded machine is slow): never more, and some refused while the burst was faster
    // than the refill.
    let elapsed = burst.elapsed().as_secs_f64();
    let refilled = (elapsed * 5.0).floor() as usize;
    let allowed = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        (5..=5 + refilled + 1).contains(&allowed),
        "{statuses:?} in {elapsed:.2}s"
    );
    if refilled < 3 {
        assert!(statuses.contains(&429), "{statuses:?} in {elapsed:.2}s");
    }
    // Search has its own bucket.
    let (status, _) = get(&server, "/v1/accounts").await;
    assert_eq!(status, 200);
    server.set_rate_limit(None);
    let (status, _) = get(&server, "/v1/accounts/definitions").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn faults_by_count_path_method_and_kind() {
    let server = unlimited().await;
    server.inject(
        Fault::status(503)
            .method("GET")
            .path("/v1/accounts/definitions")
            .times(2),
    );
    server.inject(Fault::rate_limited(7).method("POST"));
    assert_eq!(get(&server, "/v1/accounts/definitions").await.0, 503);
    assert_eq!(
        get(&server, "/v1/accounts").await.0,
        200,
        "other paths are untouched"
    );
    assert_eq!(get(&server, "/v1/accounts/definitions").await.0, 503);
    assert_eq!(get(&server, "/v1/accounts/definitions").await.0, 200);
    let limited = create_with_key(&server, "a", json!({"fields": {"$name": "X"}})).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    assert_eq!(server.record_count(), 0, "a faulted write is not committed");
    assert_eq!(server.status_count(503), 2);
}

#[tokio::test]
async fn drop_after_commit_loses_the_response_but_keeps_the_write() {
    let server = unlimited().await;
    server.inject(Fault::drop_after_commit());
    let result = http()
        .post(format!("{}/v1/accounts", server.url()))
        .header("idempotency-key", "lost")
        .json(&json!({"fields": {"$name": "Lost"}}))
        .send()
        .await;
    let lost = match result {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(lost, "the client must not receive a response");
    assert_eq!(server.record_count(), 1);
    assert_eq!(server.requests()[0].status, None);
    // The retry with the same key gets the stored response, not a second record.
    let replay = create_with_key(&server, "lost", json!({"fields": {"$name": "Lost"}})).await;
    assert_eq!(replay.status(), 200);
    assert_eq!(server.record_count(), 1);

    server.inject(Fault::drop_before_handling());
    let dropped = http()
        .get(format!("{}/v1/accounts", server.url()))
        .send()
        .await;
    assert!(dropped.is_err() || dropped.unwrap().bytes().await.is_err());
}

#[tokio::test]
async fn latency_and_delays_slow_responses() {
    let server = unlimited().await;
    server.set_latency(Duration::from_millis(120));
    let start = Instant::now();
    get(&server, "/v1/accounts").await;
    assert!(start.elapsed() >= Duration::from_millis(120));
    server.set_latency(Duration::ZERO);
    server.inject(Fault::delay(Duration::from_millis(150)));
    let start = Instant::now();
    get(&server, "/v1/accounts").await;
    assert!(start.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn probabilistic_faults_hit_about_their_share() {
    let server = unlimited().await;
    server.inject(Fault::status(500).probability(0.3).always());
    let mut failures = 0;
    for _ in 0..200 {
        if get(&server, "/v1/accounts/definitions").await.0 == 500 {
            failures += 1;
        }
    }
    assert!((30..=90).contains(&failures), "{failures} of 200 failed");
}

#[tokio::test]
async fn many_servers_run_at_once_and_stop_on_shutdown() {
    let a = unlimited().await;
    let b = unlimited().await;
    assert_ne!(a.url(), b.url());
    post(
        &a,
        "/v1/accounts",
        json!({"fields": {"$name": "only in a"}}),
    )
    .await;
    assert_eq!((a.record_count(), b.record_count()), (1, 0));
    let url = b.url().to_string();
    b.shutdown().await;
    let after = bare_http()
        .get(format!("{url}/v1/accounts"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(after.is_err(), "a stopped server refuses connections");
}

#[test]
fn the_binary_serves_until_killed() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lightfield-mock"))
        .args(["--port", "0", "--rate-limit", "off"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("banner");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("url in banner")
        .to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        http()
            .get(format!("{url}/v1/accounts/definitions"))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status.expect("answered"), 200);
}
