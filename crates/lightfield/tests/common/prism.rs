//! The mock seen through the reference: one Prism proxy per test binary, loaded with the
//! newest SDK's shapes, in front of every test's own mock server.
//!
//! Prism has one upstream, and each test has its own mock, so the upstream is a small
//! forwarder in this process: the client names its mock's port in a header, the forwarder
//! sends the request on to that mock unchanged. With `--errors`, a request the reference
//! refuses is answered 422 by Prism and an answer of the mock the reference does not allow
//! (an extra key, an error body outside the public reference's error schemas) becomes a 500
//! listing the violations, so a test fails where the mock (or the SDK) strays from the API.
//! A status no reference describes is only a warning to Prism; the forwarder turns it into
//! a 502 that says so.
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
    prepare(reference, None)
}

/// The public reference: its error answers are added to every operation of the proxy's.
const PUBLIC: &str = "spec/reference/lightfield-api.json";

fn prepare(reference: &str, errors_from: Option<&str>) -> PathBuf {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    let suffix = if errors_from.is_some() { "-errors" } else { "" };
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("prism{suffix}-{name}"));
    let mut command = Command::new("node");
    command
        .arg(root().join("tools/prism/prepare.js"))
        .arg(root().join(reference))
        .arg(&out);
    if let Some(public) = errors_from {
        command.arg("--errors-from").arg(root().join(public));
    }
    let status = command
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
    let prepared = prepare("spec/reference/lightfield-api-newer.json", Some(PUBLIC));
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
        Ok(answer) if !documented(answer.status().as_u16()) => (
            axum::http::StatusCode::BAD_GATEWAY,
            format!(
                "the server answered status {}, which no reference describes",
                answer.status()
            ),
        )
            .into_response(),
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

/// Whether some operation of the public reference describes answers with `status`.
fn documented(status: u16) -> bool {
    static STATUSES: OnceLock<Vec<u16>> = OnceLock::new();
    STATUSES
        .get_or_init(|| {
            let text = std::fs::read_to_string(root().join(PUBLIC)).expect("the public reference");
            let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            let mut statuses: Vec<u16> = doc["paths"]
                .as_object()
                .into_iter()
                .flat_map(|paths| paths.values())
                .filter_map(|ops| ops.as_object())
                .flat_map(|ops| ops.values())
                .filter_map(|op| op["responses"].as_object())
                .flat_map(|answers| answers.keys())
                .filter_map(|status| status.parse().ok())
                .collect();
            statuses.sort_unstable();
            statuses.dedup();
            statuses
        })
        .contains(&status)
}
