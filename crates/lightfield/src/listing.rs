//! [`Listing`]: the one builder for every list of the API — records of any type, a list's
//! members, files, and the Preview lists (senders, sequences, their enrollments and
//! messages). One page with `send`, every item with `stream`, or a concurrent `export`.
//!
//! A list operation only says how to fetch one page and how to read it; paging, filters,
//! per-call settings and the checks before sending are here, once.

use std::fmt;
use std::future::Future;
use std::num::NonZeroU64;
use std::pin::Pin;
use std::sync::Arc;

use lightfield_gen::types as wire;
use lightfield_gen::{Error as GenError, ResponseValue};

use crate::client::{Client, Response};
use crate::error::Result;
use crate::http::options::{RequestOptions, request_option_setters};
use crate::paging::{self, ListQuery, Op, Page, PageSource};

/// Where one page starts and how long it is, as handed to a list operation.
#[derive(Debug, Clone)]
pub(crate) struct PageAt {
    pub(crate) offset: u64,
    pub(crate) limit: NonZeroU64,
    /// The record status asked for (record lists only).
    pub(crate) status: Option<String>,
}

impl PageAt {
    /// A page of `items` read from an answer that counted `total` items in all (a missing
    /// count is the items at hand).
    pub(crate) fn page<T>(&self, items: Vec<T>, total: Option<i64>) -> Page<T> {
        Page {
            total_count: total.map_or(items.len() as u64, paging::count),
            offset: self.offset,
            limit: self.limit.get(),
            items,
        }
    }
}

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Response<Page<T>>>> + Send>>;
type FetchPage<T> =
    Arc<dyn Fn(Client, crate::http::transport::CallOptions, PageAt) -> PageFuture<T> + Send + Sync>;

/// A list request: set `limit`, `offset`, filters and `max_items`, then `send` for one
/// page, `stream` for every item, or `export` for every item with pages fetched
/// concurrently.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use futures_util::TryStreamExt;
/// use lightfield::Op;
/// let page = client.accounts().list().filter("$name", Op::StartsWith, "Acme").limit(10).send().await?;
/// println!("{} of {} accounts", page.items.len(), page.total_count);
/// let all: Vec<_> = client.contacts().list().max_items(100).stream().try_collect().await?;
/// let files: Vec<_> = client.files().list().export(4).try_collect().await?;
/// # let _ = (all, files); Ok(()) }
/// ```
#[must_use = "a request does nothing until `.send().await` or `.stream()`"]
pub struct Listing<T> {
    client: Client,
    operation: &'static str,
    pub(crate) query: ListQuery,
    options: RequestOptions,
    fetch: FetchPage<T>,
    identity: fn(&T) -> Option<&str>,
}

impl<T> Clone for Listing<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            query: self.query.clone(),
            options: self.options.clone(),
            fetch: Arc::clone(&self.fetch),
            identity: self.identity,
        }
    }
}

impl<T> fmt::Debug for Listing<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listing")
            .field("operation", &self.operation)
            .field("query", &self.query)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Listing<T> {
    /// A list of `operation` (its id, for `Debug`): `run` calls the generated operation for
    /// one page, `read` turns its answer into the page (and may refuse it).
    pub(crate) fn new<W, F, Fut, R>(
        client: &Client,
        operation: &'static str,
        run: F,
        read: R,
    ) -> Self
    where
        W: 'static,
        F: Fn(lightfield_gen::Client, PageAt) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<ResponseValue<W>, GenError<wire::ErrorBody>>>
            + Send
            + 'static,
        R: Fn(W, &[u8], &PageAt) -> Result<Page<T>> + Send + Sync + 'static,
    {
        let run = Arc::new(run);
        let read = Arc::new(read);
        let fetch: FetchPage<T> = Arc::new(move |client: Client, options, at: PageAt| {
            let (run, read) = (Arc::clone(&run), Arc::clone(&read));
            Box::pin(async move {
                let for_run = at.clone();
                let response = client.call(options, move |c| run(c, for_run)).await?;
                response.try_map_decoded(|answer, body| read(answer, body, &at))
            })
        });
        Self {
            client: client.clone(),
            operation,
            query: ListQuery::default(),
            options: RequestOptions::default(),
            fetch,
            identity: |_| None,
        }
    }

    /// A list whose input was refused before sending: every page answers
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) with `reason`.
    pub(crate) fn refused(client: &Client, operation: &'static str, reason: String) -> Self {
        let reason: Arc<str> = reason.into();
        Self {
            client: client.clone(),
            operation,
            query: ListQuery::default(),
            options: RequestOptions::default(),
            fetch: Arc::new(move |_, _, _| {
                let reason = Arc::clone(&reason);
                Box::pin(async move { Err(crate::Error::invalid(reason.to_string())) })
            }),
            identity: |_| None,
        }
    }

    /// Items whose `identity` (a record's id) tells them apart, so a stream notices a server
    /// that repeats a page.
    pub(crate) fn with_identity(mut self, identity: fn(&T) -> Option<&str>) -> Self {
        self.identity = identity;
        self
    }

    request_option_setters!();

    /// Page size, 1 to 25 (default 25).
    pub fn limit(mut self, limit: u64) -> Self {
        self.query.limit = Some(limit);
        self
    }

    /// Items to skip (default 0).
    pub fn offset(mut self, offset: u64) -> Self {
        self.query.offset = offset;
        self
    }

    /// Keeps items whose `key` satisfies `op` against `value` (`key[op]=value`). Filters
    /// combine with AND; each list's documentation names the keys the API filters on.
    pub fn filter(mut self, key: impl Into<String>, op: Op, value: impl ToString) -> Self {
        self.query
            .push_filter(key.into(), Some(op), false, value.to_string());
        self
    }

    /// Keeps items whose `key` does not satisfy `op` (`key[-op]=value`).
    pub fn filter_not(mut self, key: impl Into<String>, op: Op, value: impl ToString) -> Self {
        self.query
            .push_filter(key.into(), Some(op), true, value.to_string());
        self
    }

    /// Filters with the key's default operator (`key=value`).
    pub fn filter_default(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query
            .push_filter(key.into(), None, false, value.to_string());
        self
    }

    /// Stops streaming (and exporting) after this many items. Worth setting whenever the
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

    /// Every matching item, page after page, as a stream (up to `max_items`).
    pub fn stream(self) -> impl futures_util::Stream<Item = Result<T>> + Send + 'static {
        paging::stream(self)
    }

    /// Every matching item, in order, with up to `concurrency` pages in flight once the
    /// first page has told how many items there are. Respects `max_items`.
    ///
    /// Pages are read by offset, so items created or deleted before the page being read
    /// shift the pages. Each page after the first starts at the last item of the one before
    /// and must begin with it (one item more per page): when it does not, the stream ends
    /// with [`Error::Shifted`](crate::Error::Shifted) instead of skipping or repeating an
    /// item silently. Read again when the list is quiet (`lightfield export` does, up to
    /// three times), or export a filtered set that is not changing.
    pub fn export(
        self,
        concurrency: usize,
    ) -> impl futures_util::Stream<Item = Result<T>> + Send + 'static {
        paging::export(self, concurrency)
    }

    fn page(&self, offset: u64, limit: u64) -> PageFuture<T> {
        // `limit` comes from `ListQuery::page_size`, which never answers 0.
        let limit = NonZeroU64::new(limit).unwrap_or(NonZeroU64::MIN);
        let at = PageAt {
            offset,
            limit,
            status: self.query.status.clone(),
        };
        let options = self
            .options
            .call_options(&self.client.transport.policy, self.query.filter_pairs());
        (self.fetch)(self.client.clone(), options, at)
    }
}

impl<T: Send + 'static> PageSource for Listing<T> {
    type Item = T;

    fn query(&self) -> &ListQuery {
        &self.query
    }

    async fn fetch(&self, offset: u64, limit: u64) -> Result<Page<T>> {
        self.page(offset, limit).await.map(Response::into_inner)
    }

    fn identity(&self, item: &T) -> Option<String> {
        (self.identity)(item).map(str::to_string)
    }
}
