//! Prism: started once per test on a free port, serving `spec/openapi.yaml` with request
//! validation.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lightfield::Client;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
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

pub async fn start_prism() -> Option<Prism> {
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
            "--host",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(root().join("spec/openapi.yaml"))
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
        .build()
        .expect("client")
}

pub fn assert_valid<T>(what: &str, response: lightfield::Result<lightfield::Response<T>>) {
    match response {
        Ok(r) => {
            assert_eq!(r.status(), 200, "{what}");
            assert!(
                r.headers().get("sl-violations").is_none(),
                "{what}: {:?}",
                r.headers().get("sl-violations")
            );
        }
        Err(e) => panic!("{what} was not accepted by the spec: {e}"),
    }
}

/// Records which operations a test exercised, to compare with the spec's table.
#[derive(Default)]
pub struct Seen(pub std::collections::BTreeSet<String>);

impl Seen {
    pub fn check<T>(&mut self, op: String, response: lightfield::Result<lightfield::Response<T>>) {
        assert_valid(&op, response);
        self.0.insert(op);
    }
}
