//! Import many accounts and export them back, at the API's rate limit, without duplicates.
//!
//! With `LIGHTFIELD_API_KEY` (and optionally `LIGHTFIELD_BASE_URL`) it talks to that server;
//! otherwise to the embedded mock. `BULK_COUNT` sets how many accounts (default 50).
//!
//! Run: `cargo run -p lightfield --example bulk_import`

use std::process::ExitCode;
use std::time::Instant;

mod support;

use futures_util::{StreamExt, TryStreamExt};
use lightfield::Op;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bulk import failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::var("BULK_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let target = support::connect().await?;
    let client = &target.client;
    let batch = format!("Import {}", std::process::id());

    // Every create keeps one idempotency key across its retries: a lost response is
    // replayed by the server instead of creating the account twice.
    let started = Instant::now();
    let writes = (0..count).map(|i| {
        client
            .accounts()
            .create(format!("{batch} #{i:04}"))
            .field("seats", i as u64)
    });
    let mut failures = 0;
    let mut results = lightfield::bulk::send_all(writes, 16);
    while let Some((position, result)) = results.next().await {
        if let Err(e) = result {
            failures += 1;
            eprintln!("  create #{position} failed: {e}");
        }
    }
    let elapsed = started.elapsed();
    println!(
        "created {} of {count} accounts in {elapsed:.1?} ({:.1}/s, paced by the client-side rate limiter)",
        count - failures,
        count as f64 / elapsed.as_secs_f64()
    );

    let started = Instant::now();
    let exported: Vec<_> = client
        .accounts()
        .list()
        .filter("$name", Op::StartsWith, &batch)
        .export(8)
        .try_collect()
        .await?;
    println!(
        "exported {} accounts of this batch in {:.1?}, in creation order",
        exported.len(),
        started.elapsed()
    );
    if exported.len() != count - failures {
        return Err(format!(
            "expected {} accounts, found {}",
            count - failures,
            exported.len()
        )
        .into());
    }
    Ok(())
}
