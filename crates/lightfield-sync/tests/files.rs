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
