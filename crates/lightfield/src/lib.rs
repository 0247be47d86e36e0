//! # lightfield
//!
//! A Rust SDK for the Lightfield CRM API.
//!
//! ```no_run
//! # async fn demo() -> lightfield::Result<()> {
//! use lightfield::{Client, Op};
//!
//! let client = Client::from_env()?; // LIGHTFIELD_API_KEY, optional LIGHTFIELD_BASE_URL
//! let created = client
//!     .accounts()
//!     .create("Acme")            // `$name` is required, so it is an argument
//!     .industry(["Software"])    // option id or label
//!     .field("tier", "Gold")     // custom fields by slug
//!     .send()
//!     .await?;
//! let page = client.accounts().list().filter("$name", Op::StartsWith, "Ac").send().await?;
//! assert!(page.total_count >= 1);
//! println!("{:?}", created.name());
//! # Ok(()) }
//! ```
//!
//! ## Map of the crate
//!
//! - [`Client`] and [`ClientBuilder`] (`client`): settings, the entry point to resources.
//! - [`accounts`]: the account operations, each a builder ending in `.send().await`.
//! - [`value`]: field values — [`FieldValue`] decoded by [`ValueType`], [`InputValue`] to write.
//! - [`record`]: [`Account`] with typed getters; [`definitions`]: the schema of an object.
//! - [`Error`] (`error`): one error type; API refusals carry status, kind, message and param.
//! - [`pagination`]: [`Page`], streams of every record, filter operators ([`Op`]).
//! - [`bulk`]: many writes with bounded concurrency; exports with concurrent page fetches.
//! - [`raw`]: requests to endpoints not wrapped yet, through the same transport.
//! - `transport`: headers, rate limiting, retries with one idempotency key per call.
//!
//! Writes are never duplicated by retries: each create or update carries one
//! `Idempotency-Key` for all of its attempts, so a retry after a lost response is replayed by
//! the server instead of applied twice.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod accounts;
pub mod bulk;
mod client;
pub mod definitions;
mod error;
mod options;
pub mod pagination;
mod ratelimit;
pub mod raw;
pub mod record;
mod transport;
mod unknown;
pub mod value;

pub use accounts::{Accounts, Ids};
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, RateLimitInfo, Response, install_crypto_provider,
};
pub use definitions::{Definitions, FieldDefinition, RelationshipDefinition, SelectOption};
pub use error::{ApiError, Error, ErrorKind, Result};
pub use pagination::{Op, Page};
pub use record::{Account, Cardinality, Field, Relationship};
pub use transport::API_VERSION;
pub use value::{Address, FieldValue, FullName, InputValue, Texts, ValueType};

/// The README's code compiles: its examples are doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
