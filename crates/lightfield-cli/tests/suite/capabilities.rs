//! Every capability of the SDK from the shell: field history, merge, enrichment, list
//! members, files both ways, email, workflow runs, the key in use, records found by id,
//! and the local server with demo records.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::json;

use super::harness::{at, bare, json, ok, run, run_with, sdk, server, text};

#[tokio::test(flavor = "multi_thread")]
async fn history_merge_and_enrichment() {
    let server = server().await;
    let a = json(&run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Acme",
            "--format",
            "json",
        ],
    ));
    let b = json(&run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Acme Inc",
            "--format",
            "json",
        ],
    ));
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    ok(&run(
        &server,
        &["accounts", "update", a, "--field", "$name=Acme Corp"],
    ));
    let history = json(&run(
        &server,
        &["accounts", "history", a, "$name", "--format", "json"],
    ));
    let values: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["Acme Corp", "Acme"], "newest first");

    // A merge cannot be undone: without a terminal to ask on, it wants --yes.
    let asked = run(&server, &["accounts", "merge", a, b]);
    assert_eq!(asked.status.code(), Some(5));
    assert!(
        text(&asked.stderr).contains("--yes"),
        "{}",
        text(&asked.stderr)
    );
    assert!(
        !server.requests().iter().any(|r| r.path.ends_with("/merge")),
        "nothing was sent"
    );
    let merged = json(&run(
        &server,
        &[
            "accounts",
            "merge",
            a,
            b,
            "--yes",
            "--keep-primary",
            "$name",
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        (merged["status"].as_str(), merged["primary"]["id"].as_str()),
        (Some("done"), Some(a))
    );
    assert!(
        merged["mergeId"]
            .as_str()
            .is_some_and(|m| m.starts_with("mrg_"))
    );

    let missing = run(&server, &["contacts", "enrich", "con_missing"]);
    assert_eq!(
        missing.status.code(),
        Some(3),
        "an unknown contact is the API's 404"
    );
    let started = json(&run(
        &server,
        &["accounts", "enrich", a, "--format", "json"],
    ));
    assert_eq!(
        started["run"]["status"], "completed",
        "waited for the run: {started}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_members_files_email_runs_auth_and_open() {
    let server = server().await;
    let account = json(&run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Acme",
            "--format",
            "json",
        ],
    ));
    let account = account["id"].as_str().unwrap();
    let list = json(&run(
        &server,
        &[
            "lists", "create", "Targets", "--of", "accounts", "--format", "json",
        ],
    ));
    let list = list["id"].as_str().unwrap();
    ok(&run(
        &server,
        &["lists", "add", list, "--of", "accounts", account],
    ));
    let members = json(&run(
        &server,
        &[
            "lists", "members", list, "--of", "accounts", "--format", "json",
        ],
    ));
    assert_eq!(members["data"][0]["id"], account);
    ok(&run(
        &server,
        &["lists", "remove", list, "--of", "accounts", account],
    ));
    let members = json(&run(
        &server,
        &[
            "lists", "members", list, "--of", "accounts", "--format", "json",
        ],
    ));
    assert_eq!(members["totalCount"], 0);

    let dir = tempfile::tempdir().unwrap();
    let upload = dir.path().join("notes.txt");
    std::fs::write(&upload, "meeting notes\n").unwrap();
    let file = json(&run(
        &server,
        &[
            "files",
            "upload",
            upload.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        (file["status"].as_str(), file["mimeType"].as_str()),
        (Some("COMPLETED"), Some("text/plain"))
    );
    let back = dir.path().join("back.txt");
    ok(&run(
        &server,
        &[
            "files",
            "download",
            file["id"].as_str().unwrap(),
            "-o",
            back.to_str().unwrap(),
        ],
    ));
    assert_eq!(std::fs::read_to_string(&back).unwrap(), "meeting notes\n");

    let sent = run(
        &server,
        &[
            "emails",
            "send",
            "--from",
            "me@acme.example",
            "--to",
            "ada@example.com",
            "--subject",
            "Hello",
            "--text",
            "Hi Ada",
            "--format",
            "json",
        ],
    );
    ok(&sent);
    let sent_request = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path == "/v1/emails/send")
        .unwrap();
    assert_eq!(sent_request.json()["subject"], "Hello");

    let workflow = server.start_workflow_run(false);
    let run_status = json(&run(
        &server,
        &["runs", "status", &workflow, "--wait", "--format", "json"],
    ));
    assert_eq!(run_status["final"], true, "{run_status}");

    let auth = json(&run(&server, &["auth", "status", "--format", "json"]));
    assert_eq!(
        (auth["active"].as_bool(), auth["keyFrom"].as_str()),
        (Some(true), Some("LIGHTFIELD_API_KEY"))
    );
    let link = run(&server, &["open", account]);
    assert_eq!(
        text(&link.stdout).trim(),
        format!("https://app.lightfield.app/accounts/{account}")
    );
    assert_eq!(run(&server, &["open", "vendor_1"]).status.code(), Some(5));
}

/// A `list` sent while `mock --demo` is still making its records waits for them all: the
/// first answer anyone gets is the whole demo.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_server_answers_only_once_its_records_are_all_made() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let mut mock = bare()
        .args([
            "mock",
            "--demo",
            "--rate-limit",
            "off",
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mock runs");
    let client = lightfield::Client::builder()
        .api_key("sk_lf_early")
        .base_url(format!("http://127.0.0.1:{port}"))
        .rate_limit(None)
        .max_retries(0)
        .build()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let first = loop {
        match client.accounts().list().send().await {
            Ok(page) => break page.total_count,
            Err(e) => {
                assert!(std::time::Instant::now() < deadline, "never answered: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
    };
    let mut banner = String::new();
    BufReader::new(mock.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let last = client.accounts().list().send().await.unwrap().total_count;
    let _ = mock.kill();
    let _ = mock.wait();
    assert!(last > 0, "{banner}");
    assert_eq!(first, last, "the first answer had every demo account");
}

#[test]
fn the_local_server_starts_with_demo_records_at_its_own_limits() {
    let mut mock = bare()
        .args([
            "mock",
            "--demo",
            "--port",
            "0",
            "--rate-limit",
            "off",
            "--latency-ms",
            "1",
            "--seed",
            "40",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mock runs");
    let mut first = String::new();
    BufReader::new(mock.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the URL is printed")
        .to_string();
    let listed = bare()
        .env("LIGHTFIELD_API_KEY", "sk_lf_any")
        .env("LIGHTFIELD_BASE_URL", &url)
        .args(["accounts", "list", "--format", "json"])
        .output()
        .unwrap();
    let _ = mock.kill();
    let _ = mock.wait();
    let page: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(
        page["totalCount"].as_u64() >= Some(45),
        "demo and seeded: {page}"
    );
    let help = bare().args(["mock", "--help"]).output().unwrap();
    assert!(
        !text(&help.stdout).contains("--api-key"),
        "only its own flags"
    );
    for flag in [
        "--port",
        "--rate-limit",
        "--latency-ms",
        "--demo",
        "--list-lag-ms",
        "--newest-first",
        "--offset-cap",
        "--seed",
        "--churn",
    ] {
        assert!(text(&help.stdout).contains(flag), "{flag} is in the help");
    }
}

/// Senders and sequences, with the `preview` feature (as the SDK gates them).
#[cfg(feature = "preview")]
#[tokio::test(flavor = "multi_thread")]
async fn preview_senders_and_sequences() {
    let server = server().await;
    let senders = json(&run(&server, &["senders", "list", "--format", "json"]));
    let first = senders[0]["id"].as_str().expect("a seeded sender");
    let one = json(&run(
        &server,
        &["senders", "get", first, "--format", "json"],
    ));
    assert_eq!(one["id"], first);
    let sequences = run(&server, &["sequences", "list", "--format", "json"]);
    ok(&sequences);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg(unix)]
async fn open_hands_the_system_opener_only_an_https_link() {
    use std::os::unix::fs::PermissionsExt;
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened");
    // A stand-in for the system's opener that notes what it was given.
    for name in ["xdg-open", "open"] {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\n",
                opened.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let with_opener = || {
        let mut command = at(&server);
        command.env("PATH", dir.path());
        command
    };
    let link = |id: &str, link: &str| {
        server.insert_record_json(json!({
            "id": id, "createdAt": "2026-01-01T00:00:00Z", "httpLink": link,
            "fields": {"$name": {"value": "Linked", "valueType": "TEXT"}}, "relationships": {}
        }))
    };
    let good = link("acc_good", "https://app.lightfield.app/accounts/acc_good");
    ok(&run_with(with_opener(), &["open", &good, "--browser"], b""));
    for (id, hostile) in [
        ("acc_file", "file:///etc/passwd"),
        ("acc_flag", "-a Calculator"),
        ("acc_scheme", "ms-msdt:/id PCWDiagnostic"),
    ] {
        let id = link(id, hostile);
        let refused = run_with(with_opener(), &["open", &id, "--browser"], b"");
        assert_eq!(refused.status.code(), Some(5), "{hostile}");
        assert!(
            text(&refused.stderr).contains("not an https address"),
            "{}",
            text(&refused.stderr)
        );
    }
    let given = std::fs::read_to_string(&opened).unwrap_or_default();
    assert_eq!(given, "https://app.lightfield.app/accounts/acc_good\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_named_by_its_uploader_stays_in_this_directory() {
    let server = server().await;
    let client = sdk(&server);
    let upload = |name: &'static str| {
        let client = client.clone();
        async move {
            let file = client
                .files()
                .upload(name, "text/plain", b"from elsewhere\n".as_slice())
                .send()
                .await
                .unwrap();
            file.id
        }
    };
    let (escaping, absolute, dots) = (
        upload("../../escape.txt").await,
        upload("/tmp/lightfield-absolute.txt").await,
        upload("..").await,
    );
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let download = |id: &str| {
        let mut command = at(&server);
        command.current_dir(&work);
        run_with(command, &["files", "download", id], b"")
    };
    ok(&download(&escaping));
    assert_eq!(
        std::fs::read_to_string(work.join("escape.txt")).unwrap(),
        "from elsewhere\n"
    );
    assert!(!dir.path().join("escape.txt").exists(), "not above");
    // A second download of the same name does not replace the first unasked.
    let again = download(&escaping);
    assert_eq!(again.status.code(), Some(5));
    assert!(
        text(&again.stderr).contains("-o"),
        "{}",
        text(&again.stderr)
    );
    let _ = std::fs::remove_file("/tmp/lightfield-absolute.txt");
    ok(&download(&absolute));
    assert!(work.join("lightfield-absolute.txt").exists());
    assert!(!std::path::Path::new("/tmp/lightfield-absolute.txt").exists());
    assert_eq!(download(&dots).status.code(), Some(5));
}
