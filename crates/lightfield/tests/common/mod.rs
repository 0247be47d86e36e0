//! A mock server and a client pointed at it.

#![allow(dead_code)]

use std::time::Duration;

use lightfield::Client;
use lightfield_mock::{MockConfig, MockServer};

pub const KEY: &str = "sk_lf_test_secret_123";

/// A mock without rate limits and a client with fast retries.
pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    let client = fast_client(&server).build().expect("client");
    (server, client)
}

/// A client builder aimed at `server` with short backoff, for tests.
pub fn fast_client(server: &MockServer) -> lightfield::ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
        .rate_limit(None)
}

/// Asserts that the SDK refused a request itself, with a message mentioning `needle`.
pub fn refused(result: lightfield::Result<impl std::fmt::Debug>, needle: &str) {
    match result {
        Err(lightfield::Error::InvalidInput(message)) => {
            assert!(
                message.contains(needle),
                "`{message}` should mention `{needle}`"
            )
        }
        other => panic!("expected a local refusal mentioning `{needle}`, got {other:?}"),
    }
}
