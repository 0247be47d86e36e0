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
//! - [`Client`] and [`ClientBuilder`] (`client`): settings, and the entry point to every
//!   record type: `accounts()`, `contacts()`, `opportunities()`, `tasks()`, `notes()`,
//!   `meetings()`, `object("slug")` and `objects()`, `members()`, `emails()`, `channels()`,
//!   `messages()`.
//! - [`entity`]: the generic core. [`Records<T>`] offers create, update, retrieve, list,
//!   definitions, delete, restore and field history for any record type, each a builder
//!   ending in `.send().await`; [`Record`](struct@crate::Record) is a record of any type.
//! - [`resources`]: one module per record type — its typed record (`Account`, `Task`…)
//!   with getters, `create` with the required fields as arguments, typed setters.
//! - [`value`]: field values — [`FieldValue`] decoded by [`ValueType`], [`InputValue`] to write.
//! - [`definitions`]: the schema of a record type, cached per client
//!   ([`Client::schema`]) and, with [`ClientBuilder::check_writes`], used to check writes
//!   before they are sent; [`schema`]: your own record types (`#[derive(Record)]`) compared
//!   with the live definitions, and Rust source written from them.
//! - [`paging`]: [`Page`], filter operators ([`Op`]); streams and exports come from it.
//! - [`bulk`]: many writes with bounded concurrency.
//! - [`raw`]: requests to endpoints not wrapped yet, through the same transport.
//! - `preview` (the `preview` feature): senders and sequences, the API's Preview resources.
//! - [`Error`] (`error`): one error type; API refusals carry status, kind, message and param.
//! - `http` (the wire, private): the transport with its retries (one idempotency key per
//!   call), rate limiting per category (from the spec's table of operations) and per-call
//!   options. It names nothing above the leaf types; `tests/sdk/layers.rs` checks the order
//!   value/error → http → client → entity → resources, schema, preview.
//!
//! Writes are never duplicated by retries: a write the API deduplicates carries one
//! `Idempotency-Key` for all of its attempts, so a retry after a lost response is replayed
//! by the server instead of applied twice; a write it does not deduplicate is sent again
//! only when its attempt surely never reached the server, and otherwise ends in
//! [`Error::OutcomeUnknown`]. Which is which comes from the spec's table of operations.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bulk;
mod client;
pub mod definitions;
pub mod entity;
mod error;
mod http;
mod listing;
mod open_enum;
pub mod paging;
#[cfg(feature = "preview")]
pub mod preview;
pub mod raw;
mod request;
pub mod resources;
pub mod schema;
pub mod value;
mod wait;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, RateLimitInfo, Response};
pub use definitions::{Definitions, FieldDefinition, RelationshipDefinition, SelectOption};
pub use entity::{
    Cardinality, Create, Directions, Field, FieldHistory, GetDefinitions, HistoryEntry,
    HistoryPage, Ids, Listing, Merge, MergeOutcome, MergeStatus, ObjectType, Record, RecordCall,
    RecordStatus, Records, Relationship, Update,
};
pub use error::{ApiError, Error, ErrorKind, OutcomeUnknown, Result};
pub use http::connect::install_crypto_provider;
pub use http::transport::API_VERSION;
pub use paging::{Op, Page};
pub use request::{Call, idempotency};
pub use resources::accounts::{Account, Accounts};
pub use resources::contacts::{Contact, Contacts};
pub use resources::files::{DownloadUrl, FileInfo, FileStatus, Files, PendingUpload, Purpose};
pub use resources::lists::{ListMembers, ListRecord, Lists};
pub use resources::mail::{EmailMessage, LoggedEmail};
pub use resources::meetings::{Meeting, Meetings, Privacy};
pub use resources::notes::{Note, Notes};
pub use resources::objects::{ListObjectTypes, ObjectTypeInfo};
pub use resources::opportunities::{Opportunities, Opportunity};
pub use resources::readonly::{
    Channel, Channels, Email, Emails, Member, Members, Message, Messages,
};
pub use resources::runs::{
    Enrich, EnrichmentRun, EnrichmentRuns, EnrichmentStart, EnrichmentStartStatus,
    EnrichmentStatus, KeyInfo, MergeInfo, Merges, RunStatus, SubjectType, WorkflowRuns,
};
pub use resources::tasks::{Task, TaskStatus, Tasks};
pub use resources::upload::{Upload, UploadSource};
pub use value::{Address, FieldValue, FullName, InputValue, Texts, ValueType};

/// `#[derive(Record)]` and `#[derive(Select)]` (the `derive` feature); see [`schema`].
#[cfg(feature = "derive")]
pub use lightfield_derive::{Record, Select};
pub use wait::Wait;

/// The README's code compiles: its examples are doctests (run with every feature on, as
/// CI does, because one shows the `derive` feature).
#[doc = include_str!("../../../README.md")]
#[cfg(all(doctest, feature = "derive", feature = "preview"))]
pub struct ReadmeDoctests;
