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
