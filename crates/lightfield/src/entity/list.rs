//! Lists of any record type: [`Listing`] — one page, a stream of every record, or an export
//! with pages fetched concurrently.

use std::marker::PhantomData;
use std::num::NonZeroU64;

use super::decode::raw_records;
use super::kind::ObjectType;
use super::{Entity, check_id, dispatch};
use crate::client::{Client, Response};
use crate::error::Result;
use crate::http::options::{RequestOptions, request_option_setters};
use crate::paging::{self, ListQuery, Op, Page, PageSource};

/// Which records a list shows: those in use, or those in the trash.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordStatus {
    /// Records in use (the default).
    Active,
    /// Deleted records, which `restore` can bring back.
    Trashed,
    /// A status this SDK does not know yet, by its API name.
    Other(String),
}

impl RecordStatus {
    /// The API's name.
    pub fn as_api(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Trashed => "trashed",
            Self::Other(name) => name,
        }
    }
}

/// A list request; see `Records::list`.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use futures_util::TryStreamExt;
/// use lightfield::Op;
/// let page = client.accounts().list().filter("$name", Op::StartsWith, "Acme").limit(10).send().await?;
/// println!("{} of {} accounts", page.items.len(), page.total_count);
/// let all: Vec<_> = client.contacts().list().max_items(100).stream().try_collect().await?;
/// # let _ = all; Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await` or `.stream()`"]
pub struct Listing<T> {
    client: Client,
    object: ObjectType,
    /// The list whose members are listed, when it is a list's members.
    within: Option<String>,
    query: ListQuery,
    options: RequestOptions,
    output: PhantomData<fn() -> T>,
}

impl<T: Entity> Listing<T> {
    pub(crate) fn new(client: Client, object: ObjectType) -> Self {
        Self {
            client,
            object,
            within: None,
            query: ListQuery::default(),
            options: RequestOptions::default(),
            output: PhantomData,
        }
    }

    request_option_setters!();

    /// The members of type `T` of list `list_id`, with the same paging.
    pub(crate) fn within(mut self, list_id: String) -> Self {
        self.within = Some(list_id);
        self
    }

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

    /// Active records (the default) or trashed ones. Accounts, contacts, opportunities,
    /// tasks, notes and meetings have a status; asking for one elsewhere is refused.
    pub fn status(mut self, status: RecordStatus) -> Self {
        self.query.status = Some(status.as_api().to_string());
        self
    }

    /// Keeps records whose `key` satisfies `op` against `value` (`key[op]=value`).
    pub fn filter(mut self, key: impl Into<String>, op: Op, value: impl ToString) -> Self {
        self.query
            .push_filter(key.into(), Some(op), false, value.to_string());
        self
    }

    /// Keeps records whose `key` does not satisfy `op` (`key[-op]=value`).
    pub fn filter_not(mut self, key: impl Into<String>, op: Op, value: impl ToString) -> Self {
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

    /// Stops streaming (and exporting) after this many records. Worth setting whenever the
    /// caller cannot handle an arbitrarily long list: the stream otherwise runs until the
    /// server's `totalCount` is reached, a page comes back short, or a page brings only
    /// records already streamed (then it ends with [`Error::Protocol`](crate::Error::Protocol)).
    pub fn max_items(mut self, max: u64) -> Self {
        self.query.max_items = Some(max);
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<T>> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Fetches one page with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Page<T>>> {
        let size = self.query.page_size()?;
        self.page(self.query.offset, size).await
    }

    /// Every matching record, page after page, as a stream (up to `max_items`).
    pub fn stream(self) -> impl futures_util::Stream<Item = Result<T>> + Send + 'static {
        paging::stream(self)
    }

    /// Every matching record, in order, with up to `concurrency` pages in flight once the
    /// first page has told how many records there are. Respects `max_items`.
    ///
    /// Records created or deleted during an export can shift page boundaries, as with any
    /// offset paging; export a filtered, stable set when that matters.
    pub fn export(
        self,
        concurrency: usize,
    ) -> impl futures_util::Stream<Item = Result<T>> + Send + 'static {
        paging::export(self, concurrency)
    }

    async fn page(&self, offset: u64, limit: u64) -> Result<Response<Page<T>>> {
        let call = self
            .options
            .call_options(&self.client.transport.policy, self.query.filter_pairs());
        let object = self.object.clone();
        let status = self.query.status.clone();
        let within = match &self.within {
            // The members endpoints take no status: refused, not silently dropped.
            Some(_) if status.is_some() => {
                return Err(crate::Error::InvalidInput(
                    "the members of a list have no status filter; leave out .status(..)".into(),
                ));
            }
            Some(id) => Some(check_id(&ObjectType::List, id, "list the members of")?),
            None => None,
        };
        let (limit_param, offset_param) = (NonZeroU64::new(limit), Some(offset));
        let response = self
            .client
            .call(call, move |c| async move {
                match within {
                    Some(list_id) => {
                        dispatch::list_members(&c, &object, &list_id, limit_param, offset_param)
                            .await
                    }
                    None => {
                        dispatch::list(&c, &object, limit_param, offset_param, status.as_deref())
                            .await
                    }
                }
            })
            .await?;
        response.try_map_with_body(|page, _| {
            Ok(Page {
                total_count: crate::paging::count(page.total_count),
                offset,
                limit,
                items: raw_records(&page.data)?.into_iter().map(T::from).collect(),
            })
        })
    }
}

impl<T: Entity> PageSource for Listing<T> {
    type Item = T;

    fn query(&self) -> &ListQuery {
        &self.query
    }

    async fn fetch(&self, offset: u64, limit: u64) -> Result<Page<T>> {
        self.page(offset, limit).await.map(Response::into_inner)
    }

    fn identity(item: &T) -> Option<String> {
        Some(item.as_ref().id.clone())
    }
}
