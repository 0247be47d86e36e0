//! The mirror against lightfield-mock over HTTP: what it holds equals what the server has,
//! a second run writes nothing, and deletes are mirrored only on evidence.

use std::collections::BTreeSet;
use std::time::Duration;

use lightfield::Client;
use lightfield_mock::{MockConfig, MockServer};
use lightfield_sync::{Options, Sqlite};
use serde_json::{Value, json};

/// Every type the mock serves records of, with its table.
const TYPES: [(&str, &str); 10] = [
    ("account", "accounts"),
    ("contact", "contacts"),
    ("opportunity", "opportunities"),
    ("task", "tasks"),
    ("note", "notes"),
    ("meeting", "meetings"),
    ("member", "members"),
    ("email", "emails"),
    ("list", "lists"),
    ("vendor", "obj_vendor"),
];

async fn server() -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .expect("mock")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("sk_lf_sync_test")
        .base_url(server.url())
        .rate_limit(None)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("client")
}

/// JSON with null members left out: the SDK gives back a record without them.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// What the server has: `(type, id, status, record)` for every record.
fn served(server: &MockServer) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for (object, _) in TYPES {
        let trashed = server.trashed_ids_of(object);
        for record in server.records_of(object) {
            let id = record["id"].as_str().unwrap_or_default().to_string();
            let status = if trashed.contains(&id) {
                "trashed"
            } else {
                "active"
            };
            let mut record = without_nulls(&record);
            if object == "list" {
                record.as_object_mut().map(|r| r.remove("relationships"));
            }
            out.insert((
                object.to_string(),
                id,
                status.to_string(),
                record.to_string(),
            ));
        }
    }
    out
}

/// What the mirror holds, in the same shape (deleted rows left out).
fn mirrored(db: &Sqlite) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for (object, table) in TYPES {
        let query = format!("SELECT id, _status, _raw FROM \"{table}\" WHERE _status != 'deleted'");
        let Ok(mut statement) = db.connection().prepare(&query) else {
            continue;
        };
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .expect("rows");
        for row in rows {
            let (id, status, raw) = row.expect("row");
            let mut record: Value = serde_json::from_str(&raw).expect("JSON");
            if object == "list" {
                record.as_object_mut().map(|r| r.remove("relationships"));
            }
            out.insert((
                object.to_string(),
                id,
                status,
                without_nulls(&record).to_string(),
            ));
        }
    }
    out
}

/// The links the server's records carry: `(source, key, target)`.
fn served_links(server: &MockServer) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for (object, _) in TYPES {
        for record in server.records_of(object) {
            let id = record["id"].as_str().unwrap_or_default();
            for (key, rel) in record["relationships"].as_object().into_iter().flatten() {
                let ids = rel
                    .pointer("/directions/asSource/values")
                    .or(rel.get("values"))
                    .and_then(Value::as_array);
                for target in ids.into_iter().flatten().filter_map(Value::as_str) {
                    out.insert((id.to_string(), key.clone(), target.to_string()));
                }
            }
        }
    }
    out
}

fn mirrored_links(db: &Sqlite) -> BTreeSet<(String, String, String)> {
    let mut statement = db
        .connection()
        .prepare("SELECT src_id, rel_key, dst_id FROM _edges WHERE direction IN ('', 'source')")
        .expect("edges");
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

/// An organisation with a little of everything: three pages of accounts, linked contacts
/// and opportunities, a note, custom records, two accounts in the trash.
async fn organisation(server: &MockServer, client: &Client) -> Vec<String> {
    let accounts = server.seed_records("account", 60, |i| json!({"$name": format!("Account {i}")}));
    for (i, account) in accounts.iter().take(5).enumerate() {
        let contact = client
            .contacts()
            .create()
            .name(lightfield::FullName::new(format!("Ada {i}"), "Lovelace"))
            .relationship("$account", account.as_str())
            .send()
            .await
            .expect("contact");
        client
            .opportunities()
            .create(format!("Deal {i}"), account.as_str())
            .send()
            .await
            .expect("opportunity");
        let _ = contact;
    }
    client
        .notes()
        .create("Met Ada")
        .relationship("$account", accounts[0].as_str())
        .send()
        .await
        .expect("note");
    server.seed_records("vendor", 30, |i| json!({"$name": format!("Vendor {i}")}));
    for id in &accounts[10..12] {
        client.accounts().delete(id).send().await.expect("trash");
    }
    accounts
}

#[tokio::test]
async fn the_mirror_holds_what_the_server_has_and_a_second_run_writes_nothing() {
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default();
    let first = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(first.counts.written > 100, "{first:?}");
    let expected = served(&server);
    let trashed = expected.iter().filter(|r| r.2 == "trashed").count();
    assert!(
        expected.len() > 100 && trashed == 2,
        "{} records, {trashed} trashed",
        expected.len()
    );
    assert_eq!(
        mirrored(&store),
        expected,
        "the mirror is the server's records"
    );
    assert!(served_links(&server).len() >= 15, "links to compare");
    assert_eq!(
        mirrored_links(&store),
        served_links(&server),
        "and their links"
    );
    let second = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(second.counts.written, 0, "{second:?}");
    assert_eq!(
        second.counts.trashed + second.counts.deleted,
        0,
        "{second:?}"
    );
    assert_eq!(mirrored(&store), served(&server));
}

/// The standing of record `id` in `table`: `(status, reason)`.
fn standing(db: &Sqlite, table: &str, id: &str) -> (String, Option<String>) {
    db.connection()
        .query_row(
            &format!("SELECT _status, _status_reason FROM \"{table}\" WHERE id = ?1"),
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a mirrored record")
}

fn links_of(db: &Sqlite, id: &str) -> i64 {
    db.connection()
        .query_row(
            "SELECT COUNT(*) FROM _edges WHERE src_id = ?1 OR dst_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("edges")
}

#[tokio::test]
async fn trash_restore_and_purge_are_mirrored_and_deletes_need_evidence() {
    let server = server().await;
    let client = client(&server);
    let accounts = organisation(&server, &client).await;
    let vendors = server.record_ids_of("vendor");
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();

    // An account trashed is listed in the trash: mirrored as trashed at once.
    client
        .accounts()
        .delete(&accounts[20])
        .send()
        .await
        .unwrap();
    // A custom record trashed is only missing (the API lists no trash of custom objects).
    client
        .object("vendor")
        .delete(&vendors[3])
        .send()
        .await
        .unwrap();
    // An account with links is purged: its retrieve answers 404.
    assert!(links_of(&store, &accounts[0]) > 0);
    assert!(server.purge_record("account", &accounts[0]));
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(
        standing(&store, "accounts", &accounts[20]),
        ("trashed".into(), Some("listed".into()))
    );
    assert_eq!(
        standing(&store, "accounts", &accounts[0]),
        ("deleted".into(), Some("gone".into()))
    );
    assert_eq!(
        links_of(&store, &accounts[0]),
        0,
        "the edges of a deleted record go"
    );
    assert_eq!(
        standing(&store, "obj_vendor", &vendors[3]).0,
        "active",
        "one scan that missed a record is no evidence"
    );
    assert_eq!((run.counts.trashed, run.counts.deleted), (1, 1), "{run:?}");

    let from = server.requests().len();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(
        standing(&store, "obj_vendor", &vendors[3]),
        ("trashed".into(), Some("absent".into()))
    );
    assert_eq!((run.counts.trashed, run.counts.written), (1, 0), "{run:?}");
    assert_eq!(
        run.counts.deleted, 0,
        "a record deleted before is not judged again"
    );
    let sent = server.requests()[from..]
        .iter()
        .filter(|r| r.query.contains("limit=25"))
        .count()
        + retrieves(&server, from);
    assert_eq!(
        run.counts.requests, sent as u64,
        "lists and retrieves are counted"
    );

    client
        .accounts()
        .restore(&accounts[20])
        .send()
        .await
        .unwrap();
    client
        .object("vendor")
        .restore(&vendors[3])
        .send()
        .await
        .unwrap();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(
        standing(&store, "accounts", &accounts[20]),
        ("active".into(), Some("restored".into()))
    );
    assert_eq!(
        standing(&store, "obj_vendor", &vendors[3]),
        ("active".into(), Some("restored".into()))
    );
    assert_eq!(run.counts.restored, 2, "{run:?}");
    assert_eq!(mirrored(&store), served(&server));
}

#[tokio::test]
async fn a_run_cut_short_is_continued_by_the_next_with_nothing_lost_or_doubled() {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    // The server fails for good on the 4th page of vendors: the run stops there.
    server.inject(Fault::status(503).path("/v1/objects/vendor").times(1_000));
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default();
    let cut = lightfield_sync::sync(&client, &mut store, &options).await;
    assert!(cut.is_err(), "{cut:?}");
    let before: i64 = store
        .connection()
        .query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0))
        .unwrap();
    assert!(
        before >= 60,
        "the pages read before the failure were kept: {before}"
    );
    server.clear_faults();
    let requests_before = server.requests().len();
    let resumed = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(resumed.resumed, "the same run goes on");
    // The types finished before the failure are not read again.
    let accounts_read_again = server.requests()[requests_before..]
        .iter()
        .filter(|r| r.path == "/v1/accounts")
        .count();
    assert_eq!(accounts_read_again, 0);
    assert_eq!(mirrored(&store), served(&server));
    let again = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(again.counts.written, 0, "{again:?}");
}

#[tokio::test]
async fn records_deleted_before_the_offset_during_a_scan_skip_nothing_and_delete_nothing() {
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 200, |i| json!({"$name": format!("Vendor {i}")}));
    // Each page takes a while, and meanwhile records at the start of the order are purged:
    // every record after them moves up by a few places between two pages.
    server.set_latency(Duration::from_millis(15));
    let purger = {
        let ids = ids.clone();
        let server = &server;
        async move {
            for id in ids.iter().take(30) {
                tokio::time::sleep(Duration::from_millis(7)).await;
                server.purge_record("vendor", id);
            }
        }
    };
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]);
    let (run, ()) = tokio::join!(lightfield_sync::sync(&client, &mut store, &options), purger);
    let run = run.unwrap();
    server.set_latency(Duration::ZERO);
    let mirrored_ids: BTreeSet<String> = store
        .connection()
        .prepare("SELECT id FROM obj_vendor WHERE _status = 'active'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    // Every record that existed through the whole scan is there: none slipped between pages.
    for id in &ids[30..] {
        assert!(mirrored_ids.contains(id), "{id} was skipped; {run:?}");
    }
    let shifts: i64 = store
        .connection()
        .query_row("SELECT SUM(shifts) FROM _lf_streams", [], |r| r.get(0))
        .unwrap();
    assert!(shifts > 0, "the scan saw the order shift");
    // The purged ones are found gone by their 404, never by their absence alone.
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(run.counts.trashed, 0, "{run:?}");
    let active: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM obj_vendor WHERE _status = 'active'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(active, 170);
}

async fn server_with(listing: lightfield_mock::ListView) -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        listing,
        ..MockConfig::default()
    })
    .await
    .expect("mock")
}

fn active_ids(db: &Sqlite, table: &str) -> BTreeSet<String> {
    db.connection()
        .prepare(&format!(
            "SELECT id FROM \"{table}\" WHERE _status = 'active'"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[tokio::test]
async fn records_created_at_the_head_of_a_newest_first_order_during_a_scan_skip_nothing() {
    let server = server_with(lightfield_mock::ListView {
        newest_first: true,
        ..Default::default()
    })
    .await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 150, |i| json!({"$name": format!("Vendor {i}")}));
    server.set_latency(Duration::from_millis(10));
    let creator = async {
        for i in 0..20 {
            tokio::time::sleep(Duration::from_millis(6)).await;
            server.seed_records("vendor", 1, |_| json!({"$name": format!("New {i}")}));
        }
    };
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]);
    let (run, ()) = tokio::join!(
        lightfield_sync::sync(&client, &mut store, &options),
        creator
    );
    run.unwrap();
    server.set_latency(Duration::ZERO);
    let mirrored = active_ids(&store, "obj_vendor");
    for id in &ids {
        assert!(mirrored.contains(id), "{id} was skipped");
    }
    // The next quiet run has the newcomers too, and deletes nothing.
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    assert_eq!(active_ids(&store, "obj_vendor").len(), 170);
    assert_eq!(mirrored_links(&store).len(), served_links(&server).len());
}

#[tokio::test]
async fn lists_lagging_behind_writes_cause_no_false_delete_and_the_next_quiet_run_is_exact() {
    let server = server_with(lightfield_mock::ListView {
        lag: Duration::from_millis(400),
        ..Default::default()
    })
    .await;
    let client = client(&server);
    let vendors = server.seed_records("vendor", 30, |i| json!({"$name": format!("Vendor {i}")}));
    let accounts = server.seed_records("account", 30, |i| json!({"$name": format!("Account {i}")}));
    tokio::time::sleep(Duration::from_millis(450)).await;
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor", "account"]);
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    // Trashed and created just now: the lists do not show it yet.
    client
        .object("vendor")
        .delete(&vendors[0])
        .send()
        .await
        .unwrap();
    client.accounts().delete(&accounts[0]).send().await.unwrap();
    let fresh = client.accounts().create("Fresh").send().await.unwrap();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(
        standing(&store, "accounts", &accounts[0]).0,
        "trashed",
        "{run:?}"
    );
    assert!(active_ids(&store, "accounts").contains(&fresh.id));
    // The custom record needs a second run that misses it: two strikes.
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(standing(&store, "obj_vendor", &vendors[0]).0, "trashed");
    let expected: BTreeSet<_> = served(&server)
        .into_iter()
        .filter(|(t, ..)| t == "vendor" || t == "account")
        .collect();
    assert_eq!(mirrored(&store), expected);
}

#[tokio::test]
async fn an_offset_cap_is_reported_and_infers_no_delete() {
    let server = server_with(lightfield_mock::ListView {
        offset_cap: Some(48),
        ..Default::default()
    })
    .await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 100, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]);
    let first = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(first.capped, ["vendor"], "{first:?}");
    // Even a record the mirror holds that is now beyond reach is not judged.
    server.set_listing(lightfield_mock::ListView::default());
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    server.set_listing(lightfield_mock::ListView {
        offset_cap: Some(48),
        ..Default::default()
    });
    for _ in 0..2 {
        let run = lightfield_sync::sync(&client, &mut store, &options)
            .await
            .unwrap();
        assert_eq!(run.capped, ["vendor"]);
        assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    }
    assert_eq!(active_ids(&store, "obj_vendor").len(), ids.len());
}

fn columns(db: &Sqlite, table: &str) -> Vec<String> {
    db.connection()
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

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
    let options = Options::default().only(["account"]);
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
}

#[tokio::test]
async fn server_faults_end_in_a_finished_run_or_a_stop_the_next_run_completes() {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    // Passing faults: a 503 and a burst of 429s the SDK's retries ride out.
    server.inject(Fault::status(503).path("/v1/accounts").times(2));
    server.inject(Fault::rate_limited(0).path("/v1/contacts").times(2));
    server.inject(
        Fault::drop_before_handling()
            .path("/v1/objects/vendor")
            .times(1),
    );
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(!run.resumed);
    assert_eq!(mirrored(&store), served(&server));
    // A dropped connection on every call of one type: a clean stop, then a finished run.
    server.inject(Fault::drop_before_handling().path("/v1/notes").times(100));
    assert!(
        lightfield_sync::sync(&client, &mut store, &options)
            .await
            .is_err()
    );
    server.clear_faults();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(run.resumed);
    assert_eq!(mirrored(&store), served(&server));
}

/// Requests the server saw for single records (`GET /v1/{type}/{id}`).
fn retrieves(server: &MockServer, from: usize) -> usize {
    server.requests()[from..]
        .iter()
        .filter(|r| {
            r.method == "GET"
                && r.path
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains('_'))
        })
        .filter(|r| !r.path.ends_with("definitions"))
        .count()
}

#[tokio::test]
async fn a_quiet_run_retrieves_nothing_and_counts_what_it_sent() {
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let from = server.requests().len();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(retrieves(&server, from), 0, "nothing was missing");
    let pages = server.requests()[from..]
        .iter()
        .filter(|r| r.query.contains("limit=25"))
        .count() as u64;
    assert_eq!(run.counts.requests, pages, "{run:?}");
    assert!(
        run.counts.unchanged as usize >= served(&server).len(),
        "{run:?}"
    );
}

#[tokio::test]
async fn a_failed_retrieve_is_no_evidence_of_a_delete() {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = client(&server);
    let vendors = server.seed_records("vendor", 10, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]);
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    client
        .object("vendor")
        .delete(&vendors[4])
        .send()
        .await
        .unwrap();
    // The list answers; the retrieve of the missing record fails every time.
    server.inject(
        Fault::status(503)
            .path(format!("/v1/objects/vendor/values/{}", vendors[4]))
            .always(),
    );
    let failed = lightfield_sync::sync(&client, &mut store, &options).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(standing(&store, "obj_vendor", &vendors[4]).0, "active");
    server.clear_faults();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(
        standing(&store, "obj_vendor", &vendors[4]).0,
        "active",
        "one strike"
    );
}

#[tokio::test]
async fn a_record_missing_in_runs_that_are_not_consecutive_is_not_trashed() {
    let server = server().await;
    let client = client(&server);
    let vendors = server.seed_records("vendor", 10, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]);
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let vendor = client.object("vendor");
    vendor.delete(&vendors[2]).send().await.unwrap();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap(); // strike one
    vendor.restore(&vendors[2]).send().await.unwrap();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap(); // seen: strikes reset
    vendor.delete(&vendors[2]).send().await.unwrap();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap(); // strike one again
    assert_eq!(standing(&store, "obj_vendor", &vendors[2]).0, "active");
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(standing(&store, "obj_vendor", &vendors[2]).0, "trashed");
}

#[tokio::test]
async fn a_scan_that_keeps_shifting_is_unstable_and_judges_nothing() {
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 120, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]).max_shifts(0);
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    // A vendor gone from the list (trashed), and records purged under the scan.
    client
        .object("vendor")
        .delete(&ids[100])
        .send()
        .await
        .unwrap();
    server.set_latency(Duration::from_millis(10));
    let purger = async {
        for id in ids.iter().take(6) {
            tokio::time::sleep(Duration::from_millis(8)).await;
            server.purge_record("vendor", id);
        }
    };
    let (run, ()) = tokio::join!(lightfield_sync::sync(&client, &mut store, &options), purger);
    let run = run.unwrap();
    server.set_latency(Duration::ZERO);
    assert_eq!(run.unstable, ["vendor"], "{run:?}");
    assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    assert_eq!(standing(&store, "obj_vendor", &ids[100]).0, "active");
}

#[tokio::test]
async fn a_stream_left_unstable_stays_unstable_when_its_run_is_continued() {
    use lightfield_sync::{PageWrite, Store, StreamState};
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 10, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]);
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    client
        .object("vendor")
        .delete(&ids[3])
        .send()
        .await
        .unwrap();
    // A run that was cut short after the vendor scan went unstable, as a crash leaves it.
    let run = store.open_run("2026-12-07T00:00:00Z").await.unwrap();
    let unstable = StreamState {
        state: "unstable".into(),
        ..StreamState::default()
    };
    store
        .write_page(&PageWrite {
            run: run.id,
            stream: "vendor:active",
            table: "obj_vendor",
            object_type: "vendor",
            status: "active",
            records: &[],
            next: &unstable,
        })
        .await
        .unwrap();
    let from = server.requests().len();
    let continued = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(continued.resumed);
    assert_eq!(continued.unstable, ["vendor"], "{continued:?}");
    assert_eq!(retrieves(&server, from), 0, "nothing is judged");
}

#[tokio::test]
async fn another_organisation_or_a_newer_layout_is_refused_before_anything_is_written() {
    use lightfield_sync::Store;
    let (one, other) = (server().await, server().await);
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["account"]);
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
    lightfield_sync::sync(&client, &mut store, &Options::default())
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
async fn only_a_refused_offset_caps_a_stream_any_other_failure_stops_the_run() {
    use lightfield_mock::Fault;
    for status in [503, 400] {
        let server = server().await;
        let client = client(&server);
        server.seed_records("vendor", 60, |i| json!({"$name": format!("Vendor {i}")}));
        let mut store = Sqlite::in_memory().unwrap();
        let options = Options::default().only(["vendor"]);
        for after in [0, 1] {
            server.clear_faults();
            server.inject(
                Fault::status(status)
                    .exactly("/v1/objects/vendor")
                    .after(after)
                    .always(),
            );
            let run = lightfield_sync::sync(&client, &mut store, &options).await;
            assert!(
                run.is_err(),
                "a {status} on page {} is a failure: {run:?}",
                after + 1
            );
        }
    }
}

#[tokio::test]
async fn one_shift_within_the_tolerance_leaves_the_scan_complete() {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 60, |i| json!({"$name": format!("Vendor {i}")}));
    // The second page waits 150 ms in the server; a record before it goes meanwhile.
    server.inject(
        Fault::delay(Duration::from_millis(150))
            .exactly("/v1/objects/vendor")
            .after(1),
    );
    let purge = async {
        tokio::time::sleep(Duration::from_millis(60)).await;
        server.purge_record("vendor", &ids[0]);
    };
    let mut store = Sqlite::in_memory().unwrap();
    let options = Options::default().only(["vendor"]).max_shifts(1);
    let (run, ()) = tokio::join!(lightfield_sync::sync(&client, &mut store, &options), purge);
    let run = run.unwrap();
    let shifts: i64 = store
        .connection()
        .query_row("SELECT SUM(shifts) FROM _lf_streams", [], |r| r.get(0))
        .unwrap();
    assert_eq!(shifts, 1, "{run:?}");
    assert!(run.unstable.is_empty(), "{run:?}");
    assert_eq!(
        active_ids(&store, "obj_vendor").len(),
        60,
        "the purged one is judged next run"
    );
}
