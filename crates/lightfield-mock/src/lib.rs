//! An in-memory Lightfield API server over real HTTP, for examples and tests.
//!
//! It serves every record type of the API — accounts, contacts, opportunities, tasks,
//! notes, meetings, a custom object (`vendor`), members, emails, channels and messages —
//! with the rules of the real API: bearer auth, the `Lightfield-Version` header, value
//! checking by field type, required, read-only and create-only keys from the spec's
//! table, relationship operations (to records that exist: a link to an unknown id is
//! refused; [`MockServer::insert_linkable`] adds records to link to in tests), soft delete
//! and restore, field history, filters,
//! paging, idempotency keys (honoured only by the writes the API deduplicates, and
//! forgotten on demand with [`MockServer::forget_idempotency_keys`], as the API forgets them
//! after 24 hours) and per-category rate limits. Routes, categories and which writes are
//! deduplicated come from the same generated table as the SDK's (`lightfield_gen::tables`). Tests
//! can make it misbehave ([`Fault`]) and read what went over the wire ([`LoggedRequest`]).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = lightfield_mock::MockServer::start().await?;
//! println!("point the SDK at {}", server.url());
//! server.inject(lightfield_mock::Fault::status(503).times(1));
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod churn;
mod entity;
mod error;
mod faults;
mod limits;
mod log;
mod params;
mod resources;
mod routes;
mod seeds;
mod server;
mod storage;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use churn::{Churn, ChurnHandle};
pub use entity::ListView;
pub use error::ApiError;
pub use faults::{Fault, FaultKind};
pub use log::{LOGGED_BODY, LoggedRequest};
use serde_json::Value;
pub use server::MAX_API_BODY;

/// The API version the mock speaks (the `Lightfield-Version` header it requires): the
/// spec's, as the SDK's is.
pub const API_VERSION: &str = lightfield_gen::tables::API_VERSION;

/// The current time as RFC 3339 text.
pub(crate) fn now_rfc3339() -> String {
    rfc3339_in(Duration::ZERO)
}

/// The time `ahead` from now, as RFC 3339 text.
pub(crate) fn rfc3339_in(ahead: Duration) -> String {
    use time::{OffsetDateTime, format_description::well_known::Rfc3339};
    (OffsetDateTime::now_utc() + ahead)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// How a [`MockServer`] behaves.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Requests per second allowed in each category (Write, Read, Search); `None` turns
    /// rate limiting off. The real API allows 25.
    pub rate_limit: Option<u32>,
    /// How long a completed idempotent response is kept for replay (24 hours by default).
    pub idempotency_ttl: Duration,
    /// Added to every response, like the round trip to a distant server.
    pub latency: Duration,
    /// Port to listen on, 0 for any free port.
    pub port: u16,
    /// Seed of the generator behind probabilistic faults, for repeatable runs.
    pub seed: u64,
    /// How long a pending file upload lives before it expires (1 hour by default).
    pub upload_ttl: Duration,
    /// How many polls a workflow run, enrichment run or merge takes to finish (3).
    pub polls_to_finish: u32,
    /// How lists read records: order, lag behind writes, largest offset (oldest first, no
    /// lag, no cap by default).
    pub listing: ListView,
    /// Starts the server held: only requests with this API key are answered until
    /// [`MockServer::open`]; every other request waits for it. For a server that must be
    /// seen only once set up (`lightfield mock --demo` making its records over HTTP).
    pub held_for: Option<String>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            rate_limit: Some(25),
            idempotency_ttl: Duration::from_secs(24 * 60 * 60),
            latency: Duration::ZERO,
            port: 0,
            seed: 7,
            upload_ttl: Duration::from_secs(3600),
            polls_to_finish: 3,
            listing: ListView::default(),
            held_for: None,
        }
    }
}

/// State shared by the server task and the test holding the [`MockServer`].
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    /// Open (`true`) once the server answers everyone; see [`MockConfig::held_for`].
    pub(crate) open: tokio::sync::watch::Sender<bool>,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: MockConfig,
    pub(crate) store: resources::Store,
    pub(crate) faults: Vec<Fault>,
    pub(crate) rng: fastrand::Rng,
    pub(crate) log: log::RequestLog,
    pub(crate) limiter: limits::RateLimiter,
    pub(crate) idempotency: limits::IdempotencyStore,
}

impl Shared {
    /// Locks the state. A panic while holding the lock cannot leave it half-written in a
    /// way that matters to a test double, so a poisoned lock is simply taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running mock server. Dropping it stops the server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    url: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server with the default configuration on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a server with `config`.
    pub async fn start_with(config: MockConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let mut store = resources::Store::default();
        store.files.base_url = format!("http://{addr}");
        store.files.upload_ttl = config.upload_ttl;
        store.runs.polls_to_finish = config.polls_to_finish;
        store.listing = config.listing;
        let open = tokio::sync::watch::Sender::new(config.held_for.is_none());
        let shared = Arc::new(Shared {
            open,
            state: Mutex::new(State {
                rng: fastrand::Rng::with_seed(config.seed),
                config,
                store,
                faults: Vec::new(),
                log: log::RequestLog::default(),
                limiter: limits::RateLimiter::default(),
                idempotency: limits::IdempotencyStore::default(),
            }),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                eprintln!("lightfield-mock: server stopped with an error: {e}");
            }
        });
        Ok(Self {
            addr,
            url: format!("http://{addr}"),
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds a fault rule. Rules are tried in the order they were added.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Starts a workflow run, as a workflow in the app would (the API starts none), and
    /// answers its id: its status is `running` until the configured polls, then `failed`
    /// when `fails`, else `completed`. Unknown run ids are answered 404.
    pub fn start_workflow_run(&self, fails: bool) -> String {
        self.shared.lock().store.runs.start_workflow(fails)
    }

    /// Forgets every idempotency key, as the API does 24 hours after a write: a write sent
    /// again with its old key is then carried out again.
    pub fn forget_idempotency_keys(&self) {
        self.shared.lock().idempotency = limits::IdempotencyStore::default();
    }

    /// Changes how lists read records (order, lag behind writes, largest offset).
    pub fn set_listing(&self, listing: ListView) {
        self.shared.lock().store.listing = listing;
    }

    /// Changes the latency added to every response.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().config.latency = latency;
    }

    /// Changes the per-category rate limit (`None` for no limit).
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.shared.lock().config.rate_limit = per_second;
    }

    /// Answers every request from now on: a server started [held](MockConfig::held_for)
    /// lets the requests waiting through.
    pub fn open(&self) {
        self.shared.open.send_replace(true);
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.lock().log.entries().to_vec()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// Every stored account, as the API renders it, in creation order.
    pub fn records(&self) -> Vec<Value> {
        self.records_of("account")
    }

    /// Every stored record of `object_type` (`contact`, or a custom object's slug such as
    /// `vendor`), trashed ones included, in creation order.
    pub fn records_of(&self, object_type: &str) -> Vec<Value> {
        self.shared
            .lock()
            .store
            .collection(object_type)
            .map(|c| c.all())
            .unwrap_or_default()
    }

    /// Removes record `id` of `object_type` for good, as the API does when the trash is
    /// emptied: retrieving it answers 404 from then on, and no record links to it any
    /// more. `false` when there is none.
    pub fn purge_record(&self, object_type: &str, id: &str) -> bool {
        self.shared.lock().store.purge(object_type, id)
    }

    /// Removes file `id` outright, so the API answers 404 for it (see
    /// [`MockServer::purge_record`] for records). Answers whether it was there.
    pub fn purge_file(&self, id: &str) -> bool {
        self.shared.lock().store.files.purge(id)
    }

    /// The ids of the records of `object_type` in the trash.
    pub fn trashed_ids_of(&self, object_type: &str) -> Vec<String> {
        self.shared
            .lock()
            .store
            .collection(object_type)
            .map(|c| c.trashed_ids())
            .unwrap_or_default()
    }

    /// Stores records of `object_type` with the field values `fields(i)` for `i` in
    /// `0..count`, without HTTP and unchecked (as an organisation's existing data): for
    /// tests that need many records fast. Answers their ids.
    pub fn seed_records(
        &self,
        object_type: &str,
        count: usize,
        fields: impl Fn(usize) -> Value,
    ) -> Vec<String> {
        let mut shared = self.shared.lock();
        let Some(collection) = shared.store.collection_mut(object_type) else {
            return Vec::new();
        };
        (0..count).map(|i| collection.seed(fields(i))).collect()
    }

    /// Stores an account to be served exactly as given by retrieve and list, e.g. a record
    /// with a value type or key that a newer server would send. Returns its id (the
    /// record's own `id`, or a new one).
    pub fn insert_record_json(&self, record: Value) -> String {
        self.insert_record_json_of("account", record)
    }

    /// Like [`MockServer::insert_record_json`], for records of `object_type`. Returns an
    /// empty id when the mock has no such type.
    pub fn insert_record_json_of(&self, object_type: &str, record: Value) -> String {
        self.shared
            .lock()
            .store
            .collection_mut(object_type)
            .map(|c| c.insert_verbatim(record))
            .unwrap_or_default()
    }

    /// Stores a bare record (a name, nothing else) under each of `ids`, of the type its
    /// prefix names (`mem_1` a member, `con_1` a contact), for a test that links to records
    /// by id: like the API, the mock refuses a link to a record that does not exist. An id
    /// with no known prefix, or one already stored, is skipped.
    pub fn insert_linkable(&self, ids: &[&str]) {
        let mut shared = self.shared.lock();
        for id in ids {
            let record = serde_json::json!({
                "id": id,
                "createdAt": "2026-01-01T00:00:00Z",
                "fields": {"$name": {"value": id, "valueType": "TEXT"}},
                "relationships": {},
            });
            if let Some(collection) = shared.store.collection_with_prefix_mut(id)
                && collection.get(id).is_err()
            {
                collection.insert_verbatim(record);
            }
        }
    }

    /// The ids of every stored account, in creation order.
    pub fn record_ids(&self) -> Vec<String> {
        self.record_ids_of("account")
    }

    /// The ids of every stored record of `object_type`, in creation order.
    pub fn record_ids_of(&self, object_type: &str) -> Vec<String> {
        self.records_of(object_type)
            .iter()
            .filter_map(|r| r["id"].as_str().map(str::to_string))
            .collect()
    }

    /// How many accounts are stored.
    pub fn record_count(&self) -> usize {
        self.record_count_of("account")
    }

    /// How many records of `object_type` are stored, trashed ones included.
    pub fn record_count_of(&self, object_type: &str) -> usize {
        self.shared
            .lock()
            .store
            .collection(object_type)
            .map_or(0, |c| c.len())
    }

    /// Adds a custom field to `object_type`'s schema, as an organisation's admin would:
    /// definitions list it from now on and writes may set it. For tests of clients that
    /// cache definitions. Returns false when the mock has no such type.
    pub fn add_field(&self, object_type: &str, key: &str, label: &str, value_type: &str) -> bool {
        let field = entity::FieldDef::added(key, label, value_type);
        self.shared
            .lock()
            .store
            .collection_mut(object_type)
            .map(|c| c.schema.fields.push(field))
            .is_some()
    }

    /// How many responses had each status, over the logged requests.
    pub fn status_count(&self, status: u16) -> usize {
        self.shared
            .lock()
            .log
            .entries()
            .iter()
            .filter(|r| r.status == Some(status))
            .count()
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // Open keep-alive connections would hold a graceful shutdown forever.
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
