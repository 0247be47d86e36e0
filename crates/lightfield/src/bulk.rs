//! Bulk work: many writes with bounded concurrency. (Exports with concurrent page
//! fetches are [`Listing::export`](crate::Listing::export).)
//!
//! Concurrency hides latency; the client's rate limiter (shared by every task) keeps the
//! pace at the API's limit, so bulk work rarely meets a 429, and each write keeps its own
//! idempotency key across retries, so none is applied twice.

use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt};

use crate::entity::{Create, Entity, RecordCall, Update};
use crate::error::Result;

/// A boxed, sendable future of a write's outcome.
pub type WriteFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send>>;

/// A write that can run in a bulk batch: any create, update, delete or restore.
pub trait BulkWrite: Send + 'static {
    /// What the write answers (the record).
    type Output: Send + 'static;
    /// Sends the write.
    fn send_boxed(self) -> WriteFuture<Self::Output>;
}

impl<T: Entity> BulkWrite for Create<T> {
    type Output = T;
    fn send_boxed(self) -> WriteFuture<T> {
        Box::pin(self.send())
    }
}

impl<T: Entity> BulkWrite for Update<T> {
    type Output = T;
    fn send_boxed(self) -> WriteFuture<T> {
        Box::pin(self.send())
    }
}

impl<T: Entity, K: crate::idempotency::KeyUse> BulkWrite for RecordCall<T, K> {
    type Output = T;
    fn send_boxed(self) -> WriteFuture<T> {
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
) -> impl Stream<Item = (usize, Result<W::Output>)> + Send
where
    W: BulkWrite,
    I: IntoIterator<Item = W>,
    I::IntoIter: Send,
{
    stream::iter(writes.into_iter().enumerate())
        .map(|(position, write)| async move { (position, write.send_boxed().await) })
        .buffer_unordered(concurrency.max(1))
}
