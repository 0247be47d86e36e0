//! The mock on a shared machine: what a client sends cannot grow it without bound, a page
//! of another site (DNS rebinding) cannot reach it, and the storage host neither reads an
//! upload it will refuse nor hands out tokens one could guess.

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::json;

use crate::common::{bare_http, post, unlimited};

#[tokio::test]
async fn the_request_log_is_bounded_in_total_not_only_per_body() {
    let server = unlimited().await;
    let url = format!("{}/nothing", server.url());
    let body = "x".repeat(lightfield_mock::LOGGED_BODY);
    for _ in 0..100 {
        let answer = bare_http()
            .post(&url)
            .header("content-type", "text/plain")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_client_error());
    }
    let held: usize = server.requests().iter().map(|r| r.body.len()).sum();
    assert!(held <= 64 * 1024 * 1024, "{held} bytes of bodies held");
    assert!(held >= 16 * 1024 * 1024, "the newest are kept: {held}");
}

#[tokio::test]
async fn a_request_for_another_host_is_refused() {
    let server = unlimited().await;
    for path in ["/v1/accounts", "/storage/fil_0000000001?token=x"] {
        let answer = bare_http()
            .get(format!("{}{path}", server.url()))
            .header("host", "attacker.example")
            .header("authorization", "Bearer sk_lf_any")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 421, "{path}");
    }
    let local = bare_http()
        .get(format!("{}/v1/accounts", server.url()))
        .header("host", "localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), 401, "localhost is this server");
}

/// A new upload, as the API hands it out: its storage path and token.
async fn upload(server: &lightfield_mock::MockServer) -> (String, String) {
    let (status, file) = post(
        server,
        "/v1/files",
        json!({"filename": "a.txt", "mimeType": "text/plain", "sizeBytes": 3}),
    )
    .await;
    assert_eq!(status, 200, "{file}");
    let url = file["uploadUrl"].as_str().unwrap();
    let path = url.strip_prefix(server.url()).unwrap().to_string();
    let token = file["uploadHeaders"]["x-upload-token"]
        .as_str()
        .unwrap()
        .to_string();
    (path, token)
}

#[tokio::test]
async fn an_upload_with_a_wrong_token_is_refused_before_its_body_is_read() {
    let server = unlimited().await;
    let (path, token) = upload(&server).await;
    let address = server.url().strip_prefix("http://").unwrap().to_string();
    // Announces 300 MiB and sends ten bytes: a server that reads the body first waits.
    let refused = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: {address}\r\nx-upload-token: wrong\r\n\
             content-type: text/plain\r\ncontent-length: 314572800\r\n\r\n0123456789"
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut answer = [0u8; 64];
        let n = stream.read(&mut answer).unwrap_or(0);
        String::from_utf8_lossy(&answer[..n]).into_owned()
    })
    .await
    .unwrap();
    assert!(refused.starts_with("HTTP/1.1 403"), "answered: {refused:?}");
    // Another file's token is no better.
    let stored = bare_http()
        .put(format!("{}{}", server.url(), upload(&server).await.0))
        .header("x-upload-token", &token)
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 403, "a token is for its own file only");
}

#[tokio::test]
async fn storage_tokens_cannot_be_guessed_from_others() {
    let server = unlimited().await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(upload(&server).await.1);
    }
    for token in &tokens {
        assert!(token.len() >= 32 && !token.contains("fil_"), "{token}");
    }
    let numbers: Vec<u128> = tokens
        .iter()
        .filter_map(|t| u128::from_str_radix(t.trim_start_matches("tok_"), 16).ok())
        .collect();
    assert_eq!(numbers.len(), 3, "{tokens:?}");
    let steps = (
        numbers[1].wrapping_sub(numbers[0]),
        numbers[2].wrapping_sub(numbers[1]),
    );
    assert_ne!(
        steps.0, steps.1,
        "tokens in arithmetic progression: {tokens:?}"
    );
}
