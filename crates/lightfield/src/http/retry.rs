//! When an attempt is worth another, by the operation's retry class (the spec's table of
//! operations, [`Retry`]) and how the attempt ended.

use lightfield_gen::tables::Retry;

use crate::error::is_retryable_status;
use crate::http::attempt::Failure;

/// How `operation` may be repeated, from the spec's table; an operation the table does not
/// know (a raw request) is idempotent when its method is, and otherwise unsafe.
pub(crate) fn retry_of(operation: &str, method: &http::Method) -> Retry {
    match lightfield_gen::tables::operation(operation) {
        Some(op) => op.retry,
        None if method.is_idempotent() => Retry::Idempotent,
        None => Retry::Unsafe,
    }
}

/// Operations whose plain 409 is documented as transient (a concurrent claim on the
/// record) and worth retrying.
const TRANSIENT_CONFLICT: &[&str] = &["enrichment_start"];

/// What one attempt came to.
pub(crate) enum Outcome {
    /// An answer, whatever its status.
    Answer(reqwest::Response),
    /// No usable answer.
    Failed(Failure),
}

impl Outcome {
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            Self::Answer(response) => Some(response.status().as_u16()),
            _ => None,
        }
    }

    pub(crate) fn error(&self) -> Option<&dyn std::fmt::Display> {
        match self {
            Self::Answer(_) => None,
            Self::Failed(Failure::Transport(error)) => Some(error),
            Self::Failed(Failure::TooLarge { .. }) => Some(&"the answer is too large"),
            Self::Failed(Failure::TimedOut) => Some(&"the attempt timed out"),
        }
    }

    /// `body` is asked for only when a 409 needs its `type`: most answers never pay for it.
    /// A write that is not safe to repeat is retried only when this attempt surely did not
    /// act: a refused connection, a 429 (the limit is checked before anything is done) or
    /// a documented transient conflict (a refusal).
    pub(crate) fn worth_retrying(
        &self,
        operation: &str,
        retry: Retry,
        body: impl FnOnce() -> bytes::Bytes,
    ) -> bool {
        if retry == Retry::Unsafe {
            return match self {
                Self::Answer(response) => match response.status().as_u16() {
                    429 => true,
                    409 => TRANSIENT_CONFLICT.contains(&operation),
                    _ => false,
                },
                Self::Failed(failure) => failure.never_sent(),
            };
        }
        match self {
            // A 409 is retried when it is transient: the same idempotency key still in
            // flight, or an operation that documents its conflicts as passing. A duplicate
            // or a stale version would answer the same again.
            Self::Answer(response) if response.status().as_u16() == 409 => {
                TRANSIENT_CONFLICT.contains(&operation)
                    || error_type(&body()) == Some("idempotency_conflict".into())
            }
            Self::Answer(response) => is_retryable_status(response.status().as_u16()),
            // Connection refused or reset, a body cut short: transient. Builder and
            // redirect errors are the caller's and would fail the same way again.
            Self::Failed(Failure::Transport(e)) => !(e.is_builder() || e.is_redirect()),
            Self::Failed(Failure::TimedOut) => true,
            // The same request would get the same answer.
            Self::Failed(Failure::TooLarge { .. }) => false,
        }
    }
}

/// The `type` of an error body, when it has the API's error shape.
fn error_type(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Typed {
        #[serde(rename = "type")]
        kind: String,
    }
    serde_json::from_slice::<Typed>(body).ok().map(|t| t.kind)
}
