//! Values read the same everywhere: a `--filter` value is read by its field's type as a
//! `--field` value is (dates, yes/no, numbers, select labels in any case when only one
//! option matches), and one that cannot match, or a key the type lacks, is an error that
//! says why, never a silent empty answer.

use serde_json::json;

use crate::harness::*;

/// How many accounts `filter` lists (exit code 0 asserted).
fn count(server: &lightfield_mock::MockServer, filter: &str) -> u64 {
    let out = run(
        server,
        &["accounts", "list", "--filter", filter, "--format", "json"],
    );
    ok(&out);
    json(&out)["totalCount"].as_u64().unwrap()
}

/// A filter refused before any list is sent: exit code 5, and what stderr says.
fn refused(server: &lightfield_mock::MockServer, filter: &str) -> String {
    let before = server.requests().len();
    let out = run(server, &["accounts", "list", "--filter", filter]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{filter}: {}",
        text(&out.stderr)
    );
    let lists = server.requests()[before..]
        .iter()
        .filter(|r| r.path == "/v1/accounts")
        .count();
    assert_eq!(lists, 0, "{filter}: no list was sent");
    text(&out.stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_values_are_read_by_the_fields_type_like_field_values() {
    let server = server().await;
    server.seed_records("account", 6, |i| {
        json!({
            "$name": format!("Co {i}"),
            "renewalDate": format!("2027-12-2{i}T00:00:00Z"),
            "isStrategic": i % 2 == 0,
            "seats": i * 10,
            "tier": if i < 2 { "Gold" } else { "Silver" },
        })
    });
    // A calendar date is midnight UTC, as `--field` reads it.
    assert_eq!(
        count(&server, "renewalDate[greaterThan]=2027-12-22"),
        count(&server, "renewalDate[greaterThan]=2027-12-22T00:00:00Z")
    );
    assert_eq!(count(&server, "renewalDate[greaterThan]=2027-12-22"), 3);
    assert_eq!(count(&server, "isStrategic=yes"), 3);
    assert_eq!(count(&server, "isStrategic=no"), 3);
    assert_eq!(
        count(&server, "tier=gold"),
        2,
        "one option matches in any case"
    );
    assert_eq!(count(&server, "seats[greaterThan]=25"), 3);

    assert!(refused(&server, "seats[greaterThan]=abc").contains("not a number"));
    assert!(refused(&server, "isStrategic=perhaps").contains("true or false"));
    assert!(refused(&server, "renewalDate[lessThan]=next week").contains("not a date"));
    let tier = refused(&server, "tier=Platinum");
    assert!(
        tier.contains("not one of its options") && tier.contains("Gold"),
        "{tier}"
    );
    assert!(refused(&server, "name[startsWith]=Co").contains("did you mean `$name`"));
    // What the shell leaves of "$name[startsWith]=Co" in double quotes.
    assert!(refused(&server, "[startsWith]=Co").contains("single quotes"));
    assert!(refused(&server, "$owner=mem_1").contains("is a relationship"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_select_value_in_another_case_is_written_as_its_option() {
    let server = server().await;
    let out = run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Cased",
            "--field",
            "tier=gold",
            "--format",
            "json",
        ],
    );
    ok(&out);
    assert_eq!(json(&out)["fields"]["tier"]["value"], "Gold");
    let sent = server
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST" && r.path == "/v1/accounts")
        .expect("the create");
    assert_eq!(sent.json()["fields"]["tier"], "Gold", "sent as defined");
}

/// One date reader for every command: `emails log --sent-at` takes a calendar date as a
/// field, a filter and a CSV cell do (midnight UTC), and names a wrong one plainly.
#[tokio::test(flavor = "multi_thread")]
async fn emails_log_reads_its_date_as_every_other_date_is_read() {
    let server = server().await;
    let log = |at: &str| {
        run(
            &server,
            &[
                "emails",
                "log",
                "--from",
                "me@acme.example",
                "--to",
                "you@globex.example",
                "--subject",
                "Hello",
                "--text",
                "Hi",
                "--sent-at",
                at,
            ],
        )
    };
    ok(&log("2026-12-03"));
    let sent = server
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("the log");
    let body = sent.json();
    let at = body.pointer("/sentAt").or(body.pointer("/fields/$sentAt"));
    assert_eq!(
        at.and_then(|v| v.as_str()),
        Some("2026-12-03T00:00:00Z"),
        "{body}"
    );
    let wrong = log("next week");
    assert_eq!(wrong.status.code(), Some(5));
    assert!(
        text(&wrong.stderr).contains("not a date"),
        "{}",
        text(&wrong.stderr)
    );
}

/// A JSON line that is not a JSON object is a row refused and named, kept in the rejects
/// file to be fixed; the rows around it are imported.
#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_json_line_is_a_rejected_row_not_the_end_of_the_run() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("accounts.jsonl");
    std::fs::write(
        &input,
        "{\"$name\": \"First\"}\n{\"$name\": \"Broken\"\n[1, 2]\n{\"$name\": \"Last\"}\n",
    )
    .unwrap();
    let out = run(&server, &["import", "account", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    let mut names: Vec<String> = server
        .records_of("account")
        .iter()
        .filter_map(|r| {
            r.pointer("/fields/$name/value")?
                .as_str()
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert_eq!(names, ["First", "Last"]);
    let rejects = std::fs::read_to_string(dir.path().join("accounts.jsonl.rejects.jsonl"))
        .expect("a rejects file");
    let rows: Vec<serde_json::Value> = rejects
        .lines()
        .map(|l| serde_json::from_str(l).expect("each reject is a JSON line"))
        .collect();
    assert_eq!(rows.len(), 2, "{rejects}");
    assert_eq!(rows[0]["_row"], 2);
    assert_eq!(rows[0]["_text"], "{\"$name\": \"Broken\"");
    assert!(
        rows[0]["_error"].as_str().unwrap().contains("not JSON"),
        "{rejects}"
    );
    assert_eq!(rows[1]["_row"], 3);
    assert!(
        rows[1]["_error"]
            .as_str()
            .unwrap()
            .contains("not a JSON object")
    );
}

/// A date in a JSON line is read as a CSV cell's is: a calendar date is midnight UTC.
#[tokio::test(flavor = "multi_thread")]
async fn a_json_line_takes_a_calendar_date_as_a_csv_cell_does() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in [
        (
            "dated.jsonl",
            "{\"$name\": \"Json\", \"renewalDate\": \"2027-01-31\"}\n",
        ),
        ("dated.csv", "$name,renewalDate\nCsv,2027-01-31\n"),
    ] {
        let input = dir.path().join(name);
        std::fs::write(&input, content).unwrap();
        ok(&run(
            &server,
            &["import", "account", input.to_str().unwrap()],
        ));
    }
    let dates: Vec<String> = server
        .records_of("account")
        .iter()
        .filter_map(|r| {
            r.pointer("/fields/renewalDate/value")?
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(dates, ["2027-01-31T00:00:00Z", "2027-01-31T00:00:00Z"]);
}
