//! Requests about one record by id — retrieve, delete (to the trash) and restore — and the
//! definitions of a record type, fetched and cached per client.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::kind::ObjectType;
use super::{Entity, check_id, dispatch, send_record};
use crate::client::{Client, Response};
use crate::definitions::Definitions;
use crate::error::Result;
use crate::http::options::{RequestOptions, idempotency_setter, request_option_setters};
use crate::request::idempotency::{KeyUse, Keyed, NoKey};

/// What a [`RecordCall`] does to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Retrieve,
    Delete,
    Restore,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Self::Retrieve => "retrieve",
            Self::Delete => "delete",
            Self::Restore => "restore",
        }
    }
}

/// A retrieve, delete or restore of one record; see `Records::retrieve`, `Records::delete`
/// and `Records::restore`. Only a restore is a write that takes an idempotency key
/// (`K` is [`Keyed`]); retrieve and delete take none ([`NoKey`]).
///
/// Delete is a soft delete: the record moves to the trash, leaves default lists, and
/// `restore` brings it back. Both answer the record.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// let trashed = client.contacts().delete("con_1").send().await?;
/// let back = client.contacts().restore(&trashed.id).send().await?;
/// # let _ = back; Ok(()) }
/// ```
#[derive_where::derive_where(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct RecordCall<T, K = NoKey> {
    client: Client,
    object: ObjectType,
    id: String,
    action: Action,
    options: RequestOptions,
    output: PhantomData<fn() -> (T, K)>,
}

impl<T: Entity> RecordCall<T, Keyed> {
    idempotency_setter!();
}

impl<T: Entity, K: KeyUse> RecordCall<T, K> {
    pub(crate) fn new(client: Client, object: ObjectType, id: String, action: Action) -> Self {
        Self {
            client,
            object,
            id,
            action,
            options: RequestOptions::default(),
            output: PhantomData,
        }
    }

    request_option_setters!();

    /// Sends the request; returns the record.
    pub async fn send(self) -> Result<T> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the request; returns the record with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<T>> {
        check_id(&self.object, &self.id, self.action.verb())?;
        let (object, action, id) = (self.object, self.action, self.id);
        // Only a restore is a write that needs a key (its type is `Keyed`).
        let key = match K::KEYED {
            true => Some(self.options.idempotency_key()?),
            false => None,
        };
        let options = self.options.for_policy(&self.client.transport.policy);
        // One operation that chooses inside: three would each add their own state to this
        // future, which every caller's future holds and moves.
        send_record(&self.client, options, move |c| async move {
            match action {
                Action::Retrieve => dispatch::retrieve(&c, &object, &id).await,
                Action::Delete => dispatch::delete(&c, &object, &id).await,
                Action::Restore => dispatch::restore(&c, &object, &id, key.as_deref()).await,
            }
        })
        .await
    }
}

/// A definitions request: the fields and relationships a record type has, with value
/// types, read-only flags and select options.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct GetDefinitions {
    client: Client,
    object: ObjectType,
    options: RequestOptions,
}

impl GetDefinitions {
    pub(crate) fn new(client: Client, object: ObjectType) -> Self {
        Self {
            client,
            object,
            options: RequestOptions::default(),
        }
    }

    request_option_setters!();

    /// Fetches the definitions.
    pub async fn send(self) -> Result<Definitions> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Fetches the definitions with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Definitions>> {
        let options = self.options.for_policy(&self.client.transport.policy);
        let object = self.object;
        let response = self
            .client
            .call(options, move |c| async move {
                dispatch::definitions(&c, &object).await
            })
            .await?;
        Ok(response.map(Definitions::from_wire))
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
        let slot = self.schema_state.cache.slot(object.as_api());
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
        let slot = self.schema_state.cache.slot(object.as_api());
        // Holding the slot's lock across the request is what makes concurrent callers
        // share it: the others wait, then find the answer cached.
        let mut cached = slot.lock().await;
        if let Some((definitions, at)) = cached.as_ref()
            && at.elapsed() < fresh
        {
            return Ok(definitions.clone());
        }
        let definitions = Arc::new(
            GetDefinitions::new(self.clone(), object.clone())
                .send()
                .await?,
        );
        *cached = Some((definitions.clone(), Instant::now()));
        Ok(definitions)
    }
}
