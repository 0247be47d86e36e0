//! Shared by the examples: where to run them.
//!
//! With `LIGHTFIELD_API_KEY` set (and optionally `LIGHTFIELD_BASE_URL`) the client talks
//! to that server; otherwise an embedded lightfield-mock starts and the client talks to
//! it. The server lives as long as the returned [`Target`].

use lightfield::Client;
use lightfield_mock::MockServer;

/// A client, and the embedded server it talks to when no key was set.
pub struct Target {
    pub client: Client,
    pub mock: Option<MockServer>,
}

impl Target {
    /// Whether the client talks to the embedded server.
    pub fn on_mock(&self) -> bool {
        self.mock.is_some()
    }
}

/// A client for the server named by the environment, or for an embedded one.
pub async fn connect() -> Result<Target, Box<dyn std::error::Error>> {
    let real_key = std::env::var("LIGHTFIELD_API_KEY").is_ok_and(|k| !k.is_empty());
    let target = if real_key {
        Target {
            client: Client::from_env()?,
            mock: None,
        }
    } else {
        let mock = MockServer::start().await?;
        let client = Client::builder()
            .api_key("sk_lf_local_example")
            .base_url(mock.url())
            .build()?;
        Target {
            client,
            mock: Some(mock),
        }
    };
    println!(
        "Lightfield at {}{}",
        target.client.base_url(),
        if target.on_mock() {
            " (embedded local server)"
        } else {
            ""
        }
    );
    Ok(target)
}
