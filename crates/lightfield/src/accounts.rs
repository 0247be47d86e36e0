//! Account operations: `client.accounts().create(..)`, `.update(..)`, `.retrieve(..)`,
//! `.list()`, `.definitions()`. Each returns a builder that ends in `.send().await`.

use std::collections::BTreeMap;
use std::num::NonZeroU64;

use lightfield_gen::types as wire;

use crate::client::{Client, Response};
use crate::definitions::Definitions;
use crate::error::{Error, Result};
use crate::options::{RequestOptions, idempotency_setter, request_option_setters};
use crate::pagination::{ListQuery, Page};
use crate::record::Account;
use crate::value::{Address, InputValue};

/// Account fields the API computes itself and refuses to accept.
pub const READ_ONLY_FIELDS: &[&str] = &["$howTheyMakeMoney", "$accountStatus"];
/// Account relationships managed from the other side and refused here.
pub const READ_ONLY_RELATIONSHIPS: &[&str] = &["$opportunity", "$task", "$note", "$meeting"];

/// One record id or several, for relationships.
///
/// ```
/// use lightfield::Ids;
/// let one: Ids = "mem_1".into();
/// let many: Ids = ["con_1", "con_2"].into();
/// # let _ = (one, many);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Ids {
    /// A single id.
    One(String),
    /// A list of ids.
    Many(Vec<String>),
}

impl Ids {
    fn to_wire(&self) -> wire::RelationshipTarget {
        match self {
            Self::One(id) => wire::RelationshipTarget::String(id.clone()),
            Self::Many(ids) => wire::RelationshipTarget::Array(ids.clone()),
        }
    }

    fn check(&self, key: &str) -> std::result::Result<(), String> {
        let empty = match self {
            Self::One(id) => id.trim().is_empty(),
            Self::Many(ids) => ids.iter().any(|id| id.trim().is_empty()),
        };
        if empty {
            return Err(format!("relationship `{key}` was given an empty record id"));
        }
        Ok(())
    }
}

impl From<&str> for Ids {
    fn from(v: &str) -> Self {
        Self::One(v.to_string())
    }
}
impl From<String> for Ids {
    fn from(v: String) -> Self {
        Self::One(v)
    }
}
impl From<&String> for Ids {
    fn from(v: &String) -> Self {
        Self::One(v.clone())
    }
}
impl From<Vec<String>> for Ids {
    fn from(v: Vec<String>) -> Self {
        Self::Many(v)
    }
}
impl From<Vec<&str>> for Ids {
    fn from(v: Vec<&str>) -> Self {
        Self::Many(v.into_iter().map(str::to_string).collect())
    }
}
impl<const N: usize> From<[&str; N]> for Ids {
    fn from(v: [&str; N]) -> Self {
        Self::Many(v.iter().map(|s| s.to_string()).collect())
    }
}

/// Refuses, before sending, keys the API would refuse: empty ones and read-only ones.
fn check_key(
    kind: &str,
    key: &str,
    read_only: &[&str],
    advice: &str,
) -> std::result::Result<(), String> {
    if key.trim().is_empty() {
        return Err(format!("a {kind} key is empty"));
    }
    if read_only.contains(&key) {
        return Err(format!("{kind} `{key}` is read-only on accounts; {advice}"));
    }
    Ok(())
}

fn check_field_key(key: &str) -> std::result::Result<(), String> {
    check_key(
        "field",
        key,
        READ_ONLY_FIELDS,
        "Lightfield computes it and the API refuses writes to it",
    )
}

fn check_relationship_key(key: &str) -> std::result::Result<(), String> {
    check_key(
        "relationship",
        key,
        READ_ONLY_RELATIONSHIPS,
        "set `$account` on the related record instead",
    )
}

/// Field values as the generated body types hold them.
fn wire_fields(fields: &BTreeMap<String, InputValue>) -> BTreeMap<String, wire::InputValue> {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), wire::InputValue(v.to_json())))
        .collect()
}

fn strings(values: impl IntoIterator<Item = impl Into<String>>) -> InputValue {
    InputValue::List(values.into_iter().map(Into::into).collect())
}

/// The account operations of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'c> {
    client: &'c Client,
}

impl<'c> Accounts<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Starts a create. `name` (`$name`) is the one required field.
    pub fn create(&self, name: impl Into<String>) -> CreateAccount {
        let mut fields = BTreeMap::new();
        fields.insert("$name".to_string(), InputValue::Text(name.into()));
        CreateAccount {
            client: self.client.clone(),
            fields,
            relationships: BTreeMap::new(),
            problem: None,
            options: RequestOptions::default(),
        }
    }

    /// Starts an update of account `id`: only what you set is sent.
    pub fn update(&self, id: impl Into<String>) -> UpdateAccount {
        UpdateAccount {
            client: self.client.clone(),
            id: id.into(),
            fields: BTreeMap::new(),
            relationships: BTreeMap::new(),
            problem: None,
            options: RequestOptions::default(),
        }
    }

    /// Fetches account `id`.
    pub fn retrieve(&self, id: impl Into<String>) -> RetrieveAccount {
        RetrieveAccount {
            client: self.client.clone(),
            id: id.into(),
            options: RequestOptions::default(),
        }
    }

    /// Lists accounts, a page at a time or as a stream.
    pub fn list(&self) -> ListAccounts {
        ListAccounts {
            client: self.client.clone(),
            query: ListQuery::default(),
            options: RequestOptions::default(),
        }
    }

    /// Reads the account schema: field and relationship definitions, select options.
    pub fn definitions(&self) -> GetDefinitions {
        GetDefinitions {
            client: self.client.clone(),
            options: RequestOptions::default(),
        }
    }
}

/// Setters for the writable system fields, shared by create and update.
macro_rules! system_field_setters {
    () => {
        /// `$website`: the company's web addresses.
        pub fn website(self, urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.set("$website", strings(urls))
        }

        /// `$industry`: industries, by option id or label.
        pub fn industry(self, options: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.set("$industry", strings(options))
        }

        /// `$headcount`: the employee-count band, by option id or label.
        pub fn headcount(self, option: impl Into<String>) -> Self {
            self.set("$headcount", InputValue::Text(option.into()))
        }

        /// `$lastFundingType`: the latest funding round, by option id or label.
        pub fn last_funding_type(self, option: impl Into<String>) -> Self {
            self.set("$lastFundingType", InputValue::Text(option.into()))
        }

        /// `$primaryAddress`.
        pub fn primary_address(self, address: Address) -> Self {
            self.set("$primaryAddress", InputValue::Address(Box::new(address)))
        }

        /// `$linkedIn` handle.
        pub fn linked_in(self, handle: impl Into<String>) -> Self {
            self.set("$linkedIn", InputValue::Text(handle.into()))
        }

        /// `$twitter` handle.
        pub fn twitter(self, handle: impl Into<String>) -> Self {
            self.set("$twitter", InputValue::Text(handle.into()))
        }

        /// `$facebook` handle.
        pub fn facebook(self, handle: impl Into<String>) -> Self {
            self.set("$facebook", InputValue::Text(handle.into()))
        }

        /// `$instagram` handle.
        pub fn instagram(self, handle: impl Into<String>) -> Self {
            self.set("$instagram", InputValue::Text(handle.into()))
        }

        /// Any field by key: a custom field's slug (`"tier"`) or a system key (`"$name"`).
        /// Read-only fields are refused when the request is sent.
        pub fn field(self, key: impl Into<String>, value: impl Into<InputValue>) -> Self {
            let key = key.into();
            self.set(&key, value.into())
        }

        fn set(mut self, key: &str, value: InputValue) -> Self {
            if let Err(e) = check_field_key(key) {
                self.problem.get_or_insert(e);
            }
            self.fields.insert(key.to_string(), value);
            self
        }
    };
}

/// A create request; see [`Accounts::create`].
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use lightfield::Address;
/// let account = client
///     .accounts()
///     .create("Acme")
///     .website(["https://acme.example"])
///     .industry(["Software"])
///     .primary_address(Address { city: Some("Lyon".into()), country: Some("FR".into()), ..Default::default() })
///     .field("tier", "Gold")
///     .owner("mem_123")
///     .send()
///     .await?;
/// # let _ = account; Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct CreateAccount {
    client: Client,
    fields: BTreeMap<String, InputValue>,
    relationships: BTreeMap<String, Ids>,
    problem: Option<String>,
    options: RequestOptions,
}

impl CreateAccount {
    system_field_setters!();
    request_option_setters!();
    idempotency_setter!();

    /// Links records under a relationship key (`"$contact"`, a custom slug…).
    pub fn relationship(mut self, key: impl Into<String>, ids: impl Into<Ids>) -> Self {
        let key = key.into();
        let ids = ids.into();
        if let Err(e) = check_relationship_key(&key).and_then(|()| ids.check(&key)) {
            self.problem.get_or_insert(e);
        }
        self.relationships.insert(key, ids);
        self
    }

    /// `$owner`: the member who owns the account.
    pub fn owner(self, member_id: impl Into<String>) -> Self {
        self.relationship("$owner", Ids::One(member_id.into()))
    }

    /// `$contact`: the account's contacts.
    pub fn contacts(self, contact_ids: impl Into<Ids>) -> Self {
        self.relationship("$contact", contact_ids)
    }

    /// The JSON body this request sends.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self.wire_body()).unwrap_or_default()
    }

    fn wire_body(&self) -> wire::AccountCreateBody {
        wire::AccountCreateBody {
            fields: wire_fields(&self.fields),
            relationships: self
                .relationships
                .iter()
                .map(|(k, v)| (k.clone(), v.to_wire()))
                .collect(),
        }
    }

    /// Sends the request; returns the account as stored.
    pub async fn send(self) -> Result<Account> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the request; returns the account with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Account>> {
        if let Some(problem) = self.problem {
            return Err(Error::InvalidInput(problem));
        }
        match self.fields.get("$name") {
            Some(InputValue::Text(name)) if !name.trim().is_empty() => {}
            _ => {
                return Err(Error::InvalidInput(
                    "`$name` must be a non-empty string to create an account".into(),
                ));
            }
        }
        let key = parse_key::<wire::AccountCreateIdempotencyKey>(&self.options.idempotency_key()?)?;
        let body = self.wire_body();
        let options = self.options.for_client(&self.client);
        let response = self
            .client
            .call(options, |c| async move {
                c.account_create(Some(&key), &body).await
            })
            .await?;
        Ok(response.map_with_body(Account::from_wire_and_body))
    }
}

fn parse_key<K: std::str::FromStr>(key: &str) -> Result<K> {
    key.parse().map_err(|_| {
        Error::InvalidInput("the idempotency key is not valid (at most 255 characters)".into())
    })
}

/// An update request; see [`Accounts::update`].
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
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct UpdateAccount {
    client: Client,
    id: String,
    fields: BTreeMap<String, InputValue>,
    relationships: BTreeMap<String, wire::RelationshipOperation>,
    problem: Option<String>,
    options: RequestOptions,
}

impl UpdateAccount {
    system_field_setters!();
    request_option_setters!();
    idempotency_setter!();

    /// `$name`.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.set("$name", InputValue::Text(name.into()))
    }

    /// Clears a field (sends `null`).
    pub fn clear(self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.set(&key, InputValue::Null)
    }

    fn operation(
        mut self,
        key: String,
        ids: Ids,
        apply: impl FnOnce(&mut wire::RelationshipOperation, wire::RelationshipTarget),
    ) -> Self {
        if let Err(e) = check_relationship_key(&key).and_then(|()| ids.check(&key)) {
            self.problem.get_or_insert(e);
        }
        let op = self
            .relationships
            .entry(key)
            .or_insert(wire::RelationshipOperation {
                add: None,
                remove: None,
                replace: None,
            });
        apply(op, ids.to_wire());
        self
    }

    /// Links more records under `key`.
    pub fn add(self, key: impl Into<String>, ids: impl Into<Ids>) -> Self {
        self.operation(key.into(), ids.into(), |op, t| op.add = Some(t))
    }

    /// Unlinks records under `key`.
    pub fn remove(self, key: impl Into<String>, ids: impl Into<Ids>) -> Self {
        self.operation(key.into(), ids.into(), |op, t| op.remove = Some(t))
    }

    /// Makes `ids` the only records linked under `key`.
    pub fn replace(self, key: impl Into<String>, ids: impl Into<Ids>) -> Self {
        self.operation(key.into(), ids.into(), |op, t| op.replace = Some(t))
    }

    /// Unlinks every record under `key`.
    pub fn clear_relationship(self, key: impl Into<String>) -> Self {
        self.operation(key.into(), Ids::Many(Vec::new()), |op, t| {
            op.replace = Some(t)
        })
    }

    /// `$owner`: replaces the owning member.
    pub fn owner(self, member_id: impl Into<String>) -> Self {
        self.replace("$owner", Ids::One(member_id.into()))
    }

    fn wire_body(&self) -> wire::AccountUpdateBody {
        wire::AccountUpdateBody {
            fields: wire_fields(&self.fields),
            relationships: self.relationships.clone(),
        }
    }

    /// The JSON body this request sends.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self.wire_body()).unwrap_or_default()
    }

    /// Sends the request; returns the account after the change.
    pub async fn send(self) -> Result<Account> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the request; returns the account with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Account>> {
        if let Some(problem) = self.problem {
            return Err(Error::InvalidInput(problem));
        }
        if self.id.trim().is_empty() {
            return Err(Error::InvalidInput(
                "the account id to update is empty".into(),
            ));
        }
        if self.fields.is_empty() && self.relationships.is_empty() {
            return Err(Error::InvalidInput(
                "the update changes nothing: set, clear or relate something before sending".into(),
            ));
        }
        let key = parse_key::<wire::AccountUpdateIdempotencyKey>(&self.options.idempotency_key()?)?;
        let body = self.wire_body();
        let options = self.options.for_client(&self.client);
        let id = self.id;
        let response = self
            .client
            .call(options, |c| async move {
                c.account_update(&id, Some(&key), &body).await
            })
            .await?;
        Ok(response.map_with_body(Account::from_wire_and_body))
    }
}

/// A retrieve request; see [`Accounts::retrieve`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct RetrieveAccount {
    client: Client,
    id: String,
    options: RequestOptions,
}

impl RetrieveAccount {
    request_option_setters!();

    /// Fetches the account.
    pub async fn send(self) -> Result<Account> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Fetches the account with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Account>> {
        if self.id.trim().is_empty() {
            return Err(Error::InvalidInput(
                "the account id to retrieve is empty".into(),
            ));
        }
        let options = self.options.for_client(&self.client);
        let id = self.id;
        let response = self
            .client
            .call(options, |c| async move { c.account_retrieve(&id).await })
            .await?;
        Ok(response.map_with_body(Account::from_wire_and_body))
    }
}

/// A definitions request; see [`Accounts::definitions`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct GetDefinitions {
    client: Client,
    options: RequestOptions,
}

impl GetDefinitions {
    request_option_setters!();

    /// Fetches the definitions.
    pub async fn send(self) -> Result<Definitions> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Fetches the definitions with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Definitions>> {
        let options = self.options.for_client(&self.client);
        let response = self
            .client
            .call(options, |c| async move { c.account_definitions().await })
            .await?;
        Ok(response.map(Definitions::from_wire))
    }
}

/// A list request; see [`Accounts::list`].
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use futures_util::TryStreamExt;
/// use lightfield::Op;
/// let page = client.accounts().list().filter("$name", Op::StartsWith, "Acme").limit(10).send().await?;
/// println!("{} of {} accounts", page.items.len(), page.total_count);
/// let all: Vec<_> = client.accounts().list().max_items(100).stream().try_collect().await?;
/// # let _ = all; Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await` or `.stream()`"]
pub struct ListAccounts {
    pub(crate) client: Client,
    pub(crate) query: ListQuery,
    pub(crate) options: RequestOptions,
}

impl ListAccounts {
    request_option_setters!();

    /// Page size, 1 to 25 (default 25).
    pub fn limit(mut self, limit: u64) -> Self {
        self.query.limit = Some(limit);
        self
    }

    /// Records to skip (default 0).
    pub fn offset(mut self, offset: u64) -> Self {
        self.query.offset = offset;
        self
    }

    /// Keeps records whose `key` satisfies `op` against `value` (`key[op]=value`).
    pub fn filter(
        mut self,
        key: impl Into<String>,
        op: crate::pagination::Op,
        value: impl ToString,
    ) -> Self {
        self.query
            .push_filter(key.into(), Some(op), false, value.to_string());
        self
    }

    /// Keeps records whose `key` does not satisfy `op` (`key[-op]=value`).
    pub fn filter_not(
        mut self,
        key: impl Into<String>,
        op: crate::pagination::Op,
        value: impl ToString,
    ) -> Self {
        self.query
            .push_filter(key.into(), Some(op), true, value.to_string());
        self
    }

    /// Filters with the field type's default operator (`key=value`).
    pub fn filter_default(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query
            .push_filter(key.into(), None, false, value.to_string());
        self
    }

    /// Stops streaming after this many records.
    pub fn max_items(mut self, max: u64) -> Self {
        self.query.max_items = Some(max);
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<Account>> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Fetches one page with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Page<Account>>> {
        fetch_page(
            &self.client,
            &self.query,
            &self.options,
            self.query.offset,
            self.query.page_size()?,
        )
        .await
    }

    /// Every matching record, page after page, as a stream (up to `max_items`).
    pub fn stream(self) -> impl futures_util::Stream<Item = Result<Account>> + Send + 'static {
        crate::pagination::stream(self)
    }
}

pub(crate) async fn fetch_page(
    client: &Client,
    query: &ListQuery,
    options: &RequestOptions,
    offset: u64,
    limit: u64,
) -> Result<Response<Page<Account>>> {
    let call = options.call_options(&client.transport.policy, query.filter_pairs());
    let limit_param = NonZeroU64::new(limit);
    let offset_param = offset;
    let response = client
        .call(call, |c| async move {
            c.account_list(limit_param, Some(offset_param)).await
        })
        .await?;
    Ok(response.map_with_body(|page, body| Page {
        total_count: page.total_count,
        offset,
        limit,
        items: Account::from_wire_page(page.data, body),
    }))
}
