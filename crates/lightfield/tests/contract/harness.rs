//! Prism: started once per test on a free port, serving a reference description (made
//! enforceable by `tools/prism/prepare.js`) with request validation and generated answers;
//! and what "accepted" and "lossless" mean.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lightfield::Client;
use serde_json::Value;

pub use crate::lossless::{Lossless, lossless};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The description Prism serves: the newest official SDK's shapes of all 112 operations.
pub const REFERENCE: &str = "spec/reference/lightfield-api-newer.json";

/// The API's published description: 55 operations, stricter in places than the API.
pub const PUBLIC: &str = "spec/reference/lightfield-api.json";

/// The seed of Prism's generated answers: `LIGHTFIELD_PRISM_SEED`, or a fixed one so a
/// failure can be replayed. CI runs the suite with several.
pub fn seed() -> String {
    std::env::var("LIGHTFIELD_PRISM_SEED").unwrap_or_else(|_| "1".to_string())
}

pub struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Prism serving the newest SDK's shapes (all 112 operations).
pub async fn start_prism() -> Option<Prism> {
    start_prism_with(REFERENCE).await
}

/// Prism serving `reference` (a path under the workspace root).
pub async fn start_prism_with(reference: &str) -> Option<Prism> {
    let bin = root().join("tools/prism/node_modules/.bin/prism");
    if !bin.exists() {
        let required = std::env::var("LIGHTFIELD_REQUIRE_PRISM").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "Prism is required but missing: run `npm ci --prefix tools/prism`"
        );
        eprintln!(
            "SKIPPED: Prism is not installed (run `npm ci --prefix tools/prism` or `cargo xtask ci`)"
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(bin)
        .args([
            "mock",
            "--errors",
            "--dynamic",
            "--seed",
            &seed(),
            "--host",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(crate::common::prism::prepared(reference))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prism starts");
    let prism = Prism {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    // Ready means answering HTTP, not just accepting connections.
    lightfield::install_crypto_provider();
    let probe = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let answer = probe
            .get(format!("{}/v1/accounts/definitions", prism.url))
            .bearer_auth("probe")
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if answer.is_ok() {
            return Some(prism);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("Prism did not start listening within 60 s");
}

pub fn client(prism: &Prism) -> Client {
    Client::builder()
        .api_key("sk_lf_contract")
        .base_url(&prism.url)
        .rate_limit(None)
        .max_retries(0)
        .http_client(short_lived_connections())
        .build()
        .expect("client")
}

/// A reqwest client that drops idle connections after a second: Prism closes them after
/// five, and a request sent on one it is closing fails as a network error, which a contract
/// test (no retries) would report as a refusal.
pub fn short_lived_connections() -> reqwest::Client {
    lightfield::install_crypto_provider();
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(1))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// The answer was accepted: a 200 with no violations. Returns it.
pub fn accepted<T>(
    what: &str,
    response: lightfield::Result<lightfield::Response<T>>,
) -> lightfield::Response<T> {
    match response {
        Ok(r) => {
            assert_eq!(r.status(), 200, "{what}");
            assert!(
                r.headers().get("sl-violations").is_none(),
                "{what}: {:?}",
                r.headers().get("sl-violations")
            );
            r
        }
        Err(e) => {
            let violations = e
                .as_api()
                .and_then(|a| a.headers.get("sl-violations"))
                .cloned();
            panic!("{what} was not accepted by the reference: {e}\nviolations: {violations:?}")
        }
    }
}

pub fn assert_valid<T: Lossless>(
    what: &str,
    response: lightfield::Result<lightfield::Response<T>>,
) {
    let r = accepted(what, response);
    lossless(what, &r);
}

/// Records which operations a test exercised, to compare with the spec's table, and how
/// many records were compared whole.
#[derive(Default)]
pub struct Seen(
    pub std::collections::BTreeSet<String>,
    pub usize,
    pub Partial,
);

/// Against the public spec, which describes 55 of the 112 operations: the others are
/// counted apart instead of checked (Prism would match some to another path: without
/// `GET /v1/notes/definitions` it answers `GET /v1/notes/{id}`).
#[derive(Default)]
pub struct Partial {
    pub enabled: bool,
    described: std::collections::BTreeSet<(String, String)>,
    pub undescribed: std::collections::BTreeSet<String>,
}

/// `/v1/lists/{list_id}` and `/v1/lists/{id}` are the same path.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

impl Partial {
    fn describes(&self, op: &str) -> bool {
        let Some(op) = lightfield_gen::tables::OPERATIONS
            .iter()
            .find(|o| o.id == op)
        else {
            return true;
        };
        self.described
            .contains(&(op.method.to_ascii_lowercase(), shape(op.path)))
    }
}

impl Seen {
    /// Against the public spec: see [`Partial`].
    pub fn partial() -> Self {
        let text = std::fs::read_to_string(root().join(PUBLIC)).expect("the public spec");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        let mut described = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                described.insert((method.clone(), shape(path)));
            }
        }
        Self(
            Default::default(),
            0,
            Partial {
                enabled: true,
                described,
                undescribed: Default::default(),
            },
        )
    }

    /// For the calls that answer a value, not a `Response`: accepted means it succeeded.
    pub fn check_sent<T: std::fmt::Debug>(&mut self, op: &str, result: lightfield::Result<T>) {
        if self.2.enabled && !self.2.describes(op) {
            self.2.undescribed.insert(op.to_string());
            return;
        }
        assert!(
            result.is_ok(),
            "{op} was not accepted by the reference: {result:?}"
        );
        self.0.insert(op.to_string());
    }

    pub fn check<T: Lossless>(
        &mut self,
        op: String,
        response: lightfield::Result<lightfield::Response<T>>,
    ) {
        if self.2.enabled && !self.2.describes(&op) {
            self.2.undescribed.insert(op);
            return;
        }
        let r = accepted(&op, response);
        self.1 += lossless(&op, &r);
        self.0.insert(op);
    }
}
