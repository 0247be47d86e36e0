//! The SDK against deliberately misbehaving servers: a raw-socket server (not
//! lightfield-mock) that answers exactly the bytes a test scripts. Every case must end in
//! an error that says what happened — no panic, no unbounded memory, no redirect followed,
//! no wait past what the caller allowed.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::common::raw::{Raw, Reply, answer, raw};
use lightfield::{Client, Error, ErrorKind, RecordStatus};

const RECORD: &str = r#"{"id":"acc_1","createdAt":"2026-01-01T00:00:00Z","fields":{"$name":{"value":"Acme","valueType":"TEXT"}},"relationships":{}}"#;

fn client(server: &Raw) -> lightfield::ClientBuilder {
    Client::builder()
        .api_key("sk_lf_hostile")
        .base_url(&server.url)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .rate_limit(None)
}

#[tokio::test]
async fn retry_after_of_any_size_saturates_to_the_cap() {
    for value in [
        "1e300",
        "inf",
        "18446744073709551616",
        "99999999999999999999999",
    ] {
        let server = raw(move |_, _| {
            answer(
                "429 Too Many Requests",
                &[("retry-after", value), ("retry-after-ms", value)],
                r#"{"type":"too_many_requests","message":"slow"}"#,
            )
        })
        .await;
        let client = client(&server)
            .max_retries(1)
            .max_retry_after(Duration::from_millis(50))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = client
            .accounts()
            .retrieve("acc_1")
            .send()
            .await
            .expect_err("429");
        assert_eq!(err.kind(), Some(&ErrorKind::RateLimited), "{value}");
        assert_eq!(
            server.served.load(Ordering::SeqCst),
            2,
            "{value}: retried once"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{value}: capped wait, took {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn huge_and_endless_bodies_are_refused_without_retry() {
    let declared = raw(|_, _| {
        Reply::Bytes(b"HTTP/1.1 200 OK\r\ncontent-length: 1073741824\r\n\r\n{".to_vec())
    })
    .await;
    let c = client(&declared).build().unwrap();
    let err = c
        .accounts()
        .retrieve("acc_1")
        .send()
        .await
        .expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit } if limit == 32 * 1024 * 1024),
        "{err:?}"
    );
    assert_eq!(declared.served.load(Ordering::SeqCst), 1, "not retried");

    let endless = raw(|_, _| {
        Reply::Endless(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec())
    })
    .await;
    let c = client(&endless)
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();
    let err = c.accounts().list().send().await.expect_err("endless");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1_048_576 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("max_response_size"));
    let err = c
        .raw(http::Method::GET, "/v1/accounts")
        .send()
        .await
        .expect_err("raw too");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn redirects_are_errors_that_name_the_location() {
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let server = raw(move |_, _| {
            answer(
                status,
                &[("location", "https://elsewhere.example/v1/accounts")],
                "",
            )
        })
        .await;
        let c = client(&server).build().unwrap();
        let err = c
            .accounts()
            .create("Acme")
            .send()
            .await
            .expect_err("redirect");
        assert_eq!(err.kind(), Some(&ErrorKind::Redirect), "{status}");
        assert!(
            err.to_string().contains("https://elsewhere.example"),
            "{status}: {err}"
        );
        assert_eq!(
            server.served.load(Ordering::SeqCst),
            1,
            "{status}: not followed, not retried"
        );
    }
}

#[tokio::test]
async fn refusals_keep_their_status_whatever_their_body() {
    let cases = [
        (
            "503 Service Unavailable",
            "text/html",
            "<html><body>Bad gateway</body></html>",
            ErrorKind::Server,
        ),
        (
            "400 Bad Request",
            "text/plain",
            "nope",
            ErrorKind::BadRequest,
        ),
        (
            "422 Unprocessable Entity",
            "application/json",
            r#"{"error":{"detail":"other shape"}}"#,
            ErrorKind::Unprocessable,
        ),
        (
            "404 Not Found",
            "application/json",
            "[1,2,3]",
            ErrorKind::NotFound,
        ),
    ];
    for (status, content_type, body, kind) in cases {
        let server = raw(move |_, _| {
            answer(
                status,
                &[("content-type", content_type), ("retry-after", "7")],
                body,
            )
        })
        .await;
        let c = client(&server).max_retries(0).build().unwrap();
        let err = c
            .accounts()
            .retrieve("acc_1")
            .send()
            .await
            .expect_err("refused");
        let api = err.as_api().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(
            (api.kind.clone(), api.retry_after),
            (kind, Some(Duration::from_secs(7))),
            "{status}"
        );
        assert!(
            api.message.contains(&body[..4]),
            "{status}: {}",
            api.message
        );
    }
}

#[tokio::test]
async fn waits_honour_max_retry_after_and_the_deadline() {
    let server = raw(|n, _| {
        if n == 0 {
            answer(
                "429 Too Many Requests",
                &[("retry-after", "3600")],
                r#"{"type":"too_many_requests","message":"later"}"#,
            )
        } else {
            answer("200 OK", &[("content-type", "application/json")], RECORD)
        }
    })
    .await;
    let c = client(&server)
        .rate_limit(Some(25))
        .max_retries(0)
        .max_retry_after(Duration::from_millis(100))
        .build()
        .unwrap();
    let first = c
        .accounts()
        .retrieve("acc_1")
        .send()
        .await
        .expect_err("429");
    assert_eq!(first.kind(), Some(&ErrorKind::RateLimited));
    let started = Instant::now();
    c.accounts()
        .retrieve("acc_1")
        .send()
        .await
        .expect("the next call is not held for an hour");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "paused {:?}",
        started.elapsed()
    );

    // One request a second: the second call would wait ~1 s for the limiter; its deadline
    // ends the wait, and no request was sent.
    let slow = client(&server).rate_limit(Some(1)).build().unwrap();
    slow.accounts().retrieve("acc_1").send().await.unwrap();
    let before = server.served.load(Ordering::SeqCst);
    let err = slow
        .accounts()
        .retrieve("acc_1")
        .deadline(Duration::from_millis(50))
        .send()
        .await
        .expect_err("deadline");
    assert!(matches!(err, Error::Timeout { attempts: 0, .. }), "{err:?}");
    assert_eq!(server.served.load(Ordering::SeqCst), before);
}

#[tokio::test]
async fn errors_carry_a_few_kib_at_most() {
    let message = "x".repeat(10 * 1024 * 1024);
    let body = format!(r#"{{"type":"bad_request","message":"{message}"}}"#);
    let server = raw(move |_, _| {
        answer(
            "400 Bad Request",
            &[("content-type", "application/json")],
            &body,
        )
    })
    .await;
    let c = client(&server).build().unwrap();
    let err = c
        .accounts()
        .retrieve("acc_1")
        .send()
        .await
        .expect_err("400");
    let shown = err.to_string();
    assert!(
        shown.len() < 8 * 1024 && shown.contains("clipped"),
        "{} bytes",
        shown.len()
    );

    let junk = "y".repeat(5 * 1024 * 1024);
    let server =
        raw(move |_, _| answer("200 OK", &[("content-type", "application/json")], &junk)).await;
    let err = client(&server)
        .build()
        .unwrap()
        .accounts()
        .retrieve("acc_1")
        .send()
        .await
        .expect_err("not JSON");
    assert!(matches!(err, Error::Decode { .. }));
    assert!(
        format!("{err:?}").len() < 16 * 1024,
        "Debug holds the clipped body only"
    );
}

#[tokio::test]
async fn caller_values_that_would_overflow_are_handled() {
    let server = raw(|_, head| {
        if head.starts_with("GET /v1/accounts?") {
            answer(
                "200 OK",
                &[("content-type", "application/json")],
                r#"{"object":"list","data":[],"totalCount":0}"#,
            )
        } else {
            answer("200 OK", &[("content-type", "application/json")], RECORD)
        }
    })
    .await;
    let c = client(&server)
        .deadline(Duration::MAX)
        .timeout(Duration::MAX)
        .build()
        .unwrap();
    c.accounts()
        .retrieve("acc_1")
        .deadline(Duration::MAX)
        .send()
        .await
        .expect("no overflow");
    let page = c
        .accounts()
        .list()
        .offset(u64::MAX)
        .send()
        .await
        .expect("no overflow");
    assert!(!page.has_more() && page.next_offset().is_none());
    let long = "a".repeat(100 * 1024);
    assert!(matches!(
        c.accounts().retrieve(long).send().await,
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn credentials_in_the_base_url_are_refused_and_never_shown() {
    let err = Client::builder()
        .api_key("sk_lf_x")
        .base_url("https://user:hunter2@api.lightfield.app")
        .build()
        .expect_err("refused");
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::Config(_)));
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[tokio::test]
async fn a_list_that_never_ends_stops_when_a_page_brings_nothing_new() {
    let records: Vec<String> = (0..25)
        .map(|i| RECORD.replace("acc_1", &format!("acc_{i}")))
        .collect();
    let page = format!(
        r#"{{"object":"list","data":[{}],"totalCount":1000000000000000}}"#,
        records.join(",")
    );
    let server =
        raw(move |_, _| answer("200 OK", &[("content-type", "application/json")], &page)).await;
    let c = client(&server).build().unwrap();
    use futures_util::StreamExt;
    let items: Vec<_> = c.accounts().list().stream().collect().await;
    assert_eq!(items.len(), 26, "one page, then the error");
    assert!(
        matches!(items.last(), Some(Err(Error::Protocol(_)))),
        "{:?}",
        items.last()
    );
    assert_eq!(server.served.load(Ordering::SeqCst), 2);
    let capped: Vec<_> = c
        .accounts()
        .list()
        .status(RecordStatus::Active)
        .max_items(30)
        .export(4)
        .collect()
        .await;
    assert!(
        capped.len() <= 30,
        "max_items bounds an export of an absurd list"
    );
}
