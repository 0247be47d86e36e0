//! What the CLI benchmarks share: running the binary against a mock, and the table's
//! "met" column.

use std::process::Command;
use std::time::{Duration, Instant};

use lightfield_mock::MockServer;

/// "yes" when a target is met, "NO" otherwise.
pub fn yes(met: bool) -> &'static str {
    if met { "yes" } else { "NO" }
}

/// Runs the `lightfield` binary against `server`: how long it took, and its stderr. A
/// failure ends the benchmark, saying why.
pub fn lightfield(server: &MockServer, args: &[&str]) -> (Duration, String) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_lightfield"))
        .args(args)
        .env("LIGHTFIELD_API_KEY", "sk_lf_bench")
        .env("LIGHTFIELD_BASE_URL", server.url())
        .output()
        .unwrap_or_else(|_| std::process::abort());
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        eprintln!("lightfield {args:?} failed: {stderr}");
        std::process::exit(1);
    }
    (elapsed, stderr)
}
