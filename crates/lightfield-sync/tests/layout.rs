//! What a SQLite mirror looks like from SQL: a column per field that never changes meaning,
//! the definitions, a view per relationship, list members, field history, where a run is;
//! and the refusals that come before any write.

mod common;

use common::*;
use lightfield_sync::Sqlite;
use serde_json::json;

#[tokio::test]
async fn a_field_added_or_retyped_between_runs_gets_a_column_and_no_column_changes_meaning() {
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records(
        "account",
        3,
        |i| json!({"$name": format!("Account {i}"), "seats": i}),
    );
    let mut store = Sqlite::in_memory().unwrap();
    let options = options().only(["account"]);
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let before = columns(&store, "accounts");
    assert!(before.contains(&"seats".to_string()));

    assert!(server.add_field("account", "region", "Region", "TEXT"));
    client
        .accounts()
        .update(&ids[0])
        .field("region", "EMEA")
        .send()
        .await
        .unwrap();
    // A newer server sends `seats` as text for one record: a second column, not a new
    // meaning for the first.
    server.insert_record_json_of(
        "account",
        json!({"id": "acc_retyped", "createdAt": "2026-01-01T00:00:00Z",
               "fields": {"$name": {"value": "Retyped", "valueType": "TEXT"},
                          "seats": {"value": "about forty", "valueType": "TEXT"}},
               "relationships": {}}),
    );
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let after = columns(&store, "accounts");
    for column in &before {
        assert!(after.contains(column), "{column} is kept");
    }
    assert!(after.contains(&"region".to_string()), "{after:?}");
    assert!(after.contains(&"seats__text".to_string()), "{after:?}");
    let cell = |id: &str, column: &str| -> Option<String> {
        store
            .connection()
            .query_row(
                &format!("SELECT CAST({column} AS TEXT) FROM accounts WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(cell(&ids[0], "region").as_deref(), Some("EMEA"));
    assert_eq!(
        cell("acc_retyped", "seats__text").as_deref(),
        Some("about forty")
    );
    assert_eq!(
        cell("acc_retyped", "seats"),
        None,
        "the number column holds numbers only"
    );
    assert_eq!(cell(&ids[2], "seats").as_deref(), Some("2.0"));
    // The organisation's definitions have a table of their own, the new field included.
    let (label, of, raw): (String, String, String) = store
        .connection()
        .query_row(
            "SELECT label, of, raw FROM definitions WHERE object_type = 'account' AND key = 'region'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((label.as_str(), of.as_str()), ("Region", "TEXT"));
    assert!(raw.contains("\"valueType\":\"TEXT\""), "{raw}");
    let links: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM definitions WHERE object_type = 'account' AND kind = 'relationship'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(links >= 5, "{links} relationships defined");
}

#[tokio::test]
async fn another_organisation_or_a_newer_layout_is_refused_before_anything_is_written() {
    use lightfield_sync::Store;
    let (one, other) = (server().await, server().await);
    let mut store = Sqlite::in_memory().unwrap();
    let options = options().only(["account"]);
    lightfield_sync::sync(&client(&one), &mut store, &options)
        .await
        .unwrap();
    let refused = lightfield_sync::sync(&client(&other), &mut store, &options).await;
    assert!(
        matches!(refused, Err(lightfield_sync::Error::Refused(ref why)) if why.contains("another organisation")),
        "{refused:?}"
    );
    store.set_meta("format", "99").await.unwrap();
    let refused = lightfield_sync::sync(&client(&one), &mut store, &options).await;
    assert!(
        matches!(refused, Err(lightfield_sync::Error::Refused(ref why)) if why.contains("newer")),
        "{refused:?}"
    );
    let runs: i64 = store
        .connection()
        .query_row("SELECT COUNT(*) FROM _lf_runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 1, "no run was opened");
}

#[tokio::test]
async fn each_relationship_reads_as_a_view_from_its_own_type() {
    let server = server().await;
    let client = client(&server);
    let accounts = organisation(&server, &client).await;
    client
        .accounts()
        .update(&accounts[1])
        .add("partners", [accounts[2].as_str()])
        .send()
        .await
        .unwrap();
    let mut store = Sqlite::in_memory().unwrap();
    lightfield_sync::sync(&client, &mut store, &options())
        .await
        .unwrap();
    let pairs: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM opportunities o JOIN opportunities__account l
             ON l.opportunity_id = o.id JOIN accounts a ON a.id = l.account_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pairs, 5);
    let partner: String = store
        .connection()
        .query_row(
            "SELECT linked_account_id FROM accounts__partners WHERE account_id = ?1",
            [&accounts[1]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(partner, accounts[2]);
}

#[tokio::test]
async fn a_run_says_where_it_is_after_each_page() {
    use std::sync::{Arc, Mutex};
    let server = server().await;
    let client = client(&server);
    server.seed_records("account", 60, |i| json!({"$name": format!("Account {i}")}));
    let told: Arc<Mutex<Vec<lightfield_sync::Progress>>> = Arc::default();
    let seen = told.clone();
    let options = options()
        .only(["account"])
        .on_progress(move |p| seen.lock().unwrap().push(p.clone()));
    let mut store = Sqlite::in_memory().unwrap();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let told = told.lock().unwrap();
    assert!(told.len() >= 3, "a word per page: {told:?}");
    assert!(told.windows(2).all(|w| w[0].read <= w[1].read), "{told:?}");
    let last = told.last().unwrap();
    assert_eq!(last.read, run.counts.written + run.counts.unchanged);
    assert!(told.iter().any(|p| p.stream == "account:active"));
}

#[tokio::test]
async fn the_history_of_chosen_fields_is_kept_and_read_only_back_to_what_is_stored() {
    let server = server().await;
    let client = client(&server);
    let acme = client.accounts().create("Acme").send().await.unwrap();
    for name in ["Acme Inc", "Acme Group"] {
        client
            .accounts()
            .update(&acme.id)
            .field("$name", name)
            .send()
            .await
            .unwrap();
    }
    let options = options()
        .only(["account"])
        .history([("account".to_string(), "$name".to_string())]);
    let mut store = Sqlite::in_memory().unwrap();
    let entries = |store: &Sqlite| -> Vec<String> {
        store
            .connection()
            .prepare("SELECT value FROM field_history WHERE record_id = ?1 ORDER BY recorded_at")
            .unwrap()
            .query_map([&acme.id], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let first = entries(&store);
    assert!(first.len() >= 2, "{first:?}");
    assert!(first.last().unwrap().contains("Acme Group"), "{first:?}");
    let from = server.requests().len();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let history_calls = server.requests()[from..]
        .iter()
        .filter(|r| r.path.contains("/history"))
        .count();
    assert_eq!(
        history_calls, 0,
        "an unchanged record's history is not read again"
    );
    client
        .accounts()
        .update(&acme.id)
        .field("$name", "Acme Holdings")
        .send()
        .await
        .unwrap();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let last = entries(&store);
    assert_eq!(last.len(), first.len() + 1, "only the new entry: {last:?}");
    assert!(last.last().unwrap().contains("Acme Holdings"));
}
