//! [`Wait`]: polls something until it reaches a final state or a deadline passes — for
//! workflow runs, merges and enrichment runs, whose work goes on after the request that
//! started it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, Result};

type Poll<T> = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = Result<T>> + Send>> + Send>;

/// Polls until a final state, with growing pauses, within a deadline.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use std::time::Duration;
/// let status = client.workflow_runs().wait("wfr_1").deadline(Duration::from_secs(60)).send().await?;
/// println!("finished: {status:?}");
/// # Ok(()) }
/// ```
#[must_use = "a wait does nothing until `.send().await`"]
pub struct Wait<T> {
    what: String,
    poll: Poll<T>,
    done: fn(&T) -> bool,
    deadline: Duration,
    first: Duration,
    max: Duration,
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("what", &self.what)
            .field("deadline", &self.deadline)
            .field("first", &self.first)
            .field("max", &self.max)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Wait<T> {
    /// Waits for `poll` to answer something `done` accepts. Defaults: 5 minutes in all,
    /// first pause 250 ms, doubling up to 5 s.
    pub(crate) fn new<F, Fut>(what: impl Into<String>, mut poll: F, done: fn(&T) -> bool) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        Self {
            what: what.into(),
            poll: Box::new(move || Box::pin(poll())),
            done,
            deadline: Duration::from_secs(300),
            first: Duration::from_millis(250),
            max: Duration::from_secs(5),
        }
    }

    /// Gives up with [`Error::Timeout`] after this long in all.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The first pause between polls and the longest one (pauses double in between).
    pub fn interval(mut self, first: Duration, max: Duration) -> Self {
        self.first = first;
        self.max = max.max(first);
        self
    }

    /// Polls until a final state; answers it (a failed state is an answer, not an error:
    /// look at it).
    pub async fn send(mut self) -> Result<T> {
        let started = Instant::now();
        let until = started.checked_add(self.deadline);
        let mut pause = self.first;
        let mut polls = 0u32;
        loop {
            let remaining = until.map_or(Duration::MAX, |u| {
                u.saturating_duration_since(Instant::now())
            });
            polls += 1;
            let state = match tokio::time::timeout(remaining, (self.poll)()).await {
                Ok(state) => state?,
                Err(_) => break,
            };
            if (self.done)(&state) {
                return Ok(state);
            }
            if remaining <= pause {
                break;
            }
            tokio::time::sleep(pause).await;
            pause = pause.saturating_mul(2).min(self.max);
        }
        tracing::debug!(what = %self.what, polls, "gave up waiting");
        Err(Error::Timeout {
            elapsed: started.elapsed(),
            attempts: polls,
        })
    }
}
