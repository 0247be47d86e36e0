//! `lightfield import` and `export` as a user runs them, against lightfield-mock over HTTP:
//! a round trip of 1,000 records compared field by field, an import killed with SIGKILL
//! and re-run, a dry run that finds ten kinds of bad value and sends nothing, a journal
//! whose key fingerprint is salted. Exports of records that change meanwhile are in
//! `exports.rs`; the ordinary
//! mistakes that must not lose or duplicate rows are in `mistakes.rs`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lightfield::{Client, ObjectType};
use lightfield_mock::{MockConfig, MockServer};
use serde_json::{Value, json};

const KEY: &str = "sk_lf_import_secret";

fn command(server: &MockServer, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lightfield"));
    command
        .args(args)
        .env("LIGHTFIELD_API_KEY", KEY)
        .env("LIGHTFIELD_BASE_URL", server.url());
    command
}

fn run(server: &MockServer, args: &[&str]) -> Output {
    let output = command(server, args).output().expect("the binary runs");
    for stream in [&output.stdout, &output.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(KEY),
            "the key was printed"
        );
    }
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn server(rate_limit: Option<u32>) -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .rate_limit(None)
        .build()
        .expect("client")
}

/// Every exported account by name: its writable fields' values and its relationships.
fn by_name(jsonl: &Path, read_only: &[String]) -> BTreeMap<String, (Value, Value)> {
    std::fs::read_to_string(jsonl)
        .expect("export written")
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("JSON line");
            let mut fields = record["fields"].as_object().cloned().unwrap_or_default();
            fields.retain(|k, _| !read_only.contains(k));
            let mut links = record["relationships"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            links.retain(|k, _| !read_only.contains(k));
            let name = record["fields"]["$name"]["value"]
                .as_str()
                .unwrap_or("")
                .to_string();
            (name, (Value::Object(fields), Value::Object(links)))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn export_then_import_round_trips_a_thousand_records_field_by_field() {
    let source = server(None).await;
    source.insert_linkable(&["mem_1"]);
    let sdk = client(&source);
    let creates = futures_util::stream::iter(0..1000u32).map(|i| {
        let sdk = sdk.clone();
        async move {
            sdk.accounts()
                .create(format!("Company {i:04}"))
                .field("seats", i)
                .field("arr", f64::from(i) * 100.5)
                .field("tier", ["Gold", "Silver", "Bronze"][i as usize % 3])
                .field("renewalDate", "2026-03-01T00:00:00Z")
                .field("isStrategic", i % 2 == 0)
                .field("billingEmail", format!("billing{i}@example.com"))
                .field(
                    "champion",
                    json!({"firstName": "Ada", "lastName": format!("L{i}")}),
                )
                .field("notes", format!("**note** {i}"))
                .field("$primaryAddress", json!({"city": "Lyon", "country": "FR"}))
                .field("$website", vec![format!("https://c{i}.example")])
                .relationship("$owner", "mem_1")
                .send()
                .await
        }
    });
    let made: Vec<_> = creates.buffer_unordered(16).collect().await;
    assert!(made.iter().all(Result::is_ok), "seeding failed");

    let dir = tempfile::tempdir().expect("temp dir");
    let exported = dir.path().join("accounts.jsonl");
    let out = run(
        &source,
        &[
            "export",
            "account",
            "-o",
            exported.to_str().unwrap(),
            "--no-rate-limit",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("exported 1,000 records"),
        "{}",
        text(&out.stderr)
    );

    let target = server(None).await;
    target.insert_linkable(&["mem_1"]);
    let out = run(
        &target,
        &[
            "import",
            "account",
            exported.to_str().unwrap(),
            "--as-new",
            "--no-rate-limit",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(target.record_count_of("account"), 1000);

    let again = dir.path().join("again.jsonl");
    let out = run(
        &target,
        &[
            "export",
            "account",
            "-o",
            again.to_str().unwrap(),
            "--no-rate-limit",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let definitions = sdk.schema(ObjectType::Account).await.expect("definitions");
    let read_only: Vec<String> = definitions
        .fields
        .iter()
        .filter(|(_, f)| f.read_only)
        .map(|(k, _)| k.clone())
        .chain(
            definitions
                .relationships
                .iter()
                .filter(|(_, r)| r.read_only)
                .map(|(k, _)| k.clone()),
        )
        .collect();
    let before = by_name(&exported, &read_only);
    let after = by_name(&again, &read_only);
    assert_eq!(before.len(), 1000);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, original) in &before {
        assert_eq!(&after[name], original, "{name} changed on the way");
    }
    // A sample, so a comparison of two empty shapes cannot pass.
    assert_eq!(before["Company 0007"].0["seats"]["value"], json!(7));
    assert_eq!(
        before["Company 0007"].0["champion"]["value"]["lastName"],
        json!("L7")
    );
}

/// Rows the journal records as written (a row about to be sent has a `sent` line first).
fn journal_rows(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().filter(|l| l.contains("\"id\":")).count())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_killed_partway_and_run_again_writes_each_row_once() {
    // The default Write limit (25/s) and some latency: the import takes seconds, and rows
    // are in flight when it dies.
    let server = server(Some(25)).await;
    server.set_latency(Duration::from_millis(40));
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("people.csv");
    let mut csv = String::from("$name,seats,isStrategic\n");
    for i in 0..120 {
        csv.push_str(&format!("Row {i:03},{i},{}\n", i % 2 == 0));
    }
    std::fs::write(&input, csv).expect("input written");
    let journal = dir.path().join("people.csv.journal");

    let mut child = command(&server, &["import", "account", input.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("import starts");
    let started = Instant::now();
    while journal_rows(&journal) < 30 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the import made no progress"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL"); // `Child::kill` sends SIGKILL on Unix
    let _ = child.wait();
    let done_before = journal_rows(&journal);
    assert!(
        done_before < 120,
        "the import finished before it was killed"
    );

    let out = run(&server, &["import", "account", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("finished in an earlier run"),
        "{}",
        text(&out.stderr)
    );
    let mut names: Vec<String> = server
        .records_of("account")
        .iter()
        .filter_map(|r| r["fields"]["$name"]["value"].as_str().map(str::to_string))
        .collect();
    names.sort();
    let expected: Vec<String> = (0..120).map(|i| format!("Row {i:03}")).collect();
    assert_eq!(names, expected, "every row exactly once");
    assert_eq!(journal_rows(&journal), 120);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_lists_every_bad_row_and_sends_nothing() {
    let server = server(None).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("bad.jsonl");
    let rows = [
        json!({"$name": "Number as words", "seats": "twelve"}),
        json!({"$name": "Not a checkbox", "isStrategic": "maybe"}),
        json!({"$name": "Not an option", "tier": "Platinum"}),
        json!({"$name": "Unknown key", "colour": "red"}),
        json!({"seats": 3}),
        json!({"$name": "Two owners", "$owner": ["mem_1", "mem_2"]}),
        json!({"$name": "Address as text", "$primaryAddress": "Lyon"}),
        json!({"$name": "Name as number", "champion": 42}),
        json!({"$name": "List for a number", "arr": ["1"]}),
        json!({"$name": "Object for text", "notes": {"a": 1}}),
        json!({"$name": "Fine", "seats": 3, "tier": "Gold"}),
    ];
    let body: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&input, body).expect("input written");
    server.clear_requests();

    let out = run(
        &server,
        &["import", "account", input.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    for row in 1..=10 {
        assert!(
            listed.contains(&format!("row {row}: ")),
            "row {row} not listed:\n{listed}"
        );
    }
    assert!(
        !listed.contains("row 11:"),
        "a good row was listed:\n{listed}"
    );
    assert_eq!(listed.lines().count(), 10, "{listed}");
    assert!(listed.contains("seats") && listed.contains("colour") && listed.contains("$owner"));
    assert_eq!(server.record_count_of("account"), 0);
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "a dry run only reads the definitions"
    );
    assert!(!dir.path().join("bad.jsonl.journal").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_rows_go_to_a_rejects_file_that_imports_once_fixed() {
    let server = server(None).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("mixed.csv");
    std::fs::write(&input, "$name,seats\nGood,1\nBad,lots\nAlso good,2\n").expect("written");
    let out = run(&server, &["import", "account", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    assert_eq!(server.record_count_of("account"), 2);
    let rejects = dir.path().join("mixed.csv.rejects.csv");
    let rejected = std::fs::read_to_string(&rejects).expect("rejects written");
    assert!(
        rejected.starts_with("$name,seats,_row,_error\nBad,lots,3,"),
        "{rejected}"
    );
    std::fs::write(&rejects, rejected.replace("lots", "40")).expect("fixed");
    let out = run(&server, &["import", "account", rejects.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(server.record_count_of("account"), 3);
    // The original again: the row fixed in the rejects file is done, not rejected anew.
    let out = run(&server, &["import", "account", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("0 rejected"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(server.record_count_of("account"), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_are_numbered_as_a_spreadsheet_or_an_editor_shows_them() {
    let server = server(None).await;
    let dir = tempfile::tempdir().expect("temp dir");
    // A CSV's header is row 1; a quoted cell over two lines is still one row.
    let csv = dir.path().join("accounts.csv");
    std::fs::write(&csv, "$name,seats\n\"Two\nlines\",1\nBad,lots\n").expect("written");
    let listed = text(
        &run(
            &server,
            &["import", "account", csv.to_str().unwrap(), "--dry-run"],
        )
        .stdout,
    );
    assert!(listed.starts_with("row 3: "), "{listed}");
    // A JSON line's number is its line, blank lines counted.
    let jsonl = dir.path().join("accounts.jsonl");
    std::fs::write(
        &jsonl,
        "{\"$name\": \"A\"}\n\n{\"$name\": \"B\", \"seats\": \"lots\"}\n",
    )
    .expect("written");
    let listed = text(
        &run(
            &server,
            &["import", "account", jsonl.to_str().unwrap(), "--dry-run"],
        )
        .stdout,
    );
    assert!(listed.starts_with("row 3: "), "{listed}");
}

/// The journal beside the input (often shared) cannot confirm a guessed key: its
/// fingerprint is salted, each journal its own salt. A journal of the earlier, unsalted
/// format still resumes, writing only the rows it has not.
#[tokio::test(flavor = "multi_thread")]
async fn a_journal_fingerprints_its_key_with_a_salt_of_its_own_and_an_older_one_resumes() {
    use md5::Digest;
    let server = lightfield_mock::MockServer::start().await.expect("mock");
    let dir = tempfile::tempdir().unwrap();
    let header = |input: &Path| -> Value {
        let journal = std::fs::read_to_string(input.with_extension("csv.journal")).unwrap();
        serde_json::from_str(journal.lines().next().unwrap()).unwrap()
    };
    let unsalted: String = md5::Md5::digest(format!("lightfield-journal:{KEY}"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut fingerprints = Vec::new();
    for (name, rows) in [("one", "Alpha\nBeta\n"), ("two", "Delta\nEcho\n")] {
        std::fs::create_dir_all(dir.path().join(name)).unwrap();
        let input = dir.path().join(name).join("accounts.csv");
        std::fs::write(&input, format!("$name\n{rows}")).unwrap();
        let out = run(&server, &["import", "account", input.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let header = header(&input);
        let fingerprint = header["keyFingerprint"].as_str().unwrap().to_string();
        assert!(
            !unsalted.starts_with(&fingerprint),
            "an unsalted digest: {header}"
        );
        assert_eq!(
            header["keySalt"].as_str().map(str::len),
            Some(32),
            "{header}"
        );
        assert!(!header.to_string().contains(KEY));
        fingerprints.push(fingerprint);
    }
    assert_ne!(fingerprints[0], fingerprints[1], "the same key, two salts");

    // The journal as the earlier version wrote it: an unsalted fingerprint, no salt.
    let input = dir.path().join("one/accounts.csv");
    let journal = input.with_extension("csv.journal");
    let old = std::fs::read_to_string(&journal).unwrap();
    let mut lines: Vec<String> = old.lines().map(str::to_string).collect();
    let mut first: Value = serde_json::from_str(&lines[0]).unwrap();
    first["keyFingerprint"] = json!(unsalted[..12]);
    first.as_object_mut().unwrap().remove("keySalt");
    lines[0] = first.to_string();
    std::fs::write(&journal, lines.join("\n") + "\n").unwrap();
    std::fs::write(&input, "$name\nAlpha\nBeta\nGamma\n").unwrap();
    let out = run(&server, &["import", "account", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names: Vec<String> = server
        .records_of("account")
        .iter()
        .filter_map(|r| r.pointer("/fields/$name/value").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    assert_eq!(names.len(), 5, "each row once: {names:?}");
    assert!(names.contains(&"Gamma".to_string()), "{names:?}");
}
