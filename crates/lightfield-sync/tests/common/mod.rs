//! What the sync suites share: a mock server and a client, what the server has, and what
//! a mirror holds, in the same shape.

#![allow(dead_code)]

#[cfg(feature = "postgres")]
pub mod cluster;

use std::collections::BTreeSet;

use lightfield::Client;
use lightfield_mock::{MockConfig, MockServer};
use lightfield_sync::{Sqlite, Store};
use serde_json::{Value, json};
use std::time::Duration;

/// Every type the mock serves records of, with its table.
pub const TYPES: [(&str, &str); 10] = [
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

/// Where a scenario keeps its mirrors: SQLite in memory, or a Postgres cluster of the
/// test's own (a schema per mirror). [`on_each_backend!`] runs a scenario on both.
pub enum Backend {
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres(cluster::Cluster),
}

/// A mirror on any backend.
pub type Mirror = Box<dyn Store + Send>;

impl Backend {
    /// A fresh cluster, or `None` when Postgres is not installed and not required.
    #[cfg(feature = "postgres")]
    pub fn postgres() -> Option<Self> {
        cluster::Cluster::start().map(Backend::Postgres)
    }

    /// A new, empty mirror.
    pub async fn mirror(&self) -> Mirror {
        match self {
            Backend::Sqlite => Box::new(Sqlite::in_memory().expect("SQLite in memory")),
            #[cfg(feature = "postgres")]
            Backend::Postgres(cluster) => {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static SCHEMAS: AtomicUsize = AtomicUsize::new(0);
                let schema = format!("mirror_{}", SCHEMAS.fetch_add(1, Ordering::Relaxed));
                Box::new(postgres(cluster, &schema).await)
            }
        }
    }
}

/// Connects to `schema` in `cluster`, retrying while the server finishes starting up.
#[cfg(feature = "postgres")]
pub async fn postgres(cluster: &cluster::Cluster, schema: &str) -> lightfield_sync::Postgres {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match lightfield_sync::Postgres::connect(&cluster.url(), schema).await {
            Ok(store) => return store,
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot connect: {e}"),
        }
    }
}

/// Runs each named scenario (`async fn(Backend)`) as two tests, `scenario::sqlite` and
/// `scenario::postgres` (with the `postgres` feature; it skips, saying why, when Postgres
/// is not installed and not required). `multi_thread:` first runs them on two workers.
#[macro_export]
macro_rules! on_each_backend {
    (multi_thread: $($scenario:ident),+ $(,)?) => {
        $crate::on_each_backend!(@ [tokio::test(flavor = "multi_thread", worker_threads = 2)] $($scenario),+);
    };
    ($($scenario:ident),+ $(,)?) => {
        $crate::on_each_backend!(@ [tokio::test] $($scenario),+);
    };
    (@ $test:tt $($scenario:ident),+) => {
        $(
            mod $scenario {
                #$test
                async fn sqlite() {
                    super::$scenario($crate::common::Backend::Sqlite).await
                }

                #[cfg(feature = "postgres")]
                #$test
                async fn postgres() {
                    if let Some(backend) = $crate::common::Backend::postgres() {
                        super::$scenario(backend).await
                    }
                }
            }
        )+
    };
}

pub async fn server() -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .expect("mock")
}

pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("sk_lf_sync_test")
        .base_url(server.url())
        .rate_limit(None)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("client")
}

/// JSON with null members left out: the SDK gives back a record without them.
pub fn without_nulls(v: &Value) -> Value {
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
pub fn served(server: &MockServer) -> BTreeSet<(String, String, String, String)> {
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
pub fn mirrored(db: &Sqlite) -> BTreeSet<(String, String, String, String)> {
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
pub fn served_links(server: &MockServer) -> BTreeSet<(String, String, String)> {
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

pub fn mirrored_links(db: &Sqlite) -> BTreeSet<(String, String, String)> {
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
pub async fn organisation(server: &MockServer, client: &Client) -> Vec<String> {
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

/// The standing of record `id` in `table`: `(status, reason)`.
pub fn standing(db: &Sqlite, table: &str, id: &str) -> (String, Option<String>) {
    db.connection()
        .query_row(
            &format!("SELECT _status, _status_reason FROM \"{table}\" WHERE id = ?1"),
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a mirrored record")
}

pub fn links_of(db: &Sqlite, id: &str) -> i64 {
    db.connection()
        .query_row(
            "SELECT COUNT(*) FROM _edges WHERE src_id = ?1 OR dst_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("edges")
}

pub async fn server_with(listing: lightfield_mock::ListView) -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        listing,
        ..MockConfig::default()
    })
    .await
    .expect("mock")
}

pub fn active_ids(db: &Sqlite, table: &str) -> BTreeSet<String> {
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

pub fn columns(db: &Sqlite, table: &str) -> Vec<String> {
    db.connection()
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Requests the server saw for single records (`GET /v1/{type}/{id}`).
pub fn retrieves(server: &MockServer, from: usize) -> usize {
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

/// What `store` holds, in the shape of [`served`] (deleted rows left out), read through
/// the Store trait: the same check for every backend.
pub async fn held(store: &mut (dyn Store + Send)) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for (object, table) in TYPES {
        let Ok(rows) = store.dump(table).await else {
            continue;
        };
        for row in rows.into_iter().filter(|r| r.status != "deleted") {
            let mut record: Value = serde_json::from_str(&row.raw).expect("JSON");
            if object == "list" {
                record.as_object_mut().map(|r| r.remove("relationships"));
            }
            out.insert((
                object.to_string(),
                row.id,
                row.status,
                without_nulls(&record).to_string(),
            ));
        }
    }
    out
}

/// The ids of the records in use in `table` of `store`.
pub async fn active_in(store: &mut (dyn Store + Send), table: &str) -> BTreeSet<String> {
    let rows = store.dump(table).await.expect("a mirrored table");
    rows.into_iter()
        .filter(|r| r.status == "active")
        .map(|r| r.id)
        .collect()
}

/// The standing of record `id` in `table` of `store`: `(status, reason)`.
pub async fn standing_in(
    store: &mut (dyn Store + Send),
    table: &str,
    id: &str,
) -> (String, Option<String>) {
    let rows = store.dump(table).await.expect("a mirrored table");
    let row = rows
        .into_iter()
        .find(|r| r.id == id)
        .expect("a mirrored record");
    (row.status, row.reason)
}

/// How many links `store` holds from or to record `id`.
pub async fn links_touching(store: &mut (dyn Store + Send), id: &str) -> usize {
    let links = store.links().await.expect("links");
    links
        .iter()
        .filter(|(from, _, to)| from == id || to == id)
        .count()
}

/// Pages of `stream` (`vendor:active`) read again in `run` because the order shifted.
pub async fn shifts_in(store: &mut (dyn Store + Send), run: i64, stream: &str) -> u32 {
    let state = store.stream(run, stream).await.expect("stream state");
    state.map_or(0, |s| s.shifts)
}

/// The links `store` holds, in the shape of [`served_links`].
pub async fn held_links(store: &mut (dyn Store + Send)) -> BTreeSet<(String, String, String)> {
    store.links().await.expect("links").into_iter().collect()
}

/// What most vendor scenarios start from: a server with `n` vendors, a client, their ids,
/// and a mirror one run has made of them with options for vendors only.
pub struct Vendors {
    pub server: MockServer,
    pub client: Client,
    pub ids: Vec<String>,
    pub store: Mirror,
    pub options: lightfield_sync::Options,
}

pub async fn vendors_mirrored(backend: &Backend, n: usize) -> Vendors {
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", n, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = backend.mirror().await;
    let options = options().only(["vendor"]);
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .expect("the first run");
    Vendors {
        server,
        client,
        ids,
        store,
        options,
    }
}

/// Options for tests: a record missing from two runs is trashed however close together
/// they ran (the default waits 15 minutes for the lists to catch up).
pub fn options() -> lightfield_sync::Options {
    lightfield_sync::Options::default().absence_gap(Duration::ZERO)
}

/// Files in a mirror, on any backend: each kept as the API sent it, rewritten only when it
/// changed (a cancelled upload), marked deleted only when the API answers 404 for it.
pub async fn files_scenario(server: &MockServer, client: &Client, store: &mut (dyn Store + Send)) {
    let mut ids = Vec::new();
    for i in 0..30 {
        let upload = client
            .files()
            .create(
                format!("report-{i}.pdf"),
                "application/pdf",
                1_000 + i,
                None,
            )
            .send()
            .await
            .expect("file");
        ids.push(upload.file.id.clone());
    }
    let options = lightfield_sync::Options::default().only(["file"]);
    let run = lightfield_sync::sync(client, store, &options)
        .await
        .expect("sync");
    assert_eq!(run.counts.written, 30, "{run:?}");
    let mirrored = store.dump("files").await.expect("files");
    assert_eq!(mirrored.len(), 30);
    for file in &mirrored {
        let served = client.files().retrieve(&file.id).send_with_response().await;
        let served: Value = serde_json::from_slice(served.expect("file").raw_body()).unwrap();
        let raw: Value = serde_json::from_str(&file.raw).unwrap();
        assert_eq!(raw, served, "{} is kept as the API sent it", file.id);
        assert_eq!(file.status, "active");
    }

    let quiet = lightfield_sync::sync(client, store, &options)
        .await
        .expect("sync");
    assert_eq!(quiet.counts.written, 0, "nothing changed: {quiet:?}");
    assert_eq!(quiet.counts.requests, 2, "two pages of files: {quiet:?}");

    client.files().cancel(&ids[3]).send().await.expect("cancel");
    assert!(server.purge_file(&ids[7]));
    // A retrieve that fails is no evidence: the file stays, and the run says it failed.
    server.inject(
        lightfield_mock::Fault::status(503)
            .exactly(format!("/v1/files/{}", ids[7]))
            .always(),
    );
    assert!(
        lightfield_sync::sync(client, store, &options)
            .await
            .is_err()
    );
    let kept = store.dump("files").await.expect("files");
    assert_eq!(
        kept.iter()
            .find(|f| f.id == ids[7])
            .map(|f| f.status.as_str()),
        Some("active"),
        "a 503 deleted nothing"
    );
    server.clear_faults();
    let changed = lightfield_sync::sync(client, store, &options)
        .await
        .expect("sync");
    assert_eq!(
        (changed.counts.written, changed.counts.deleted),
        (0, 1),
        "the cancel was written by the failed run: {changed:?}"
    );
    assert_eq!(
        changed.counts.requests, 3,
        "two pages and one retrieve: {changed:?}"
    );
    let mirrored = store.dump("files").await.expect("files");
    let of = |id: &str| mirrored.iter().find(|f| f.id == id).cloned().unwrap();
    assert!(of(&ids[3]).raw.contains("\"CANCELLED\""));
    assert_eq!(
        (of(&ids[7]).status, of(&ids[7]).reason),
        ("deleted".into(), Some("gone".into()))
    );
    assert_eq!(
        mirrored.iter().filter(|f| f.status == "active").count(),
        29,
        "only the purged file is gone"
    );
}
