//! The `lightfield` binary against lightfield-mock over HTTP: records created, listed,
//! filtered and exported from the shell; schemas and Rust structs printed; errors on
//! stderr with documented exit codes; the API key never printed.

use std::process::{Command, Output};

use serde_json::Value;

use super::harness::{KEY, at, json, ok, run as lightfield, run_with, server, text};

fn never_shows_the_key(output: &Output) {
    for stream in [&output.stdout, &output.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(KEY),
            "the key was printed"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn records_from_the_shell() {
    let server = server().await;
    server.insert_linkable(&["mem_1", "con_1"]);
    let created = lightfield(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Acme",
            "--field",
            "tier=Gold",
            "--field",
            "seats=3",
            "--rel",
            "$owner=mem_1",
        ],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    never_shows_the_key(&created);
    let record = json(&created);
    let id = record["id"].as_str().expect("an id").to_string();
    assert_eq!(
        record["fields"]["seats"]["value"], 3,
        "`seats=3` was sent as a number"
    );
    assert_eq!(server.records()[0]["fields"]["tier"]["value"], "Gold");

    let listed = lightfield(
        &server,
        &[
            "accounts",
            "list",
            "--filter",
            "$name[startsWith]=Ac",
            "--limit",
            "5",
        ],
    );
    let page = json(&listed);
    assert_eq!(
        (page["totalCount"].as_u64(), page["data"][0]["id"].as_str()),
        (Some(1), Some(id.as_str()))
    );
    let got = lightfield(&server, &["--format", "jsonl", "accounts", "get", &id]);
    assert_eq!(String::from_utf8_lossy(&got.stdout).lines().count(), 1);
    let updated = lightfield(
        &server,
        &[
            "accounts",
            "update",
            &id,
            "--clear",
            "seats",
            "--add",
            "$contact=con_1",
        ],
    );
    assert!(json(&updated)["fields"]["seats"]["value"].is_null());
    assert!(
        lightfield(&server, &["accounts", "delete", &id])
            .status
            .success()
    );
    let trashed = json(&lightfield(
        &server,
        &["accounts", "list", "--status", "trashed"],
    ));
    assert_eq!(trashed["totalCount"], 1);
    assert!(
        lightfield(&server, &["accounts", "restore", &id])
            .status
            .success()
    );

    let vendor = lightfield(
        &server,
        &["object", "vendor", "create", "--field", "$name=Parts"],
    );
    assert!(vendor.status.success());
    let types = json(&lightfield(&server, &["objects", "list"]));
    assert_eq!(types[0]["slug"], "vendor");
}

#[tokio::test(flavor = "multi_thread")]
async fn export_schema_and_rust() {
    let server = server().await;
    for i in 0..60 {
        server.insert_record_json_of("contact", serde_json::json!({
            "id": format!("con_{i:03}"), "createdAt": "2026-01-01T00:00:00Z",
            "fields": {"$name": {"value": {"firstName": "C", "lastName": format!("{i}")}, "valueType": "FULL_NAME"}},
            "relationships": {}
        }));
    }
    let path = std::env::temp_dir().join(format!("lightfield-export-{}.jsonl", std::process::id()));
    let exported = lightfield(
        &server,
        &["export", "contacts", "-o", path.to_str().unwrap()],
    );
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let lines: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 60);
    let first: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first["id"], "con_000", "in order");
    assert!(String::from_utf8_lossy(&exported.stderr).contains("exported 60 records"));
    std::fs::remove_file(&path).ok();

    let schema = json(&lightfield(&server, &["schema", "accounts"]));
    let tier = schema
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "tier")
        .expect("tier");
    assert_eq!(
        tier["options"],
        serde_json::json!(["Gold", "Silver", "Bronze"])
    );
    let rust = lightfield(&server, &["schema", "vendor", "--rust", "Vendor"]);
    assert!(String::from_utf8_lossy(&rust.stdout).contains("pub struct Vendor {"));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_go_to_stderr_with_their_exit_code() {
    let server = server().await;
    let refused = lightfield(
        &server,
        &[
            "accounts",
            "create",
            "--no-check",
            "--field",
            "$name=A",
            "--field",
            "teir=Gold",
        ],
    );
    assert_eq!(refused.status.code(), Some(3), "an API refusal");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("fields.teir"), "{stderr}");
    never_shows_the_key(&refused);
    let checked = lightfield(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=A",
            "--field",
            "teir=Gold",
        ],
    );
    assert_eq!(checked.status.code(), Some(5), "refused before sending");
    assert!(String::from_utf8_lossy(&checked.stderr).contains("did you mean `tier`?"));
    let missing = Command::new(env!("CARGO_BIN_EXE_lightfield"))
        .args(["accounts", "list"])
        .env_remove("LIGHTFIELD_API_KEY")
        .env("LIGHTFIELD_BASE_URL", server.url())
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("LIGHTFIELD_API_KEY"));
    let usage = lightfield(&server, &["accounts", "frobnicate"]);
    assert_eq!(usage.status.code(), Some(2));
    let down = Command::new(env!("CARGO_BIN_EXE_lightfield"))
        .args(["accounts", "list"])
        .env("LIGHTFIELD_API_KEY", KEY)
        .env("LIGHTFIELD_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(
        down.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_resource_command_answers_from_the_shell() {
    let server = server().await;
    server.insert_linkable(&["mem_1"]);
    // One record of each writable type first, so every list has something to show.
    for (resource, args) in [
        (
            "contacts",
            vec![
                "--field",
                "$name={\"firstName\":\"Ada\",\"lastName\":\"L\"}",
            ],
        ),
        (
            "tasks",
            vec![
                "--field",
                "$title=Call",
                "--field",
                "$status=TODO",
                "--rel",
                "$assignedTo=mem_1",
            ],
        ),
        ("notes", vec!["--field", "$title=Met"]),
    ] {
        let mut all = vec![resource, "create"];
        all.extend(args);
        let out = lightfield(&server, &all);
        assert!(
            out.status.success(),
            "{resource}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for resource in [
        "accounts",
        "contacts",
        "opportunities",
        "tasks",
        "notes",
        "meetings",
        "members",
        "emails",
        "channels",
        "messages",
        "lists",
    ] {
        let out = lightfield(&server, &[resource, "list", "--limit", "5"]);
        assert!(
            out.status.success(),
            "{resource}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let page = json(&out);
        assert!(page["data"].is_array(), "{resource}: {page}");
        // Only the types the API describes have definitions; the others say so.
        let definitions = lightfield(&server, &[resource, "definitions"]);
        let described = !matches!(
            resource,
            "members" | "emails" | "channels" | "messages" | "lists"
        );
        assert_eq!(
            definitions.status.success(),
            described,
            "{resource} definitions"
        );
        never_shows_the_key(&out);
    }
    // Seeded read-only records can be fetched by the id a list gave.
    let members = json(&lightfield(&server, &["members", "list"]));
    let id = members["data"][0]["id"].as_str().expect("a member");
    assert_eq!(
        json(&lightfield(&server, &["members", "get", id]))["id"],
        id
    );
    assert!(json(&lightfield(&server, &["object", "vendor", "list"]))["data"].is_array());
}

#[tokio::test(flavor = "multi_thread")]
async fn output_formats_completions_and_a_body_from_stdin() {
    use std::io::Write;
    let server = server().await;
    server.insert_linkable(&["mem_1"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_lightfield"))
        .args(["accounts", "create", "--json", "-", "--field", "seats=9"])
        .env("LIGHTFIELD_API_KEY", KEY)
        .env("LIGHTFIELD_BASE_URL", server.url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(br#"{"fields": {"$name": "Piped", "tier": "Gold"}, "relationships": {"$owner": "mem_1"}}"#)
        .expect("written");
    let created = json(&child.wait_with_output().expect("finishes"));
    assert_eq!(created["fields"]["$name"]["value"], "Piped");
    assert_eq!(created["fields"]["seats"]["value"], 9);
    assert_eq!(created["relationships"]["$owner"]["values"][0], "mem_1");

    let csv = lightfield(&server, &["--format", "csv", "accounts", "list"]);
    let text = String::from_utf8_lossy(&csv.stdout);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    assert_eq!(header[0], "id");
    assert!(
        header.contains(&"$name") && header.contains(&"$owner"),
        "{header:?}"
    );
    assert!(lines.next().expect("a row").contains("Piped"));

    let yaml = lightfield(&server, &["--format", "yaml", "accounts", "list"]);
    assert!(String::from_utf8_lossy(&yaml.stdout).contains("value: Piped"));
    let table = lightfield(&server, &["--format", "table", "accounts", "list"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.starts_with("id ") && table.contains("Piped"),
        "{table}"
    );

    let completions = lightfield(&server, &["completions", "bash"]);
    let script = String::from_utf8_lossy(&completions.stdout);
    assert!(
        script.contains("lightfield") && script.contains("import"),
        "bash completions"
    );
    // A reader that has gone (`completions bash | head -1`) is no failure, and no panic.
    let mut early_close = crate::harness::bare()
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(early_close.stdout.take());
    let closed = early_close.wait_with_output().unwrap();
    assert!(
        closed.status.success(),
        "{:?}: {}",
        closed.status,
        String::from_utf8_lossy(&closed.stderr)
    );

    let verbose = lightfield(&server, &["--verbose", "accounts", "list"]);
    let log = String::from_utf8_lossy(&verbose.stderr);
    assert!(log.contains("/v1/accounts"), "the request is shown: {log}");
    never_shows_the_key(&verbose);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_id_leaves_the_others_done() {
    let server = server().await;
    for i in 0..3 {
        server.insert_record_json(serde_json::json!({
            "id": format!("acc_{i:04}"), "createdAt": "2026-01-01T00:00:00Z",
            "fields": {"$name": {"value": format!("Bulk {i}"), "valueType": "TEXT"}},
            "relationships": {}
        }));
    }
    let ids = b"acc_0000\nacc_missing\nacc_0002\n";
    let first = run_with(
        at(&server),
        &["accounts", "delete", "-", "--format", "jsonl"],
        ids,
    );
    assert_eq!(first.status.code(), Some(3), "the missing id's code");
    let done = text(&first.stdout);
    assert!(
        done.contains("acc_0000") && done.contains("acc_0002"),
        "{done}"
    );
    let said = text(&first.stderr);
    assert!(said.contains("1 of 3 ids failed"), "{said}");
    assert!(said.contains("acc_missing"), "{said}");
    let trashed = json(&lightfield(
        &server,
        &[
            "accounts", "list", "--status", "trashed", "--format", "json",
        ],
    ));
    assert_eq!(
        trashed["totalCount"], 2,
        "the ids after the failure were done"
    );
    // Restoring the same list brings back both, whatever the missing one does.
    let restored = run_with(
        at(&server),
        &["accounts", "restore", "-", "--format", "jsonl"],
        ids,
    );
    assert_eq!(text(&restored.stdout).lines().count(), 2);
    assert_eq!(restored.status.code(), Some(3));
}

#[tokio::test(flavor = "multi_thread")]
async fn json_lines_show_each_id_as_it_is_done() {
    use std::io::{BufRead, BufReader, Write};
    let server = server().await;
    let ids: Vec<String> = (0..6)
        .map(|i| {
            server.insert_record_json(serde_json::json!({
                "id": format!("acc_{i:04}"), "createdAt": "2026-01-01T00:00:00Z",
                "fields": {"$name": {"value": "Bulk", "valueType": "TEXT"}}, "relationships": {}
            }))
        })
        .collect();
    server.set_latency(std::time::Duration::from_millis(300));
    let mut child = at(&server)
        .args(["accounts", "delete", "-", "--format", "jsonl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ids.join("\n").as_bytes())
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("acc_0000"), "{first}");
    // Stopped as soon as the first id is shown: most ids are still to do, and what was
    // shown is what was done.
    child.kill().unwrap();
    child.wait().unwrap();
    server.set_latency(std::time::Duration::ZERO);
    let trashed = json(&lightfield(
        &server,
        &[
            "accounts", "list", "--status", "trashed", "--format", "json",
        ],
    ));
    let trashed = trashed["totalCount"].as_u64().unwrap();
    assert!(
        (1..6).contains(&trashed),
        "shown after the first delete, not after all six: {trashed} were done"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn columns_are_the_types_keys_in_every_format() {
    let server = server().await;
    ok(&lightfield(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Acme",
            "--field",
            "tier=Gold",
        ],
    ));
    // Nothing matches: the columns asked for are still the type's, so a script gets its
    // header instead of an error.
    let none = [
        "accounts",
        "list",
        "--filter",
        "$name[startsWith]=Zz",
        "--columns",
        "id,$name",
    ];
    let csv = lightfield(&server, &[&none[..], &["--format", "csv"]].concat());
    ok(&csv);
    assert_eq!(text(&csv.stdout).trim(), "id,$name");
    // JSON keeps only what was asked for, in the API's shape.
    let picked = json(&lightfield(
        &server,
        &[
            "accounts",
            "list",
            "--columns",
            "id,$name",
            "--format",
            "json",
        ],
    ));
    let record = &picked["data"][0];
    let keys: Vec<&String> = record.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["fields", "id", "relationships"], "{record}");
    assert_eq!(record["relationships"], serde_json::json!({}), "{record}");
    assert_eq!(record["fields"]["$name"]["value"], "Acme");
    assert!(record["fields"].get("tier").is_none(), "{record}");
    // A key the type does not have is refused, naming the ones it has.
    let typo = lightfield(
        &server,
        &[
            "accounts",
            "list",
            "--columns",
            "id,tyer",
            "--format",
            "csv",
        ],
    );
    assert_eq!(typo.status.code(), Some(5));
    let said = text(&typo.stderr);
    assert!(said.contains("`tyer`") && said.contains("tier"), "{said}");
}
