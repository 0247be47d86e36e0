//! The schema of an object type: which fields and relationships it has, and the cache of
//! them that each client keeps.
//!
//! The cache keeps each type's definitions for a time to live (five minutes by default,
//! [`ClientBuilder::schema_ttl`](crate::ClientBuilder::schema_ttl)); concurrent callers
//! wait for one request rather than each sending their own. A check that meets a key or
//! option it does not know refreshes the definitions once before refusing, so a field
//! added on the server since the cache was filled is not refused by a stale copy.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use lightfield_gen::types as wire;
use serde_json::Value;

use crate::value::{Cardinality, Directions, InputValue, ValueType};

/// One choice of a select field.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SelectOption {
    /// Stable identifier; accepted as input.
    pub id: String,
    /// Display text; also accepted as input.
    pub label: String,
    /// Longer explanation, if any.
    pub description: Option<String>,
    /// The option this one sits under, for nested options.
    pub parent_id: Option<String>,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: BTreeMap<String, Value>,
}

/// How one field is typed and labelled.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FieldDefinition {
    /// Identifier of the definition.
    pub id: Option<String>,
    /// Display name.
    pub label: String,
    /// What the field is for.
    pub description: Option<String>,
    /// The type of its values.
    pub value_type: ValueType,
    /// True when the API refuses writes to it.
    pub read_only: bool,
    /// Currency code of a CURRENCY field.
    pub currency: Option<String>,
    /// Network of a SOCIAL_HANDLE field.
    pub handle_service: Option<String>,
    /// Whether the field holds several values.
    pub multiple_values: bool,
    /// Whether values must be unique across records.
    pub unique: bool,
    /// Choices of a select field.
    pub options: Vec<SelectOption>,
    /// The field this one depends on, when it has a parent.
    pub parent_field_key: Option<String>,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: BTreeMap<String, Value>,
    /// Keys of its `typeConfiguration` this version of the SDK does not know, as received.
    pub configuration_extra: BTreeMap<String, Value>,
}

impl FieldDefinition {
    /// Reads a value of this field from text, as [`FieldValue::to_text`](crate::FieldValue::to_text) writes it and as
    /// people type it: numbers, `true`/`false` (also `yes`/`no`, `1`/`0`), dates as
    /// RFC 3339 or `YYYY-MM-DD`, lists separated by `;` (or a JSON array), addresses and
    /// names as JSON objects (a name also as `First Last`). Empty text is
    /// [`InputValue::Null`]. The error says what was expected.
    ///
    /// Select values are not matched against the options here; a checked write does that.
    pub fn parse_text(&self, text: &str) -> Result<InputValue, String> {
        crate::value::parse_text(&self.value_type, self.multiple_values, text)
    }

    /// The option whose id or label is `id_or_label`; else the one option whose label it
    /// is in another case (`gold` for `Gold`), when only one is.
    pub fn option(&self, id_or_label: &str) -> Option<&SelectOption> {
        let exact = self
            .options
            .iter()
            .find(|o| o.id == id_or_label || o.label == id_or_label);
        exact.or_else(|| {
            let mut folded = self
                .options
                .iter()
                .filter(|o| o.label.to_lowercase() == id_or_label.to_lowercase());
            match (folded.next(), folded.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        })
    }
}

/// How one relationship is defined.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RelationshipDefinition {
    /// Identifier of the definition.
    pub id: Option<String>,
    /// Display name.
    pub label: String,
    /// What the relationship means.
    pub description: Option<String>,
    /// One or many.
    pub cardinality: Cardinality,
    /// Type of the linked records.
    pub object_type: String,
    /// True when the API refuses writes to it.
    pub read_only: bool,
    /// How the relationship reads from each end, when the server says.
    pub directions: Option<Directions>,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: BTreeMap<String, Value>,
}

/// Whether the spec's table marks relationship `key` of `object_type` read-only.
fn table_says_read_only(object_type: Option<&str>, key: &str) -> bool {
    object_type
        .and_then(lightfield_gen::tables::object_schema)
        .and_then(|s| s.relationship(key))
        .is_some_and(|r| r.read_only)
}

/// Every field and relationship of an object type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Definitions {
    /// The object type (`"account"`).
    pub object_type: Option<String>,
    /// Field definitions by key.
    pub fields: BTreeMap<String, FieldDefinition>,
    /// Relationship definitions by key.
    pub relationships: BTreeMap<String, RelationshipDefinition>,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: BTreeMap<String, Value>,
}

/// A field definition without `typeConfiguration` reads as one with every setting absent.
fn no_configuration() -> wire::TypeConfiguration {
    wire::TypeConfiguration {
        currency: None,
        handle_service: None,
        multiple_values: None,
        options: None,
        parent_field_key: None,
        unique: None,
        extra: serde_json::Map::new(),
    }
}

impl Definitions {
    pub(crate) fn from_wire(d: wire::DefinitionsResponse) -> Self {
        let fields = d
            .field_definitions
            .into_iter()
            .map(|(key, f)| {
                let config = f.type_configuration.unwrap_or_else(no_configuration);
                let def = FieldDefinition {
                    id: f.id,
                    label: f.label,
                    description: f.description,
                    value_type: ValueType::from_api(&f.value_type.0),
                    read_only: f.read_only.unwrap_or(false),
                    currency: config.currency,
                    handle_service: config.handle_service,
                    multiple_values: config.multiple_values.unwrap_or(false),
                    unique: config.unique.unwrap_or(false),
                    options: config
                        .options
                        .unwrap_or_default()
                        .into_iter()
                        .map(|o| SelectOption {
                            id: o.id,
                            label: o.label,
                            description: o.description,
                            parent_id: o.parent_id,
                            extra: o.extra.into_iter().collect(),
                        })
                        .collect(),
                    parent_field_key: config.parent_field_key,
                    extra: f.extra.into_iter().collect(),
                    configuration_extra: config.extra.into_iter().collect(),
                };
                (key, def)
            })
            .collect();
        let relationships = d
            .relationship_definitions
            .into_iter()
            .map(|(key, r)| {
                let def = RelationshipDefinition {
                    id: r.id,
                    label: r.label,
                    description: r.description,
                    cardinality: Cardinality::from_api(&r.cardinality.0),
                    object_type: r.object_type,
                    // The API does not say; the spec's table knows which links are
                    // made from the other end.
                    read_only: r
                        .read_only
                        .unwrap_or_else(|| table_says_read_only(d.object_type.as_deref(), &key)),
                    directions: r
                        .directions
                        .and_then(|d| serde_json::to_value(d).ok())
                        .and_then(Directions::from_json),
                    extra: r.extra.into_iter().collect(),
                };
                (key, def)
            })
            .collect();
        Self {
            object_type: d.object_type,
            fields,
            relationships,
            extra: d.extra.into_iter().collect(),
        }
    }

    /// A field's key and definition by its label (ignoring case), e.g. `"Renewal date"`.
    pub fn field_by_label(&self, label: &str) -> Option<(&str, &FieldDefinition)> {
        self.fields
            .iter()
            .find(|(_, d)| d.label.eq_ignore_ascii_case(label))
            .map(|(k, d)| (k.as_str(), d))
    }

    /// A relationship's definition by key.
    pub fn relationship(&self, key: &str) -> Option<&RelationshipDefinition> {
        self.relationships.get(key)
    }

    /// A field's definition by key.
    pub fn field(&self, key: &str) -> Option<&FieldDefinition> {
        self.fields.get(key)
    }

    /// The field or relationship key closest to `key` (a typo, a missing `$`), when one is
    /// close enough to suggest: `closest_key("name")` is `Some("$name")`.
    pub fn closest_key(&self, key: &str) -> Option<&str> {
        let known = self.fields.keys().chain(self.relationships.keys());
        closest(key, known.map(String::as_str))
    }

    /// The options of dependent select `key` that sit under `parent`, an option (id or
    /// label) of the field it depends on: `options_under("segment", "Software")`. Empty when
    /// `key` depends on no field or `parent` is not one of that field's options.
    pub fn options_under(&self, key: &str, parent: &str) -> Vec<&SelectOption> {
        let Some(field) = self.field(key) else {
            return Vec::new();
        };
        let parent = field
            .parent_field_key
            .as_deref()
            .and_then(|p| self.field(p))
            .and_then(|p| p.option(parent));
        match parent {
            Some(parent) => field
                .options
                .iter()
                .filter(|o| o.parent_id.as_deref() == Some(parent.id.as_str()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// Keys of the fields that can be written.
    pub fn writable_fields(&self) -> impl Iterator<Item = (&str, &FieldDefinition)> {
        self.fields
            .iter()
            .filter(|(_, d)| !d.read_only)
            .map(|(k, d)| (k.as_str(), d))
    }
}

/// One type's cached definitions.
type Slot = Arc<tokio::sync::Mutex<Option<(Arc<Definitions>, Instant)>>>;

/// What a client knows of the organisation's schema, shared by its clones: the cached
/// definitions, how long they stay fresh, and whether writes are checked against them.
#[derive(Debug)]
pub(crate) struct SchemaState {
    pub(crate) cache: SchemaCache,
    pub(crate) ttl: Duration,
    pub(crate) check_writes: bool,
}

/// The definitions cache of a client (shared by its clones).
#[derive(Debug, Default)]
pub(crate) struct SchemaCache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl SchemaCache {
    pub(crate) fn slot(&self, object: &str) -> Slot {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        slots.entry(object.to_string()).or_default().clone()
    }
}

/// The name in `known` closest to `key` (case aside), when it is close: at most two edits,
/// or a third of its length.
pub(crate) fn closest<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = key.to_lowercase();
    known
        .map(|k| (strsim::levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|(distance, k)| *distance <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}
