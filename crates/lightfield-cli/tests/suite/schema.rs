//! The schema as the CLI shows and uses it: one CSV table with a `required` column, select
//! options taken by label or id (an unknown one refused with the options listed), and a
//! `--dry-run` write checked against it without being sent.

use super::harness::{json, ok, run, server, text};

#[tokio::test(flavor = "multi_thread")]
async fn schema_as_csv_is_one_table_with_required() {
    let server = server().await;
    let out = run(&server, &["schema", "accounts", "--format", "csv"]);
    ok(&out);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().expect("a header").clone();
    for column in ["key", "kind", "required", "valueType", "options"] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    // The strict reader refuses a row of another width, so a second table would fail here.
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("every row has the header's width");
    let row = |key: &str| {
        rows.iter()
            .find(|r| &r[column("key")] == key)
            .unwrap_or_else(|| panic!("`{key}` in {rows:?}"))
    };
    assert_eq!(&row("$name")[column("required")], "true");
    assert_eq!(&row("tier")[column("required")], "false");
    assert_eq!(&row("$owner")[column("kind")], "relationship");
    assert_eq!(&row("tier")[column("options")], "Gold; Silver; Bronze");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_select_takes_a_label_or_an_id_and_lists_the_options_otherwise() {
    let server = server().await;
    let create = |tier: &str| {
        run(
            &server,
            &[
                "accounts",
                "create",
                "--field",
                "$name=Acme",
                "--field",
                &format!("tier={tier}"),
                "--format",
                "json",
            ],
        )
    };
    let by_label = create("Silver");
    ok(&by_label);
    let by_id = create("opt_tier_silver");
    ok(&by_id);
    let (by_label, by_id) = (json(&by_label), json(&by_id));
    assert!(!by_label["fields"]["tier"]["value"].is_null());
    assert_eq!(
        by_label["fields"]["tier"]["value"],
        by_id["fields"]["tier"]["value"]
    );

    let unknown = create("Platinum");
    assert_eq!(unknown.status.code(), Some(5), "a refusal of the input");
    let said = text(&unknown.stderr);
    assert!(said.contains("`Platinum`"), "{said}");
    assert!(said.contains("Gold, Silver, Bronze"), "{said}");
    assert!(said.contains("nothing was sent"), "{said}");
    assert_eq!(server.records().len(), 2, "the refused create was not sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_checks_a_write_prints_its_body_and_sends_nothing() {
    let server = server().await;
    let dry = |args: &[&str]| {
        let mut all = vec!["accounts"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--dry-run", "--format", "json"]);
        run(&server, &all)
    };
    let create = dry(&["create", "--field", "$name=Dry Co", "--field", "tier=Gold"]);
    ok(&create);
    assert_eq!(
        json(&create),
        serde_json::json!({"fields": {"$name": "Dry Co", "tier": "Gold"}})
    );
    assert!(text(&create.stderr).contains("nothing was sent"));
    // The same checks as a real write: a required key, an option, before anything is sent.
    assert_eq!(
        dry(&["create", "--field", "tier=Gold"]).status.code(),
        Some(5)
    );
    let option = dry(&["create", "--field", "$name=X", "--field", "tier=Platinum"]);
    assert_eq!(option.status.code(), Some(5));
    assert!(text(&option.stderr).contains("Gold, Silver, Bronze"));
    let real = json(&run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Real",
            "--format",
            "json",
        ],
    ));
    let id = real["id"].as_str().unwrap();
    let update = dry(&["update", id, "--field", "seats=9", "--clear", "tier"]);
    ok(&update);
    assert_eq!(
        json(&update),
        serde_json::json!({"fields": {"seats": 9, "tier": null}})
    );
    assert_eq!(server.records().len(), 1, "only the real create was made");
    assert!(
        server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
            == 1,
        "one write was sent"
    );
}

/// A label another admin chose cannot open a Markdown block in `schema --rust`'s doc
/// comments: an indented or fenced one would be a doctest that `cargo test` runs.
#[tokio::test(flavor = "multi_thread")]
async fn schema_rust_keeps_every_label_inside_a_line_of_its_own_words() {
    let server = server().await;
    let planted = "    fn main() { std::process::abort(); } //";
    assert!(server.add_field("account", "planted", planted, "TEXT"));
    assert!(server.add_field("account", "fenced", "```", "TEXT"));
    let out = run(&server, &["schema", "account", "--rust", "Account"]);
    ok(&out);
    let source = text(&out.stdout);
    for line in source
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("///"))
    {
        assert!(
            [" Field: ", " Options: ", " Relationship: "]
                .iter()
                .any(|start| line.starts_with(start)),
            "a doc line begun by the server's text: {line:?}"
        );
    }
    assert!(source.contains("/// Field: \\`\\`\\` (TEXT)"), "{source}");
    assert!(source.contains("/// Field:     fn main()"), "{source}");
}

/// The dry run refuses what the server would: an `--add` on a link to one record, a
/// required key cleared, an address key the API does not have, an id that is two ids;
/// each said plainly, nothing sent.
#[tokio::test(flavor = "multi_thread")]
async fn the_dry_run_refuses_what_the_server_would() {
    use crate::harness::sdk;
    let server = server().await;
    let client = sdk(&server);
    let account = client.accounts().create("Dry").send().await.unwrap().id;
    let member = client
        .members()
        .list()
        .send()
        .await
        .unwrap()
        .items
        .into_iter()
        .next()
        .expect("a member")
        .id;
    let cases: [(Vec<String>, &str); 4] = [
        (
            vec!["--add".into(), format!("$owner={member}")],
            "--replace links another in its place",
        ),
        (vec!["--clear".into(), "$name".into()], "is required"),
        (
            vec![
                "--field".into(),
                r#"$primaryAddress={"zip": "69001"}"#.into(),
            ],
            "has no `zip`",
        ),
        (
            vec!["--add".into(), "partners=acc_1 acc_2".into()],
            "looks like more than one record id",
        ),
    ];
    for (args, said) in cases {
        let before = server.requests().len();
        let mut all = vec!["accounts", "update", account.as_str(), "--dry-run"];
        all.extend(args.iter().map(String::as_str));
        let out = run(&server, &all);
        assert_eq!(
            out.status.code(),
            Some(5),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(said),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let writes = server.requests()[before..]
            .iter()
            .filter(|r| r.method == "POST")
            .count();
        assert_eq!(writes, 0, "{args:?}: nothing sent");
    }
    // Ids of a link are separated as a list field's values are: `;` as well as `,`.
    let other = client.accounts().create("Other").send().await.unwrap().id;
    let third = client.accounts().create("Third").send().await.unwrap().id;
    ok(&run(
        &server,
        &[
            "accounts",
            "update",
            &account,
            "--add",
            &format!("partners={other};{third}"),
        ],
    ));
    let linked = client.accounts().retrieve(&account).send().await.unwrap();
    assert_eq!(linked.related("partners").len(), 2);
}
