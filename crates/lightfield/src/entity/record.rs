//! Records as the API returns them, whatever their type: [`Record`](struct@crate::Record), its [`Field`]s and
//! [`Relationship`]s. Typed records (`Account`, `Contact`…) hold the same fields and
//! methods, and convert to and from a `Record` at no cost.

use std::collections::BTreeMap;

use lightfield_gen::types as wire;
use serde_json::Value;

use crate::value::{Cardinality, Directions, FieldValue, ValueType};

/// One field of a record: its declared type and its value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Field {
    /// The type the server declared for the value.
    pub value_type: ValueType,
    /// The value, decoded by `value_type`.
    pub value: FieldValue,
    /// Keys a newer server sent beside `value` and `valueType`, kept as received.
    pub extra: BTreeMap<String, Value>,
}

/// The records linked under one relationship key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Relationship {
    /// One or many.
    pub cardinality: Cardinality,
    /// The type of the linked records (`"member"`, `"contact"`…).
    pub object_type: String,
    /// Ids of the linked records.
    pub ids: Vec<String>,
    /// How the relationship reads from each end, when a newer server says.
    pub directions: Option<Directions>,
    /// Keys a newer server sent beside the known ones, kept as received.
    pub extra: BTreeMap<String, Value>,
}

/// The methods every record has, typed or not: written once, given to [`Record`] and to
/// each typed record (`Account`…), which hold the same fields.
macro_rules! record_methods {
    () => {
        /// The JSON the API would send for this record.
        pub fn to_json(&self) -> ::serde_json::Value {
            let fields: ::serde_json::Map<String, ::serde_json::Value> = self
                .fields
                .iter()
                .map(|(k, f)| {
                    let mut entry = ::serde_json::Map::from_iter(f.extra.clone());
                    entry.insert("value".into(), f.value.encode());
                    entry.insert(
                        "valueType".into(),
                        ::serde_json::Value::String(f.value_type.as_api().to_string()),
                    );
                    (k.clone(), ::serde_json::Value::Object(entry))
                })
                .collect();
            let rels: ::serde_json::Map<String, ::serde_json::Value> = self
                .relationships
                .iter()
                .map(|(k, r)| {
                    let mut entry = ::serde_json::Map::from_iter(r.extra.clone());
                    entry.insert(
                        "cardinality".into(),
                        ::serde_json::Value::String(r.cardinality.as_api().to_string()),
                    );
                    entry.insert("objectType".into(), ::serde_json::Value::String(r.object_type.clone()));
                    entry.insert("values".into(), ::serde_json::json!(r.ids));
                    if let Some(d) = &r.directions {
                        entry.insert("directions".into(), d.to_json());
                    }
                    (k.clone(), ::serde_json::Value::Object(entry))
                })
                .collect();
            let (mut fields, mut rels) = (fields, rels);
            for (path, value) in &self.unread {
                match path.split_once('.') {
                    Some(("fields", key)) => fields.insert(key.to_string(), value.clone()),
                    Some((_, key)) => rels.insert(key.to_string(), value.clone()),
                    None => None,
                };
            }
            let mut out = ::serde_json::json!({
                "id": self.id,
                "createdAt": self.created_at,
                "fields": fields,
                "relationships": rels,
            });
            for (key, value) in &self.extra {
                out[key.as_str()] = value.clone();
            }
            for (key, value) in [
                ("updatedAt", &self.updated_at),
                ("externalId", &self.external_id),
                ("httpLink", &self.http_link),
                ("objectType", &self.object_type),
                ("accessLevel", &self.access_level),
            ] {
                if let Some(v) = value {
                    out[key] = ::serde_json::Value::String(v.clone());
                }
            }
            out
        }

        /// A field's value by key; `None` when the record has no such field.
        pub fn field(&self, key: &str) -> Option<&$crate::value::FieldValue> {
            self.fields.get(key).map(|f| &f.value)
        }

        /// The ids linked under a relationship key (empty when there are none).
        pub fn related(&self, key: &str) -> &[String] {
            self.relationships
                .get(key)
                .map_or(&[], |r| r.ids.as_slice())
        }

        /// Fields whose values did not fit their declared type, with the raw JSON kept.
        pub fn malformed_fields(&self) -> impl Iterator<Item = (&str, &::serde_json::Value)> {
            self.fields.iter().filter_map(|(k, f)| match &f.value {
                $crate::value::FieldValue::Malformed { raw, .. } => Some((k.as_str(), raw)),
                _ => None,
            })
        }

        /// `created_at`, parsed.
        pub fn created_at_parsed(&self) -> Option<::time::OffsetDateTime> {
            ::time::OffsetDateTime::parse(&self.created_at, &::time::format_description::well_known::Rfc3339).ok()
        }

        /// A text-like field's value (`TEXT`, `URL`, `EMAIL`…, or the first of a list).
        pub fn text(&self, key: &str) -> Option<&str> {
            self.field(key).and_then($crate::value::FieldValue::as_str)
        }

        /// A list field's values (empty when unset).
        pub fn texts(&self, key: &str) -> Vec<&str> {
            self.field(key)
                .and_then($crate::value::FieldValue::as_list)
                .unwrap_or_default()
        }

        /// The one id linked under a HAS_ONE relationship, if any.
        pub fn related_one(&self, key: &str) -> Option<&str> {
            self.related(key).first().map(String::as_str)
        }
    };
}
pub(crate) use record_methods;

/// A record's fields moved into another struct with the same fields (a typed record from a
/// [`Record`], or back).
macro_rules! moved_record {
    ($from:expr => $to:path) => {{
        let r = $from;
        $to {
            id: r.id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            external_id: r.external_id,
            http_link: r.http_link,
            object_type: r.object_type,
            access_level: r.access_level,
            fields: r.fields,
            relationships: r.relationships,
            extra: r.extra,
            unread: r.unread,
        }
    }};
}
pub(crate) use moved_record;

/// A record of any type: an account, a contact, a custom object's record…
///
/// Any field is reachable by key with [`Record::field`], any relationship with
/// [`Record::related`]. Fields and relationships the SDK does not know are kept, values
/// that do not fit their type are kept raw ([`Record::malformed_fields`]), and keys a newer
/// server adds are kept in `extra` at every level, so [`Record::to_json`] gives back what
/// was received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Record {
    /// Unique identifier.
    pub id: String,
    /// When the record was created (RFC 3339 text; see [`Record::created_at_parsed`]).
    pub created_at: String,
    /// When the record last changed, if it has.
    pub updated_at: Option<String>,
    /// An identifier from another system.
    pub external_id: Option<String>,
    /// Where to see the record in the Lightfield app.
    pub http_link: Option<String>,
    /// The record's type, on types whose records say it (`meeting`, `email`…).
    pub object_type: Option<String>,
    /// `FULL` or `METADATA` on meetings, emails and messages; with `METADATA` the API
    /// leaves out subjects and bodies.
    pub access_level: Option<String>,
    /// Every field by key (`$name`, `tier`…).
    pub fields: BTreeMap<String, Field>,
    /// Every relationship by key (`$owner`, `$contact`…).
    pub relationships: BTreeMap<String, Relationship>,
    /// Top-level keys a newer server sent that this SDK does not model, kept as received.
    pub extra: BTreeMap<String, Value>,
    /// Entries of `fields` or `relationships` that are not objects, so neither a field nor
    /// a relationship, by `fields.KEY` or `relationships.KEY`, kept as received.
    pub unread: BTreeMap<String, Value>,
}

impl AsRef<Record> for Record {
    fn as_ref(&self) -> &Record {
        self
    }
}

impl Record {
    /// Decodes one record from its JSON, exactly as the client does with a response body.
    pub fn from_json(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// Decodes the records of a list page from its JSON, exactly as the client does.
    pub fn page_from_json(body: &[u8]) -> Result<Vec<Self>, serde_json::Error> {
        let page: wire::ListResponse = serde_json::from_slice(body)?;
        super::decode::raw_records(&page.data)
    }

    record_methods!();
}
