//! Field values: what a record holds ([`FieldValue`], tagged by [`ValueType`]) and what you
//! write ([`InputValue`]).
//!
//! The server says which type each value has (`valueType`), so values are decoded from that
//! tag, never by guessing from the JSON shape: a `{"firstName": ..}` on an ADDRESS field is
//! not silently read as a name, and `42` on a NUMBER field is a number.
//!
//! - `types`: [`ValueType`], [`Address`], [`FullName`], [`Texts`];
//! - `field`: [`FieldValue`], decoding and encoding;
//! - `input`: [`InputValue`] and its conversions;
//! - `text`: values as one line of text, written and read back (tables, CSV).

mod field;
mod input;
mod links;
mod text;
mod types;

pub use field::FieldValue;
pub use input::InputValue;
pub use links::{Cardinality, DirectionEnd, Directions};
pub use text::parse_moment;
pub use types::{Address, FullName, Texts, ValueType};

pub(crate) use text::parse_text;
