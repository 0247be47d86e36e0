//! Rows 3, 4 and 6: bulk creates and exports at the rate limit, and checked writes.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use lightfield::Client;
use lightfield_mock::{MockConfig, MockServer};

use crate::Row;

/// Row 6: creates checked against a warm definitions cache, against the same creates
/// unchecked, both against the local server with no latency and no rate limit.
pub async fn bench_checked_writes() -> Row {
    let server = MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .unwrap_or_else(|_| std::process::abort());
    let build = |checked: bool| {
        Client::builder()
            .api_key("sk_lf_bench")
            .base_url(server.url())
            .rate_limit(None)
            .check_writes(checked)
            .build()
            .unwrap_or_else(|_| std::process::abort())
    };
    let (checked, plain) = (build(true), build(false));
    let create = |client: &Client, i: usize| {
        client
            .accounts()
            .create(format!("Bench {i}"))
            .industry(["Software"])
            .field("tier", "Gold")
            .field("seats", i as u64)
            .field("renewalDate", "2027-01-01T00:00:00Z")
            .send()
    };
    let _ = create(&checked, 0).await; // warms the cache
    let n = 100;
    let run = |client: &Client| {
        let client = client.clone();
        async move {
            for i in 0..n {
                black_box(create(&client, i).await.ok());
            }
        }
    };
    // The server slows a little as it fills; each pair runs back to back, so both halves
    // see it alike.
    let pairs = 16;
    let m = crate::paired(pairs, || run(&checked), || run(&plain)).await;
    Row {
        name: "6. creates checked against a warm definitions cache",
        sdk: format!("{:.1?}/create", m.sdk / n as u32),
        baseline: format!("{:.1?}/create unchecked", m.base / n as u32),
        ratio: m.ratio,
        target: "<= 1.05x time",
        pass: m.ratio <= 1.05,
        notes: format!(
            "local server, no latency, no rate limit; median of {pairs} paired ratios \
             ({n} checked creates, then {n} unchecked); middle half {:.2}-{:.2}",
            m.low, m.high
        ),
    }
}

async fn paced_server() -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: Some(25),
        latency: Duration::from_millis(150),
        ..MockConfig::default()
    })
    .await
    .unwrap_or_else(|_| std::process::abort())
}

pub async fn bench_bulk_create() -> Row {
    let server = paced_server().await;
    let client = Client::builder()
        .api_key("sk_lf_bench")
        .base_url(server.url())
        .build()
        .unwrap_or_else(|_| std::process::abort());
    let n = 500;
    let t = Instant::now();
    let writes = (0..n).map(|i| client.accounts().create(format!("Bulk {i:04}")));
    let results: Vec<_> = lightfield::bulk::send_all(writes, 16).collect().await;
    let elapsed = t.elapsed();
    let failures = results.iter().filter(|(_, r)| r.is_err()).count();
    let names: HashSet<String> = server
        .records()
        .iter()
        .filter_map(|r| r["fields"]["$name"]["value"].as_str().map(str::to_string))
        .collect();
    let duplicates = server.record_count() - names.len();
    let rate = n as f64 / elapsed.as_secs_f64();
    let ratio = rate / 25.0;
    Row {
        name: "3. bulk create 500, 25/s Write limit, +150 ms latency",
        sdk: format!("{rate:.2} creates/s"),
        baseline: "25/s (the limit)".into(),
        ratio,
        target: ">= 0.95 of limit, 0 dup, 0 fail",
        pass: ratio >= 0.95 && duplicates == 0 && failures == 0 && server.record_count() == n,
        notes: format!(
            "{:.1?} total; {} records, {duplicates} duplicates, {failures} failures, {} 429s",
            elapsed,
            server.record_count(),
            server.status_count(429)
        ),
    }
}

pub async fn bench_export() -> Row {
    let server = MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .unwrap_or_else(|_| std::process::abort());
    let seeding = Client::builder()
        .api_key("sk_lf_bench")
        .base_url(server.url())
        .rate_limit(None)
        .build()
        .unwrap_or_else(|_| std::process::abort());
    let writes = (0..2000).map(|i| seeding.accounts().create(format!("Export {i:04}")));
    let _: Vec<_> = lightfield::bulk::send_all(writes, 32).collect().await;
    let expected: Vec<String> = server.record_ids();
    server.set_rate_limit(Some(25));
    server.set_latency(Duration::from_millis(150));
    server.clear_requests();
    let client = Client::builder()
        .api_key("sk_lf_bench")
        .base_url(server.url())
        .build()
        .unwrap_or_else(|_| std::process::abort());
    let t = Instant::now();
    let exported: Vec<lightfield::Account> = client
        .accounts()
        .list()
        .export(16)
        .try_collect()
        .await
        .unwrap_or_default();
    let elapsed = t.elapsed();
    let pages = server.requests().len();
    let in_order = exported
        .iter()
        .map(|a| a.id.as_str())
        .eq(expected.iter().map(String::as_str));
    let rate = pages as f64 / elapsed.as_secs_f64();
    let ratio = rate / 25.0;
    Row {
        name: "4. export 2,000 records, 25/s Search limit, +150 ms latency",
        sdk: format!("{rate:.2} pages/s"),
        baseline: "25/s (the limit)".into(),
        ratio,
        target: ">= 0.95 of limit, complete, in order",
        pass: ratio >= 0.95 && in_order && expected.len() == 2000,
        notes: format!(
            "{pages} pages in {elapsed:.2?}; {} of {} records, in order: {in_order}; {} 429s",
            exported.len(),
            expected.len(),
            server.status_count(429)
        ),
    }
}
