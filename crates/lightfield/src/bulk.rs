//! Bulk work: many writes with bounded concurrency, and whole-list exports with pages
//! fetched concurrently.
//!
//! Concurrency hides latency; the client's rate limiter (shared by every task) keeps the
//! pace at the API's limit, so bulk work rarely meets a 429, and each write keeps its own
//! idempotency key across retries, so none is applied twice.

use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt};

use crate::accounts::{CreateAccount, ListAccounts, UpdateAccount, fetch_page};
use crate::error::Result;
use crate::record::Account;

/// A write that can run in a bulk batch: [`CreateAccount`] or [`UpdateAccount`].
pub trait BulkWrite: Send + 'static {
    /// Sends the write.
    fn send_boxed(self) -> Pin<Box<dyn Future<Output = Result<Account>> + Send>>;
}

impl BulkWrite for CreateAccount {
    fn send_boxed(self) -> Pin<Box<dyn Future<Output = Result<Account>> + Send>> {
        Box::pin(self.send())
    }
}

impl BulkWrite for UpdateAccount {
    fn send_boxed(self) -> Pin<Box<dyn Future<Output = Result<Account>> + Send>> {
        Box::pin(self.send())
    }
}

/// Sends every write with at most `concurrency` in flight, yielding `(position, result)`
/// as each finishes (not in input order; the position says which input it was).
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) {
/// use futures_util::StreamExt;
/// let writes = (0..100).map(|i| client.accounts().create(format!("Company {i}")));
/// let mut results = lightfield::bulk::send_all(writes, 16);
/// while let Some((position, result)) = results.next().await {
///     if let Err(e) = result {
///         eprintln!("write {position} failed: {e}");
///     }
/// }
/// # }
/// ```
pub fn send_all<W, I>(
    writes: I,
    concurrency: usize,
) -> impl Stream<Item = (usize, Result<Account>)> + Send
where
    W: BulkWrite,
    I: IntoIterator<Item = W>,
    I::IntoIter: Send,
{
    stream::iter(writes.into_iter().enumerate())
        .map(|(position, write)| async move { (position, write.send_boxed().await) })
        .buffer_unordered(concurrency.max(1))
}

impl ListAccounts {
    /// Every matching record, in order, with up to `concurrency` pages in flight once the
    /// first page has told how many records there are. Respects `max_items`.
    ///
    /// Records created or deleted during an export can shift page boundaries, as with any
    /// offset paging; export a filtered, stable set when that matters.
    pub fn export(
        self,
        concurrency: usize,
    ) -> impl Stream<Item = Result<Account>> + Send + 'static {
        let concurrency = concurrency.max(1);
        stream::once(async move {
            let size = match self.query.page_size() {
                Ok(size) => size,
                Err(e) => return stream::iter(vec![Err(e)]).boxed(),
            };
            let start = self.query.offset;
            let first =
                match fetch_page(&self.client, &self.query, &self.options, start, size).await {
                    Ok(page) => page.into_inner(),
                    Err(e) => return stream::iter(vec![Err(e)]).boxed(),
                };
            let wanted = self.query.max_items.unwrap_or(u64::MAX);
            let end = first.total_count.min(start.saturating_add(wanted));
            let first_items = first.items.into_iter().map(Ok).collect::<Vec<_>>();
            let mut offsets = Vec::new();
            let mut next = start + first_items.len() as u64;
            if first_items.len() as u64 == size {
                while next < end {
                    offsets.push(next);
                    next += size;
                }
            }
            let rest = stream::iter(offsets)
                .map(move |offset| {
                    let request = self.clone();
                    async move {
                        match fetch_page(
                            &request.client,
                            &request.query,
                            &request.options,
                            offset,
                            size,
                        )
                        .await
                        {
                            Ok(page) => page
                                .into_inner()
                                .items
                                .into_iter()
                                .map(Ok)
                                .collect::<Vec<_>>(),
                            Err(e) => vec![Err(e)],
                        }
                    }
                })
                .buffered(concurrency)
                .flat_map(stream::iter);
            let limit = usize::try_from(wanted).unwrap_or(usize::MAX);
            stream::iter(first_items).chain(rest).take(limit).boxed()
        })
        .flatten()
    }
}
