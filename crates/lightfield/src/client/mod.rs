//! The [`Client`], its [`ClientBuilder`] (in `builder.rs`), and what every call returns
//! ([`Response`]).

mod builder;

pub use builder::ClientBuilder;

use std::future::Future;
use std::sync::Arc;

use http::HeaderMap;
use lightfield_gen::types::ErrorBody;
use progenitor_client::ResponseValue;

use crate::error::{ApiError, Error, ErrorShape, Result};
use crate::http::transport::{CallHooks, CallOptions, Report, Transport};

/// Where the API lives unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.lightfield.app";

/// A handle on the Lightfield API. Cheap to clone (clones share connections and rate
/// limits), `Send + Sync`; its `Debug` output never shows the API key.
///
/// ```no_run
/// # async fn demo() -> lightfield::Result<()> {
/// let client = lightfield::Client::new("sk_lf_...")?;
/// let account = client.accounts().create("Acme").send().await?;
/// println!("created {}", account.id);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    /// The wire: HTTP clients, retries, the rate limiter.
    pub(crate) transport: Arc<Transport>,
    /// What this client knows of the organisation's schema (shared by its clones).
    pub(crate) schema_state: Arc<crate::definitions::SchemaState>,
}

impl Client {
    /// A client for the production API with default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from `LIGHTFIELD_API_KEY` and, if set, `LIGHTFIELD_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        Self::builder().from_env().build()
    }

    /// Every setting, starting from the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.transport.base_url
    }

    /// Runs one generated operation through the transport and maps its outcome.
    pub(crate) async fn call<T, F, Fut>(
        &self,
        options: CallOptions,
        operation: F,
    ) -> Result<Response<T>>
    where
        F: FnOnce(lightfield_gen::Client) -> Fut,
        Fut: Future<
            Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<ErrorBody>>,
        >,
    {
        let hooks = CallHooks::new(self.transport.clone(), options);
        // Boxed: the generated operation's future is kilobytes, and every async layer
        // above it (builder, facade, the caller's own) would otherwise copy it as it is
        // created and moved.
        let operation = Box::pin(operation(hooks.generated()));
        let outcome = hooks.within_deadline(operation).await?;
        let ended = match outcome {
            Ok(value) => Ended::Answered(value.status().as_u16(), value.into_inner()),
            Err(e) => Ended::from_generated(e),
        };
        settle(&hooks, ended)
    }
}

/// How a call through the transport ended, before it is made a [`Response`] or an
/// [`Error`] by [`settle`].
pub(crate) enum Ended<T> {
    /// An answer with this status, read as `T`.
    Answered(u16, T),
    /// A refusal (or an answer that is not the success shape): the transport's report has
    /// the status, headers and body; the error body too when the generated client has
    /// already parsed it (a documented status), so it is not parsed twice.
    Refused(Option<ErrorShape>),
    /// The exchange failed.
    Transport(reqwest::Error),
    /// A successful answer whose body did not decode.
    Undecodable(String, Vec<u8>),
    /// The request could not be made.
    Invalid(String),
}

impl<T> Ended<T> {
    /// What the generated client's error says. API refusals are read from the raw body
    /// the transport kept, so documented (4xx) and undocumented (5xx) statuses are alike.
    fn from_generated(e: progenitor_client::Error<ErrorBody>) -> Self {
        use progenitor_client::Error as G;
        match e {
            G::ErrorResponse(parsed) => Self::Refused(Some(parsed.into_inner().into())),
            G::UnexpectedResponse(_) => Self::Refused(None),
            G::CommunicationError(source)
            | G::ResponseBodyError(source)
            | G::InvalidUpgrade(source) => Self::Transport(source),
            G::InvalidResponsePayload(body, err) => {
                Self::Undecodable(err.to_string(), body.to_vec())
            }
            G::InvalidRequest(message) | G::Custom(message) => Self::Invalid(message),
        }
    }
}

/// The one place where a call's outcome becomes a [`Response`] or an [`Error`], for the
/// generated operations and raw requests alike: a failure the transport recorded first,
/// then the answer with the status, headers, body and attempts the transport kept.
pub(crate) fn settle<T>(hooks: &CallHooks, ended: Ended<T>) -> Result<Response<T>> {
    let mut report = hooks.take_report();
    let mut doubt = Report {
        write: report.write.take(),
        in_doubt: report.in_doubt,
        ..Report::default()
    };
    answer(hooks, report, ended).map_err(|e| doubt.settle_doubt(e))
}

/// The response or error a call's report and end come to.
fn answer<T>(hooks: &CallHooks, mut report: Report, ended: Ended<T>) -> Result<Response<T>> {
    if let Some(failure) = report.failure.take() {
        return Err(failure);
    }
    let succeeded = (200..300).contains(&report.status);
    // A body the generated client did not parse is parsed here, once.
    let refusal = |report: Report, parsed: Option<ErrorShape>| {
        let parsed = parsed.or_else(|| serde_json::from_slice(&report.body).ok());
        let mut refused = ApiError::from_shape(
            report.status,
            report.headers,
            parsed,
            &report.body,
            report.attempts,
        );
        refused.request = report.request;
        Error::Api(Box::new(refused))
    };
    match ended {
        Ended::Answered(status, value) if (200..300).contains(&status) => Ok(Response {
            status,
            headers: report.headers,
            attempts: report.attempts,
            value,
            body: report.body,
        }),
        Ended::Answered(..) => Err(refusal(report, None)),
        Ended::Refused(parsed) => Err(refusal(report, parsed)),
        Ended::Transport(source) => Err(hooks.transport_error(source, report.attempts)),
        // A refusal whose body is not the error shape is still a refusal, with its status,
        // kind and `Retry-After`.
        Ended::Undecodable(..) if !succeeded => Err(refusal(report, None)),
        Ended::Undecodable(err, body) => Err(Error::decode(err, &body)),
        Ended::Invalid(message) => Err(Error::invalid(message)),
    }
}

/// A successful answer with its metadata: status, headers (e.g. `X-RateLimit-*`) and how
/// many attempts it took. Builders' `send()` returns the value alone; `send_with_response()`
/// returns this.
#[derive(Debug, Clone)]
pub struct Response<T> {
    value: T,
    status: u16,
    headers: HeaderMap,
    attempts: u32,
    body: bytes::Bytes,
}

impl<T> Response<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The decoded value, borrowed.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Attempts made, 1 when the first succeeded.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The rate-limit headers of the response, when present.
    pub fn rate_limit(&self) -> Option<RateLimitInfo> {
        let number = |name: &str| {
            self.headers
                .get(name)?
                .to_str()
                .ok()?
                .trim()
                .parse::<u64>()
                .ok()
        };
        Some(RateLimitInfo {
            limit: number("x-ratelimit-limit")?,
            remaining: number("x-ratelimit-remaining")?,
            reset: number("x-ratelimit-reset")?,
        })
    }

    /// The response body exactly as received, for anything the SDK's types do not model.
    pub fn raw_body(&self) -> &[u8] {
        &self.body
    }

    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
            body: self.body,
        }
    }

    /// Like `map`, with the raw body at hand, for a conversion that can fail: a body that does not decode is
    /// an [`Error::Decode`] carrying (a clipped copy of) that body.
    pub(crate) fn try_map_with_body<U>(
        self,
        f: impl FnOnce(T, &[u8]) -> std::result::Result<U, serde_json::Error>,
    ) -> Result<Response<U>> {
        self.try_map_decoded(|value, body| f(value, body).map_err(|e| Error::decode(e, body)))
    }

    /// Like `try_map_with_body`, for a conversion that makes its own errors (a derived
    /// record type that names the field it could not read).
    pub(crate) fn try_map_decoded<U>(
        self,
        f: impl FnOnce(T, &[u8]) -> Result<U>,
    ) -> Result<Response<U>> {
        let value = f(self.value, &self.body)?;
        Ok(Response {
            value,
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
            body: self.body,
        })
    }
}

/// The `X-RateLimit-*` headers of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitInfo {
    /// Requests per second allowed in this category.
    pub limit: u64,
    /// Requests left in the bucket.
    pub remaining: u64,
    /// Unix time (seconds) when the bucket is full again.
    pub reset: u64,
}
