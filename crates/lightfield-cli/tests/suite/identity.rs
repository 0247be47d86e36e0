//! Exactly once by record identity: a row is known by the write it plans, its journal by the
//! organisation it wrote to. Each test runs the binary against lightfield-mock over HTTP and
//! counts records on the server.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use lightfield_mock::{Fault, MockServer};
use serde_json::Value;

use crate::harness::{self, KEY, ok, text};

fn with_key(server: &MockServer, key: &str, args: &[&str]) -> Output {
    let mut command = harness::bare();
    command
        .env("LIGHTFIELD_API_KEY", key)
        .env("LIGHTFIELD_BASE_URL", server.url());
    harness::run_with(command, args, b"")
}

fn import(server: &MockServer, file: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "import",
        "account",
        file.to_str().unwrap(),
        "--no-rate-limit",
    ];
    args.extend(more);
    harness::run(server, &args)
}

/// The accounts on `server` by name, with their seats.
fn accounts(server: &MockServer) -> Vec<(String, Value)> {
    let mut all: Vec<(String, Value)> = server
        .records_of("account")
        .iter()
        .map(|r| {
            let name = r["fields"]["$name"]["value"]
                .as_str()
                .unwrap_or("")
                .to_string();
            (name, r["fields"]["seats"]["value"].clone())
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

fn names(server: &MockServer) -> Vec<String> {
    accounts(server).into_iter().map(|(n, _)| n).collect()
}

/// Rows the journal records as written.
fn written(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .map_or(0, |t| t.lines().filter(|l| l.contains("\"id\":")).count())
}

#[tokio::test(flavor = "multi_thread")]
async fn reordered_columns_and_an_added_empty_column_after_a_killed_run_write_each_row_once() {
    let server = harness::server().await;
    server.set_rate_limit(Some(25));
    server.set_latency(Duration::from_millis(30));
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    let mut csv = String::from("$name,seats,$industry\n");
    for i in 0..100 {
        csv.push_str(&format!("Firm {i:03},{i},Retail\n"));
    }
    std::fs::write(&input, &csv).expect("written");
    let journal = dir.path().join("accounts.csv.journal");
    let mut child = harness::at(&server)
        .args(["import", "account", input.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("import starts");
    let started = Instant::now();
    while written(&journal) < 20 {
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(written(&journal) < 100, "finished before it was killed");

    // Saved again from a spreadsheet: columns in another order, one more (empty) column,
    // CRLF line ends, quoted cells.
    let mut resaved = String::from("$industry,notes,\"$name\",seats\r\n");
    for i in 0..100 {
        resaved.push_str(&format!("Retail,,\"Firm {i:03}\",{i}\r\n"));
    }
    std::fs::write(&input, resaved).expect("re-saved");
    server.set_rate_limit(None);
    server.set_latency(Duration::ZERO);
    let out = import(&server, &input, &[]);
    ok(&out);
    let expected: Vec<String> = (0..100).map(|i| format!("Firm {i:03}")).collect();
    assert_eq!(names(&server), expected, "one record per row");
    assert!(
        text(&out.stderr).contains("finished in an earlier run"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_written_row_edited_in_the_file_updates_its_record() {
    let server = harness::server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,3\nGamma,5\n").expect("written");
    ok(&import(&server, &input, &[]));
    let beta = server
        .records_of("account")
        .iter()
        .find(|r| r["fields"]["$name"]["value"] == "Beta")
        .map(|r| r["id"].as_str().unwrap_or("").to_string())
        .expect("Beta was created");

    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,300\nGamma,5\n").expect("edited");
    let dry = import(&server, &input, &["--dry-run"]);
    ok(&dry);
    let listed = text(&dry.stdout);
    assert!(
        listed.contains(&format!("row 3, written as {beta}: seats 3 → 300")),
        "{listed}"
    );
    assert!(
        text(&dry.stderr).contains("0 to create, 1 to update"),
        "{}",
        text(&dry.stderr)
    );

    let out = import(&server, &input, &[]);
    ok(&out);
    assert!(
        text(&out.stderr).contains("1 updated (1 edits of rows written earlier)"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        accounts(&server),
        [
            ("Alpha".to_string(), Value::from(1)),
            ("Beta".to_string(), Value::from(300)),
            ("Gamma".to_string(), Value::from(5)),
        ],
        "the same record updated, one record per row"
    );
    // Run again: nothing left to do. A row replaced by a different one (nothing in
    // common) is a new record, and the row that left is reported, not deleted.
    ok(&import(&server, &input, &[]));
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,300\nDelta,7\n").expect("replaced");
    let out = import(&server, &input, &[]);
    ok(&out);
    assert!(
        text(&out.stderr).contains("row 4, written as"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(names(&server), ["Alpha", "Beta", "Delta", "Gamma"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_key_of_the_same_organisation_resumes_and_another_organisation_is_refused() {
    let server = harness::server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,2\n").expect("written");
    ok(&import(&server, &input, &[]));
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,2\nGamma,3\n").expect("a row more");

    let file = input.to_str().unwrap();
    let rotated = with_key(&server, "sk_lf_rotated", &["import", "account", file]);
    ok(&rotated);
    assert!(
        text(&rotated.stderr).contains("the same organisation"),
        "{}",
        text(&rotated.stderr)
    );
    assert_eq!(
        names(&server),
        ["Alpha", "Beta", "Gamma"],
        "nothing re-sent"
    );

    // A key that sees none of the records the journal wrote belongs elsewhere.
    server.inject(
        Fault::status(404)
            .method("GET")
            .path("/v1/accounts/acc_")
            .always(),
    );
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,2\nGamma,3\nDelta,4\n").expect("more");
    let other = with_key(&server, "sk_lf_other_org", &["import", "account", file]);
    assert_eq!(other.status.code(), Some(5), "{}", text(&other.stderr));
    assert!(
        text(&other.stderr).contains("--new-journal"),
        "{}",
        text(&other.stderr)
    );
    assert_eq!(
        names(&server),
        ["Alpha", "Beta", "Gamma"],
        "nothing written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_that_returns_to_a_target_set_aside_resumes_its_journal() {
    let (staging, production) = (harness::server().await, harness::server().await);
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,2\n").expect("written");
    ok(&import(&staging, &input, &[]));
    ok(&import(&production, &input, &["--new-journal"]));
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,2\nGamma,3\n").expect("a row more");
    let back = import(&staging, &input, &["--new-journal"]);
    ok(&back);
    assert!(
        text(&back.stderr).contains("set aside earlier"),
        "{}",
        text(&back.stderr)
    );
    assert_eq!(
        names(&staging),
        ["Alpha", "Beta", "Gamma"],
        "only the new row"
    );
    ok(&import(&production, &input, &["--new-journal"]));
    assert_eq!(names(&production), ["Alpha", "Beta", "Gamma"]);
    let aside = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("accounts.csv.journal.")
        })
        .count();
    assert_eq!(aside, 1, "one journal aside, for the target not in use");
}

#[tokio::test(flavor = "multi_thread")]
async fn as_new_after_a_plain_run_creates_the_copies() {
    let server = harness::server().await;
    let client = harness::sdk(&server);
    let mut ids = Vec::new();
    for name in ["Alpha", "Beta"] {
        ids.push(
            client
                .accounts()
                .create(name)
                .send()
                .await
                .expect("created")
                .into_id(),
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(
        &input,
        format!("id,$name,seats\n{},Alpha,1\n{},Beta,2\n", ids[0], ids[1]),
    )
    .expect("written");
    let plain = import(&server, &input, &["--yes"]);
    ok(&plain);
    assert!(
        text(&plain.stderr).contains("0 created, 2 updated"),
        "{}",
        text(&plain.stderr)
    );
    let copies = import(&server, &input, &["--as-new"]);
    ok(&copies);
    assert!(
        text(&copies.stderr).contains("2 created"),
        "{}",
        text(&copies.stderr)
    );
    assert_eq!(names(&server), ["Alpha", "Alpha", "Beta", "Beta"]);
}

/// Moves every `sent` time in `journal` back a day and more, as if the import had stopped
/// that long ago.
fn age(journal: &Path) {
    let text = std::fs::read_to_string(journal).expect("journal");
    let aged: Vec<String> = text
        .lines()
        .map(|line| match serde_json::from_str::<Value>(line) {
            Ok(mut entry) if entry["sent"].is_u64() => {
                let sent = entry["sent"].as_u64().unwrap_or(0);
                entry["sent"] = Value::from(sent.saturating_sub(25 * 60 * 60));
                entry.to_string()
            }
            _ => line.to_string(),
        })
        .collect();
    std::fs::write(journal, aged.join("\n") + "\n").expect("aged");
}

/// Imports `input` as `object`, one row at a time, while the next `times` answers to POSTs
/// at `path` are lost after the write is made: the run stops saying the outcome is unknown
/// (exit 4). Returns what it said.
fn stopped_by_lost_answers(
    server: &MockServer,
    object: &str,
    input: &Path,
    path: &str,
    times: u64,
) -> String {
    server.inject(
        Fault::drop_after_commit()
            .method("POST")
            .path(path)
            .times(times),
    );
    let args = [
        "import",
        object,
        input.to_str().unwrap(),
        "--no-rate-limit",
        "--concurrency",
        "1",
    ];
    let stopped = harness::run(server, &args);
    let why = text(&stopped.stderr);
    assert_eq!(stopped.status.code(), Some(4), "{why}");
    assert!(
        why.contains("may or may not"),
        "the outcome is said to be unknown: {why}"
    );
    why
}

#[tokio::test(flavor = "multi_thread")]
async fn a_row_in_flight_at_a_stop_is_never_written_twice_after_its_key_expires() {
    let server = harness::server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(&input, "$name,seats\nAlpha,1\nBeta,2\nGamma,3\n").expect("written");
    // Beta's write is carried out, and every answer to it is lost (three attempts).
    let why = stopped_by_lost_answers(&server, "account", &input, "/v1/accounts", 3);
    assert!(
        !why.contains("--idempotency-key"),
        "import has no such flag: {why}"
    );
    assert_eq!(
        server.record_count_of("account"),
        1,
        "Alpha's write was made once"
    );

    // A day later the server no longer knows the key.
    server.forget_idempotency_keys();
    age(&input.with_extension("csv.journal"));
    let held = import(&server, &input, &[]);
    assert_eq!(held.status.code(), Some(5), "{}", text(&held.stderr));
    assert!(
        text(&held.stderr).contains("held back"),
        "{}",
        text(&held.stderr)
    );
    assert!(
        text(&held.stderr).contains("row 2"),
        "{}",
        text(&held.stderr)
    );
    assert_eq!(names(&server), ["Alpha", "Beta", "Gamma"], "not sent again");
    let verified = import(&server, &input, &["--match", "$name"]);
    ok(&verified);
    assert_eq!(
        names(&server),
        ["Alpha", "Beta", "Gamma"],
        "found, not duplicated"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_object_row_whose_answer_is_lost_is_held_back_not_sent_twice() {
    let server = harness::server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("vendors.csv");
    std::fs::write(&input, "$name\nParts Co\nTools Inc\n").expect("written");
    stopped_by_lost_answers(&server, "vendor", &input, "/v1/objects/vendor/values", 1);
    let file = input.to_str().unwrap();
    let args = [
        "import",
        "vendor",
        file,
        "--no-rate-limit",
        "--concurrency",
        "1",
    ];
    // Moments later: the API does not deduplicate object creates, so the row is held.
    let held = harness::run(&server, &args);
    assert_eq!(held.status.code(), Some(5), "{}", text(&held.stderr));
    assert_eq!(server.record_count_of("vendor"), 2, "each row once");
    let mut matched = args.to_vec();
    matched.extend(["--match", "$name"]);
    ok(&harness::run(&server, &matched));
    assert_eq!(server.record_count_of("vendor"), 2, "each row once");
}

#[tokio::test(flavor = "multi_thread")]
async fn match_updates_records_made_elsewhere_and_rejects_a_value_two_records_share() {
    let server = harness::server().await;
    let client = harness::sdk(&server);
    let alpha = client
        .accounts()
        .create("Alpha")
        .send()
        .await
        .expect("created")
        .into_id();
    for _ in 0..2 {
        client
            .accounts()
            .create("Twin")
            .send()
            .await
            .expect("created");
    }
    // `contains` on the server would also find "Alpha Beta"; only exact values match.
    client
        .accounts()
        .create("Alpha Beta")
        .send()
        .await
        .expect("created");
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(&input, "$name,seats\nalpha,9\nAlpha,7\nTwin,1\nNew,2\n").expect("written");
    let out = import(&server, &input, &["--match", "$name"]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    let rejects =
        std::fs::read_to_string(dir.path().join("accounts.csv.rejects.csv")).expect("rejects");
    assert!(
        rejects.contains("Twin") && rejects.contains("matches 2 records"),
        "{rejects}"
    );
    let by_name = accounts(&server);
    assert_eq!(
        by_name.iter().filter(|(n, _)| n == "Alpha").count(),
        1,
        "{by_name:?}"
    );
    let updated = client
        .accounts()
        .retrieve(&alpha)
        .send()
        .await
        .expect("there");
    assert_eq!(updated.to_json()["fields"]["seats"]["value"], 7);
    assert_eq!(
        names(&server),
        ["Alpha", "Alpha Beta", "New", "Twin", "Twin", "alpha"],
        "`alpha` differs in case from `Alpha`: text matches exactly"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejects_file_edited_by_hand_survives_a_rerun() {
    let server = harness::server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(&input, "$name,seats\nGood,1\nBad,lots\n").expect("written");
    assert_eq!(import(&server, &input, &[]).status.code(), Some(6));
    let rejects = dir.path().join("accounts.csv.rejects.csv");
    let fixed = std::fs::read_to_string(&rejects)
        .expect("rejects")
        .replace("lots", "40");
    std::fs::write(&rejects, &fixed).expect("fixed by hand");
    // Run the original again before importing the fix: the fix is kept.
    let again = import(&server, &input, &[]);
    assert_eq!(again.status.code(), Some(6));
    assert!(
        text(&again.stderr).contains("kept as"),
        "{}",
        text(&again.stderr)
    );
    let kept = dir.path().join("accounts.csv.rejects.csv.edited-1");
    assert_eq!(std::fs::read_to_string(kept).expect("kept"), fixed);
    // A rejects file this import wrote itself is simply replaced.
    assert_eq!(import(&server, &input, &[]).status.code(), Some(6));
    assert!(
        !dir.path()
            .join("accounts.csv.rejects.csv.edited-2")
            .exists()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_left_out_of_an_update_row_is_unlinked() {
    let server = harness::server().await;
    let client = harness::sdk(&server);
    let a = client
        .contacts()
        .create()
        .field("$email", "a@x.test")
        .send()
        .await;
    let b = client
        .contacts()
        .create()
        .field("$email", "b@x.test")
        .send()
        .await;
    let (a, b) = (a.expect("a").into_id(), b.expect("b").into_id());
    let account = client
        .accounts()
        .create("Linked")
        .relationship("$contact", vec![a.clone(), b.clone()])
        .send()
        .await
        .expect("created")
        .into_id();
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(&input, format!("id,$contact\n{account},{a}\n")).expect("written");
    ok(&import(&server, &input, &["--yes"]));
    let now = client
        .accounts()
        .retrieve(&account)
        .send()
        .await
        .expect("there");
    assert_eq!(
        now.related("$contact"),
        std::slice::from_ref(&a),
        "the left-out contact was unlinked"
    );
    // `update --json` states the whole set too.
    let body = dir.path().join("body.json");
    std::fs::write(&body, format!(r#"{{"$contact": ["{b}"]}}"#)).expect("written");
    ok(&harness::run(
        &server,
        &[
            "accounts",
            "update",
            &account,
            "--json",
            body.to_str().unwrap(),
        ],
    ));
    let now = client
        .accounts()
        .retrieve(&account)
        .send()
        .await
        .expect("there");
    assert_eq!(now.related("$contact"), [b], "a swapped for b");
}

#[test]
fn an_empty_field_value_is_refused_and_points_at_clear() {
    let mut command = harness::bare();
    command.env("LIGHTFIELD_API_KEY", KEY);
    let out = harness::run_with(
        command,
        &["accounts", "update", "acc_1", "--field", "tier="],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--clear tier"),
        "{}",
        text(&out.stderr)
    );
}
