//! [`ClientBuilder`]: the settings of a [`Client`], checked when it is built (a key that can
//! travel in a header, a base URL without credentials and not plain http to another
//! machine unless allowed, a rate limit that can send).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use super::{Client, DEFAULT_BASE_URL};
use crate::error::{Error, Result};
use crate::http::ratelimit::RateLimits;
use crate::http::transport::{Policy, Transport};

/// Settings for a [`Client`].
///
/// ```
/// use std::time::Duration;
/// let client = lightfield::Client::builder()
///     .api_key("sk_lf_example")
///     .base_url("http://127.0.0.1:4010")
///     .timeout(Duration::from_secs(10))
///     .max_retries(4)
///     .rate_limit(None)
///     .build()
///     .expect("valid settings");
/// assert_eq!(client.base_url(), "http://127.0.0.1:4010");
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: String,
    policy: Policy,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    rate_limit: Option<u32>,
    schema_ttl: Duration,
    check_writes: bool,
    allow_insecure_http: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_string(),
            policy: Policy::default(),
            user_agent: None,
            http: None,
            rate_limit: Some(25),
            allow_insecure_http: false,
            schema_ttl: Duration::from_secs(300),
            check_writes: false,
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("policy", &self.policy)
            .field("user_agent", &self.user_agent)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key (`sk_lf_...`), sent as a bearer token.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Reads `LIGHTFIELD_API_KEY` and, when set, `LIGHTFIELD_BASE_URL`.
    pub fn from_env(mut self) -> Self {
        if let Ok(key) = std::env::var("LIGHTFIELD_API_KEY") {
            self.api_key = Some(key);
        }
        if let Ok(url) = std::env::var("LIGHTFIELD_BASE_URL")
            && !url.trim().is_empty()
        {
            self.base_url = url;
        }
        self
    }

    /// Allows a plain `http://` base URL to a host that is not this machine. The API key
    /// then travels unencrypted; without this, only loopback (`127.0.0.1`, `::1`,
    /// `localhost`, as for a local mock) may be reached over plain HTTP.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Where the API lives (default `https://api.lightfield.app`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Time allowed for each attempt, response body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.policy.attempt_timeout = timeout;
        self
    }

    /// Time allowed for a whole call, retries and waits included (default: none).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.policy.deadline = Some(deadline);
        self
    }

    /// Retries after the first attempt (default 2). 0 turns retrying off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.policy.max_retries = retries;
        self
    }

    /// First backoff delay and its cap (default 0.5 s doubling up to 8 s, with jitter).
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.policy.backoff_base = base;
        self.policy.backoff_cap = cap.max(base);
        self
    }

    /// The longest `Retry-After` the client will honour before retrying (default 60 s).
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.policy.max_retry_after = max;
        self
    }

    /// Appended to the `User-Agent` (`lightfield-rs/<version> <yours>`).
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// Your own `reqwest::Client` (proxies, TLS roots, connection pool). Authentication and
    /// version headers are still added per request. Build it with
    /// `redirect(reqwest::redirect::Policy::none())`, as the SDK's own client is: the API
    /// never redirects, and a followed redirect can turn a write into a silent no-op. Call [`install_crypto_provider`](crate::install_crypto_provider) before
    /// building it unless your application installs a rustls provider itself.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The largest answer the client reads, in bytes (default 32 MiB). A larger one is
    /// [`Error::ResponseTooLarge`], not retried; the API's pages are far below this.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.policy.max_response_bytes = bytes;
        self
    }

    /// Client-side limit in requests per second for each category (Write, Read, Search);
    /// `None` turns it off. Default 25, the API's own limit.
    pub fn rate_limit(mut self, per_second: Option<u32>) -> Self {
        self.rate_limit = per_second;
        self
    }

    /// Checks every create and update against the organisation's definitions before
    /// sending (off by default; each request can override it with `.checked(..)`): an
    /// unknown key, a value that does not fit its type, an unknown option, a read-only key
    /// or several ids on a one-record relationship is refused with a message naming the key,
    /// and nothing is sent. Definitions are fetched once per type and cached.
    pub fn check_writes(mut self, check: bool) -> Self {
        self.check_writes = check;
        self
    }

    /// How long cached definitions stay fresh (default 5 minutes).
    pub fn schema_ttl(mut self, ttl: Duration) -> Self {
        self.schema_ttl = ttl;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let key = self
            .api_key
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| {
                Error::Config(
                    "no API key: pass one to the builder or set LIGHTFIELD_API_KEY".into(),
                )
            })?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", key.trim())).map_err(|_| {
            Error::Config("the API key contains characters not allowed in a header".into())
        })?;
        auth.set_sensitive(true);
        let base_url = self.base_url.trim_end_matches('/').to_string();
        match reqwest::Url::parse(&base_url) {
            // Credentials in the URL would travel to the server and show in logs and
            // errors; the key has its own setting.
            Ok(url) if !url.username().is_empty() || url.password().is_some() => {
                return Err(Error::Config(
                    "the base URL carries credentials (user:password@); remove them and pass the API key with api_key() or LIGHTFIELD_API_KEY".into(),
                ));
            }
            Ok(url)
                if url.scheme() == "http"
                    && !self.allow_insecure_http
                    && !crate::http::connect::is_loopback(&url) =>
            {
                return Err(Error::Config(format!(
                    "the base URL is plain http to {}: the API key would travel unencrypted. \
                     Use https, or allow_insecure_http(true) for a server you trust",
                    url.host_str().unwrap_or("?")
                )));
            }
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            // The URL itself is not echoed: it may hold a secret in a form the parser
            // rejected.
            _ => {
                return Err(Error::Config(
                    "the base URL is not an http(s) URL; use e.g. https://api.lightfield.app"
                        .into(),
                ));
            }
        }
        let agent = match &self.user_agent {
            Some(suffix) => format!("lightfield-rs/{} {suffix}", env!("CARGO_PKG_VERSION")),
            None => format!("lightfield-rs/{}", env!("CARGO_PKG_VERSION")),
        };
        let user_agent = HeaderValue::from_str(&agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let local = reqwest::Url::parse(&base_url)
                    .is_ok_and(|url| crate::http::connect::is_loopback(&url));
                crate::http::connect::default_http_client(local)?
            }
        };
        let rate = match self.rate_limit {
            Some(0) => {
                return Err(Error::Config(
                    "a rate limit of 0 would never send; use None to turn it off".into(),
                ));
            }
            Some(n) => NonZeroU32::new(n),
            None => None,
        };
        let storage = crate::http::connect::storage_http_client(self.policy.attempt_timeout)?;
        Ok(Client {
            transport: Arc::new(Transport {
                http,
                storage,
                base_url,
                auth,
                user_agent,
                policy: self.policy,
                limits: RateLimits::new(rate),
            }),
            schema_state: Arc::new(crate::definitions::SchemaState {
                cache: crate::definitions::SchemaCache::default(),
                ttl: self.schema_ttl,
                check_writes: self.check_writes,
            }),
        })
    }
}
