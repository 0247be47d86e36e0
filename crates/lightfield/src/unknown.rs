//! Keys of a record that this SDK does not model, read from the raw body so nothing a newer
//! server sends is lost.
//!
//! The generated types skip unknown keys (which is what keeps old clients decoding new
//! responses). This second, light pass over the same bytes keeps them: known keys are
//! skipped without being parsed into values, so it costs a fraction of the main decode.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The top-level keys of a record that the SDK models.
const KNOWN: &[&str] = &[
    "id",
    "createdAt",
    "updatedAt",
    "externalId",
    "httpLink",
    "fields",
    "relationships",
];

/// Unknown keys of one record.
#[derive(Debug, Default)]
pub(crate) struct Unknown(pub(crate) BTreeMap<String, Value>);

/// A map key, owned only when it is one we keep.
enum Key {
    Known,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(if KNOWN.contains(&key) {
                    Key::Known
                } else {
                    Key::Other(key.to_string())
                })
            }
        }
        d.deserialize_str(KeyVisitor)
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
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Known => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        Key::Other(name) => {
                            out.insert(name, map.next_value::<Value>()?);
                        }
                    }
                }
                Ok(Unknown(out))
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
            while let Some(item) = seq.next_element_seed(UnknownSeed)? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Records)
}

struct UnknownSeed;

impl<'de> DeserializeSeed<'de> for UnknownSeed {
    type Value = Unknown;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Unknown, D::Error> {
        Unknown::deserialize(d)
    }
}

/// Unknown keys of the record in `body` (empty when the body cannot be read this way).
pub(crate) fn of_record(body: &[u8]) -> BTreeMap<String, Value> {
    serde_json::from_slice::<Unknown>(body)
        .map(|u| u.0)
        .unwrap_or_default()
}

/// Unknown keys of each record of the list page in `body`, in order.
pub(crate) fn of_page(body: &[u8]) -> Vec<BTreeMap<String, Value>> {
    serde_json::from_slice::<Page>(body)
        .map(|p| p.data.into_iter().map(|u| u.0).collect())
        .unwrap_or_default()
}
