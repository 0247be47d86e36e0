//! One error type for every operation: [`Error`].

use std::time::Duration;

use http::HeaderMap;

/// What kind of refusal an API error is, from its status and `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400: the request or a value in it is wrong; see `param`.
    BadRequest,
    /// 401: the API key is missing or not valid.
    Unauthorized,
    /// 403: the key lacks the scope this operation needs.
    Forbidden,
    /// 404: no such record.
    NotFound,
    /// 409 `conflict`.
    Conflict,
    /// 409 `idempotency_conflict`: a request with the same key is still running.
    IdempotencyConflict,
    /// 415: the body was not sent as JSON.
    UnsupportedMediaType,
    /// 422: well formed but not possible.
    Unprocessable,
    /// 429: over the rate limit; see [`ApiError::retry_after`].
    RateLimited,
    /// 3xx: the server redirected. The API never does, so the base URL points somewhere
    /// else (a proxy, a login page); the SDK does not follow redirects.
    Redirect,
    /// 5xx: the server failed.
    Server,
    /// Any other status.
    Other,
}

impl ErrorKind {
    pub(crate) fn from_status_and_type(status: u16, kind: &str) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 if kind == "idempotency_conflict" => Self::IdempotencyConflict,
            409 => Self::Conflict,
            415 => Self::UnsupportedMediaType,
            422 => Self::Unprocessable,
            429 => Self::RateLimited,
            300..=399 => Self::Redirect,
            500..=599 => Self::Server,
            _ => Self::Other,
        }
    }

    fn advice(&self) -> &'static str {
        match self {
            Self::BadRequest => "fix the value named by `param` and send again",
            Self::Unauthorized => "check LIGHTFIELD_API_KEY or the key given to Client::new",
            Self::Forbidden => "give the API key the scope this operation needs",
            Self::NotFound => "check the id; the record may have been deleted",
            Self::Conflict => "reload the record and retry the change",
            Self::IdempotencyConflict => {
                "wait for the first request with this key to finish, then retry"
            }
            Self::UnsupportedMediaType => "send the body as JSON",
            Self::Unprocessable => {
                "the request was understood but cannot be carried out; check its values"
            }
            Self::RateLimited => {
                "slow down or raise max_retries; the client waits for Retry-After when retrying"
            }
            Self::Server => "the server failed; retry later or raise max_retries",
            Self::Redirect => {
                "the API does not redirect: check the base URL (LIGHTFIELD_BASE_URL) and any proxy"
            }
            Self::Other => "see the message and status",
        }
    }
}

/// A refusal from the API, with everything it said. Non-exhaustive: the API says more
/// over time, and a new field here must not break a caller's code.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Classification of the refusal.
    pub kind: ErrorKind,
    /// The body's `type` (`"bad_request"`…); empty when the body was not the error shape.
    pub error_type: String,
    /// Explanation from the server (or the raw body when it was not the error shape).
    pub message: String,
    /// Finer reason, when given.
    pub code: Option<String>,
    /// The request key at fault, when given (`"fields.$name"`).
    pub param: Option<String>,
    /// How long the server asked us to wait (`Retry-After` / `retry-after-ms`).
    pub retry_after: Option<Duration>,
    /// Response headers (e.g. `X-RateLimit-*`).
    pub headers: HeaderMap,
    /// How many attempts were made before giving up.
    pub attempts: u32,
    /// The server's id for the request (`X-Request-Id` or `Request-Id`), when it sends
    /// one: what its support asks for.
    pub request_id: Option<String>,
    /// The request refused: its method and URL without the query
    /// (`GET https://api.lightfield.app/v1/accounts/acc_1`), when known.
    pub request: Option<String>,
    /// Every other key of the error body, as received: the problems of a refused draft
    /// (`issues`), the contacts an enrollment could not take (`invalidContacts`), and
    /// whatever a newer server adds.
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// An error body in the API's shape, however it was read.
#[derive(serde::Deserialize)]
pub(crate) struct ErrorShape {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    message: String,
    code: Option<String>,
    param: Option<String>,
    #[serde(flatten)]
    details: serde_json::Map<String, serde_json::Value>,
}

impl From<lightfield_gen::types::ErrorBody> for ErrorShape {
    /// The body the generated client already parsed (documented statuses): not read again.
    fn from(body: lightfield_gen::types::ErrorBody) -> Self {
        Self {
            kind: body.type_,
            message: body.message,
            code: body.code,
            param: body.param,
            details: body.extra,
        }
    }
}

impl ApiError {
    /// A refusal from its raw body, parsed here (undocumented statuses, the storage host).
    pub(crate) fn from_parts(status: u16, headers: HeaderMap, body: &[u8], attempts: u32) -> Self {
        let parsed = serde_json::from_slice::<ErrorShape>(body).ok();
        Self::from_shape(status, headers, parsed, body, attempts)
    }

    /// A refusal from a body already read as the API's error shape (`None` when it is not
    /// one: then the start of `body` is the message).
    pub(crate) fn from_shape(
        status: u16,
        headers: HeaderMap,
        parsed: Option<ErrorShape>,
        body: &[u8],
        attempts: u32,
    ) -> Self {
        let parsed = parsed.filter(|b| !b.kind.is_empty() || !b.message.is_empty());
        let (error_type, message, code, param, details) = match parsed {
            Some(b) => (
                b.kind,
                clip(&b.message),
                b.code.map(|c| clip(&c)),
                b.param.map(|p| clip(&p)),
                b.details,
            ),
            // Not the API's error shape (an HTML page, plain text, another JSON): keep the
            // status and the start of the body as the message.
            None => (
                String::new(),
                clip(&String::from_utf8_lossy(body)),
                None,
                None,
                serde_json::Map::new(),
            ),
        };
        let message = match (status, headers.get(http::header::LOCATION)) {
            (300..=399, Some(location)) => format!(
                "redirected to {}; {message}",
                clip(&String::from_utf8_lossy(location.as_bytes()))
            ),
            _ => message,
        };
        Self {
            status,
            kind: ErrorKind::from_status_and_type(status, &error_type),
            retry_after: retry_after(&headers),
            error_type,
            message,
            code,
            param,
            request_id: ["x-request-id", "request-id"]
                .iter()
                .find_map(|name| headers.get(*name))
                .map(|v| clip(&String::from_utf8_lossy(v.as_bytes()))),
            headers,
            attempts,
            request: None,
            details,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lightfield API answered {}", self.status)?;
        if !self.error_type.is_empty() {
            write!(f, " {}", self.error_type)?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(param) = &self.param {
            write!(f, " (param `{param}`)")?;
        }
        if let Some(code) = &self.code {
            write!(f, " [code {code}]")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        if !self.details.is_empty() {
            let details = serde_json::Value::Object(self.details.clone()).to_string();
            write!(f, " details: {}", clip(&details))?;
        }
        write!(
            f,
            " after {} attempt(s); {}",
            self.attempts,
            self.kind.advice()
        )
    }
}

/// Everything that can go wrong calling the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API refused the request.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request did not reach the server or the answer did not come back.
    #[error(
        "network error after {attempts} attempt(s): {source}; check connectivity and the base URL, or raise max_retries"
    )]
    Network {
        /// The transport error of the last attempt (boxed: the HTTP library is not part of
        /// this crate's API; read it through `Display` and `source()`).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
        /// How many attempts were made.
        attempts: u32,
    },
    /// No answer within the per-attempt timeout or the overall deadline.
    #[error(
        "timed out after {attempts} attempt(s) ({elapsed:?}); raise the timeout or deadline, or retry later"
    )]
    Timeout {
        /// Time spent on the call.
        elapsed: Duration,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The server's (successful) answer could not be read.
    #[error("could not decode the response ({message}); body starts: {body:.200}")]
    Decode {
        /// What did not fit.
        message: String,
        /// The body as received, clipped to a few KiB.
        body: String,
    },
    /// The answer was larger than the client's maximum response size; it was not read
    /// further and the call was not retried.
    #[error(
        "the response is larger than the {limit}-byte maximum; raise ClientBuilder::max_response_size if the answer is expected to be this large"
    )]
    ResponseTooLarge {
        /// The maximum, in bytes.
        limit: u64,
    },
    /// The server broke the API's contract in a way that would make the client loop or
    /// misbehave (a list that never ends, say); what was received so far is valid.
    #[error("the server broke the API's contract: {0}")]
    Protocol(String),
    /// Records were created or deleted in a list while it was read page by page, so its
    /// pages shifted and items may have been missed or repeated ([`Listing::export`]
    /// checks that each page begins where the one before ended). Read it again when it is
    /// quiet, or filter it to records that are not changing.
    ///
    /// [`Listing::export`]: crate::Listing::export
    #[error(
        "the list changed while it was read ({0}), so items may be missing or repeated; read it again when it is quiet, or filter it to records that are not changing"
    )]
    Shifted(String),
    /// The request was refused before sending because an input is not valid; nothing was
    /// sent.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// The input at fault, when one is: a field or relationship key (`"$name"`,
        /// `"tier"`), or a parameter (`"id"`, `"limit"`, `"Idempotency-Key"`, a filter key).
        param: Option<String>,
        /// What is wrong and what to do, in words.
        reason: String,
    },
    /// The client could not be set up.
    #[error("configuration error: {0}")]
    Config(String),
    /// A write may or may not have been carried out: an attempt reached the server (or may
    /// have) and no definite answer came back. See [`OutcomeUnknown`] for what to do.
    #[error("{0}")]
    OutcomeUnknown(Box<OutcomeUnknown>),
}

/// A write whose outcome is unknown: its last attempt was sent and ended without a definite
/// answer (a timeout, a dropped connection, a 5xx). Non-exhaustive.
///
/// What is safe next depends on the operation. A write the API deduplicates
/// ([`deduplicated`](Self::deduplicated)) can be sent again with the same
/// [`idempotency_key`](Self::idempotency_key) within 24 hours: the API then answers the first
/// write rather than writing twice. Any other write was not sent again by the SDK, because
/// a second attempt could act twice (a second record, a second merge): check whether it
/// took effect before sending it again.
#[derive(Debug)]
#[non_exhaustive]
pub struct OutcomeUnknown {
    /// The operation, as the spec names it (`object_create`).
    pub operation: &'static str,
    /// Whether the API deduplicates this operation by its idempotency key.
    pub deduplicated: bool,
    /// The `Idempotency-Key` every attempt carried, when the request had one.
    pub idempotency_key: Option<String>,
    /// The server's id of the last attempt, when an answer with one arrived.
    pub request_id: Option<String>,
    /// How the last attempt ended.
    pub source: Error,
}

impl std::fmt::Display for OutcomeUnknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` may or may not have been carried out ({})",
            self.operation, self.source
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        match (&self.idempotency_key, self.deduplicated) {
            (Some(key), true) => write!(
                f,
                "; send it again with idempotency_key(\"{key}\") within 24 hours: the API \
                 answers the first write instead of writing twice"
            ),
            _ => f.write_str(
                "; the API does not deduplicate this operation, so it was not sent again: \
                 check whether it took effect (retrieve or list what it changes) before \
                 sending it again",
            ),
        }
    }
}

impl Error {
    /// The API error, when the server refused the request (or, for a write whose outcome is
    /// unknown, answered its last attempt with a failure).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::OutcomeUnknown(u) => u.source.as_api(),
            _ => None,
        }
    }

    /// Whether this is a write that may or may not have been carried out
    /// ([`Error::OutcomeUnknown`]): not to be sent again blindly.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown(_))
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.as_api().map(|e| e.status)
    }

    /// The kind of API refusal, when the server answered.
    pub fn kind(&self) -> Option<&ErrorKind> {
        self.as_api().map(|e| &e.kind)
    }

    /// Whether the same request may succeed if sent again later: the server failed, was
    /// over its rate limit, a request with the same idempotency key was still running, or
    /// the answer of a read did not come back. A write whose outcome is unknown is not
    /// retryable as it stands: see [`Error::is_outcome_unknown`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::OutcomeUnknown(_) => false,
            Self::Api(e) => is_retryable_status(e.status) && !matches!(e.kind, ErrorKind::Conflict),
            Self::Network { .. } | Self::Timeout { .. } => true,
            _ => false,
        }
    }

    /// Whether the API answered that the record (or the path) does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self.kind(), Some(ErrorKind::NotFound))
    }

    /// How many attempts were made, where known.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Self::Api(e) => Some(e.attempts),
            Self::Network { attempts, .. } | Self::Timeout { attempts, .. } => Some(*attempts),
            Self::OutcomeUnknown(u) => u.source.attempts(),
            _ => None,
        }
    }
}

/// How long the server asked us to wait: `retry-after-ms`, or `Retry-After` in seconds or
/// as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok()?.trim().parse::<f64>().ok())
        && ms >= 0.0
    {
        return Some(saturating_secs(ms / 1000.0));
    }
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs >= 0.0).then(|| saturating_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn saturating_secs(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}

/// Statuses worth another attempt: the request may succeed later and, with an idempotency
/// key, cannot be applied twice.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429 | 500 | 502 | 503 | 504)
}

/// How much text an error keeps of what the server sent.
pub(crate) const CLIP: usize = 4096;

/// `text`, cut to [`CLIP`] bytes (on a character boundary) and marked when it was cut, so
/// that a huge answer never makes a huge error.
pub(crate) fn clip(text: &str) -> String {
    if text.len() <= CLIP {
        return text.to_string();
    }
    let mut end = CLIP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [clipped: {} bytes in all]", &text[..end], text.len())
}

impl Error {
    /// A decode error for `body`, clipped.
    /// A refusal before sending, about no input in particular.
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            param: None,
            reason: reason.into(),
        }
    }

    /// A refusal before sending, about input `param`.
    pub(crate) fn invalid_param(param: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            param: Some(param.into()),
            reason: reason.into(),
        }
    }

    pub(crate) fn decode(message: impl ToString, body: &[u8]) -> Self {
        Self::Decode {
            message: clip(&message.to_string()),
            body: clip(&String::from_utf8_lossy(body)),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
