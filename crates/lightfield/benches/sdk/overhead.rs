//! Rows 2 and 2b: request overhead against a fixed answer, the server on its own thread or
//! in its own process, against plain reqwest + serde_json.

use std::hint::black_box;
use std::time::Duration;

use lightfield::Client;
use serde_json::{Value, json};

use crate::{Row, paired};

/// A server that answers every request with `body`, on its own thread and runtime (as a
/// separate process would be), so it does not compete with the client's tasks.
fn fixed_server(body: Vec<u8>) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
                return;
            };
            let Ok(addr) = listener.local_addr() else {
                return;
            };
            let _ = tx.send(format!("http://{addr}"));
            let body = bytes::Bytes::from(body);
            let app = axum::Router::new().fallback(move || {
                let body = body.clone();
                async move { ([("content-type", "application/json")], body) }
            });
            let _ = axum::serve(listener, app).await;
        });
    });
    rx.recv().unwrap_or_else(|_| std::process::abort())
}

/// A small account record, as a fixed server answers it.
fn small_record() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "acc_1", "createdAt": "2026-03-01T10:00:00Z",
        "fields": {"$name": {"value": "Acme", "valueType": "TEXT"}, "seats": {"value": 4, "valueType": "NUMBER"}},
        "relationships": {"$owner": {"cardinality": "HAS_ONE", "objectType": "member", "values": ["mem_1"]}}
    }))
    .unwrap_or_default()
}

/// The fixed server in a child process (this binary run with `--fixed-server`), killed
/// when dropped: the case of a real, separate server.
struct ChildServer(std::process::Child, String);

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn child_server() -> ChildServer {
    use std::io::BufRead;
    let exe = std::env::current_exe().unwrap_or_else(|_| std::process::abort());
    let mut child = std::process::Command::new(exe)
        .arg("--fixed-server")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|_| std::process::abort());
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = std::io::BufReader::new(out).read_line(&mut line);
    }
    ChildServer(child, line.trim().to_string())
}

/// `--fixed-server`: serve the small record until killed, printing the URL first.
pub fn serve_fixed() {
    let url = fixed_server(small_record());
    println!("{url}");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

pub async fn bench_request_overhead() -> Row {
    let url = fixed_server(small_record());
    overhead_row(
        "2. sequential retrieves, fixed-bytes server (own thread)",
        &url,
    )
    .await
}

pub async fn bench_request_overhead_process() -> Row {
    let server = child_server();
    overhead_row(
        "2b. sequential retrieves, fixed-bytes server (own process)",
        &server.1,
    )
    .await
}

async fn overhead_row(name: &'static str, url: &str) -> Row {
    let url = url.to_string();
    let client = Client::builder()
        .api_key("sk_lf_bench")
        .base_url(&url)
        .rate_limit(None)
        .build()
        .unwrap_or_else(|_| std::process::abort());
    lightfield::install_crypto_provider();
    let raw = reqwest::Client::new();
    let n = 250;
    let sdk_run = || async {
        for _ in 0..n {
            black_box(client.accounts().retrieve("acc_1").send().await.ok());
        }
    };
    let raw_run = || async {
        for _ in 0..n {
            let response = raw
                .get(format!("{url}/v1/accounts/acc_1"))
                .bearer_auth("sk_lf_bench")
                .header("lightfield-version", "2026-03-01")
                .send()
                .await;
            if let Ok(r) = response
                && let Ok(b) = r.bytes().await
            {
                black_box(serde_json::from_slice::<Value>(&b).ok());
            }
        }
    };
    // Warm both connection pools and code paths first.
    sdk_run().await;
    raw_run().await;
    let pairs = 100;
    let m = paired(pairs, sdk_run, raw_run).await;
    let sdk_rate = n as f64 / m.sdk.as_secs_f64();
    let raw_rate = n as f64 / m.base.as_secs_f64();
    // Throughput ratios: the inverse of the time ratios.
    let (ratio, low, high) = (1.0 / m.ratio, 1.0 / m.high, 1.0 / m.low);
    Row {
        name,
        sdk: format!("{sdk_rate:.0} req/s"),
        baseline: format!("{raw_rate:.0} req/s (reqwest + serde_json)"),
        ratio,
        target: ">= 0.9x throughput",
        pass: ratio >= 0.9,
        notes: format!(
            "median of {pairs} paired ratios (SDK block, then raw block, {n} calls each); \
             middle half {low:.2}-{high:.2}; rates are median blocks"
        ),
    }
}
