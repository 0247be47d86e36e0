//! How records link: a relationship's cardinality, and what it links from each of its
//! ends. Leaf types, shared by records (`entity`) and their definitions.

use std::collections::BTreeMap;

use crate::open_enum::open_enum;
use serde_json::Value;

open_enum!(
    /// Whether a relationship links to one record or to many.
    Cardinality {
        /// At most one linked record.
        HasOne = "HAS_ONE",
        /// Any number of linked records.
        HasMany = "HAS_MANY",
    }
);

/// How a relationship reads from each of its ends.
///
/// On a record, each end lists the records linked from it: for a relationship from a type to
/// itself (an account's parent and its subsidiaries) the two lists differ. On a relationship
/// definition, each end carries its label instead.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Directions {
    /// Seen from the record that holds the relationship.
    pub as_source: Option<DirectionEnd>,
    /// Seen from the linked records.
    pub as_destination: Option<DirectionEnd>,
    /// Keys a newer server sent beside the two ends, kept as received.
    pub extra: BTreeMap<String, Value>,
}

/// One end of a relationship.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct DirectionEnd {
    /// One or many, from this end.
    pub cardinality: Option<Cardinality>,
    /// What the relationship is called from this end (definitions).
    pub label: Option<String>,
    /// Ids of the records linked from this end (records).
    pub ids: Option<Vec<String>>,
    /// Keys a newer server sent beside the known ones, kept as received.
    pub extra: BTreeMap<String, Value>,
}

impl DirectionEnd {
    /// Reads one end from its JSON; a value of another shape is kept whole in `extra`.
    fn from_json(value: Value) -> Self {
        let mut end = DirectionEnd::default();
        let Value::Object(map) = value else {
            return end;
        };
        for (key, value) in map {
            match (key.as_str(), value) {
                ("cardinality", Value::String(c)) => {
                    end.cardinality = Some(Cardinality::from_api(&c))
                }
                ("label", Value::String(l)) => end.label = Some(l),
                ("values", Value::Array(items)) if items.iter().all(Value::is_string) => {
                    end.ids = Some(
                        items
                            .into_iter()
                            .filter_map(|v| match v {
                                Value::String(s) => Some(s),
                                _ => None,
                            })
                            .collect(),
                    );
                }
                (_, value) => {
                    end.extra.insert(key, value);
                }
            }
        }
        end
    }

    fn to_json(&self) -> Value {
        let mut out = serde_json::Map::from_iter(self.extra.clone());
        if let Some(c) = &self.cardinality {
            out.insert("cardinality".into(), Value::String(c.as_api().to_string()));
        }
        if let Some(l) = &self.label {
            out.insert("label".into(), Value::String(l.clone()));
        }
        if let Some(ids) = &self.ids {
            out.insert("values".into(), serde_json::json!(ids));
        }
        Value::Object(out)
    }
}

impl Directions {
    /// Reads both ends from the `directions` object; `None` for `null` or another shape.
    pub(crate) fn from_json(value: Value) -> Option<Self> {
        let Value::Object(map) = value else {
            return None;
        };
        let mut directions = Directions::default();
        for (key, value) in map {
            match key.as_str() {
                "asSource" if value.is_object() => {
                    directions.as_source = Some(DirectionEnd::from_json(value))
                }
                "asDestination" if value.is_object() => {
                    directions.as_destination = Some(DirectionEnd::from_json(value))
                }
                _ => {
                    directions.extra.insert(key, value);
                }
            }
        }
        Some(directions)
    }

    /// Ids linked from the record that holds the relationship (empty when not sent).
    pub fn source_ids(&self) -> &[String] {
        self.as_source
            .as_ref()
            .and_then(|e| e.ids.as_deref())
            .unwrap_or_default()
    }

    /// Ids linked from the other end (empty when not sent).
    pub fn destination_ids(&self) -> &[String] {
        self.as_destination
            .as_ref()
            .and_then(|e| e.ids.as_deref())
            .unwrap_or_default()
    }

    /// The directions as the API writes them, with whatever a newer server added.
    pub fn to_json(&self) -> Value {
        let mut out = serde_json::Map::from_iter(self.extra.clone());
        if let Some(e) = &self.as_source {
            out.insert("asSource".into(), e.to_json());
        }
        if let Some(e) = &self.as_destination {
            out.insert("asDestination".into(), e.to_json());
        }
        Value::Object(out)
    }
}
