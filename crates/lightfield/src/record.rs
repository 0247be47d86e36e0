//! Records as the API returns them: [`Account`], its [`Field`]s and [`Relationship`]s.

use std::collections::BTreeMap;
use std::fmt;

use lightfield_gen::types as wire;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::value::{Address, FieldValue, ValueType};

/// Whether a relationship links to one record or to many.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cardinality {
    /// At most one linked record.
    HasOne,
    /// Any number of linked records.
    HasMany,
    /// A cardinality this SDK does not know yet.
    Other(String),
}

impl Cardinality {
    /// Reads the API's name (`"HAS_ONE"`). Case is ignored: the API has used both.
    pub fn from_api(name: &str) -> Self {
        if name.eq_ignore_ascii_case("HAS_ONE") {
            Self::HasOne
        } else if name.eq_ignore_ascii_case("HAS_MANY") {
            Self::HasMany
        } else {
            Self::Other(name.to_string())
        }
    }

    /// The API's name.
    pub fn as_api(&self) -> &str {
        match self {
            Self::HasOne => "HAS_ONE",
            Self::HasMany => "HAS_MANY",
            Self::Other(name) => name,
        }
    }
}

impl fmt::Display for Cardinality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api())
    }
}

/// One field of a record: its declared type and its value.
#[derive(Debug, Clone, PartialEq)]
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
pub struct Relationship {
    /// One or many.
    pub cardinality: Cardinality,
    /// The type of the linked records (`"member"`, `"contact"`…).
    pub object_type: String,
    /// Ids of the linked records.
    pub ids: Vec<String>,
    /// Keys a newer server sent beside the known ones, kept as received.
    pub extra: BTreeMap<String, Value>,
}

/// An account record.
///
/// System fields have typed getters ([`Account::name`], [`Account::website`], …); any field
/// is reachable by key with [`Account::field`]. Fields and relationships the SDK does not
/// know are kept, and values that do not fit their type are kept raw
/// ([`Account::malformed_fields`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// Unique identifier.
    pub id: String,
    /// When the record was created (RFC 3339 text; see [`Account::created_at_parsed`]).
    pub created_at: String,
    /// When the record last changed, if it has.
    pub updated_at: Option<String>,
    /// An identifier from another system.
    pub external_id: Option<String>,
    /// Where to see the record in the Lightfield app.
    pub http_link: Option<String>,
    /// Every field by key (`$name`, `tier`…).
    pub fields: BTreeMap<String, Field>,
    /// Every relationship by key (`$owner`, `$contact`…).
    pub relationships: BTreeMap<String, Relationship>,
    /// Top-level keys a newer server sent that this SDK does not model, kept as received.
    pub extra: BTreeMap<String, Value>,
}

impl From<wire::Record> for Account {
    /// Decodes a record of the generated client (for code that calls `lightfield-gen`
    /// directly).
    fn from(record: wire::Record) -> Self {
        Self::from_wire(record)
    }
}

impl Account {
    pub(crate) fn from_wire(record: wire::Record) -> Self {
        let fields = record
            .fields
            .into_iter()
            .map(|(key, field)| {
                let value_type = ValueType::from_api(&field.value_type.0);
                let raw = field.value.map(|v| v.0).unwrap_or(Value::Null);
                let value = FieldValue::decode(&value_type, raw);
                if let FieldValue::Malformed { raw, .. } = &value {
                    tracing::warn!(field = %key, value_type = %value_type, raw = %raw, "field value does not fit its value type; kept raw");
                }
                (
                    key,
                    Field {
                        value_type,
                        value,
                        extra: BTreeMap::new(),
                    },
                )
            })
            .collect();
        let relationships = record
            .relationships
            .into_iter()
            .map(|(key, rel)| {
                (
                    key,
                    Relationship {
                        cardinality: Cardinality::from_api(&rel.cardinality.0),
                        object_type: rel.object_type,
                        ids: rel.values,
                        extra: BTreeMap::new(),
                    },
                )
            })
            .collect();
        Self {
            id: record.id,
            created_at: record.created_at,
            updated_at: record.updated_at,
            external_id: record.external_id,
            http_link: record.http_link,
            fields,
            relationships,
            extra: BTreeMap::new(),
        }
    }

    /// Decodes a record, keeping what its raw JSON carries beyond the modelled shape.
    pub(crate) fn from_wire_and_body(record: wire::Record, body: &[u8]) -> Self {
        let mut account = Self::from_wire(record);
        account.keep_unknown(crate::unknown::of_record(body));
        account
    }

    /// Decodes a list page's records, keeping what each carries beyond the modelled shape.
    pub(crate) fn from_wire_page(records: Vec<wire::Record>, body: &[u8]) -> Vec<Self> {
        let mut unknown = crate::unknown::of_page(body).into_iter();
        records
            .into_iter()
            .map(|r| {
                let mut account = Self::from_wire(r);
                account.keep_unknown(unknown.next().unwrap_or_default());
                account
            })
            .collect()
    }

    fn keep_unknown(&mut self, unknown: crate::unknown::Unknown) {
        self.extra = unknown.record;
        for (key, extra) in unknown.fields {
            if let Some(field) = self.fields.get_mut(&key) {
                field.extra = extra;
            }
        }
        for (key, extra) in unknown.relationships {
            if let Some(rel) = self.relationships.get_mut(&key) {
                rel.extra = extra;
            }
        }
    }

    /// Decodes one record from its JSON, exactly as the client does with a response body.
    pub fn from_json(body: &[u8]) -> Result<Self, serde_json::Error> {
        let wire: wire::Record = serde_json::from_slice(body)?;
        Ok(Self::from_wire_and_body(wire, body))
    }

    /// Decodes the records of a list page from its JSON, exactly as the client does.
    pub fn page_from_json(body: &[u8]) -> Result<Vec<Self>, serde_json::Error> {
        let wire: wire::ListResponse = serde_json::from_slice(body)?;
        Ok(Self::from_wire_page(wire.data, body))
    }

    /// The JSON the API would send for this record.
    pub fn to_json(&self) -> Value {
        let fields: serde_json::Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, f)| {
                let mut entry = serde_json::Map::from_iter(f.extra.clone());
                entry.insert("value".into(), f.value.encode());
                entry.insert(
                    "valueType".into(),
                    Value::String(f.value_type.as_api().to_string()),
                );
                (k.clone(), Value::Object(entry))
            })
            .collect();
        let rels: serde_json::Map<String, Value> = self
            .relationships
            .iter()
            .map(|(k, r)| {
                let mut entry = serde_json::Map::from_iter(r.extra.clone());
                entry.insert(
                    "cardinality".into(),
                    Value::String(r.cardinality.as_api().to_string()),
                );
                entry.insert("objectType".into(), Value::String(r.object_type.clone()));
                entry.insert("values".into(), serde_json::json!(r.ids));
                (k.clone(), Value::Object(entry))
            })
            .collect();
        let mut out = serde_json::json!({
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
        ] {
            if let Some(v) = value {
                out[key] = Value::String(v.clone());
            }
        }
        out
    }

    /// A field's value by key; `None` when the record has no such field.
    pub fn field(&self, key: &str) -> Option<&FieldValue> {
        self.fields.get(key).map(|f| &f.value)
    }

    /// The ids linked under a relationship key (empty when there are none).
    pub fn related(&self, key: &str) -> &[String] {
        self.relationships
            .get(key)
            .map_or(&[], |r| r.ids.as_slice())
    }

    /// Fields whose values did not fit their declared type, with the raw JSON kept.
    pub fn malformed_fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.fields.iter().filter_map(|(k, f)| match &f.value {
            FieldValue::Malformed { raw, .. } => Some((k.as_str(), raw)),
            _ => None,
        })
    }

    /// `created_at`, parsed.
    pub fn created_at_parsed(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(&self.created_at, &Rfc3339).ok()
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.field(key).and_then(FieldValue::as_str)
    }

    /// `$name`: the account's display name.
    pub fn name(&self) -> Option<&str> {
        self.text("$name")
    }

    /// `$website`: the company's web addresses.
    pub fn website(&self) -> Vec<&str> {
        self.field("$website")
            .and_then(FieldValue::as_list)
            .unwrap_or_default()
    }

    /// `$industry`: the chosen industries.
    pub fn industry(&self) -> Vec<&str> {
        self.field("$industry")
            .and_then(FieldValue::as_list)
            .unwrap_or_default()
    }

    /// `$headcount`: the employee-count band.
    pub fn headcount(&self) -> Option<&str> {
        self.text("$headcount")
    }

    /// `$lastFundingType`: the latest funding round.
    pub fn last_funding_type(&self) -> Option<&str> {
        self.text("$lastFundingType")
    }

    /// `$primaryAddress`.
    pub fn primary_address(&self) -> Option<&Address> {
        self.field("$primaryAddress")
            .and_then(FieldValue::as_address)
    }

    /// `$linkedIn` handle.
    pub fn linked_in(&self) -> Option<&str> {
        self.text("$linkedIn")
    }

    /// `$twitter` handle.
    pub fn twitter(&self) -> Option<&str> {
        self.text("$twitter")
    }

    /// `$facebook` handle.
    pub fn facebook(&self) -> Option<&str> {
        self.text("$facebook")
    }

    /// `$instagram` handle.
    pub fn instagram(&self) -> Option<&str> {
        self.text("$instagram")
    }

    /// `$howTheyMakeMoney` (read-only, written by Lightfield).
    pub fn how_they_make_money(&self) -> Option<&str> {
        self.text("$howTheyMakeMoney")
    }

    /// `$accountStatus` (read-only).
    pub fn account_status(&self) -> Option<&str> {
        self.text("$accountStatus")
    }

    /// `$owner`: the id of the owning member, if any.
    pub fn owner(&self) -> Option<&str> {
        self.related("$owner").first().map(String::as_str)
    }

    /// `$contact`: ids of the account's contacts.
    pub fn contacts(&self) -> &[String] {
        self.related("$contact")
    }
}
