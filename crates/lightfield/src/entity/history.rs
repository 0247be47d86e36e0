//! Field history: the past values of one field of one record, paged by cursor.

use std::num::NonZeroU64;

use futures_util::stream::{self, Stream, StreamExt};
use lightfield_gen::types as wire;

use super::kind::ObjectType;
use super::{check_id, dispatch};
use crate::client::{Client, Response};
use crate::error::{Error, Result};
use crate::http::options::{RequestOptions, request_option_setters};
use crate::value::{FieldValue, ValueType};

/// The largest history page the API serves.
pub const MAX_HISTORY_PAGE: u64 = 100;

/// One past value of a field.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HistoryEntry {
    /// The value, decoded by `value_type`.
    pub value: FieldValue,
    /// The type the server declared for the value.
    pub value_type: ValueType,
    /// The value as the app shows it.
    pub display_value: Option<String>,
    /// True for the value the record was created with.
    pub is_create: bool,
    /// When the value was written (RFC 3339 text).
    pub recorded_at: String,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
}

impl HistoryEntry {
    fn from_wire(entry: wire::FieldHistoryEntry) -> Self {
        let value_type = ValueType::from_api(&entry.value_type.0);
        let raw = entry.value.map(|v| v.0).unwrap_or(serde_json::Value::Null);
        Self {
            value: FieldValue::decode(&value_type, raw),
            value_type,
            display_value: entry.display_value,
            is_create: entry.is_create.unwrap_or(false),
            recorded_at: entry.recorded_at,
            extra: entry.extra.into_iter().collect(),
        }
    }
}

/// One page of a field's history.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HistoryPage {
    /// Entries, newest first.
    pub entries: Vec<HistoryEntry>,
    /// Whether another page follows.
    pub has_more: bool,
    /// The cursor of the next page ([`FieldHistory::after`]).
    pub next_cursor: Option<String>,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A field history request; see `Records::history`.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use futures_util::TryStreamExt;
/// let stages: Vec<_> = client.opportunities().history("opp_1", "$stage").stream().try_collect().await?;
/// for entry in stages {
///     println!("{}: {:?}", entry.recorded_at, entry.value.as_str());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await` or `.stream()`"]
pub struct FieldHistory {
    client: Client,
    object: ObjectType,
    id: String,
    field_key: String,
    after: Option<String>,
    limit: Option<u64>,
    options: RequestOptions,
}

impl FieldHistory {
    pub(crate) fn new(client: Client, object: ObjectType, id: String, field_key: String) -> Self {
        Self {
            client,
            object,
            id,
            field_key,
            after: None,
            limit: None,
            options: RequestOptions::default(),
        }
    }

    request_option_setters!();

    /// Starts after this cursor (a page's `next_cursor`).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.after = Some(cursor.into());
        self
    }

    /// Entries per page, 1 to 100 (default 20).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<HistoryPage> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Fetches one page with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<HistoryPage>> {
        let id = check_id(&self.object, &self.id, "read the history of")?;
        if let Some(why) = super::segment_problem(&self.field_key) {
            return Err(Error::invalid(format!(
                "`{}` is not a field key (it {why}): give one like `$stage` or a custom slug",
                self.field_key
            )));
        }
        let limit = match self.limit {
            None => None,
            Some(n @ 1..=MAX_HISTORY_PAGE) => NonZeroU64::new(n),
            Some(n) => {
                return Err(Error::invalid(format!(
                    "history page size {n} is out of range: the API serves 1 to {MAX_HISTORY_PAGE} entries per page"
                )));
            }
        };
        let options = self.options.for_policy(&self.client.transport.policy);
        let (object, key, after) = (self.object, self.field_key, self.after);
        let response = self
            .client
            .call(options, move |c| async move {
                dispatch::history(&c, &object, &id, &key, after.as_deref(), limit).await
            })
            .await?;
        Ok(response.map(|page| HistoryPage {
            entries: page.data.into_iter().map(HistoryEntry::from_wire).collect(),
            has_more: page.has_more,
            next_cursor: page.next_cursor,
            extra: page.extra.into_iter().collect(),
        }))
    }

    /// Every entry, following the cursor from page to page.
    pub fn stream(self) -> impl Stream<Item = Result<HistoryEntry>> + Send + 'static {
        stream::unfold(Some(self), |request| async move {
            let request = request?;
            let next = request.clone();
            match request.send().await {
                Err(e) => Some((vec![Err(e)], None)),
                Ok(page) => {
                    // A server that says "more" without a cursor would loop forever.
                    let follow = match (page.has_more, page.next_cursor) {
                        (true, Some(cursor)) if !page.entries.is_empty() => {
                            Some(next.after(cursor))
                        }
                        _ => None,
                    };
                    let items: Vec<_> = page.entries.into_iter().map(Ok).collect();
                    (!items.is_empty()).then_some((items, follow))
                }
            }
        })
        .flat_map(stream::iter)
    }
}
