//! The wire: one HTTP exchange with retries, per-call options, rate limiting per category,
//! and the hooks that put the generated client on this transport. Nothing here knows
//! records; above it, [`crate::Client`] makes calls and the record core builds them.
//!
//! - `transport`: the shared [`Transport`](transport::Transport), the retry loop and the
//!   hooks the generated client calls;
//! - `attempt`: one send, with a bounded body read;
//! - `retry`: whether an attempt is worth another, by the operation's retry class;
//! - `connect`: the reqwest clients for the API and for storage hosts;
//! - `ratelimit`: a limiter per category that learns from the server's headers;
//! - `options`: what a caller may set on one call (retries, timeouts, idempotency key,
//!   extra query pairs).

pub(crate) mod attempt;
pub(crate) mod connect;
pub(crate) mod options;
pub(crate) mod ratelimit;
pub(crate) mod retry;
pub(crate) mod transport;
