//! Per-call settings shared by every request builder.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::http::transport::{CallOptions, Policy};

/// Overrides of the client's retry and timeout settings for one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions {
    pub(crate) max_retries: Option<u32>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) idempotency_key: Option<String>,
}

impl RequestOptions {
    pub(crate) fn call_options(
        &self,
        client_policy: &Policy,
        extra_query: Vec<(String, String)>,
    ) -> CallOptions {
        let overridden =
            self.max_retries.is_some() || self.timeout.is_some() || self.deadline.is_some();
        let policy = overridden.then(|| {
            let mut p = client_policy.clone();
            if let Some(n) = self.max_retries {
                p.max_retries = n;
            }
            if let Some(t) = self.timeout {
                p.attempt_timeout = t;
            }
            if let Some(d) = self.deadline {
                p.deadline = Some(d);
            }
            p
        });
        CallOptions {
            policy,
            extra_query,
        }
    }

    /// Call options against the client's `policy`, with no query pairs beyond the
    /// operation's own.
    pub(crate) fn for_policy(&self, policy: &Policy) -> CallOptions {
        self.call_options(policy, Vec::new())
    }

    /// The key this logical call sends on every attempt: the caller's, or a fresh UUID.
    pub(crate) fn idempotency_key(&self) -> Result<String> {
        match &self.idempotency_key {
            Some(key) if key.is_empty() => Err(Error::invalid_param(
                "Idempotency-Key",
                "the idempotency key is empty",
            )),
            Some(key) if key.chars().count() > 255 => Err(Error::invalid_param(
                "Idempotency-Key",
                format!(
                    "the idempotency key has {} characters; the API allows at most 255",
                    key.chars().count()
                ),
            )),
            Some(key) => Ok(key.clone()),
            None => Ok(uuid::Uuid::new_v4().to_string()),
        }
    }
}

/// Adds the per-call setters to a request builder with a `options: RequestOptions` field.
macro_rules! request_option_setters {
    () => {
        /// Retries for this call only, overriding the client's setting.
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.options.max_retries = Some(retries);
            self
        }

        /// Time allowed for each attempt of this call.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// Time allowed for this whole call, retries included.
        pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
            self.options.deadline = Some(deadline);
            self
        }
    };
}

/// Adds `idempotency_key` to a write builder.
macro_rules! idempotency_setter {
    () => {
        /// The `Idempotency-Key` to send (at most 255 characters). Without one, a UUID is
        /// made for this call; either way every retry of the call resends the same key, so
        /// the write happens at most once.
        pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
            self.options.idempotency_key = Some(key.into());
            self
        }
    };
}

pub(crate) use {idempotency_setter, request_option_setters};
