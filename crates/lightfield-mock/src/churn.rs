//! An organisation that keeps changing while it is read: creates, updates, trashes,
//! restores and merges of one record type, and new fields in its definitions, at a steady
//! rate, chosen by a seeded generator
//! so a failure can be replayed. What a mirror (`lightfield sync`) must survive, and what
//! `lightfield mock --churn` shows a user.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;

use crate::{MockServer, Shared};

/// How an organisation changes over time.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Churn {
    /// The record type changed (`account`, a custom slug).
    pub object_type: String,
    /// Changes a second.
    pub per_second: f64,
    /// The generator's seed: the same seed makes the same kinds of change.
    pub seed: u64,
}

impl Churn {
    /// `per_second` changes a second to records of `object_type`, seed 1.
    pub fn new(object_type: impl Into<String>, per_second: f64) -> Self {
        Self {
            object_type: object_type.into(),
            per_second,
            seed: 1,
        }
    }

    /// The generator's seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// Changes under way; they stop when this is dropped (or [`ChurnHandle::stop`]).
#[derive(Debug)]
pub struct ChurnHandle {
    task: tokio::task::JoinHandle<()>,
    made: Arc<AtomicU64>,
}

impl ChurnHandle {
    /// Changes made so far.
    pub fn changes(&self) -> u64 {
        self.made.load(Ordering::Relaxed)
    }

    /// Stops the changes; answers how many were made.
    pub async fn stop(self) -> u64 {
        self.task.abort();
        self.made.load(Ordering::Relaxed)
    }
}

impl Drop for ChurnHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Starts changing records as `churn` says, on the server's runtime, without HTTP: a
    /// create, an update, a trash, a restore or a merge each time (the kinds drawn by the
    /// seeded generator, each applied as the API applies it).
    pub fn churn(&self, churn: Churn) -> ChurnHandle {
        let shared = self.shared.clone();
        let made = Arc::new(AtomicU64::new(0));
        let count = made.clone();
        let every = Duration::from_secs_f64(1.0 / churn.per_second.clamp(0.01, 10_000.0));
        let task = tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(churn.seed);
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if change(&shared, &churn.object_type, &mut rng) {
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        ChurnHandle { task, made }
    }
}

/// Makes one change; answers whether one was made (a trash with nothing to trash is none).
fn change(shared: &Shared, object_type: &str, rng: &mut fastrand::Rng) -> bool {
    let mut state = shared.lock();
    let store = &mut state.store;
    let Some(collection) = store.collection_mut(object_type) else {
        return false;
    };
    let (trashed, active) = (collection.ids_where(true), collection.ids_where(false));
    let pick =
        |rng: &mut fastrand::Rng, ids: &[String]| ids.get(rng.usize(..ids.len().max(1))).cloned();
    let name = format!("Churned {}", rng.u32(..));
    match rng.u8(..100) {
        0..30 => collection
            .create(&json!({"fields": {"$name": name}}))
            .is_ok(),
        30..60 => pick(rng, &active).is_some_and(|id| {
            collection
                .update(&id, &json!({"fields": {"$name": name}}))
                .is_ok()
        }),
        60..78 => pick(rng, &active).is_some_and(|id| collection.delete(&id).is_ok()),
        78..86 => pick(rng, &trashed).is_some_and(|id| collection.restore(&id).is_ok()),
        // An admin adds a field, and someone fills it in at once.
        86..90 => pick(rng, &active).is_some_and(|id| {
            let key = format!("churn_{}", collection.schema.fields.len());
            let field = crate::entity::FieldDef::added(&key, &key, "TEXT");
            collection.schema.fields.push(field);
            collection
                .update(&id, &json!({"fields": {key: name}}))
                .is_ok()
        }),
        _ => {
            let (Some(primary), Some(duplicate)) = (pick(rng, &active), pick(rng, &active)) else {
                return false;
            };
            primary != duplicate
                && crate::resources::runs::Runs::merge(
                    store,
                    object_type,
                    &json!({"primaryId": primary, "duplicateId": duplicate}),
                )
                .is_ok()
        }
    }
}
