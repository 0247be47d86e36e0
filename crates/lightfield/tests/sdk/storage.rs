//! File transfers against a storage host that misbehaves: the SDK reads a refusal's body
//! only as far as an error shows it, gives up on a host that says nothing, and never puts
//! the signed URL (a credential) in an error.

use std::time::{Duration, Instant};

use crate::common::raw::{Reply, answer, raw};
use lightfield::{Client, Error};

const SECRET: &str = "X-Amz-Signature=SECRET_SIGNATURE";

/// An API that hands out a download URL on `storage`, whatever `storage` does with it.
async fn api_pointing_at(storage: &str) -> crate::common::raw::Raw {
    let url = format!("{storage}/storage/fil_1?{SECRET}");
    raw(move |_, _| {
        let body = format!(r#"{{"url":"{url}","expiresAt":"2026-12-31T00:00:00Z"}}"#);
        answer("200 OK", &[("content-type", "application/json")], &body)
    })
    .await
}

fn client(api: &crate::common::raw::Raw) -> Client {
    Client::builder()
        .api_key("sk_lf_storage")
        .base_url(&api.url)
        .rate_limit(None)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client")
}

#[tokio::test]
async fn an_endless_refusal_is_read_a_few_kib_deep() {
    // A 500 whose body never ends: the SDK must stop reading, not wait or fill memory.
    let storage = raw(|_, _| {
        let head = "HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked\r\n\r\n";
        Reply::Endless(head.as_bytes().to_vec())
    })
    .await;
    let api = api_pointing_at(&storage.url).await;
    let started = Instant::now();
    let err = client(&api)
        .files()
        .download("fil_1")
        .await
        .expect_err("500");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let shown = err.to_string();
    assert_eq!(err.status(), Some(500), "{shown}");
    assert!(
        shown.contains("storage host refused the download"),
        "{shown}"
    );
    assert!(shown.len() < 8 * 1024, "{} bytes", shown.len());
    assert!(!shown.contains("scope"), "not the API's advice: {shown}");
}

#[tokio::test]
async fn a_storage_redirect_is_named_by_scheme_and_host_only() {
    // S3's region redirects carry the signature in their Location.
    let storage = raw(|_, _| {
        let location = format!("http://elsewhere.example:9000/bucket/fil_1?{SECRET}");
        answer("302 Found", &[("location", location.as_str())], "")
    })
    .await;
    let api = api_pointing_at(&storage.url).await;
    let err = client(&api)
        .files()
        .download("fil_1")
        .await
        .expect_err("302");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("http://elsewhere.example"), "{shown}");
    assert!(!shown.contains("SECRET_SIGNATURE"), "{shown}");
    assert!(!shown.contains("/bucket/"), "{shown}");
}

#[tokio::test]
async fn a_storage_host_that_says_nothing_costs_an_error_not_a_hang() {
    let storage = raw(|_, _| Reply::Silent).await;
    let api = api_pointing_at(&storage.url).await;
    let started = Instant::now();
    let err = client(&api)
        .files()
        .download("fil_1")
        .await
        .expect_err("silent");
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(10), "waited {waited:?}");
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::Network { .. }), "{shown}");
    assert!(
        !shown.contains("SECRET_SIGNATURE"),
        "the signed URL leaked: {shown}"
    );
}

#[test]
fn plain_http_leaves_this_machine_only_when_allowed() {
    let builder = |url: &str| Client::builder().api_key("sk_lf_storage").base_url(url);
    let refused = builder("http://crm.example.com")
        .build()
        .expect_err("plain http");
    assert!(refused.to_string().contains("unencrypted"), "{refused}");
    assert!(!refused.to_string().contains("sk_lf_storage"));
    assert!(
        builder("http://crm.example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    for local in [
        "http://127.0.0.1:4010",
        "http://localhost:4010",
        "http://[::1]:4010",
    ] {
        assert!(builder(local).build().is_ok(), "{local}");
    }
}
