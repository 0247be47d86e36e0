//! Everyday work at the shell: values typed by the schema, relinking and unlinking, round
//! trips, `--limit` as a count, ids from stdin, `--query`, profiles, what each type offers,
//! and the CLI's own words in its messages.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::harness::{KEY, at, bare, json, ok, run, run_with, server, text};

/// Sample text for a field of each value type, as a user would type it.
fn sample(value_type: &str, options: &[Value]) -> Option<String> {
    let first_option = options.first().and_then(Value::as_str).map(str::to_string);
    Some(match value_type {
        "TEXT" => "1999".into(),
        "MARKDOWN" => "**Renewal** due in March".into(),
        "SOCIAL_HANDLE" => "acme_rockets".into(),
        "NUMBER" => "12".into(),
        "CURRENCY" => "1200.5".into(),
        "DATETIME" => "2027-01-31".into(),
        "CHECKBOX" => "true".into(),
        "EMAIL" => "billing@acme.example".into(),
        "TELEPHONE" => "5551234567".into(),
        "URL" => "https://acme.example".into(),
        "SINGLE_SELECT" | "MULTI_SELECT" => first_option?,
        "FULL_NAME" => "Bob Smith".into(),
        "ADDRESS" => r#"{"city":"Lyon","country":"FR"}"#.into(),
        _ => return None,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn field_takes_what_import_takes_for_every_value_type() {
    let server = server().await;
    let schema = json(&run(&server, &["schema", "account", "--format", "json"]));
    let mut cells: BTreeMap<String, String> = BTreeMap::new();
    let mut types = Vec::new();
    for row in schema.as_array().expect("rows") {
        let (key, value_type) = (
            row["key"].as_str().unwrap(),
            row["valueType"].as_str().unwrap(),
        );
        if row["kind"] != "field" || row["readOnly"] == true || types.contains(&value_type) {
            continue;
        }
        let options = row["options"].as_array().cloned().unwrap_or_default();
        if let Some(text) = sample(value_type, &options) {
            cells.insert(key.to_string(), text);
            types.push(value_type);
        }
    }
    cells.entry("$name".into()).or_insert_with(|| "1999".into());
    assert!(types.len() >= 10, "value types covered: {types:?}");

    let mut args = vec![
        "accounts".to_string(),
        "create".into(),
        "--format".into(),
        "json".into(),
    ];
    for (key, value) in &cells {
        args.push("--field".into());
        args.push(format!("{key}={value}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let by_flag = run(&server, &args);
    ok(&by_flag);
    let by_flag = json(&by_flag);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.csv");
    let mut csv = csv::Writer::from_path(&file).unwrap();
    csv.write_record(cells.keys()).unwrap();
    csv.write_record(cells.values()).unwrap();
    csv.flush().unwrap();
    ok(&run(
        &server,
        &["import", "account", file.to_str().unwrap()],
    ));
    let listed = json(&run(
        &server,
        &["accounts", "list", "--all", "--format", "json"],
    ));
    let by_import = listed["data"].as_array().unwrap().last().unwrap().clone();
    for key in cells.keys() {
        let (flag, import) = (
            &by_flag["fields"][key]["value"],
            &by_import["fields"][key]["value"],
        );
        assert!(!flag.is_null(), "`{key}` was set by --field");
        assert_eq!(
            flag, import,
            "`{key}`: --field and import read `{}` alike",
            cells[key]
        );
    }
    assert_eq!(
        by_flag["fields"]["$name"]["value"], "1999",
        "a TEXT field keeps digits as text"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_changes_a_link_goes_and_a_field_clears() {
    let server = server().await;
    server.insert_linkable(&["con_1", "con_2"]);
    let created = json(&run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Acme",
            "--field",
            "seats=3",
            "--rel",
            "$owner=mem_0000000001",
            "--rel",
            "$contact=con_1,con_2",
            "--format",
            "json",
        ],
    ));
    let id = created["id"].as_str().unwrap();
    let updated = json(&run(
        &server,
        &[
            "accounts",
            "update",
            id,
            "--replace",
            "$owner=mem_0000000002",
            "--remove",
            "$contact=con_1",
            "--clear",
            "seats",
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        updated["relationships"]["$owner"]["values"],
        json!(["mem_0000000002"])
    );
    assert_eq!(
        updated["relationships"]["$contact"]["values"],
        json!(["con_2"])
    );
    assert!(updated["fields"]["seats"]["value"].is_null());
    // The owner of an imported row is relinked too, not added beside the old one.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("owners.csv");
    std::fs::write(
        &file,
        format!("id,$owner,notes\n{id},mem_0000000003,<clear>\n"),
    )
    .unwrap();
    ok(&run(
        &server,
        &["import", "account", file.to_str().unwrap()],
    ));
    let got = json(&run(&server, &["accounts", "get", id, "--format", "json"]));
    assert_eq!(
        got["relationships"]["$owner"]["values"],
        json!(["mem_0000000003"])
    );
    let cleared = json(&run(
        &server,
        &[
            "accounts", "update", id, "--clear", "$owner", "--format", "json",
        ],
    ));
    assert_eq!(cleared["relationships"]["$owner"]["values"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn what_get_prints_creates_the_same_record() {
    let server = server().await;
    let first = json(&run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Globex",
            "--field",
            "tier=Gold",
            "--field",
            "$website=https://globex.example",
            "--rel",
            "$owner=mem_0000000001",
            "--format",
            "json",
        ],
    ));
    let got = run(
        &server,
        &[
            "accounts",
            "get",
            first["id"].as_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let copy = run_with(
        at(&server),
        &["accounts", "create", "--json", "-", "--format", "json"],
        &got.stdout,
    );
    ok(&copy);
    let copy = json(&copy);
    assert_ne!(copy["id"], first["id"]);
    for key in ["$name", "tier", "$website"] {
        assert_eq!(
            copy["fields"][key]["value"], first["fields"][key]["value"],
            "{key}"
        );
    }
    assert_eq!(
        copy["relationships"]["$owner"]["values"],
        json!(["mem_0000000001"])
    );
    // A flat object works as well; a page of many is pointed at import.
    let flat = run_with(
        at(&server),
        &["accounts", "create", "--json", "-", "--format", "json"],
        br#"{"$name": "Flat", "seats": 4}"#,
    );
    assert_eq!(json(&flat)["fields"]["seats"]["value"], 4);
    let page = run(&server, &["accounts", "list", "--format", "json"]);
    let many = run_with(
        at(&server),
        &["accounts", "create", "--json", "-"],
        &page.stdout,
    );
    assert_eq!(many.status.code(), Some(5));
    assert!(
        text(&many.stderr).contains("lightfield import"),
        "{}",
        text(&many.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn limit_is_how_many_and_ids_come_from_stdin() {
    let server = server().await;
    for i in 0..70 {
        server.insert_record_json(json!({
            "id": format!("acc_{i:04}"), "createdAt": "2026-01-01T00:00:00Z",
            "fields": {"$name": {"value": format!("Bulk {i}"), "valueType": "TEXT"}},
            "relationships": {}
        }));
    }
    let sixty = run(
        &server,
        &["accounts", "list", "--limit", "60", "--format", "jsonl"],
    );
    ok(&sixty);
    assert_eq!(text(&sixty.stdout).lines().count(), 60);
    let all = run(&server, &["accounts", "list", "--all", "--format", "jsonl"]);
    assert_eq!(text(&all.stdout).lines().count(), 70);
    let page = json(&run(
        &server,
        &["accounts", "list", "--limit", "5", "--format", "json"],
    ));
    assert_eq!(
        (
            page["data"].as_array().unwrap().len(),
            page["totalCount"].as_u64()
        ),
        (5, Some(70))
    );
    // The ids a query selects, piped into a delete.
    let ids = run(
        &server,
        &[
            "accounts",
            "list",
            "--limit",
            "3",
            "--query",
            "$.data[*].id",
        ],
    );
    assert_eq!(text(&ids.stdout), "acc_0000\nacc_0001\nacc_0002\n");
    ok(&run_with(
        at(&server),
        &["accounts", "delete", "-", "--format", "jsonl"],
        &ids.stdout,
    ));
    let trashed = json(&run(
        &server,
        &[
            "accounts", "list", "--status", "trashed", "--format", "json",
        ],
    ));
    assert_eq!(trashed["totalCount"], 3);
    let restored = run_with(
        at(&server),
        &["accounts", "restore", "-", "--format", "jsonl"],
        &ids.stdout,
    );
    assert_eq!(text(&restored.stdout).lines().count(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_selects_a_server_and_its_key() {
    let (one, two) = (server().await, server().await);
    ok(&run(
        &two,
        &["accounts", "create", "--field", "$name=Only on two"],
    ));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"one\"\n\n[profiles.one]\nbase_url = \"{}\"\napi_key_env = \"LF_ONE\"\n\n\
             [profiles.two]\nbase_url = \"{}\"\napi_key_env = \"LF_TWO\"\nformat = \"jsonl\"\n",
            one.url(),
            two.url()
        ),
    )
    .unwrap();
    let with_config = || {
        let mut command = bare();
        command
            .env("LIGHTFIELD_CONFIG", &config)
            .env("LF_ONE", KEY)
            .env("LF_TWO", KEY);
        command
    };
    let default = run_with(
        with_config(),
        &["accounts", "list", "--format", "json"],
        b"",
    );
    assert_eq!(
        json(&default)["totalCount"],
        0,
        "the default profile is server one"
    );
    let chosen = run_with(
        with_config(),
        &["--profile", "two", "accounts", "list"],
        b"",
    );
    ok(&chosen);
    assert!(
        text(&chosen.stdout).contains("Only on two"),
        "profile two, its format jsonl"
    );
    let mut by_env = with_config();
    by_env.env("LIGHTFIELD_PROFILE", "two");
    let status = json(&run_with(
        by_env,
        &["auth", "status", "--format", "json"],
        b"",
    ));
    assert_eq!(
        (status["profile"].as_str(), status["server"].as_str()),
        (Some("two"), Some(two.url()))
    );
    assert_eq!(status["keyFrom"], "$LF_TWO (profile `two`)");
    let missing = run_with(
        with_config(),
        &["--profile", "three", "accounts", "list"],
        b"",
    );
    assert_eq!(missing.status.code(), Some(5));
    assert!(text(&missing.stderr).contains("[profiles.three]"));
    // LIGHTFIELD_FORMAT sets the default over a profile's; --format still wins.
    let with_format = |name: &str| {
        let mut command = with_config();
        command.env("LIGHTFIELD_FORMAT", name);
        command
    };
    let csv = run_with(
        with_format("csv"),
        &["--profile", "two", "accounts", "list"],
        b"",
    );
    ok(&csv);
    assert!(
        text(&csv.stdout).starts_with("id,"),
        "{}",
        text(&csv.stdout)
    );
    let flag = run_with(
        with_format("csv"),
        &["--profile", "two", "accounts", "list", "--format", "json"],
        b"",
    );
    assert_eq!(json(&flag)["totalCount"], 1);
    let unknown = run_with(with_format("xml"), &["accounts", "list"], b"");
    assert_eq!(unknown.status.code(), Some(5));
    assert!(text(&unknown.stderr).contains("LIGHTFIELD_FORMAT"));
    std::fs::write(&config, "[profiles.bad]\napi_key = \"sk_lf_oops\"\n").unwrap();
    let inline = run_with(
        with_config(),
        &["--profile", "bad", "accounts", "list"],
        b"",
    );
    assert!(text(&inline.stderr).contains("keep keys out of the config file"));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_type_offers_what_the_api_has_and_says_it_in_cli_words() {
    let server = server().await;
    let help = run(&server, &["members", "--help"]);
    for missing in ["create", "update", "delete", "restore"] {
        assert!(
            !text(&help.stdout).contains(&format!("  {missing} ")),
            "members offer no {missing}"
        );
    }
    assert_eq!(run(&server, &["members", "create"]).status.code(), Some(2));
    assert_eq!(
        run(&server, &["lists", "restore", "lst_1"]).status.code(),
        Some(2)
    );
    // A delete that cannot be undone asks first; without a terminal it wants --yes.
    let list = json(&run(
        &server,
        &[
            "lists", "create", "Targets", "--of", "accounts", "--format", "json",
        ],
    ));
    let id = list["id"].as_str().unwrap();
    let asked = run(&server, &["lists", "delete", id]);
    assert_eq!(asked.status.code(), Some(5));
    assert!(text(&asked.stderr).contains("--yes"));
    assert_eq!(
        json(&run(&server, &["lists", "list", "--format", "json"]))["totalCount"],
        1
    );
    ok(&run(&server, &["lists", "delete", id, "--yes"]));
    // Plural and singular names alike; export refuses formats it cannot stream.
    ok(&run(&server, &["export", "opportunities"]));
    ok(&run(&server, &["schema", "opportunity"]));
    let yaml = run(&server, &["export", "account", "--format", "yaml"]);
    assert_eq!(yaml.status.code(), Some(5));
    // Messages name the CLI's flags and variables, never the SDK's builder.
    let unreachable = run_with(
        {
            let mut c = bare();
            c.env("LIGHTFIELD_API_KEY", KEY)
                .env("LIGHTFIELD_BASE_URL", "http://127.0.0.1:9");
            c
        },
        &["accounts", "list", "--max-retries", "0"],
        b"",
    );
    assert_eq!(unreachable.status.code(), Some(4));
    let refused = run(&server, &["accounts", "get", "acc_missing"]);
    assert_eq!(refused.status.code(), Some(3));
    for output in [&unreachable, &refused] {
        let said = text(&output.stderr);
        for sdk in ["max_retries", "Client::new", "builder", "attempt(s)"] {
            assert!(!said.contains(sdk), "`{sdk}` in: {said}");
        }
    }
    assert!(text(&unreachable.stderr).contains("--base-url"));
    let usage = run(&server, &["accounts", "get"]);
    assert!(
        !text(&usage.stderr).contains("--api-key <KEY>"),
        "{}",
        text(&usage.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_column_named_by_its_label_is_refused_before_any_row() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("labels.csv");
    // `Name` is the label of `$name`; `notes` is empty in every row, so no row would say so.
    std::fs::write(&file, "$name,Seats,nots\nAcme,3,\nGlobex,4,\n").unwrap();
    for dry_run in [true, false] {
        let mut args = vec!["import", "account", file.to_str().unwrap()];
        if dry_run {
            args.push("--dry-run");
        }
        let refused = run(&server, &args);
        assert_eq!(refused.status.code(), Some(5));
        let said = text(&refused.stderr);
        assert!(said.contains("`Seats` (did you mean `seats`?)"), "{said}");
        assert!(said.contains("`nots`"), "{said}");
    }
    assert!(server.records().is_empty(), "nothing was sent");
}
