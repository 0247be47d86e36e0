//! What `lightfield sync` achieves against lightfield-mock at the default rate limits with
//! 150 ms added to every answer: a full mirror of 100,000 accounts as a share of the Search
//! limit, a second run with nothing changed (rows rewritten), the database's share of a
//! run's time, and peak memory as the organisation grows tenfold. Each row is a ratio
//! against a figure of the same run (the limit, or the smaller organisation).
//!
//! Run with `cargo xtask bench` (or `cargo bench -p lightfield-cli --bench sync`); prints
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

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("smoke run: measure with `cargo xtask bench`");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|_| std::process::abort());
    let dir = std::env::temp_dir().join(format!("lightfield-sync-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let small = runtime.block_on(mirror(&dir, 10_000));
    let large = runtime.block_on(mirror(&dir, 100_000));
    for row in rows(&small, &large) {
        println!("{row}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// What two runs of `lightfield sync` over one organisation showed.
struct Mirrored {
    records: u64,
    /// The first run: its time, its list calls, and its summary line.
    first: (Duration, u64, String),
    /// The second run, with nothing changed in between: its summary line.
    second: String,
}

fn rows(small: &Mirrored, large: &Mirrored) -> Vec<String> {
    let (elapsed, pages, summary) = &large.first;
    let rate = *pages as f64 / elapsed.as_secs_f64();
    let ratio = rate / LIMIT;
    let read = number_before(summary, " records (");
    let database = number_before(summary, "% in the database");
    let rewritten = number_before(&large.second, " written,");
    let (small_peak, large_peak) = (
        number_before(&small.first.2, " MiB"),
        number_before(summary, " MiB"),
    );
    let growth = large_peak / small_peak;
    vec![
        format!(
            "| 10. `lightfield sync` of 100,000 accounts, default Search limit, +150 ms latency | {rate:.2} list calls/s | 25/s (the limit) | {ratio:.3} | >= 0.95 of limit, every record | {} | {pages} list calls in {:.1}s (whole process); {read} records read |",
            yes(ratio >= 0.95 && read >= large.records as f64),
            elapsed.as_secs_f64()
        ),
        format!(
            "| 11. the same sync again, nothing changed | {rewritten} rows rewritten | 0 | - | 0 rows rewritten | {} | {} |",
            yes(rewritten == 0.0),
            clause(&large.second, "synced ")
        ),
        format!(
            "| 12. the database's share of that sync | {database:.1}% of the run | the run's time | {:.3} | < 5% | {} | SQLite, pages written in one transaction each, as `lightfield sync` reports it |",
            database / 100.0,
            yes(database < 5.0)
        ),
        format!(
            "| 13. sync peak memory, 100,000 vs 10,000 accounts | {large_peak:.1} MiB | {small_peak:.1} MiB | {growth:.3} | <= 1.2x (flat) | {} | peak resident memory of the process, as the CLI reports it |",
            yes(growth <= 1.2)
        ),
    ]
}

/// The number just before `marker` in `line` (`12.5` in `… 12.5 MiB`, `104171` in
/// `104,171 records`), NaN when absent.
fn number_before(line: &str, marker: &str) -> f64 {
    line.find(marker)
        .map(|at| &line[..at])
        .and_then(|head| head.rsplit([' ', '(']).next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or(f64::NAN)
}

/// The first line of `text` that contains `marker`, with `|` made safe for a table and
/// the database named by its file name (not this run's temporary directory).
fn clause(text: &str, marker: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_default();
    let path = line
        .split(" into ")
        .nth(1)
        .and_then(|rest| rest.split(" in ").next())
        .unwrap_or_default();
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    line.replace(path, &name).replace('|', "/")
}

/// Seeds `count` accounts and mirrors them twice into a new SQLite file.
async fn mirror(dir: &Path, count: u64) -> Mirrored {
    let server = MockServer::start_with(MockConfig {
        latency: Duration::from_millis(150),
        ..MockConfig::default()
    })
    .await
    .unwrap_or_else(|_| std::process::abort());
    server.seed_records("account", count as usize, |i| {
        json!({
            "$name": format!("Company {i}"),
            "seats": i,
            "tier": "Gold",
            "$website": [format!("https://c{i}.example")],
        })
    });
    let db = dir.join(format!("mirror-{count}.db"));
    let db = db.to_str().unwrap_or_default();
    let from = server.requests().len();
    let (elapsed, first) = lightfield(&server, &["sync", db]);
    let pages = server.requests()[from..]
        .iter()
        .filter(|r| r.query.contains("limit=25"))
        .count() as u64;
    let (_, second) = lightfield(&server, &["sync", db]);
    Mirrored {
        records: count,
        first: (elapsed, pages, first),
        second,
    }
}
