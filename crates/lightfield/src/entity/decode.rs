//! Keys of a record that this SDK does not model, read from the raw body so nothing a newer
//! server sends is lost.
//!
//! The generated types skip unknown keys (which is what keeps old clients decoding new
//! responses). This second, light pass over the same bytes keeps them: known keys are
//! skipped without building values, and map keys are read into one reused buffer, so it
//! costs a fraction of the main decode.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Unknown keys by name, as received.
pub(crate) type Extra = BTreeMap<String, Value>;

const RECORD_KEYS: &[&str] = &[
    "objectType",
    "accessLevel",
    "id",
    "createdAt",
    "updatedAt",
    "externalId",
    "httpLink",
    "fields",
    "relationships",
];
const FIELD_KEYS: &[&str] = &["value", "valueType"];
const RELATIONSHIP_KEYS: &[&str] = &["cardinality", "objectType", "values", "directions"];

/// What one record carries beyond the modelled shape.
#[derive(Debug, Default)]
pub(crate) struct Unknown {
    /// Unknown top-level keys.
    pub(crate) record: Extra,
    /// Unknown keys inside field entries, by field key (only entries that have some).
    pub(crate) fields: BTreeMap<String, Extra>,
    /// Unknown keys inside relationship entries, by relationship key.
    pub(crate) relationships: BTreeMap<String, Extra>,
}

/// Reads a map key's bytes into a reused buffer. Keys are read as bytes because checking
/// UTF-8 is much of the cost of reading a key, and most keys are only compared and dropped;
/// a key that is kept is checked then ([`owned`]).
struct KeyInto<'a>(&'a mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for KeyInto<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
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

fn is_known(known: &[&str], key: &[u8]) -> bool {
    known.iter().any(|k| k.as_bytes() == key)
}

/// Reads a map key: `None` when it is one of the known keys (no allocation), else the name.
struct NewKey(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for NewKey {
    type Value = Option<String>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_bytes(self)
    }
}

impl Visitor<'_> for NewKey {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<String>, E> {
        Ok((!is_known(self.0, key)).then(|| owned(key)))
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<String>, E> {
        self.visit_bytes(key.as_bytes())
    }
}

/// An object of which only the keys outside `known` are kept.
struct ObjectSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Extra;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Extra, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Extra;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
        let mut out = Extra::new();
        while let Some(key) = map.next_key_seed(NewKey(self.0))? {
            match key {
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
                Some(name) => {
                    out.insert(name, map.next_value::<Value>()?);
                }
            }
        }
        Ok(out)
    }
}

/// A map of entries (fields or relationships) each read with `ObjectSeed(known)`; only the
/// entries with unknown keys are kept.
struct EntriesSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for EntriesSeed {
    type Value = BTreeMap<String, Extra>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed {
    type Value = BTreeMap<String, Extra>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of entries")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut key = Vec::new();
        let mut out = BTreeMap::new();
        while map.next_key_seed(KeyInto(&mut key))?.is_some() {
            let extra = map.next_value_seed(ObjectSeed(self.0))?;
            if !extra.is_empty() {
                out.insert(owned(&key), extra);
            }
        }
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for Unknown {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RecordVisitor;
        impl<'de> Visitor<'de> for RecordVisitor {
            type Value = Unknown;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a record object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unknown, A::Error> {
                let mut key = Vec::new();
                let mut out = Unknown::default();
                while map.next_key_seed(KeyInto(&mut key))?.is_some() {
                    match key.as_slice() {
                        b"fields" => out.fields = map.next_value_seed(EntriesSeed(FIELD_KEYS))?,
                        b"relationships" => {
                            out.relationships =
                                map.next_value_seed(EntriesSeed(RELATIONSHIP_KEYS))?
                        }
                        k if is_known(RECORD_KEYS, k) => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        k => {
                            out.record.insert(owned(k), map.next_value::<Value>()?);
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(RecordVisitor)
    }
}

/// The `data` array of a list page, record by record.
#[derive(Deserialize)]
struct Page {
    #[serde(default, deserialize_with = "records")]
    data: Vec<Unknown>,
}

fn records<'de, D: de::Deserializer<'de>>(d: D) -> Result<Vec<Unknown>, D::Error> {
    struct Records;
    impl<'de> Visitor<'de> for Records {
        type Value = Vec<Unknown>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Unknown>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq.next_element::<Unknown>()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Records)
}

/// What the record in `body` carries beyond the modelled shape (nothing when the body
/// cannot be read this way).
pub(crate) fn of_record(body: &[u8]) -> Unknown {
    serde_json::from_slice::<Unknown>(body).unwrap_or_default()
}

/// The same for each record of the list page in `body`, in order.
pub(crate) fn of_page(body: &[u8]) -> Vec<Unknown> {
    serde_json::from_slice::<Page>(body)
        .map(|p| p.data)
        .unwrap_or_default()
}
