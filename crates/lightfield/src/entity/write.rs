//! Creates and updates of any record type: [`Create`] and [`Update`].
//!
//! The builders collect fields and relationships, check each key against the record
//! type's table as it is set (the first problem is reported at `send`, before anything goes
//! on the wire), and send through the one generic path with one idempotency key for every
//! attempt. Typed setters (`.website(..)`, `.stage(..)`) are added per record type by the
//! resource modules; they all end in [`Create::field`]/[`Update::field`].

use std::collections::BTreeMap;
use std::marker::PhantomData;

use lightfield_gen::types as wire;

use super::ids::{Ids, RelationshipChange, Replace};
use super::kind::ObjectType;
use super::preflight::{Links, Preflight};
use super::rules::{self, Write};
use super::{Entity, dispatch, send_record};
use crate::client::{Client, Response};
use crate::error::{Error, Result};
use crate::http::options::{RequestOptions, idempotency_setter, request_option_setters};
use crate::value::InputValue;

/// The first problem found while a request was built, reported when it is sent (setters
/// return `Self`, so they cannot fail on the spot).
#[derive(Debug, Clone, Default)]
struct FirstProblem(Option<(String, String)>);

impl FirstProblem {
    /// Keeps the first failed `check` of the value under `key`.
    fn note(&mut self, key: &str, check: std::result::Result<(), String>) {
        if let Err(problem) = check {
            self.0.get_or_insert_with(|| (key.to_string(), problem));
        }
    }

    fn check(&self) -> Result<()> {
        match &self.0 {
            Some((key, why)) => Err(Error::invalid_param(key.clone(), why.clone())),
            None => Ok(()),
        }
    }
}

/// `checked` and `option_ids`, shared by creates and updates (both hold `checked:
/// Option<bool>` and `option_ids: bool`), and the preflight they ask for.
macro_rules! schema_setters {
    () => {
        /// Checks this write against the organisation's definitions before sending (or
        /// not), whatever the client's [`check_writes`](crate::ClientBuilder::check_writes)
        /// says.
        pub fn checked(mut self, check: bool) -> Self {
            self.checked = Some(check);
            self
        }

        /// Sends select values as option ids, whatever was given (a label or an id); checks
        /// the write against the definitions too, since they hold the ids.
        pub fn option_ids(mut self, ids: bool) -> Self {
            self.option_ids = ids;
            self
        }

        fn preflight(&self) -> Preflight {
            Preflight {
                check: self
                    .checked
                    .unwrap_or(self.client.schema_state.check_writes),
                option_ids: self.option_ids,
            }
        }
    };
}

fn wire_fields(fields: &BTreeMap<String, InputValue>) -> BTreeMap<String, wire::InputValue> {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), wire::InputValue(v.to_json())))
        .collect()
}

/// A create request; see `Records::create` and the typed `create` of each resource.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use lightfield::Address;
/// let account = client
///     .accounts()
///     .create("Acme")
///     .website(["https://acme.example"])
///     .primary_address(Address { city: Some("Lyon".into()), country: Some("FR".into()), ..Default::default() })
///     .field("tier", "Gold")
///     .owner("mem_123")
///     .send()
///     .await?;
/// # let _ = account; Ok(()) }
/// ```
#[derive_where::derive_where(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Create<T> {
    client: Client,
    object: ObjectType,
    fields: BTreeMap<String, InputValue>,
    relationships: BTreeMap<String, Ids>,
    skip_enrichment: Option<bool>,
    auto_create_records: Option<bool>,
    problem: FirstProblem,
    checked: Option<bool>,
    option_ids: bool,
    options: RequestOptions,
    output: PhantomData<fn() -> T>,
}

impl<T: Entity> Create<T> {
    pub(crate) fn new(client: Client, object: ObjectType) -> Self {
        Self {
            client,
            object,
            fields: BTreeMap::new(),
            relationships: BTreeMap::new(),
            skip_enrichment: None,
            auto_create_records: None,
            problem: FirstProblem::default(),
            checked: None,
            option_ids: false,
            options: RequestOptions::default(),
            output: PhantomData,
        }
    }

    request_option_setters!();
    idempotency_setter!();

    schema_setters!();

    /// Sets any field by key: a custom field's slug (`"tier"`) or a system key
    /// (`"$name"`). A read-only key is refused when the request is sent.
    pub fn field(mut self, key: impl Into<String>, value: impl Into<InputValue>) -> Self {
        let key = key.into();
        self.problem
            .note(&key, rules::field(&self.object, Write::Create, &key));
        let value = rules::shape(&self.object, &key, value.into());
        self.fields.insert(key, value);
        self
    }

    /// Links records under a relationship key (`"$owner"`, a custom slug…).
    pub fn relationship(mut self, key: impl Into<String>, ids: impl Into<Ids>) -> Self {
        let key = key.into();
        let ids = ids.into();
        self.problem.note(
            &key,
            rules::relationship(&self.object, Write::Create, &key)
                .and_then(|()| rules::link(&self.object, &key, &ids)),
        );
        self.relationships.insert(key, ids);
        self
    }

    pub(crate) fn with_skip_enrichment(mut self, skip: bool) -> Self {
        self.skip_enrichment = Some(skip);
        self
    }

    pub(crate) fn with_auto_create_records(mut self, create: bool) -> Self {
        self.auto_create_records = Some(create);
        self
    }

    fn wire_body(&self) -> wire::RecordCreateBody {
        wire::RecordCreateBody {
            fields: wire_fields(&self.fields),
            relationships: self
                .relationships
                .iter()
                .map(|(k, v)| (k.clone(), v.to_wire()))
                .collect(),
            skip_enrichment: self.skip_enrichment,
            auto_create_records: self.auto_create_records,
        }
    }

    /// The JSON body this request sends.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self.wire_body()).unwrap_or_default()
    }

    /// Sends the request; returns the record as stored.
    pub async fn send(self) -> Result<T> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Checks everything [`send`](Self::send) would check — required, read-only and
    /// create-only keys, and the organisation's definitions (fetched once, then cached) —
    /// and sends nothing. `Ok` means the create would go out; the server may still refuse
    /// it (a duplicate, a record that no longer exists).
    pub async fn dry_run(&self) -> Result<()> {
        self.clone().prepare(Preflight::check_only()).await
    }

    /// What is checked before sending, with `preflight` saying whether the definitions
    /// are consulted.
    async fn prepare(&mut self, preflight: Preflight) -> Result<()> {
        self.problem.check()?;
        if let Some(schema) = self.object.schema() {
            rules::required(
                schema,
                |key| self.fields.get(key),
                |key| self.relationships.contains_key(key),
            )
            .map_err(|(key, why)| Error::invalid_param(key, why))?;
        }
        preflight
            .run(
                &self.client,
                &self.object,
                &mut self.fields,
                Links::Create(&self.relationships),
            )
            .await
    }

    /// Sends the request; returns the record with status, headers and attempt count.
    pub async fn send_with_response(mut self) -> Result<Response<T>> {
        self.prepare(self.preflight()).await?;
        let key = self.options.idempotency_key()?;
        let body = self.wire_body();
        let object = self.object;
        let options = self.options.for_policy(&self.client.transport.policy);
        send_record(&self.client, options, move |c| async move {
            dispatch::create(&c, &object, Some(&key), &body).await
        })
        .await
    }
}

/// An update request: only what you set is sent; see `Records::update`.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// let account = client
///     .accounts()
///     .update("acc_123")
///     .field("seats", 12)
///     .clear("$twitter")
///     .add("$contact", "con_9")
///     .remove("$contact", "con_1")
///     .send()
///     .await?;
/// # let _ = account; Ok(()) }
/// ```
#[derive_where::derive_where(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Update<T> {
    client: Client,
    object: ObjectType,
    id: String,
    fields: BTreeMap<String, InputValue>,
    relationships: BTreeMap<String, RelationshipChange>,
    problem: FirstProblem,
    checked: Option<bool>,
    option_ids: bool,
    options: RequestOptions,
    output: PhantomData<fn() -> T>,
}

impl<T: Entity> Update<T> {
    pub(crate) fn new(client: Client, object: ObjectType, id: String) -> Self {
        Self {
            client,
            object,
            id,
            fields: BTreeMap::new(),
            relationships: BTreeMap::new(),
            problem: FirstProblem::default(),
            checked: None,
            option_ids: false,
            options: RequestOptions::default(),
            output: PhantomData,
        }
    }

    request_option_setters!();
    idempotency_setter!();

    schema_setters!();

    /// Sets any field by key; `InputValue::Null` (or [`Update::clear`]) clears it.
    pub fn field(mut self, key: impl Into<String>, value: impl Into<InputValue>) -> Self {
        let key = key.into();
        self.problem
            .note(&key, rules::field(&self.object, Write::Update, &key));
        let value = rules::shape(&self.object, &key, value.into());
        self.fields.insert(key, value);
        self
    }

    /// Clears a field (sends `null`; the empty list for a field that holds a list).
    pub fn clear(self, key: impl Into<String>) -> Self {
        self.field(key, InputValue::Null)
    }

    /// Applies `edit` to the change of relationship `key`, checking what it allows.
    fn change(mut self, key: String, edit: impl FnOnce(&mut RelationshipChange)) -> Self {
        self.problem
            .note(&key, rules::relationship(&self.object, Write::Update, &key));
        let change = self.relationships.entry(key.clone()).or_default();
        edit(change);
        let check = rules::change(&self.object, &key, change);
        self.problem.note(&key, check);
        self
    }

    /// Links more records under `key`.
    pub fn add(self, key: impl Into<String>, ids: impl Into<Ids>) -> Self {
        let ids = ids.into();
        self.change(key.into(), |c| c.add = Some(ids))
    }

    /// Unlinks records under `key`.
    pub fn remove(self, key: impl Into<String>, ids: impl Into<Ids>) -> Self {
        let ids = ids.into();
        self.change(key.into(), |c| c.remove = Some(ids))
    }

    /// Makes record `id` the only one linked under `key` (`replace: "id"`).
    ///
    /// The API's `replace` takes one id. To link several records in place of the current
    /// ones, combine [`Update::clear_relationship`] with [`Update::add`] in two updates.
    pub fn replace(self, key: impl Into<String>, id: impl Into<String>) -> Self {
        let id = id.into();
        let key = key.into();
        let mut this = self;
        if id.trim().is_empty() {
            this.problem.note(
                &key,
                Err(format!("relationship `{key}` was given an empty record id")),
            );
        }
        this.change(key, |c| c.replace = Replace::One(id))
    }

    /// Unlinks every record under `key` (`replace: null`).
    pub fn clear_relationship(self, key: impl Into<String>) -> Self {
        self.change(key.into(), |c| c.replace = Replace::Null)
    }

    fn wire_body(&self) -> wire::RecordUpdateBody {
        wire::RecordUpdateBody {
            fields: wire_fields(&self.fields),
            relationships: self
                .relationships
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        }
    }

    /// The JSON body this request sends.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self.wire_body()).unwrap_or_default()
    }

    /// Sends the request; returns the record after the change.
    pub async fn send(self) -> Result<T> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Checks everything [`send`](Self::send) would check — the id, read-only keys and
    /// the organisation's definitions (fetched once, then cached) — and sends nothing.
    pub async fn dry_run(&self) -> Result<()> {
        self.clone()
            .prepare(Preflight::check_only())
            .await
            .map(|_| ())
    }

    /// What is checked before sending; answers the id to send to.
    async fn prepare(&mut self, preflight: Preflight) -> Result<String> {
        self.problem.check()?;
        let id = super::check_id(&self.object, &self.id, "update")?;
        if self.fields.is_empty() && self.relationships.is_empty() {
            return Err(Error::invalid(
                "the update changes nothing: set, clear or relate something before sending",
            ));
        }
        preflight
            .run(
                &self.client,
                &self.object,
                &mut self.fields,
                Links::Update(&self.relationships),
            )
            .await?;
        Ok(id)
    }

    /// Sends the request; returns the record with status, headers and attempt count.
    pub async fn send_with_response(mut self) -> Result<Response<T>> {
        let id = self.prepare(self.preflight()).await?;
        let key = self.options.idempotency_key()?;
        let body = self.wire_body();
        let object = self.object;
        let options = self.options.for_policy(&self.client.transport.policy);
        send_record(&self.client, options, move |c| async move {
            dispatch::update(&c, &object, &id, Some(&key), &body).await
        })
        .await
    }
}
