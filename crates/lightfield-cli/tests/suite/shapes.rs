//! One shape per answer: what a command prints depends on what it was asked, never on how
//! many records happened to match; and a command says what it did (a delete went to the
//! trash).

use serde_json::json;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread")]
async fn get_with_ids_from_stdin_is_a_list_however_many_lines_it_reads() {
    let server = server().await;
    let ids = server.seed_records("account", 2, |i| json!({"$name": format!("Co {i}")}));
    for input in [format!("{}\n", ids[0]), format!("{}\n{}\n", ids[0], ids[1])] {
        let out = run_with(
            at(&server),
            &["accounts", "get", "-", "--format", "json"],
            input.as_bytes(),
        );
        ok(&out);
        let shown = json(&out);
        let lines = input.lines().count();
        assert_eq!(
            shown["data"].as_array().map(Vec::len),
            Some(lines),
            "{lines} id(s) from stdin: {shown}"
        );
    }
    // One id on the command line is one record, as before.
    let one = json(&run(
        &server,
        &["accounts", "get", &ids[0], "--format", "json"],
    ));
    assert_eq!(one["id"], ids[0].as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_says_the_record_went_to_the_trash_and_how_to_bring_it_back() {
    let server = server().await;
    let ids = server.seed_records("account", 3, |i| json!({"$name": format!("Co {i}")}));
    let one = run(&server, &["accounts", "delete", &ids[0]]);
    ok(&one);
    let said = text(&one.stderr);
    assert!(said.contains("moved 1 record to the trash"), "{said}");
    assert!(said.contains("restore"), "{said}");
    let two = run(&server, &["accounts", "delete", &ids[1], &ids[2]]);
    ok(&two);
    assert!(text(&two.stderr).contains("moved 2 records to the trash"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_that_would_put_values_under_the_wrong_key_is_named_plainly() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, says) in [
        (
            "twice.csv",
            b"$name,tier,tier\nDup Col,Gold,Silver\n".to_vec(),
            "names `tier` twice (columns 2 and 3)",
        ),
        (
            "semicolons.csv",
            b"$name;tier\nSemi Co;Gold\n".to_vec(),
            "seems to use `;`",
        ),
        (
            "latin1.csv",
            b"$name,tier\nCaf\xe9 Co,Gold\n".to_vec(),
            "not UTF-8",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        for dry in [true, false] {
            let mut args = vec!["import", "account", path.to_str().unwrap()];
            if dry {
                args.push("--dry-run");
            }
            let out = run(&server, &args);
            let said = text(&out.stderr);
            assert!(!out.status.success(), "{name}: {said}");
            assert!(said.contains(says), "{name}: {said}");
        }
    }
    assert_eq!(server.record_count_of("account"), 0, "nothing was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_status_says_what_it_tried_even_when_the_check_fails() {
    let server = server().await;
    let url = server.url().to_string();
    drop(server); // Nothing answers there now.
    let mut command = bare();
    command
        .env("LIGHTFIELD_API_KEY", KEY)
        .env("LIGHTFIELD_BASE_URL", &url);
    let out = run_with(command, &["auth", "status"], b"");
    assert!(!out.status.success());
    let said = text(&out.stderr);
    assert!(said.contains("key from:") && said.contains(&url), "{said}");
    assert!(!said.contains(KEY), "never the key: {said}");
}
