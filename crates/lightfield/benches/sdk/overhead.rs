//! Rows 2 and 2b: request overhead against a fixed answer, the server on its own thread or
//! in its own process, against plain reqwest + serde_json.

use std::hint::black_box;
use std::time::{Duration, Instant};

use lightfield::Client;
use serde_json::{Value, json};

use crate::Row;

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
    // Many short blocks, alternating. Each SDK block is compared with the raw block run
    // right after it and the median of those paired ratios is reported: a burst of load on
    // this shared machine, or a drift in its speed, hits both halves of a pair alike and
    // spoils a few pairs, not the comparison.
    let (blocks, n) = (40, 250);
    let sdk_run = || async {
        let t = Instant::now();
        for _ in 0..n {
            black_box(client.accounts().retrieve("acc_1").send().await.ok());
        }
        t.elapsed()
    };
    let raw_run = || async {
        let t = Instant::now();
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
        t.elapsed()
    };
    // Warm both connection pools and code paths first.
    let _ = sdk_run().await;
    let _ = raw_run().await;
    let (mut sdk_times, mut raw_times, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..blocks {
        let sdk = sdk_run().await;
        let raw = raw_run().await;
        // Throughput ratio of the pair: raw time over SDK time.
        ratios.push(raw.as_secs_f64() / sdk.as_secs_f64().max(f64::MIN_POSITIVE));
        sdk_times.push(sdk);
        raw_times.push(raw);
    }
    sdk_times.sort();
    raw_times.sort();
    ratios.sort_by(f64::total_cmp);
    let sdk_rate = n as f64 / sdk_times[blocks / 2].as_secs_f64();
    let raw_rate = n as f64 / raw_times[blocks / 2].as_secs_f64();
    let ratio = ratios[blocks / 2];
    let (low, high) = (ratios[blocks / 4], ratios[3 * blocks / 4]);
    Row {
        name,
        sdk: format!("{sdk_rate:.0} req/s"),
        baseline: format!("{raw_rate:.0} req/s (reqwest + serde_json)"),
        ratio,
        target: ">= 0.9x throughput",
        pass: ratio >= 0.9,
        notes: format!(
            "median of {blocks} paired ratios (SDK block, then raw block, {n} calls each); \
             middle half {low:.2}-{high:.2}; rates are median blocks"
        ),
    }
}
