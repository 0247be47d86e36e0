//! `lightfield export` while the records change: a count that moved is said (not a
//! snapshot), and pages that shifted under the export are read again, so the file written
//! misses no record and repeats none.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::*;

#[tokio::test(flavor = "multi_thread")]
async fn an_export_of_records_that_change_meanwhile_says_it_is_not_a_snapshot() {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = sdk(&server);
    let mut ids = Vec::new();
    for i in 0..60 {
        ids.push(server.insert_record_json(json!({
            "id": format!("acc_{i:04}"), "createdAt": "2026-01-01T00:00:00Z",
            "fields": {"$name": {"value": format!("Row {i:02}"), "valueType": "TEXT"}},
            "relationships": {}
        })));
    }
    // Every read of accounts waits, so the pages are answered well after the count is.
    server.inject(
        Fault::delay(Duration::from_millis(700))
            .method("GET")
            .path("/v1/accounts")
            .always(),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("accounts.jsonl");
    let child = at(&server)
        .args(["export", "account", "-o", path.to_str().unwrap()])
        .arg("--no-rate-limit")
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    // Once the count is answered, ten records go to the trash before any page is read.
    let started = Instant::now();
    let answered =
        |r: &lightfield_mock::LoggedRequest| r.path == "/v1/accounts" && r.status.is_some();
    while !server.requests().iter().any(answered) {
        assert!(started.elapsed() < Duration::from_secs(30), "no count");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for id in &ids[..10] {
        client.accounts().delete(id).send().await.expect("trashed");
    }
    let done = child.wait_with_output().expect("ends");
    let said = text(&done.stderr);
    assert!(done.status.success(), "{said}");
    assert!(
        said.contains(
            "60 records matched when the export started and 50 were written: the \
                       records changed during the export, so it is not a snapshot"
        ),
        "{said}"
    );
    let written = std::fs::read_to_string(&path).expect("written");
    assert_eq!(written.lines().count(), 50);
}

/// A record deleted before the page being read and another created meanwhile: the count
/// is the same, but the pages shifted and a record that was never deleted would be left
/// out. The export sees the shift, reads the records again, and the file is exactly what
/// the server holds.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_whose_pages_shift_reads_again_and_misses_no_record() {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = sdk(&server);
    for i in 0..60 {
        server.insert_record_json(json!({
            "id": format!("acc_{i:04}"), "createdAt": "2026-01-01T00:00:00Z",
            "fields": {"$name": {"value": format!("Row {i:02}"), "valueType": "TEXT"}},
            "relationships": {}
        }));
    }
    // The second page (after the count and the first) waits in the server.
    server.inject(
        Fault::delay(Duration::from_millis(500))
            .method("GET")
            .path("/v1/accounts")
            .after(2),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("accounts.jsonl");
    let child = at(&server)
        .args([
            "export",
            "account",
            "-o",
            path.to_str().unwrap(),
            "--no-rate-limit",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    // While that page waits, the first record is purged and a new one created.
    let started = Instant::now();
    while server
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/accounts")
        .count()
        < 3
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no second page"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(server.purge_record("account", "acc_0000"));
    client
        .accounts()
        .create("Newcomer")
        .send()
        .await
        .expect("created");
    let done = child.wait_with_output().expect("ends");
    let said = text(&done.stderr);
    assert!(done.status.success(), "{said}");
    assert!(said.contains("reading them again"), "{said}");
    let written: std::collections::BTreeSet<String> = std::fs::read_to_string(&path)
        .expect("written")
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let served: std::collections::BTreeSet<String> =
        server.record_ids_of("account").into_iter().collect();
    assert_eq!(written, served, "every record the server holds, once");
}
