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
