//! What the `lightfield` binary achieves against lightfield-mock at the default rate
//! limits with 150 ms added to every answer: exports and imports (plain and `--match`) as a
//! share of the limit,
//! and the export's peak memory as the record count grows. Each row is a ratio against a
//! figure of the same run (the limit, or the smaller export).
//!
//! Run with `cargo xtask bench` (or `cargo bench -p lightfield-cli --bench cli`); prints
//! Markdown table rows.

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Duration;

use common::{lightfield, yes};
use lightfield_mock::{MockConfig, MockServer};
use serde_json::json;

/// The mock's and the SDK's default limit per category, requests per second.
const LIMIT: f64 = 25.0;
const PAGE: u64 = 25;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("smoke run: measure with `cargo xtask bench`");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|_| std::process::abort());
    let dir = std::env::temp_dir().join(format!("lightfield-cli-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let (export_row, small_peak, large_peak) = runtime.block_on(exports(&dir));
    println!("{export_row}");
    let ratio = large_peak / small_peak;
    println!(
        "| 9. export peak memory, 10,000 vs 1,000 records | {large_peak:.1} MiB | {small_peak:.1} MiB | {ratio:.3} | <= 1.2x (flat) | {} | peak resident memory of the process, as the CLI reports it |",
        yes(ratio <= 1.2)
    );
    println!("{}", runtime.block_on(import(&dir)));
    println!("{}", runtime.block_on(import_matching(&dir)));
    let _ = std::fs::remove_dir_all(&dir);
}

async fn slow_server() -> MockServer {
    MockServer::start_with(MockConfig {
        latency: Duration::from_millis(150),
        ..MockConfig::default()
    })
    .await
    .unwrap_or_else(|_| std::process::abort())
}

/// The peak memory the CLI reported (`peak memory 12.3 MiB`).
fn peak(stderr: &str) -> f64 {
    stderr
        .split("peak memory ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(f64::NAN)
}

fn seed(server: &MockServer, count: u64) {
    for i in 0..count {
        server.insert_record_json_of(
            "account",
            json!({
                "id": format!("acc_{i:08}"), "createdAt": "2026-03-01T10:00:00Z",
                "fields": {
                    "$name": {"value": format!("Company {i}"), "valueType": "TEXT"},
                    "seats": {"value": i, "valueType": "NUMBER"},
                    "tier": {"value": "Gold", "valueType": "SINGLE_SELECT"},
                    "$website": {"value": [format!("https://c{i}.example")], "valueType": "URL"}
                },
                "relationships": {"$owner": {"cardinality": "HAS_ONE", "objectType": "member", "values": ["mem_1"]}}
            }),
        );
    }
}

/// Row 7 and the two peaks of row 9.
async fn exports(dir: &Path) -> (String, f64, f64) {
    let mut peaks = Vec::new();
    let mut row = String::new();
    for count in [1_000u64, 10_000] {
        let server = slow_server().await;
        seed(&server, count);
        let out = dir.join(format!("export-{count}.jsonl"));
        let (elapsed, stderr) = lightfield(
            &server,
            &["export", "account", "-o", out.to_str().unwrap_or_default()],
        );
        peaks.push(peak(&stderr));
        if count == 10_000 {
            // The pages, plus the one small request for the total.
            let requests = count.div_ceil(PAGE) + 1;
            let rate = requests as f64 / elapsed.as_secs_f64();
            let lines = std::fs::read_to_string(&out).map_or(0, |t| t.lines().count());
            let ratio = rate / LIMIT;
            row = format!(
                "| 7. `lightfield export` of 10,000 records, default Search limit, +150 ms latency | {rate:.2} requests/s | 25/s (the limit) | {ratio:.3} | >= 0.95 of limit | {} | {requests} requests in {:.1}s; {lines} records written |",
                yes(ratio >= 0.95 && lines == count as usize),
                elapsed.as_secs_f64()
            );
        }
    }
    (row, peaks[0], peaks[1])
}

/// Row 8.
async fn import(dir: &Path) -> String {
    let server = slow_server().await;
    let rows = 1_000u64;
    let input = dir.join("import.csv");
    let mut csv = String::from("$name,seats,tier,isStrategic\n");
    for i in 0..rows {
        csv.push_str(&format!("Row {i},{i},Silver,{}\n", i % 2 == 0));
    }
    let _ = std::fs::write(&input, csv);
    let (elapsed, _) = lightfield(
        &server,
        &["import", "account", input.to_str().unwrap_or_default()],
    );
    // The definitions are read once, through the Read category; every row is one write.
    let rate = rows as f64 / elapsed.as_secs_f64();
    let written = server.record_count_of("account") as u64;
    let ratio = rate / LIMIT;
    format!(
        "| 8. `lightfield import` of 1,000 CSV rows, default Write limit, +150 ms latency | {rate:.2} creates/s | 25/s (the limit) | {ratio:.3} | >= 0.95 of limit, one record per row | {} | {written} records in {:.1}s (whole process, start-up included) |",
        yes(ratio >= 0.95 && written == rows),
        elapsed.as_secs_f64()
    )
}

/// Row 8b: `import --match`, half of whose rows find a record made earlier by another path.
async fn import_matching(dir: &Path) -> String {
    let server = slow_server().await;
    let rows = 1_000u64;
    // Records the file's even rows will find, made before the import through the API (so
    // that lists filter them), with the limits and latency off meanwhile.
    server.set_rate_limit(None);
    server.set_latency(Duration::ZERO);
    let client = lightfield::Client::builder()
        .api_key("sk_lf_bench")
        .base_url(server.url())
        .rate_limit(None)
        .build()
        .unwrap_or_else(|_| std::process::abort());
    for i in (0..rows).step_by(2) {
        if client
            .accounts()
            .create(format!("Row {i}"))
            .send()
            .await
            .is_err()
        {
            std::process::abort();
        }
    }
    server.set_rate_limit(Some(LIMIT as u32));
    server.set_latency(Duration::from_millis(150));
    let input = dir.join("import-match.csv");
    let mut csv = String::from("$name,seats,tier\n");
    for i in 0..rows {
        csv.push_str(&format!("Row {i},{i},Silver\n"));
    }
    let _ = std::fs::write(&input, csv);
    let (elapsed, _) = lightfield(
        &server,
        &[
            "import",
            "account",
            input.to_str().unwrap_or_default(),
            "--match",
            "$name",
        ],
    );
    // Each row is one lookup (Search) and one write (Write): the two limits run side by
    // side, so the Write limit still sets the pace.
    let rate = rows as f64 / elapsed.as_secs_f64();
    let records = server.record_count_of("account") as u64;
    let updated = server
        .records_of("account")
        .iter()
        .filter(|r| r["fields"]["seats"]["value"].is_number())
        .count() as u64;
    let ratio = rate / LIMIT;
    format!(
        "| 8b. `lightfield import --match $name` of 1,000 CSV rows, half found, default limits, +150 ms latency | {rate:.2} rows/s | 25/s (the Write limit) | {ratio:.3} | >= 0.9 of limit, one record per row | {} | {records} records, {updated} with the file's seats, in {:.1}s |",
        yes(ratio >= 0.9 && records == rows && updated == rows),
        elapsed.as_secs_f64()
    )
}
