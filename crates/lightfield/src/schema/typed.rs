//! Typed records of the organisation's own schema: what `#[derive(Record)]` and
//! `#[derive(Select)]` (the `derive` feature) build on, usable by hand as well.
//!
//! A [`RecordType`] is a Rust type that reads itself from a [`Record`](struct@crate::Record) and writes its
//! fields; [`Client::records`] creates, updates, retrieves and lists it; [`check_type`]
//! compares it with the live definitions.

use std::collections::BTreeMap;

use crate::client::Client;
use crate::entity::{
    Create, Deletable, Described, Editable, Entity, Ids, Mergeable, ObjectType, Record, Records,
    Trashable, Update, WithHistory,
};
use crate::error::{Error, Result};
use crate::value::{Address, FieldValue, FullName, InputValue, ValueType};

/// A Rust type that reads and writes one field's value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a #[derive(Record)] struct",
    note = "use String, i64, u64, f64, bool, Vec<String>, Address, FullName, time::OffsetDateTime, an enum with #[derive(Select)], or an Option of one of these"
)]
pub trait FieldType: Sized {
    /// The API value types this Rust type can hold (checked by [`check_type`]).
    const VALUE_TYPES: &'static [&'static str];
    /// Whether the field may be absent or null.
    const OPTIONAL: bool = false;
    /// The option labels a select enum names.
    const LABELS: &'static [&'static str] = &[];
    /// Reads the value (`None` when the record has no such field).
    fn from_field(value: Option<&FieldValue>) -> std::result::Result<Self, String>;
    /// The value to write.
    fn to_input(&self) -> InputValue;
}

/// A Rust type that holds the ids of a relationship: `String` (exactly one),
/// `Option<String>` (at most one) or `Vec<String>` (any number).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a relationship",
    note = "use String, Option<String> or Vec<String>"
)]
pub trait LinkType: Sized {
    /// Whether no id at all is fine.
    const OPTIONAL: bool;
    /// Whether several ids fit.
    const MANY: bool;
    /// Reads the linked ids.
    fn from_ids(ids: &[String]) -> std::result::Result<Self, String>;
    /// The ids to link, if any.
    fn to_ids(&self) -> Option<Ids>;
}

/// An enum of a select field's options (`#[derive(Select)]`).
pub trait SelectValue: Sized {
    /// The labels of the named options.
    const LABELS: &'static [&'static str];
    /// The option with this label.
    fn from_label(label: &str) -> std::result::Result<Self, String>;
    /// This option's label.
    fn label(&self) -> &str;
}

/// What a derived type says about one of its fields, for [`check_type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The Rust field's name.
    pub rust: &'static str,
    /// The field or relationship key.
    pub key: &'static str,
    /// Whether it is a relationship.
    pub relationship: bool,
    /// The API value types it can hold (fields).
    pub value_types: &'static [&'static str],
    /// Whether it may be absent.
    pub optional: bool,
    /// Whether it holds several ids (relationships).
    pub many: bool,
    /// The option labels it names (select enums).
    pub labels: &'static [&'static str],
}

/// A Rust type for records of one type of the organisation's schema.
pub trait RecordType: Sized + Send + Sync + 'static {
    /// The record type: a built-in type's name (`account`) or a custom object's slug.
    const OBJECT: &'static str;
    /// Reads a record; a missing or mistyped field is an error that names it.
    fn from_record(record: &Record) -> Result<Self>;
    /// The fields to write.
    fn fields(&self) -> BTreeMap<String, InputValue>;
    /// The relationships to write.
    fn links(&self) -> BTreeMap<String, Ids>;
    /// The record's id, when the type holds it.
    fn record_id(&self) -> Option<&str>;
    /// What each field is, for [`check_type`].
    fn specs() -> &'static [FieldSpec];
}

/// The error for field `rust` (key `key`) of `record` that could not be read: it names the
/// record and shows what it held.
pub fn field_error(record: &Record, rust: &str, key: &str, why: String) -> Error {
    let body = record.to_json().to_string();
    Error::decode(
        format!("record `{}`, field `{rust}` (`{key}`): {why}", record.id),
        body.as_bytes(),
    )
}

/// Reads a select enum's value.
pub fn select_from_field<T: SelectValue>(
    value: Option<&FieldValue>,
) -> std::result::Result<T, String> {
    match value.and_then(FieldValue::as_str) {
        Some(label) => T::from_label(label),
        None => Err("is missing or not a select value".into()),
    }
}

fn missing() -> String {
    "is missing or empty (make it an Option if it may be)".into()
}

macro_rules! field_type {
    ($ty:ty, [$($vt:literal),+], |$v:ident| $read:expr, |$s:ident| $write:expr) => {
        impl FieldType for $ty {
            const VALUE_TYPES: &'static [&'static str] = &[$($vt),+];
            fn from_field(value: Option<&FieldValue>) -> std::result::Result<Self, String> {
                let $v = value.filter(|v| !v.is_null()).ok_or_else(missing)?;
                $read.ok_or_else(|| format!("holds {:?}, which is not a {}", $v, stringify!($ty)))
            }
            fn to_input(&self) -> InputValue {
                let $s = self;
                $write
            }
        }
    };
}

field_type!(
    String,
    [
        "TEXT",
        "MARKDOWN",
        "EMAIL",
        "URL",
        "TELEPHONE",
        "SOCIAL_HANDLE",
        "SINGLE_SELECT",
        "DATETIME",
        "HTML"
    ],
    |v| v.as_str().map(str::to_string),
    |s| InputValue::Text(s.clone())
);
field_type!(i64, ["NUMBER", "CURRENCY"], |v| v.as_i64(), |s| {
    InputValue::from(*s)
});
field_type!(
    u64,
    ["NUMBER", "CURRENCY"],
    |v| v.as_i64().and_then(|n| u64::try_from(n).ok()),
    |s| InputValue::from(*s)
);
field_type!(f64, ["NUMBER", "CURRENCY"], |v| v.as_f64(), |s| {
    InputValue::from(*s)
});
field_type!(bool, ["CHECKBOX"], |v| v.as_bool(), |s| InputValue::Bool(
    *s
));
/// A list field: missing, `null` or `[]` all read as the empty list (an account with no
/// website has none, which is not an error), and the empty list writes `[]`.
impl FieldType for Vec<String> {
    const VALUE_TYPES: &'static [&'static str] =
        &["MULTI_SELECT", "URL", "EMAIL", "TELEPHONE", "TEXT"];
    const OPTIONAL: bool = true;
    fn from_field(value: Option<&FieldValue>) -> std::result::Result<Self, String> {
        match value.filter(|v| !v.is_null()) {
            None => Ok(Vec::new()),
            Some(v) => v
                .as_list()
                .map(|l| l.into_iter().map(str::to_string).collect())
                .ok_or_else(|| format!("holds {v:?}, which is not a list of text")),
        }
    }
    fn to_input(&self) -> InputValue {
        InputValue::List(self.clone())
    }
}
field_type!(Address, ["ADDRESS"], |v| v.as_address().cloned(), |s| {
    InputValue::Address(Box::new(s.clone()))
});
field_type!(
    FullName,
    ["FULL_NAME"],
    |v| v.as_full_name().cloned(),
    |s| InputValue::FullName(s.clone())
);
field_type!(
    time::OffsetDateTime,
    ["DATETIME"],
    |v| v.as_datetime(),
    |s| crate::resources::datetime(*s)
);

impl<T: FieldType> FieldType for Option<T> {
    const VALUE_TYPES: &'static [&'static str] = T::VALUE_TYPES;
    const OPTIONAL: bool = true;
    const LABELS: &'static [&'static str] = T::LABELS;
    fn from_field(value: Option<&FieldValue>) -> std::result::Result<Self, String> {
        match value.filter(|v| !v.is_null()) {
            None => Ok(None),
            some => T::from_field(some).map(Some),
        }
    }
    fn to_input(&self) -> InputValue {
        self.as_ref().map_or(InputValue::Null, T::to_input)
    }
}

impl LinkType for String {
    const OPTIONAL: bool = false;
    const MANY: bool = false;
    fn from_ids(ids: &[String]) -> std::result::Result<Self, String> {
        match ids {
            [one] => Ok(one.clone()),
            [] => Err(missing()),
            _ => Err(format!("links {} records; a String holds one", ids.len())),
        }
    }
    fn to_ids(&self) -> Option<Ids> {
        Some(Ids::One(self.clone()))
    }
}

impl LinkType for Option<String> {
    const OPTIONAL: bool = true;
    const MANY: bool = false;
    fn from_ids(ids: &[String]) -> std::result::Result<Self, String> {
        match ids {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            _ => Err(format!(
                "links {} records; an Option<String> holds one",
                ids.len()
            )),
        }
    }
    fn to_ids(&self) -> Option<Ids> {
        self.clone().map(Ids::One)
    }
}

impl LinkType for Vec<String> {
    const OPTIONAL: bool = true;
    const MANY: bool = true;
    fn from_ids(ids: &[String]) -> std::result::Result<Self, String> {
        Ok(ids.to_vec())
    }
    fn to_ids(&self) -> Option<Ids> {
        (!self.is_empty()).then(|| Ids::Many(self.clone()))
    }
}

// A type of your own schema is a record type like the crate's own: it goes through
// `Records<T>` with every builder, option, stream and export. What the API offers for its
// record type is checked when a call is made (a refusal names the operation), since the
// derive cannot know at compile time what `OBJECT` allows.
impl<T: RecordType> crate::entity::sealed::Sealed for T {}
impl<T: RecordType> Entity for T {
    fn decode(record: Record) -> Result<Self> {
        <T as RecordType>::from_record(&record)
    }

    fn identity(&self) -> Option<&str> {
        self.record_id()
    }
}
impl<T: RecordType> Editable for T {}
impl<T: RecordType> Described for T {}
impl<T: RecordType> Deletable for T {}
impl<T: RecordType> Trashable for T {}
impl<T: RecordType> WithHistory for T {}
impl<T: RecordType> Mergeable for T {}

impl Client {
    /// The operations on records of `T`, a type of your own schema (usually
    /// `#[derive(Record)]`): the same [`Records`] as every record type, answering `T`.
    pub fn records<T: RecordType>(&self) -> Records<T> {
        Records::new(self, ObjectType::from_api(T::OBJECT))
    }
}

impl<T: RecordType> Records<T> {
    /// A create of `value`: every field it has (a `None` is left out) and its
    /// relationships; set options on the builder, then `.send().await`.
    pub fn create_from(&self, value: &T) -> Create<T> {
        let mut create = self.create();
        for (key, input) in value.fields() {
            if input != InputValue::Null {
                create = create.field(key, input);
            }
        }
        for (key, ids) in value.links() {
            create = create.relationship(key, ids);
        }
        create
    }

    /// An update writing every field of `value` to record `id` (a `None` clears it).
    pub fn update_from(&self, id: impl Into<String>, value: &T) -> Update<T> {
        let mut update = self.update(id);
        for (key, input) in value.fields() {
            update = update.field(key, input);
        }
        update
    }

    /// An update writing only what differs between `before` and `after` to record `id`,
    /// relinking the relationships that changed; `None` when nothing did (there is
    /// nothing to send).
    pub fn update_changed(
        &self,
        id: impl Into<String>,
        before: &T,
        after: &T,
    ) -> Option<Update<T>> {
        let old = before.fields();
        let mut update = self.update(id);
        let mut changed = false;
        for (key, input) in after.fields() {
            if old.get(&key) != Some(&input) {
                update = update.field(key, input);
                changed = true;
            }
        }
        let old_links = before.links();
        for (key, ids) in after.links() {
            if old_links.get(&key) != Some(&ids) {
                match ids {
                    Ids::One(id) => update = update.replace(key, id),
                    many => update = update.clear_relationship(key.clone()).add(key, many),
                }
                changed = true;
            }
        }
        changed.then_some(update)
    }
}

/// One way a derived type and the live definitions disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mismatch {
    /// The Rust field.
    pub field: &'static str,
    /// The key it maps to.
    pub key: &'static str,
    /// What is wrong, in words.
    pub problem: String,
}

/// Compares `T` with the organisation's definitions of its record type (fetched fresh)
/// and lists every mismatch: keys the organisation does not have, value types the Rust
/// type cannot hold, select options the enum does not name, required fields made optional
/// the other way round, relationships of the wrong cardinality.
pub async fn check_type<T: RecordType>(client: &Client) -> Result<Vec<Mismatch>> {
    let object = ObjectType::from_api(T::OBJECT);
    let definitions = client
        .schema_within(&object, std::time::Duration::ZERO)
        .await?;
    let mut out = Vec::new();
    for spec in T::specs() {
        let problem = if spec.relationship {
            match definitions.relationships.get(spec.key) {
                None => Some(format!("{} have no relationship `{}`", object, spec.key)),
                Some(r) if spec.many && r.cardinality == crate::entity::Cardinality::HasOne => {
                    Some("is a list, but the relationship links one record".to_string())
                }
                Some(_) => None,
            }
        } else {
            match definitions.field(spec.key) {
                None => Some(format!(
                    "the organisation's {object} records have no field `{}`",
                    spec.key
                )),
                Some(f) if !spec.value_types.contains(&f.value_type.as_api()) => Some(format!(
                    "the field is {} but the Rust type holds {}",
                    f.value_type,
                    spec.value_types.join(" or ")
                )),
                Some(f) if f.value_type == ValueType::SingleSelect && !spec.labels.is_empty() => {
                    let missing: Vec<&str> = spec
                        .labels
                        .iter()
                        .filter(|l| f.option(l).is_none())
                        .copied()
                        .collect();
                    (!missing.is_empty())
                        .then(|| format!("options {} do not exist", missing.join(", ")))
                }
                Some(_) => None,
            }
        };
        if let Some(problem) = problem {
            out.push(Mismatch {
                field: spec.rust,
                key: spec.key,
                problem,
            });
        }
    }
    Ok(out)
}
