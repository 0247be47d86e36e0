//! Fault injection: make chosen requests fail the way real networks and servers do.

use std::time::Duration;

/// What an injected fault does to a request it matches.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Answer with this status and an error body, without touching any data.
    Status(u16),
    /// Answer 429 with this `Retry-After` (seconds), without touching any data.
    RateLimited {
        /// Value of the `Retry-After` header, in seconds.
        retry_after_secs: u64,
    },
    /// Wait this long before handling the request normally.
    Delay(Duration),
    /// Handle the request (a write is committed), then drop the connection without
    /// answering: the client sees a lost response.
    DropAfterCommit,
    /// Drop the connection without handling the request at all.
    DropBeforeHandling,
    /// Answer 409 `idempotency_conflict`, as when a request with the same key is still
    /// running.
    IdempotencyConflict,
}

/// A rule saying which requests fail and how.
///
/// ```
/// use lightfield_mock::Fault;
/// // The next two POSTs to /v1/accounts get a 503.
/// let fault = Fault::status(503).method("POST").path("/v1/accounts").times(2);
/// # let _ = fault;
/// ```
#[derive(Debug, Clone)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) remaining: Option<u64>,
    pub(crate) path: Option<String>,
    /// Whether `path` must be the whole path rather than its start.
    pub(crate) exact: bool,
    /// Matching requests let through before the fault applies.
    pub(crate) after: u64,
    pub(crate) method: Option<String>,
    pub(crate) probability: f64,
}

impl Fault {
    /// A fault of any kind, matching the next request only.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            remaining: Some(1),
            path: None,
            exact: false,
            after: 0,
            method: None,
            probability: 1.0,
        }
    }

    /// Answer with `status` (e.g. 500, 503) and an error body.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status(status))
    }

    /// Answer 409 `idempotency_conflict`.
    pub fn idempotency_conflict() -> Self {
        Self::new(FaultKind::IdempotencyConflict)
    }

    /// Answer 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::new(FaultKind::RateLimited { retry_after_secs })
    }

    /// Delay the response by `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// Commit the request, then drop the connection: a lost response.
    pub fn drop_after_commit() -> Self {
        Self::new(FaultKind::DropAfterCommit)
    }

    /// Drop the connection before doing anything.
    pub fn drop_before_handling() -> Self {
        Self::new(FaultKind::DropBeforeHandling)
    }

    /// Match the next `n` matching requests (the default is 1).
    pub fn times(mut self, n: u64) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Match every matching request until the server stops.
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// Only requests whose path starts with `prefix`.
    pub fn path(mut self, prefix: impl Into<String>) -> Self {
        self.path = Some(prefix.into());
        self
    }

    /// Only requests to exactly `path` (`/v1/accounts` but not `/v1/accounts/definitions`).
    pub fn exactly(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self.exact = true;
        self
    }

    /// Lets the first `n` matching requests through, then applies.
    pub fn after(mut self, n: u64) -> Self {
        self.after = n;
        self
    }

    /// Only requests with this method (`"GET"`, `"POST"`).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into().to_ascii_uppercase());
        self
    }

    /// Apply to each matching request with this probability (0.0 to 1.0).
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = p.clamp(0.0, 1.0);
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.remaining != Some(0)
            && self.method.as_deref().is_none_or(|m| m == method)
            && self.path.as_deref().is_none_or(|p| {
                if self.exact {
                    path == p
                } else {
                    path.starts_with(p)
                }
            })
    }
}

/// Picks the fault (if any) that applies to a request, consuming one use of it.
pub(crate) fn take(
    faults: &mut [Fault],
    rng: &mut fastrand::Rng,
    method: &str,
    path: &str,
) -> Option<FaultKind> {
    for fault in faults.iter_mut() {
        if !fault.matches(method, path) {
            continue;
        }
        if fault.after > 0 {
            fault.after -= 1;
            continue;
        }
        if fault.probability < 1.0 && rng.f64() >= fault.probability {
            continue;
        }
        if let Some(n) = fault.remaining.as_mut() {
            *n -= 1;
        }
        return Some(fault.kind.clone());
    }
    None
}
