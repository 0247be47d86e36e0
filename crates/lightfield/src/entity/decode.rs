//! How a [`Record`] is read from JSON: in one pass, keeping every key it does not model.
//!
//! The generated client hands records over as raw JSON (`lightfield_gen::RawRecord`), so a
//! record is parsed once, here, straight into the SDK's types. Keys a newer server adds are
//! kept at every level (record, field entry, relationship entry) in `extra`, which is what
//! lets [`Record::to_json`] give back what was received. Map keys are read as bytes into a
//! reused buffer: most are only compared, and checking UTF-8 is much of the cost of a key.

use std::collections::BTreeMap;
use std::fmt;

use lightfield_gen::RawRecord;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::record::{Field, Record, Relationship};
use crate::value::{Cardinality, Directions};
use crate::value::{FieldValue, ValueType};

/// Reads a map key's bytes into a reused buffer.
struct KeyInto<'a>(&'a mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for KeyInto<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_bytes(self)
    }
}

impl Visitor<'_> for KeyInto<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<(), E> {
        self.0.clear();
        self.0.extend_from_slice(key);
        Ok(())
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        self.visit_bytes(key.as_bytes())
    }
}

/// A kept key as text (one that is not UTF-8 is kept with replacement characters).
fn owned(key: &[u8]) -> String {
    String::from_utf8_lossy(key).into_owned()
}

/// Reads a JSON object entry by entry: `read` is given each key and reads the value
/// itself, answering `false` for a key it does not know, whose value is then kept in the
/// returned map.
fn read_object<'de, A: MapAccess<'de>>(
    mut map: A,
    mut read: impl FnMut(&[u8], &mut A) -> Result<bool, A::Error>,
) -> Result<BTreeMap<String, Value>, A::Error> {
    let mut key = Vec::new();
    let mut extra = BTreeMap::new();
    while map.next_key_seed(KeyInto(&mut key))?.is_some() {
        if !read(&key, &mut map)? {
            extra.insert(owned(&key), map.next_value::<Value>()?);
        }
    }
    Ok(extra)
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Record, A::Error> {
        let (mut id, mut created_at, mut fields) = (None, None, None);
        let mut record = Record {
            id: String::new(),
            created_at: String::new(),
            updated_at: None,
            external_id: None,
            http_link: None,
            object_type: None,
            access_level: None,
            fields: BTreeMap::new(),
            relationships: BTreeMap::new(),
            extra: BTreeMap::new(),
            unread: BTreeMap::new(),
        };
        let mut unread = BTreeMap::new();
        record.extra = read_object(map, |key, map| {
            match key {
                b"id" => id = Some(map.next_value::<String>()?),
                b"createdAt" => created_at = Some(map.next_value::<String>()?),
                b"updatedAt" => record.updated_at = map.next_value()?,
                b"externalId" => record.external_id = map.next_value()?,
                b"httpLink" => record.http_link = map.next_value()?,
                b"objectType" => record.object_type = map.next_value()?,
                b"accessLevel" => record.access_level = map.next_value()?,
                b"fields" => {
                    fields =
                        Some(map.next_value_seed(Entries(read_field, "fields", &mut unread))?)
                }
                b"relationships" => {
                    record.relationships = map.next_value_seed(Entries(
                        read_relationship,
                        "relationships",
                        &mut unread,
                    ))?
                }
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        record.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        record.created_at = created_at.ok_or_else(|| de::Error::missing_field("createdAt"))?;
        record.fields = fields.ok_or_else(|| de::Error::missing_field("fields"))?;
        record.unread = unread;
        Ok(record)
    }
}

/// A map of entries by key (the `fields` or `relationships` object), each entry's parts
/// made into a field or relationship by the function given. An entry that is not an object
/// goes, as received, into the map given, under `fields.KEY` or `relationships.KEY`.
struct Entries<'u, F>(F, &'static str, &'u mut BTreeMap<String, Value>);

impl<'de, T, F> DeserializeSeed<'de> for Entries<'_, F>
where
    F: FnMut(&str, EntryParts) -> Result<T, String>,
{
    type Value = BTreeMap<String, T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T, F> Visitor<'de> for Entries<'_, F>
where
    F: FnMut(&str, EntryParts) -> Result<T, String>,
{
    type Value = BTreeMap<String, T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of entries by key")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let parts = map.next_value::<EntryParts>()?;
            if let Some(raw) = parts.not_an_object {
                self.2.insert(format!("{}.{key}", self.1), raw);
                continue;
            }
            let entry = (self.0)(&key, parts).map_err(de::Error::custom)?;
            out.insert(key, entry);
        }
        Ok(out)
    }
}

/// One field entry: `{"value": …, "valueType": …}` plus whatever a newer server adds.
fn read_field(key: &str, entry: EntryParts) -> Result<Field, String> {
    let value_type = match entry.value_type {
        Some(t) => ValueType::from_api(&t),
        None => return Err(format!("field `{key}` has no `valueType`")),
    };
    let value = FieldValue::decode(&value_type, entry.value.unwrap_or(Value::Null));
    if matches!(value, FieldValue::Malformed { .. }) {
        // The value itself may be personal data: log where, not what.
        tracing::warn!(field = %key, value_type = %value_type, "field value does not fit its value type; kept raw");
    }
    Ok(Field {
        value_type,
        value,
        extra: entry.extra,
    })
}

/// One relationship entry: cardinality, linked type, ids, directions, and anything newer.
fn read_relationship(key: &str, entry: EntryParts) -> Result<Relationship, String> {
    let missing = |what: &str| format!("relationship `{key}` has no `{what}`");
    Ok(Relationship {
        cardinality: Cardinality::from_api(
            &entry.cardinality.ok_or_else(|| missing("cardinality"))?,
        ),
        object_type: entry.object_type.ok_or_else(|| missing("objectType"))?,
        ids: entry.values.ok_or_else(|| missing("values"))?,
        directions: entry.directions,
        extra: entry.extra,
    })
}

/// The known keys of field and relationship entries, and the rest.
#[derive(Default)]
struct EntryParts {
    value: Option<Value>,
    value_type: Option<String>,
    cardinality: Option<String>,
    object_type: Option<String>,
    values: Option<Vec<String>>,
    directions: Option<Directions>,
    extra: BTreeMap<String, Value>,
    /// The entry itself, when it was not an object.
    not_an_object: Option<Value>,
}

impl<'de> Deserialize<'de> for EntryParts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PartsVisitor;
        impl<'de> Visitor<'de> for PartsVisitor {
            type Value = EntryParts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an entry object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<EntryParts, E> {
                Ok(EntryParts::raw(Value::Null))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<EntryParts, E> {
                Ok(EntryParts::raw(v.into()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EntryParts, E> {
                Ok(EntryParts::raw(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EntryParts, E> {
                Ok(EntryParts::raw(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<EntryParts, E> {
                Ok(EntryParts::raw(v.into()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EntryParts, E> {
                Ok(EntryParts::raw(v.into()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<EntryParts, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Value>()? {
                    items.push(item);
                }
                Ok(EntryParts::raw(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EntryParts, A::Error> {
                let mut parts = EntryParts::default();
                let mut unread_directions: Option<Value> = None;
                parts.extra = read_object(map, |key, map| {
                    match key {
                        // `Some(Null)` for an explicit null, as for an absent value.
                        b"value" => parts.value = Some(map.next_value()?),
                        b"valueType" => parts.value_type = Some(map.next_value()?),
                        b"cardinality" => parts.cardinality = Some(map.next_value()?),
                        b"objectType" => parts.object_type = Some(map.next_value()?),
                        b"values" => parts.values = Some(map.next_value()?),
                        b"directions" => unread_directions = Some(map.next_value()?),
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                // `null`, or a shape we cannot read, stays in `extra` exactly as sent.
                if let Some(raw) = unread_directions {
                    match raw {
                        Value::Object(_) => parts.directions = Directions::from_json(raw),
                        other => {
                            parts.extra.insert("directions".into(), other);
                        }
                    }
                }
                Ok(parts)
            }
        }
        // Any shape: an entry that is not an object is kept whole, not a failed record.
        d.deserialize_any(PartsVisitor)
    }
}

impl EntryParts {
    fn raw(value: Value) -> Self {
        Self {
            not_an_object: Some(value),
            ..Self::default()
        }
    }
}

/// Decodes the raw records the generated client returns.
pub(crate) fn raw_record(raw: &RawRecord) -> Result<Record, serde_json::Error> {
    serde_json::from_slice(raw.as_bytes())
}

/// Decodes every raw record of a page, in order.
pub(crate) fn raw_records(raw: &[RawRecord]) -> Result<Vec<Record>, serde_json::Error> {
    raw.iter().map(raw_record).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_required_keys_are_errors() {
        for body in [
            r#"{"createdAt": "x", "fields": {}}"#,
            r#"{"id": "a", "fields": {}}"#,
            r#"{"id": "a", "createdAt": "x"}"#,
            r#"{"id": "a", "createdAt": "x", "fields": {"f": {"value": 1}}}"#,
            r#"{"id": "a", "createdAt": "x", "fields": {}, "relationships": {"r": {"values": []}}}"#,
        ] {
            assert!(serde_json::from_str::<Record>(body).is_err(), "{body}");
        }
    }

    #[test]
    fn what_a_newer_server_adds_is_kept_at_every_level() {
        let body = r#"{"id": "acc_1", "createdAt": "t", "later": [1],
            "fields": {"score": {"value": 42, "valueType": "NUMBER", "confidence": 0.9},
                       "$about": {"value": "<p>x</p>", "valueType": "HTML"},
                       "gone": {"value": null, "valueType": "ADDRESS"}},
            "relationships": {"$partner": {"cardinality": "HAS_SOME", "objectType": "account",
                       "values": ["acc_2"], "since": "2026"}}}"#;
        let record: Record = serde_json::from_str(body).expect("decodes");
        assert_eq!(record.id, "acc_1");
        assert_eq!(record.updated_at, None);
        assert_eq!(record.extra["later"], serde_json::json!([1]));
        assert_eq!(record.fields["score"].extra["confidence"], 0.9);
        assert_eq!(record.fields["$about"].value_type.as_api(), "HTML");
        assert_eq!(record.fields["gone"].value, FieldValue::Null);
        let partner = &record.relationships["$partner"];
        assert_eq!(partner.cardinality, Cardinality::Other("HAS_SOME".into()));
        assert_eq!(
            (partner.ids.as_slice(), &partner.extra["since"]),
            (&["acc_2".to_string()][..], &serde_json::json!("2026"))
        );
        let back: Value = serde_json::from_str(body).expect("json");
        assert_eq!(
            record.to_json(),
            back,
            "to_json gives back what was received"
        );
    }
}
