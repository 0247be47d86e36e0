//! Your organisation's schema in Rust. The definitions themselves, their cache per client
//! ([`Client::schema`](crate::Client::schema)) and the checks of writes against them
//! ([`ClientBuilder::check_writes`](crate::ClientBuilder::check_writes)) live with the
//! record core and [`crate::definitions`].
//!
//! Typed records of your own schema: a [`RecordType`] (usually `#[derive(Record)]`, with
//! the `derive` feature) is created, updated, retrieved and listed through
//! [`Client::records`](crate::Client::records); [`check_type`] (or the derived `T::check`) compares it with the
//! live definitions; [`rust_source`] writes such a struct for a live schema.

mod source;
mod typed;

pub use source::rust_source;
pub use typed::{
    FieldSpec, FieldType, LinkType, Mismatch, RecordType, SelectValue, check_type, field_error,
    select_from_field,
};
