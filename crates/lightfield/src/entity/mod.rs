//! The generic core: records of any type and every operation on them, written once.
//!
//! A [`Records<T>`] handle names a record type ([`ObjectType`]) and the Rust type its
//! records decode into (`T`: [`Record`](struct@crate::Record), or a typed wrapper such as `Account`). Which
//! operations a handle offers follows from marker traits on `T` — [`Editable`] (create,
//! update), [`Described`] (definitions), [`Deletable`] (delete), [`Trashable`] (restore),
//! [`WithHistory`] (field history), [`Mergeable`] (merge) — so a call the API does not
//! have for a type does not compile.
//!
//! This module knows no resource: per-type facts come from the spec's table
//! (`lightfield_gen::tables`) through `ObjectType::schema` (crate-private), and the typed facades in
//! `resources` sit on top.

mod call;
mod decode;
mod dispatch;
mod history;
mod ids;
mod kind;
mod list;
mod merge;
mod preflight;
mod record;
mod rules;
mod write;

use std::future::Future;
use std::marker::PhantomData;

use lightfield_gen::types as wire;
use lightfield_gen::{Error as GenError, RawRecord, ResponseValue};

pub use crate::listing::Listing;
pub use crate::value::{Cardinality, DirectionEnd, Directions};
pub use call::{GetDefinitions, RecordCall};
pub use history::{FieldHistory, HistoryEntry, HistoryPage, MAX_HISTORY_PAGE};
pub use ids::{Ids, RelationshipChange, Replace};
pub use kind::ObjectType;
pub use list::RecordStatus;
pub use merge::{Merge, MergeOutcome, MergeStatus, MergeSummary, Resolution};
pub use record::{Field, Record, Relationship};
pub use write::{Create, Update};

use crate::client::{Client, Response};
use crate::error::{Error, Result};
use crate::http::transport::CallOptions;
use call::Action;

/// The seal of [`Entity`]: what a record type can do is what the API offers, so only this
/// crate declares record types and their capabilities.
pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A Rust type that records decode into: [`Record`](struct@crate::Record) itself, a typed
/// wrapper such as `Account`, or a type of your own schema (every
/// [`RecordType`](crate::schema::RecordType), usually `#[derive(Record)]`). Sealed: the
/// crate's own types and `RecordType`s are all there is.
pub trait Entity: sealed::Sealed + Send + Sync + Sized + 'static {
    /// Reads a decoded record as this type; a derived type may refuse one that does not fit
    /// it (an [`Error::Decode`] naming the record and field).
    fn decode(record: Record) -> Result<Self>;

    /// The record's id, which tells two records of a list apart (when the type keeps it).
    fn identity(&self) -> Option<&str>;
}

/// Record types the API creates and updates.
pub trait Editable: Entity {}

/// Record types the API describes with definitions.
pub trait Described: Entity {}

/// Record types the API deletes.
pub trait Deletable: Entity {}

/// Record types whose delete is a soft delete that restore undoes.
pub trait Trashable: Deletable {}

/// Record types with field history.
pub trait WithHistory: Entity {}

/// Record types whose duplicates the API merges.
pub trait Mergeable: Entity {}

impl sealed::Sealed for Record {}
impl Entity for Record {
    fn decode(record: Record) -> Result<Self> {
        Ok(record)
    }

    fn identity(&self) -> Option<&str> {
        Some(&self.id)
    }
}
// `Record` serves custom objects, which have every operation.
impl Editable for Record {}
impl Described for Record {}
impl Deletable for Record {}
impl Trashable for Record {}
impl WithHistory for Record {}
impl Mergeable for Record {}

/// The operations on one record type.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// let vendors = client.object("vendor");
/// let acme = vendors.create().field("$name", "Acme Supplies").send().await?;
/// let same = vendors.retrieve(&acme.id).send().await?;
/// # let _ = same; Ok(()) }
/// ```
#[derive_where::derive_where(Debug, Clone)]
pub struct Records<T> {
    client: Client,
    object: ObjectType,
    output: PhantomData<fn() -> T>,
}

impl<T: Entity> Records<T> {
    pub(crate) fn new(client: &Client, object: ObjectType) -> Self {
        Self {
            client: client.clone(),
            object,
            output: PhantomData,
        }
    }

    /// The record type these operations are about.
    pub fn object_type(&self) -> &ObjectType {
        &self.object
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Fetches one record by id.
    pub fn retrieve(&self, id: impl Into<String>) -> RecordCall<T> {
        RecordCall::new(
            self.client.clone(),
            self.object.clone(),
            id.into(),
            Action::Retrieve,
        )
    }

    /// Lists records, a page at a time, as a stream, or as a concurrent export.
    pub fn list(&self) -> Listing<T> {
        list::records(&self.client, self.object.clone())
    }

    /// The members of type `T` of list `list_id`, with the same paging.
    pub(crate) fn members_of(&self, list_id: String) -> Listing<T> {
        list::members(&self.client, self.object.clone(), list_id)
    }
}

impl<T: Editable> Records<T> {
    /// Starts a create with no field set. Typed facades offer a `create` whose arguments
    /// are the type's required fields; this one checks them when sent.
    pub fn create(&self) -> Create<T> {
        Create::new(self.client.clone(), self.object.clone())
    }

    /// Starts an update of record `id`: only what you set is sent.
    pub fn update(&self, id: impl Into<String>) -> Update<T> {
        Update::new(self.client.clone(), self.object.clone(), id.into())
    }
}

impl<T: Described> Records<T> {
    /// Reads the type's schema: field and relationship definitions, select options.
    pub fn definitions(&self) -> GetDefinitions {
        GetDefinitions::new(self.client.clone(), self.object.clone())
    }
}

impl<T: Deletable> Records<T> {
    /// Deletes record `id`: for most types a soft delete into the trash (see
    /// [`Records::restore`]).
    pub fn delete(&self, id: impl Into<String>) -> RecordCall<T> {
        RecordCall::new(
            self.client.clone(),
            self.object.clone(),
            id.into(),
            Action::Delete,
        )
    }
}

impl<T: Trashable> Records<T> {
    /// Brings trashed record `id` back.
    pub fn restore(&self, id: impl Into<String>) -> RecordCall<T, crate::idempotency::Keyed> {
        RecordCall::new(
            self.client.clone(),
            self.object.clone(),
            id.into(),
            Action::Restore,
        )
    }
}

impl<T: Mergeable> Records<T> {
    /// Folds record `duplicate` into record `primary`; settle fields with the builder.
    pub fn merge(&self, primary: impl Into<String>, duplicate: impl Into<String>) -> Merge<T> {
        Merge::new(
            self.client.clone(),
            self.object.clone(),
            primary.into(),
            duplicate.into(),
        )
    }
}

impl<T: WithHistory> Records<T> {
    /// The past values of field `field_key` of record `id`, newest first.
    pub fn history(&self, id: impl Into<String>, field_key: impl Into<String>) -> FieldHistory {
        FieldHistory::new(
            self.client.clone(),
            self.object.clone(),
            id.into(),
            field_key.into(),
        )
    }
}

/// The longest id the SDK sends; anything longer is a mistake, not an id.
const MAX_ID_LEN: usize = 512;

/// Why `segment` cannot go into a path as one segment: empty, a dot segment, or holding
/// `/` or `\\` (URL normalisation would turn any of these into another path), or too long.
pub(crate) fn segment_problem(segment: &str) -> Option<String> {
    if segment.trim().is_empty() {
        Some("is empty".to_string())
    } else if segment == "." || segment == ".." {
        Some("is a dot segment".to_string())
    } else if segment.contains(['/', '\\']) {
        Some("contains `/` or `\\`".to_string())
    } else if segment.len() > MAX_ID_LEN {
        Some(format!(
            "is {} bytes long (at most {MAX_ID_LEN})",
            segment.len()
        ))
    } else {
        None
    }
}

/// Refuses ids that would not name exactly one record of the collection.
pub(crate) fn check_id(object: &ObjectType, id: &str, verb: &str) -> Result<String> {
    match segment_problem(id) {
        None => Ok(id.to_string()),
        Some(why) => Err(Error::invalid_param(
            "id",
            format!(
                "cannot {verb} a record of {}: the id {why}",
                object.plural()
            ),
        )),
    }
}

/// Sends one record operation and decodes the record it answers into `T`, keeping what the
/// body carries beyond the modelled shape.
pub(crate) async fn send_record<T, F, Fut>(
    client: &Client,
    options: CallOptions,
    operation: F,
) -> Result<Response<T>>
where
    T: Entity,
    F: FnOnce(lightfield_gen::Client) -> Fut,
    Fut: Future<Output = std::result::Result<ResponseValue<RawRecord>, GenError<wire::ErrorBody>>>,
{
    let response = client.call(options, operation).await?;
    response.try_map_decoded(|raw, body| {
        T::decode(decode::raw_record(&raw).map_err(|e| Error::decode(e, body))?)
    })
}

/// Declares a typed record: a plain struct with the fields and methods of
/// [`Record`](struct@crate::Record) (its id is a field of its own, so
/// `created.map(|a| a.id)` moves it out), converted to and from a `Record` at no cost, with
/// the capability markers of its type.
macro_rules! typed_record {
    ($(#[$doc:meta])* $name:ident $(: $($marker:ident),+)?) => {
        $(#[$doc])*
        ///
        /// The fields and methods are those of every [`Record`](struct@crate::Record);
        /// `Record::from(typed)` (or [`into_record`](Self::into_record)) gives the record
        /// of any type, and `Self::from(record)` takes one back.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            /// Unique identifier.
            pub id: String,
            /// When the record was created (RFC 3339 text; see `created_at_parsed`).
            pub created_at: String,
            /// When the record last changed, if it has.
            pub updated_at: Option<String>,
            /// An identifier from another system.
            pub external_id: Option<String>,
            /// Where to see the record in the Lightfield app.
            pub http_link: Option<String>,
            /// The record's type, on types whose records say it (`meeting`, `email`…).
            pub object_type: Option<String>,
            /// `FULL` or `METADATA` on meetings, emails and messages.
            pub access_level: Option<String>,
            /// Every field by key (`$name`, `tier`…).
            pub fields: std::collections::BTreeMap<String, $crate::Field>,
            /// Every relationship by key (`$owner`, `$contact`…).
            pub relationships: std::collections::BTreeMap<String, $crate::Relationship>,
            /// Top-level keys a newer server sent that this SDK does not model, as received.
            pub extra: std::collections::BTreeMap<String, serde_json::Value>,
            /// Entries of `fields` or `relationships` that are not objects, as received.
            pub unread: std::collections::BTreeMap<String, serde_json::Value>,
        }

        impl From<$crate::Record> for $name {
            fn from(record: $crate::Record) -> Self {
                $crate::entity::moved_record!(record => $name)
            }
        }

        impl From<$name> for $crate::Record {
            fn from(typed: $name) -> Self {
                $crate::entity::moved_record!(typed => $crate::Record)
            }
        }

        impl $name {
            /// Decodes one record from its JSON, exactly as the client does.
            pub fn from_json(body: &[u8]) -> Result<Self, serde_json::Error> {
                $crate::Record::from_json(body).map(Self::from)
            }

            /// Decodes the records of a list page from its JSON, exactly as the client does.
            pub fn page_from_json(body: &[u8]) -> Result<Vec<Self>, serde_json::Error> {
                $crate::Record::page_from_json(body)
                    .map(|v| v.into_iter().map(Self::from).collect())
            }

            /// The record of any type, fields moved (no copy).
            pub fn into_record(self) -> $crate::Record {
                self.into()
            }

            /// The record's id, owned (as `created.map(|a| a.id)`).
            pub fn into_id(self) -> String {
                self.id
            }

            /// The record's fields by key, owned.
            pub fn into_fields(self) -> std::collections::BTreeMap<String, $crate::Field> {
                self.fields
            }

            $crate::entity::record_methods!();
        }

        impl $name {
            /// The capability markers declared for this type, checked against the spec's
            /// table of operations by a test.
            #[cfg(test)]
            pub(crate) const CAPABILITIES: &'static [&'static str] =
                &[$($(stringify!($marker)),+)?];
        }

        impl $crate::entity::sealed::Sealed for $name {}
        impl $crate::entity::Entity for $name {
            fn decode(record: $crate::Record) -> $crate::Result<Self> {
                Ok(Self::from(record))
            }

            fn identity(&self) -> Option<&str> {
                Some(&self.id)
            }
        }
        $($(impl $crate::entity::$marker for $name {})+)?
    };
}

/// Adds the same methods to several builder types (`Create<Account>` and
/// `Update<Account>` share their typed setters).
macro_rules! impl_for {
    ([$($ty:ty),+ $(,)?] $body:tt) => {
        $(impl $ty $body)+
    };
}

pub(crate) use decode::raw_record;
pub(crate) use record::{moved_record, record_methods};
pub(crate) use {impl_for, typed_record};
