//! The mock seen through the reference: one Prism proxy per test binary, loaded with the
//! newest SDK's shapes, in front of every test's own mock server.
//!
//! Prism has one upstream, and each test has its own mock, so the upstream is a small
//! forwarder in this process: the client names its mock's port in a header, the forwarder
//! sends the request on to that mock unchanged. With `--errors`, a request the reference
//! refuses is answered 422 by Prism and an answer of the mock the reference does not allow
//! becomes a 500 listing the violations, so a test fails where the mock (or the SDK) strays
//! from the API.
//!
//! Used when Prism is installed (`npm ci --prefix tools/prism`; CI makes it mandatory with
//! `LIGHTFIELD_REQUIRE_PRISM=1`); `LIGHTFIELD_PRISM_PROXY=0` turns it off for a run.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The header naming the mock a request is for.
pub const MOCK_PORT: &str = "x-lightfield-mock-port";

pub struct Gateway {
    pub url: String,
    // Kept so the shell (and with it Prism) lives as long as this process: it reads its
    // stdin until this process exits, then stops Prism.
    _prism: Child,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The reference at `reference` (a path under the workspace root), as Prism can enforce
/// it: written by `tools/prism/prepare.js`, which says what it changes and why.
pub fn prepared(reference: &str) -> PathBuf {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{name}"));
    let status = Command::new("node")
        .arg(root().join("tools/prism/prepare.js"))
        .arg(root().join(reference))
        .arg(&out)
        .stdout(Stdio::null())
        .status()
        .expect("node runs tools/prism/prepare.js");
    assert!(
        status.success(),
        "tools/prism/prepare.js failed on {reference}"
    );
    out
}

/// The gateway of this test binary, started on first use; `None` without Prism.
pub fn gateway() -> Option<&'static Gateway> {
    static GATEWAY: OnceLock<Option<Gateway>> = OnceLock::new();
    GATEWAY.get_or_init(start).as_ref()
}

fn start() -> Option<Gateway> {
    if std::env::var("LIGHTFIELD_PRISM_PROXY").is_ok_and(|v| v == "0") {
        return None;
    }
    let bin = root().join("tools/prism/node_modules/.bin/prism");
    if !bin.exists() {
        let required = std::env::var("LIGHTFIELD_REQUIRE_PRISM").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "Prism is required but missing: run `npm ci --prefix tools/prism`"
        );
        return None;
    }
    let forwarder = start_forwarder();
    let prepared = prepared("spec/reference/lightfield-api-newer.json");
    let port = free_port();
    let script = format!(
        "'{}' proxy --errors --host 127.0.0.1 -p {port} '{}' http://127.0.0.1:{forwarder} >/dev/null 2>&1 & \
         trap 'kill $! 2>/dev/null' EXIT; cat >/dev/null",
        bin.display(),
        prepared.display()
    );
    let mut prism = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .spawn()
        .expect("sh starts Prism");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(Gateway { url, _prism: prism });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = prism.kill();
    let _ = prism.wait();
    panic!("the Prism proxy did not start listening within 60 s");
}

/// Starts the forwarder on its own thread and runtime (each test has a runtime of its own,
/// which ends with the test); answers its port.
fn start_forwarder() -> u16 {
    lightfield::install_crypto_provider();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let app = axum::Router::new().fallback(move |request| forward(client.clone(), request));
            axum::serve(listener, app).await.expect("serve");
        });
    });
    port
}

async fn forward(
    client: reqwest::Client,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let Some(port) = parts
        .headers
        .get(MOCK_PORT)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u16>().ok())
    else {
        return (axum::http::StatusCode::BAD_GATEWAY, "no mock named").into_response();
    };
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut headers = parts.headers.clone();
    headers.remove(MOCK_PORT);
    headers.remove(axum::http::header::HOST);
    let sent = client
        .request(parts.method, format!("http://127.0.0.1:{port}{path}"))
        .headers(headers)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(answer) => {
            let status = answer.status();
            let mut headers = answer.headers().clone();
            headers.remove(axum::http::header::TRANSFER_ENCODING);
            let bytes = answer.bytes().await.unwrap_or_default();
            let mut response = (status, bytes).into_response();
            *response.headers_mut() = headers;
            response
        }
        Err(e) => (axum::http::StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
