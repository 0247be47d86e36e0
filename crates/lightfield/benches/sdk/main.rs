//! What the SDK costs a user, each figure a ratio against a baseline measured in the same
//! run (the machines are shared and noisy, so absolute times mean little).
//!
//! Run with `cargo xtask bench` (or `cargo bench -p lightfield --bench sdk`). Prints a
//! Markdown table; `cargo xtask bench` also writes it into BENCHMARKS.md.
//!
//! - `decode`: rows 1 and 1b (decoding pages, generic and per record type);
//! - `overhead`: rows 2 and 2b (request overhead against fixed servers);
//! - `writes`: rows 3, 4 and 6 (bulk creates, exports, checked writes).

mod decode;
mod overhead;
mod writes;

use std::time::{Duration, Instant};

use decode::{bench_decode, bench_decode_per_type};
use overhead::{bench_request_overhead, bench_request_overhead_process, serve_fixed};
use writes::{bench_bulk_create, bench_checked_writes, bench_export};

/// One row of the table.
pub struct Row {
    pub name: &'static str,
    pub sdk: String,
    pub baseline: String,
    pub ratio: f64,
    pub target: &'static str,
    pub pass: bool,
    pub notes: String,
}

/// Median of per-iteration times over `rounds` rounds of `iters` iterations each,
/// interleaving the two contenders so drift in machine speed hits both alike.
pub fn compare(
    rounds: usize,
    iters: usize,
    mut sdk: impl FnMut(),
    mut base: impl FnMut(),
) -> (Duration, Duration) {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..iters {
            sdk();
        }
        a.push(t.elapsed() / iters as u32);
        let t = Instant::now();
        for _ in 0..iters {
            base();
        }
        b.push(t.elapsed() / iters as u32);
    }
    a.sort();
    b.sort();
    (a[a.len() / 2], b[b.len() / 2])
}

/// What [`paired`] measured.
pub struct Paired {
    /// Median of the per-pair ratios, SDK time over baseline time.
    pub ratio: f64,
    /// The middle half of those ratios.
    pub low: f64,
    pub high: f64,
    /// Median block time of each side.
    pub sdk: Duration,
    pub base: Duration,
}

/// Runs `pairs` blocks of the SDK, each followed by a block of the baseline, and compares
/// each SDK block with the baseline block right after it. The median of those paired
/// ratios is steadier than comparing two separate medians: a burst of load or a drift in
/// machine speed hits both halves of a pair alike and spoils a few pairs, not the result.
/// (A block that takes no time, which cannot happen, would count as infinitely slow.)
pub async fn paired<S, B, SF, BF>(pairs: usize, mut sdk: S, mut base: B) -> Paired
where
    S: FnMut() -> SF,
    B: FnMut() -> BF,
    SF: std::future::Future<Output = ()>,
    BF: std::future::Future<Output = ()>,
{
    let (mut sdk_times, mut base_times, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..pairs.max(1) {
        let t = Instant::now();
        sdk().await;
        let s = t.elapsed();
        let t = Instant::now();
        base().await;
        let b = t.elapsed();
        ratios.push(s.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE));
        sdk_times.push(s);
        base_times.push(b);
    }
    sdk_times.sort();
    base_times.sort();
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    Paired {
        ratio: ratios[n / 2],
        low: ratios[n / 4],
        high: ratios[3 * n / 4],
        sdk: sdk_times[n / 2],
        base: base_times[n / 2],
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--fixed-server") {
        serve_fixed();
        return;
    }
    // `cargo test --all-targets` runs this binary without `--bench`: keep that a quick smoke
    // run of the decode row, so the slow measurements only run under `cargo bench`.
    if !args.iter().any(|a| a == "--bench") {
        let row = bench_decode();
        println!(
            "smoke run (measure with `cargo xtask bench`): {} ratio {:.2}",
            row.name, row.ratio
        );
        return;
    }
    let only: Vec<String> = args.into_iter().filter(|a| !a.starts_with('-')).collect();
    let wanted = |n: &str| only.is_empty() || only.iter().any(|o| o == n);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|_| std::process::abort());
    let mut rows = Vec::new();
    if wanted("decode") {
        rows.push(bench_decode());
        rows.push(runtime.block_on(bench_decode_per_type()));
    }
    if wanted("overhead") {
        // One client thread, as a sequential caller would have; the server has its own.
        let single = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|_| std::process::abort());
        rows.push(single.block_on(bench_request_overhead()));
        rows.push(single.block_on(bench_request_overhead_process()));
    }
    if wanted("checked") {
        rows.push(runtime.block_on(bench_checked_writes()));
    }
    if wanted("bulk") {
        rows.push(runtime.block_on(bench_bulk_create()));
    }
    if wanted("export") {
        rows.push(runtime.block_on(bench_export()));
    }
    println!("| benchmark | SDK | baseline | ratio | target | met | notes |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.3} | {} | {} | {} |",
            r.name,
            r.sdk,
            r.baseline,
            r.ratio,
            r.target,
            if r.pass { "yes" } else { "NO" },
            r.notes
        );
    }
}
