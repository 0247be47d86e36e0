//! A mock server and a client pointed at it.

#![allow(dead_code)]

pub mod prism;
pub mod raw;

use std::time::Duration;

use lightfield::Client;
use lightfield_mock::{MockConfig, MockServer};

pub const KEY: &str = "sk_lf_test_secret_123";

/// A mock without rate limits and a client with fast retries, talking to the mock through
/// the Prism proxy of the reference (see `prism`): what the mock answers and what the SDK
/// sends are both held to the API's description.
pub async fn setup() -> (MockServer, Client) {
    let server = mock().await;
    let client = fast_client(&server).build().expect("client");
    (server, client)
}

/// Like [`setup`], with the client talking to the mock directly: for tests that make the
/// mock answer what the API never would (injected faults, hostile answers), or that time it.
pub async fn setup_direct() -> (MockServer, Client) {
    let server = mock().await;
    let client = direct_client(&server).build().expect("client");
    (server, client)
}

async fn mock() -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

/// A client builder aimed at `server` through the reference's Prism proxy when Prism is
/// installed, with short backoff, for tests.
pub fn fast_client(server: &MockServer) -> lightfield::ClientBuilder {
    match through_gateway(server.addr().port()) {
        Some(builder) => builder,
        None => direct_client(server),
    }
}

/// A client builder aimed at whatever listens on `port` through the reference's Prism
/// proxy; `None` without Prism.
pub fn through_gateway(port: u16) -> Option<lightfield::ClientBuilder> {
    let gateway = prism::gateway()?;
    lightfield::install_crypto_provider();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(prism::MOCK_PORT, port.into());
    // Prism closes idle connections after five seconds; one reused as it closes fails as a
    // network error, so idle ones are dropped well before.
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .pool_idle_timeout(Duration::from_secs(1))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    Some(
        Client::builder()
            .api_key(KEY)
            .base_url(&gateway.url)
            .backoff(Duration::from_millis(5), Duration::from_millis(50))
            .rate_limit(None)
            .http_client(http),
    )
}

/// A client builder aimed at `server` itself, with short backoff, for tests.
pub fn direct_client(server: &MockServer) -> lightfield::ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
        .rate_limit(None)
}

/// Asserts that the SDK refused a request itself, with a message mentioning `needle`.
pub fn refused(result: lightfield::Result<impl std::fmt::Debug>, needle: &str) {
    match result {
        Err(lightfield::Error::InvalidInput {
            reason: message, ..
        }) => {
            assert!(
                message.contains(needle),
                "`{message}` should mention `{needle}`"
            )
        }
        other => panic!("expected a local refusal mentioning `{needle}`, got {other:?}"),
    }
}

/// Reads one HTTP/1.1 request from a raw socket: its head as text (the body is read and
/// dropped). `None` when the peer closed the connection first.
pub async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match socket.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    socket.read_exact(&mut body).await.ok()?;
    Some(head)
}
