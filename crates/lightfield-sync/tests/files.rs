//! Files' metadata in the SQLite mirror (the scenario is in `common`; the Postgres suite
//! runs it too).

mod common;

use lightfield_sync::Sqlite;

#[tokio::test]
async fn files_are_mirrored_as_sent_rewritten_when_changed_and_deleted_on_a_404() {
    let server = common::server().await;
    let client = common::client(&server);
    let mut store = Sqlite::in_memory().unwrap();
    common::files_scenario(&server, &client, &mut store).await;
}

#[tokio::test]
async fn files_a_key_may_not_list_are_reported_and_the_rest_is_mirrored() {
    let server = common::server().await;
    let client = common::client(&server);
    server.seed_records(
        "account",
        3,
        |i| serde_json::json!({"$name": format!("Co {i}")}),
    );
    server.inject(
        lightfield_mock::Fault::status(403)
            .exactly("/v1/files")
            .always(),
    );
    let mut store = Sqlite::in_memory().unwrap();
    let options = lightfield_sync::Options::default().only(["account", "file"]);
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(run.forbidden, ["file"], "{run:?}");
    assert_eq!(run.counts.written, 3, "the accounts were mirrored: {run:?}");
    // Another failure is not a missing permission: the run stops and says so.
    server.clear_faults();
    server.inject(
        lightfield_mock::Fault::status(503)
            .exactly("/v1/files")
            .always(),
    );
    assert!(
        lightfield_sync::sync(&client, &mut store, &options)
            .await
            .is_err()
    );
}
