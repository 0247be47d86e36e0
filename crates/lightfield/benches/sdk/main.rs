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
