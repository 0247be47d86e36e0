//! What only Postgres has to show (`postgres` feature), each against a throwaway cluster of
//! its own (`common::cluster`): a mirror that holds its schema against a second sync, takes
//! new fields and retyped values, keeps files. The scenarios every backend must
//! survive (shifting pages, lag, caps, faults, churn, random changes) run on Postgres too,
//! from their own suites (`on_each_backend!`).
#![cfg(feature = "postgres")]

mod common;

use common::cluster::Cluster;
use common::*;
use lightfield_sync::Postgres;
use serde_json::json;

#[tokio::test]
async fn a_second_sync_of_the_same_schema_is_refused_while_one_holds_it() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    let mut store = postgres(&cluster, "lightfield").await;
    lightfield_sync::sync(&client, &mut store, &options())
        .await
        .unwrap();
    let refused = Postgres::connect(&cluster.url(), "lightfield").await;
    assert!(
        matches!(refused, Err(lightfield_sync::Error::Refused(_))),
        "{:?}",
        refused.err()
    );
    // Another schema in the same database is another mirror, free to sync.
    let mut other = postgres(&cluster, "elsewhere").await;
    lightfield_sync::sync(&client, &mut other, &options().only(["account"]))
        .await
        .unwrap();
    drop(store);
    let mut again = postgres(&cluster, "lightfield").await;
    let quiet = lightfield_sync::sync(&client, &mut again, &options())
        .await
        .unwrap();
    assert_eq!(
        quiet.counts.written, 0,
        "the same mirror, taken up again: {quiet:?}"
    );
}

#[tokio::test]
async fn a_postgres_mirror_takes_new_fields_and_values_of_another_type_in_columns_of_their_own() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let server = server().await;
    let client = client(&server);
    server.seed_records(
        "account",
        3,
        |i| json!({"$name": format!("Account {i}"), "seats": i}),
    );
    let mut store = postgres(&cluster, "crm").await;
    let options = options()
        .only(["account"])
        .history([("account".to_string(), "$name".to_string())]);
    let renamed = client.accounts().create("Renamed").send().await.unwrap();
    client
        .accounts()
        .update(&renamed.id)
        .field("$name", "Renamed twice")
        .send()
        .await
        .unwrap();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(server.add_field("account", "region", "Region", "TEXT"));
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
    let expected: std::collections::BTreeSet<_> = served(&server)
        .into_iter()
        .filter(|(t, ..)| t == "account")
        .collect();
    assert_eq!(held(&mut store).await, expected);
    use lightfield_sync::Store;
    let newest = store.newest_history(&renamed.id, "$name").await.unwrap();
    assert!(newest.is_some(), "the history was kept in Postgres too");
}

#[tokio::test]
async fn a_postgres_mirror_holds_files_as_sent_and_deletes_them_only_on_a_404() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let server = server().await;
    let client = client(&server);
    let mut store = postgres(&cluster, "files").await;
    files_scenario(&server, &client, &mut store).await;
}

#[tokio::test]
async fn a_postgres_mirror_over_tls_checks_the_servers_certificate() {
    let Some(cluster) = Cluster::start_tls() else {
        return;
    };
    let server = server().await;
    let client = client(&server);
    server.seed_records("account", 30, |i| json!({"$name": format!("Account {i}")}));
    let url = format!(
        "postgres://postgres@localhost:{}/postgres?sslmode=require",
        cluster.port()
    );
    // The server takes TLS connections only: a plain one is turned away by the server.
    let plain = url.replace("sslmode=require", "sslmode=disable");
    assert!(Postgres::connect(&plain, "tls").await.is_err());
    // A certificate no known root signed is refused, and the error says why.
    let refused = Postgres::connect(&url, "tls").await;
    let said = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(said.contains("certificate"), "{said}");
    // With the CA named by sslrootcert, the mirror is made over TLS.
    let ca = cluster.ca_file();
    let trusted = format!("{url}&sslrootcert={}", ca.display());
    let mut store = Postgres::connect(&trusted, "tls")
        .await
        .expect("TLS connection");
    let run = lightfield_sync::sync(&client, &mut store, &options().only(["account"]))
        .await
        .unwrap();
    assert_eq!(run.counts.written, 30, "{run:?}");
    // A file that holds no certificate is named plainly.
    let empty = tempfile::NamedTempFile::new().unwrap();
    let wrong = format!("{url}&sslrootcert={}", empty.path().display());
    let said = Postgres::connect(&wrong, "tls")
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        said.as_deref()
            .is_some_and(|s| s.contains("no PEM certificate")),
        "{said:?}"
    );
}
