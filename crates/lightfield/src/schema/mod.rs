//! Knowing the organisation's schema: the definitions of each record type, fetched once
//! and cached per client ([`Client::schema`]), and writes checked against them before
//! they are sent ([`ClientBuilder::check_writes`](crate::ClientBuilder::check_writes)).
//!
//! The cache keeps each type's definitions for a time to live (five minutes by default,
//! [`ClientBuilder::schema_ttl`](crate::ClientBuilder::schema_ttl)); concurrent callers
//! wait for one request rather than each sending their own. A check that meets a key or
//! option it does not know refreshes the definitions once before refusing, so a field
//! added on the server since the cache was filled is not refused by a stale copy.
//!
//! Typed records of your own schema: a [`RecordType`] (usually `#[derive(Record)]`, with
//! the `derive` feature) is created, updated, retrieved and listed through
//! [`Client::records`]; [`check_type`] (or the derived `T::check`) compares it with the
//! live definitions; [`rust_source`] writes such a struct for a live schema.

mod check;
mod source;
mod typed;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::client::Client;
use crate::definitions::Definitions;
use crate::entity::ObjectType;
use crate::error::Result;

pub(crate) use check::{Links, Preflight};
pub use source::rust_source;
pub use typed::{
    FieldSpec, FieldType, LinkType, Mismatch, RecordType, SelectValue, TypedRecords, check_type,
    field_error, object_type, select_from_field,
};

/// One type's cached definitions.
type Slot = Arc<tokio::sync::Mutex<Option<(Arc<Definitions>, Instant)>>>;

/// What a client knows of the organisation's schema, shared by its clones: the cached
/// definitions, how long they stay fresh, and whether writes are checked against them.
#[derive(Debug)]
pub(crate) struct SchemaState {
    pub(crate) cache: SchemaCache,
    pub(crate) ttl: Duration,
    pub(crate) check_writes: bool,
}

/// The definitions cache of a client (shared by its clones).
#[derive(Debug, Default)]
pub(crate) struct SchemaCache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl SchemaCache {
    fn slot(&self, object: &ObjectType) -> Slot {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        slots
            .entry(object.as_api().to_string())
            .or_default()
            .clone()
    }
}

impl Client {
    /// The definitions of `object` (its fields, select options and relationships), from
    /// the cache when fresh, else fetched once however many callers ask at the same time.
    ///
    /// ```no_run
    /// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
    /// use lightfield::ObjectType;
    /// let accounts = client.schema(ObjectType::Account).await?;
    /// if let Some(tier) = accounts.field("tier") {
    ///     println!("{} options", tier.options.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn schema(&self, object: ObjectType) -> Result<Arc<Definitions>> {
        self.schema_within(&object, self.schema_state.ttl).await
    }

    /// Forgets the cached definitions of `object`; the next use fetches them again.
    pub fn forget_schema(&self, object: &ObjectType) {
        let slot = self.schema_state.cache.slot(object);
        if let Ok(mut cached) = slot.try_lock() {
            *cached = None;
        }
    }

    /// The definitions of `object`, fetched again unless they are younger than `fresh`.
    pub(crate) async fn schema_within(
        &self,
        object: &ObjectType,
        fresh: Duration,
    ) -> Result<Arc<Definitions>> {
        let slot = self.schema_state.cache.slot(object);
        // Holding the slot's lock across the request is what makes concurrent callers
        // share it: the others wait, then find the answer cached.
        let mut cached = slot.lock().await;
        if let Some((definitions, at)) = cached.as_ref()
            && at.elapsed() < fresh
        {
            return Ok(definitions.clone());
        }
        let definitions = Arc::new(
            crate::entity::GetDefinitions::new(self.clone(), object.clone())
                .send()
                .await?,
        );
        *cached = Some((definitions.clone(), Instant::now()));
        Ok(definitions)
    }
}
