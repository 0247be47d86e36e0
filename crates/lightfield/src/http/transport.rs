//! How a request reaches the server: headers, rate limiting, retries with backoff,
//! timeouts and tracing. The generated client builds each request and hands it here
//! through [`lightfield_gen::Hooks`].
//!
//! What is sent again follows the spec's table of operations ([`Retry`]): reads, deletes
//! and writes that are idempotent by nature are retried after any transient failure; a
//! write the API deduplicates is retried with the same `Idempotency-Key` (each retry is a
//! clone of the same request), so the server answers the first write instead of writing
//! twice; any other write is sent again only when its attempt surely never reached the
//! server (a refused connection, a 429). A write whose last attempt may have been carried
//! out without an answer ends in [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use http::HeaderValue;
use http::header::{AUTHORIZATION, USER_AGENT};
use tokio::time::Instant;
use tracing::Instrument;

use lightfield_gen::tables::Retry;

use crate::http::attempt::{self, Failure};
use crate::http::ratelimit::{RateLimits, category_of};
use crate::http::retry::{Outcome, retry_of};

pub(crate) use crate::error::{is_retryable_status, retry_after};

/// The API version this SDK speaks: the spec's `info.version`, from its tables.
pub const API_VERSION: &str = lightfield_gen::tables::API_VERSION;

/// Header names as constants: a name given as text is parsed again on every request.
const VERSION_HEADER: http::HeaderName = http::HeaderName::from_static("lightfield-version");
const IDEMPOTENCY_KEY: http::HeaderName = http::HeaderName::from_static("idempotency-key");

/// Retry and timeout settings, client-wide or for one call.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub(crate) max_retries: u32,
    pub(crate) attempt_timeout: Duration,
    pub(crate) deadline: Option<Duration>,
    pub(crate) backoff_base: Duration,
    pub(crate) backoff_cap: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) max_response_bytes: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            attempt_timeout: Duration::from_secs(30),
            deadline: None,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            max_response_bytes: 32 * 1024 * 1024,
        }
    }
}

/// State shared by every clone of a client.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// For file storage hosts: built by the SDK with no default headers, never given the
    /// API key or version header, so uploads and downloads cannot leak them.
    pub(crate) storage: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) auth: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) policy: Policy,
    pub(crate) limits: RateLimits,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("user_agent", &self.user_agent)
            .field("policy", &self.policy)
            .finish()
    }
}

/// What one logical call needs beyond the request itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub(crate) policy: Option<Policy>,
    /// Query pairs the generated client cannot express (list filters).
    pub(crate) extra_query: Vec<(String, String)>,
}

/// What happened during a call, read back by the caller after the generated method returns.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Requests actually sent (a wait that ended before sending does not count).
    pub(crate) attempts: u32,
    /// The body of the last response, kept (a cheap reference-counted handle) so callers
    /// can read what the generated types do not model.
    pub(crate) body: bytes::Bytes,
    /// The status and headers of the last response: a refusal keeps its status and
    /// `Retry-After` whatever its body looks like. The headers are moved here from the
    /// answer (the generated code never reads them), so no call copies them.
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    /// A failure the generated code cannot express (an answer too large to read).
    pub(crate) failure: Option<crate::Error>,
    /// The request, as an error names it: its method and URL without the query.
    pub(crate) request: Option<String>,
    /// Set for a write that is not idempotent by nature.
    pub(crate) write: Option<Write>,
    /// Whether an attempt may have been carried out with no definite answer since: an
    /// attempt sent (or being sent) that timed out, lost its connection or got a 5xx.
    pub(crate) in_doubt: bool,
}

/// A write whose repetition is not harmless by nature, for [`Report::settle_doubt`].
#[derive(Debug)]
pub(crate) struct Write {
    operation: &'static str,
    retry: Retry,
    key: Option<String>,
}

impl Report {
    /// `error`, or, when this call is a write an attempt of which may have been carried
    /// out without a definite answer, `error` inside an
    /// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) that says what is safe next.
    pub(crate) fn settle_doubt(&mut self, error: crate::Error) -> crate::Error {
        match self.write.take() {
            Some(write) if self.in_doubt => {
                crate::Error::OutcomeUnknown(Box::new(crate::error::OutcomeUnknown {
                    operation: write.operation,
                    deduplicated: write.retry == Retry::Keyed,
                    idempotency_key: write.key,
                    request_id: error.as_api().and_then(|a| a.request_id.clone()),
                    source: error,
                }))
            }
            _ => error,
        }
    }
}

/// The hooks of one call: the shared transport plus this call's options.
#[derive(Debug)]
pub(crate) struct CallHooks {
    pub(crate) transport: Arc<Transport>,
    pub(crate) options: CallOptions,
    pub(crate) report: Mutex<Report>,
    pub(crate) started: Instant,
}

impl CallHooks {
    pub(crate) fn new(transport: Arc<Transport>, options: CallOptions) -> Arc<Self> {
        Arc::new(Self {
            transport,
            options,
            report: Mutex::new(Report::default()),
            started: Instant::now(),
        })
    }

    pub(crate) fn policy(&self) -> &Policy {
        self.options
            .policy
            .as_ref()
            .unwrap_or(&self.transport.policy)
    }

    /// Runs `future` (the whole call, retries included) within the call's deadline. A
    /// write cut off by the deadline while an attempt was under way has an unknown outcome.
    pub(crate) async fn within_deadline<F: std::future::Future>(
        &self,
        future: F,
    ) -> crate::Result<F::Output> {
        match self.policy().deadline {
            Some(limit) => tokio::time::timeout(limit, future).await.map_err(|_| {
                let timeout = crate::Error::Timeout {
                    elapsed: self.started.elapsed(),
                    attempts: self.attempts(),
                };
                match self.report.lock() {
                    Ok(mut report) => report.settle_doubt(timeout),
                    Err(_) => timeout,
                }
            }),
            None => Ok(future.await),
        }
    }

    /// The error for a request that got no usable answer after `attempts` requests.
    pub(crate) fn transport_error(&self, source: reqwest::Error, attempts: u32) -> crate::Error {
        if source.is_timeout() {
            crate::Error::Timeout {
                elapsed: self.started.elapsed(),
                attempts,
            }
        } else {
            crate::Error::Network {
                source: Box::new(source),
                attempts,
            }
        }
    }

    /// The body of the last response received.
    pub(crate) fn body(&self) -> bytes::Bytes {
        self.report
            .lock()
            .map(|r| r.body.clone())
            .unwrap_or_default()
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.report.lock().map(|r| r.attempts).unwrap_or(0)
    }

    /// What the call came to (attempts, the last answer's status, headers and body, a
    /// failure), taken once the call is over: one lock, and nothing copied.
    pub(crate) fn take_report(&self) -> Report {
        self.report
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }

    /// Counts attempt `n`, about to be sent: until it ends, a write is in doubt. Returns
    /// whether it was in doubt before.
    fn set_attempts(&self, n: u32) -> bool {
        match self.report.lock() {
            Ok(mut r) => {
                r.attempts = n;
                let write = r.write.is_some();
                std::mem::replace(&mut r.in_doubt, write)
            }
            Err(_) => false,
        }
    }

    /// A generated client whose every request goes through these hooks.
    pub(crate) fn generated(self: &Arc<Self>) -> lightfield_gen::Client {
        lightfield_gen::Client::new_with_client(
            &self.transport.base_url,
            self.transport.http.clone(),
            self.clone() as lightfield_gen::Inner,
        )
    }

    /// What the generated code is given for the last attempt. A time-out or an answer too
    /// large has no reqwest error to carry it, so it is recorded as the call's failure
    /// (read first by every caller) and a stand-in answer goes back.
    fn finish(&self, outcome: Outcome) -> reqwest::Result<reqwest::Response> {
        let failure = match outcome {
            Outcome::Answer(response) => return Ok(response),
            Outcome::Failed(Failure::Transport(error)) => return Err(error),
            Outcome::Failed(Failure::TooLarge { limit }) => {
                tracing::warn!(limit, "response larger than the maximum");
                crate::Error::ResponseTooLarge { limit }
            }
            Outcome::Failed(Failure::TimedOut) => crate::Error::Timeout {
                elapsed: self.started.elapsed(),
                attempts: self.attempts(),
            },
        };
        if let Ok(mut report) = self.report.lock() {
            report.failure = Some(failure);
        }
        Ok(attempt::stand_in())
    }

    /// Sends `request` with retries; returns the last response (body fully read) or error.
    ///
    /// A plain function returning the instrumented loop, not an `async fn` awaiting it: the
    /// loop's future is a few kilobytes, and an `async fn` around it would hold a second
    /// copy and move it once more.
    pub(crate) fn run(
        &self,
        mut request: reqwest::Request,
        operation: &'static str,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + '_ {
        let transport = &self.transport;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, transport.auth.clone());
        headers.insert(VERSION_HEADER, HeaderValue::from_static(API_VERSION));
        headers.insert(USER_AGENT, transport.user_agent.clone());
        if !self.options.extra_query.is_empty() {
            request
                .url_mut()
                .query_pairs_mut()
                .extend_pairs(&self.options.extra_query);
        }
        if let Ok(mut report) = self.report.lock() {
            let mut url = request.url().clone();
            url.set_query(None);
            url.set_fragment(None);
            report.request = Some(format!("{} {url}", request.method()));
        }
        let policy = self.policy();
        let category = category_of(operation, request.method());
        let retry = retry_of(operation, request.method());
        if retry != Retry::Idempotent
            && let Ok(mut report) = self.report.lock()
        {
            report.write = Some(Write {
                operation,
                retry,
                key: request
                    .headers()
                    .get(&IDEMPOTENCY_KEY)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
            });
        }
        // The fields are evaluated only when a subscriber records the span.
        let span = tracing::info_span!(
            "lightfield.request",
            operation,
            method = %request.method(),
            path = request.url().path(),
            query = tracing::field::Empty,
            idempotency_key = tracing::field::Empty,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        // Paging and filters, when there are any (values the caller chose; no secret
        // travels in a query).
        if !span.is_disabled()
            && let Some(query) = request.url().query()
        {
            span.record("query", query);
        }
        // Only writes carry a key; a read's span has none to show.
        if !span.is_disabled()
            && let Some(key) = request
                .headers()
                .get(&IDEMPOTENCY_KEY)
                .and_then(|v| v.to_str().ok())
        {
            span.record("idempotency_key", key);
        }
        // `checked_add`: a deadline too far away to represent is no deadline.
        let deadline = policy.deadline.and_then(|d| self.started.checked_add(d));
        let mut delays = ExponentialBuilder::default()
            .with_min_delay(policy.backoff_base)
            .with_max_delay(policy.backoff_cap)
            .with_jitter()
            .with_max_times(policy.max_retries as usize)
            .build();
        let mut attempt = 0u32;
        async move {
            loop {
                transport.limits.acquire(category).await;
                // Counted once the wait is over: attempts are requests sent.
                attempt += 1;
                let in_doubt_before = self.set_attempts(attempt);
                let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                let attempt_timeout =
                    remaining.map_or(policy.attempt_timeout, |r| r.min(policy.attempt_timeout));
                // The body is in memory, so a clone is always possible; if a future request
                // type ever streams, it is sent once without retries.
                let (this_try, retriable) = match attempt::copy_of(&request) {
                    Some(copy) => (copy, true),
                    None => {
                        let stand_in = placeholder(&request);
                        (std::mem::replace(&mut request, stand_in), false)
                    }
                };
                let started = Instant::now();
                // Each attempt is an event inside the request's span (below), not a span
                // of its own: a span would wrap, and so copy, the attempt's future.
                let sent = attempt::send(
                    &transport.http,
                    this_try,
                    policy.max_response_bytes,
                    attempt_timeout,
                )
                .await;
                let mut asked_delay = None;
                let outcome = match sent {
                    Ok(answer) => {
                        let status = answer.response.status().as_u16();
                        transport.limits.observe(
                            category,
                            status,
                            &answer.headers,
                            policy.max_retry_after,
                        );
                        // Read only when the answer may be retried: most never are.
                        if is_retryable_status(status) {
                            asked_delay = retry_after(&answer.headers);
                        }
                        if let Ok(mut report) = self.report.lock() {
                            report.body = answer.body;
                            report.status = status;
                            report.headers = answer.headers;
                            // Any other answer says what became of the write.
                            report.in_doubt &= status == 408 || status >= 500;
                        }
                        Outcome::Answer(answer.response)
                    }
                    Err(failure) => {
                        // A connection never made carried nothing: the doubt is what it
                        // was before this attempt. Any other failure leaves it in doubt.
                        if failure.never_sent()
                            && let Ok(mut report) = self.report.lock()
                        {
                            report.in_doubt = in_doubt_before;
                        }
                        Outcome::Failed(failure)
                    }
                };
                let elapsed = started.elapsed();
                let status = outcome.status();
                tracing::debug!(
                    attempt,
                    status,
                    ?elapsed,
                    error = outcome.error().map(tracing::field::display),
                    "attempt finished"
                );
                let current = tracing::Span::current();
                current.record("attempts", attempt);
                if let Some(s) = status {
                    current.record("status", s);
                }
                if !retriable || !outcome.worth_retrying(operation, retry, || self.body()) {
                    return self.finish(outcome);
                }
                let Some(mut delay) = delays.next() else {
                    return self.finish(outcome);
                };
                if let Some(asked) = asked_delay {
                    delay = delay.max(asked.min(policy.max_retry_after));
                }
                if deadline
                    .is_some_and(|d| Instant::now().checked_add(delay).is_none_or(|at| at >= d))
                {
                    return self.finish(outcome);
                }
                tracing::info!(attempt, ?delay, ?status, "retrying");
                tokio::time::sleep(delay).await;
            }
        }
        .instrument(span)
    }
}

impl lightfield_gen::Hooks for CallHooks {
    fn exec<'a>(
        &'a self,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> lightfield_gen::ExecFuture<'a> {
        Box::pin(self.run(request, operation_id))
    }
}

/// A request with no body standing in for one that was moved out to be sent once.
fn placeholder(request: &reqwest::Request) -> reqwest::Request {
    reqwest::Request::new(request.method().clone(), request.url().clone())
}
