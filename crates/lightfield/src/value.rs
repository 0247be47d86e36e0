//! Field values: what a record holds ([`FieldValue`], tagged by [`ValueType`]) and what you
//! write ([`InputValue`]).
//!
//! The server says which type each value has (`valueType`), so values are decoded from that
//! tag, never by guessing from the JSON shape: a `{"firstName": ..}` on an ADDRESS field is
//! not silently read as a name, and `42` on a NUMBER field is a number.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The data type of a field, as named by the API's `valueType`.
///
/// The server adds types over time; one this SDK does not know yet is kept as
/// [`ValueType::Other`] with its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ValueType {
    /// A postal address ([`Address`]).
    Address,
    /// A boolean.
    Checkbox,
    /// An amount of money (a number; the currency is in the field definition).
    Currency,
    /// A point in time, as RFC 3339 text.
    DateTime,
    /// An email address.
    Email,
    /// A person's name ([`FullName`]).
    FullName,
    /// Markdown text.
    Markdown,
    /// Several options of a fixed list.
    MultiSelect,
    /// A number.
    Number,
    /// One option of a fixed list.
    SingleSelect,
    /// A handle on a social network.
    SocialHandle,
    /// A telephone number.
    Telephone,
    /// Plain text.
    Text,
    /// A web address.
    Url,
    /// A type this version of the SDK does not know, with the name the server gave it.
    Other(String),
}

impl ValueType {
    /// Reads the API's name of a type (`"SINGLE_SELECT"`).
    pub fn from_api(name: &str) -> Self {
        match name {
            "ADDRESS" => Self::Address,
            "CHECKBOX" => Self::Checkbox,
            "CURRENCY" => Self::Currency,
            "DATETIME" => Self::DateTime,
            "EMAIL" => Self::Email,
            "FULL_NAME" => Self::FullName,
            "MARKDOWN" => Self::Markdown,
            "MULTI_SELECT" => Self::MultiSelect,
            "NUMBER" => Self::Number,
            "SINGLE_SELECT" => Self::SingleSelect,
            "SOCIAL_HANDLE" => Self::SocialHandle,
            "TELEPHONE" => Self::Telephone,
            "TEXT" => Self::Text,
            "URL" => Self::Url,
            other => Self::Other(other.to_string()),
        }
    }

    /// The API's name of the type.
    pub fn as_api(&self) -> &str {
        match self {
            Self::Address => "ADDRESS",
            Self::Checkbox => "CHECKBOX",
            Self::Currency => "CURRENCY",
            Self::DateTime => "DATETIME",
            Self::Email => "EMAIL",
            Self::FullName => "FULL_NAME",
            Self::Markdown => "MARKDOWN",
            Self::MultiSelect => "MULTI_SELECT",
            Self::Number => "NUMBER",
            Self::SingleSelect => "SINGLE_SELECT",
            Self::SocialHandle => "SOCIAL_HANDLE",
            Self::Telephone => "TELEPHONE",
            Self::Text => "TEXT",
            Self::Url => "URL",
            Self::Other(name) => name,
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api())
    }
}

impl Serialize for ValueType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_api())
    }
}

impl<'de> Deserialize<'de> for ValueType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Self::from_api(&name))
    }
}

/// A postal address. Every part is optional; keys the SDK does not know are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// First street line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Second street line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal or ZIP code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Two-letter ISO 3166-1 alpha-2 country code, e.g. `"FR"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Latitude in degrees (a float: an integral `45` from the server encodes as `45.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Parts added by a newer server, and parts the server sent as explicit `null`, kept as
    /// they came so that encoding gives back the same JSON.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A person's name; both parts are optional. Unknown keys are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FullName {
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Parts added by a newer server, kept as they came.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl FullName {
    /// A name from its two parts.
    pub fn new(first: impl Into<String>, last: impl Into<String>) -> Self {
        Self {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            extra: BTreeMap::new(),
        }
    }
}

/// Text that the server may send as one string or as a list of strings (URL, EMAIL and
/// TELEPHONE fields can hold several values). The shape is kept so that encoding gives
/// back exactly what was received.
#[derive(Debug, Clone, PartialEq)]
pub enum Texts {
    /// A single value.
    One(String),
    /// Several values.
    Many(Vec<String>),
}

impl Texts {
    /// The values as a list (one element for [`Texts::One`]).
    pub fn to_vec(&self) -> Vec<&str> {
        match self {
            Self::One(s) => vec![s.as_str()],
            Self::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// The first value, if any.
    pub fn first(&self) -> Option<&str> {
        match self {
            Self::One(s) => Some(s),
            Self::Many(v) => v.first().map(String::as_str),
        }
    }
}

/// The value of one field of a record, decoded by its value type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FieldValue {
    /// The field is empty.
    Null,
    /// TEXT.
    Text(String),
    /// MARKDOWN.
    Markdown(String),
    /// EMAIL (one address or several).
    Email(Texts),
    /// TELEPHONE (one number or several).
    Telephone(Texts),
    /// URL (one address or several; `$website` holds a list).
    Url(Texts),
    /// SOCIAL_HANDLE.
    SocialHandle(String),
    /// NUMBER, as sent (integers stay integers).
    Number(Number),
    /// CURRENCY amount; the currency code is in the field definition.
    Currency(Number),
    /// DATETIME, as RFC 3339 text; [`FieldValue::as_datetime`] parses it.
    DateTime(String),
    /// CHECKBOX.
    Checkbox(bool),
    /// SINGLE_SELECT: the chosen option.
    SingleSelect(String),
    /// MULTI_SELECT: the chosen options.
    MultiSelect(Vec<String>),
    /// ADDRESS.
    Address(Box<Address>),
    /// FULL_NAME.
    FullName(FullName),
    /// A value type this SDK does not know yet, kept raw.
    Unknown {
        /// The type name the server gave.
        value_type: String,
        /// The value exactly as received.
        raw: Value,
    },
    /// A value whose JSON does not fit its declared type, kept raw rather than failing the
    /// whole record. [`crate::Record::malformed_fields`] lists them.
    Malformed {
        /// The declared type.
        value_type: ValueType,
        /// The value exactly as received.
        raw: Value,
    },
}

fn texts(raw: Value) -> Result<Texts, Value> {
    match raw {
        Value::String(s) => Ok(Texts::One(s)),
        Value::Array(items) if items.iter().all(Value::is_string) => Ok(Texts::Many(
            items
                .into_iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
        )),
        other => Err(other),
    }
}

fn string(raw: Value) -> Result<String, Value> {
    match raw {
        Value::String(s) => Ok(s),
        other => Err(other),
    }
}

fn number(raw: Value) -> Result<Number, Value> {
    match raw {
        Value::Number(n) => Ok(n),
        other => Err(other),
    }
}

/// A part sent as an explicit `null` decodes to `None`; remembering it in `extra` lets
/// encoding give back exactly the JSON that was received.
fn keep_explicit_nulls(raw: &Value, extra: &mut BTreeMap<String, Value>) {
    if let Value::Object(map) = raw {
        for (key, value) in map {
            if value.is_null() {
                extra.insert(key.clone(), Value::Null);
            }
        }
    }
}

impl FieldValue {
    /// Decodes `raw` as a value of type `value_type`. Never fails: a value that does not
    /// fit its type becomes [`FieldValue::Malformed`], an unknown type [`FieldValue::Unknown`].
    pub fn decode(value_type: &ValueType, raw: Value) -> Self {
        if raw.is_null() {
            return Self::Null;
        }
        let decoded = match value_type {
            ValueType::Text => string(raw).map(Self::Text),
            ValueType::Markdown => string(raw).map(Self::Markdown),
            ValueType::SocialHandle => string(raw).map(Self::SocialHandle),
            ValueType::SingleSelect => string(raw).map(Self::SingleSelect),
            ValueType::DateTime => string(raw).map(Self::DateTime),
            ValueType::Email => texts(raw).map(Self::Email),
            ValueType::Telephone => texts(raw).map(Self::Telephone),
            ValueType::Url => texts(raw).map(Self::Url),
            ValueType::Number => number(raw).map(Self::Number),
            ValueType::Currency => number(raw).map(Self::Currency),
            ValueType::Checkbox => match raw {
                Value::Bool(b) => Ok(Self::Checkbox(b)),
                other => Err(other),
            },
            ValueType::MultiSelect => match texts(raw) {
                Ok(Texts::Many(v)) => Ok(Self::MultiSelect(v)),
                Ok(Texts::One(s)) => Err(Value::String(s)),
                Err(other) => Err(other),
            },
            ValueType::Address => match raw {
                Value::Object(_) => serde_json::from_value::<Address>(raw.clone())
                    .map(|mut a| {
                        keep_explicit_nulls(&raw, &mut a.extra);
                        Self::Address(Box::new(a))
                    })
                    .map_err(|_| raw),
                other => Err(other),
            },
            ValueType::FullName => match raw {
                Value::Object(_) => serde_json::from_value::<FullName>(raw.clone())
                    .map(|mut n| {
                        keep_explicit_nulls(&raw, &mut n.extra);
                        Self::FullName(n)
                    })
                    .map_err(|_| raw),
                other => Err(other),
            },
            ValueType::Other(name) => {
                return Self::Unknown {
                    value_type: name.clone(),
                    raw,
                };
            }
        };
        decoded.unwrap_or_else(|raw| Self::Malformed {
            value_type: value_type.clone(),
            raw,
        })
    }

    /// The JSON the API uses for this value: `decode` then `encode` gives back the input.
    pub fn encode(&self) -> Value {
        let texts = |t: &Texts| match t {
            Texts::One(s) => Value::String(s.clone()),
            Texts::Many(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
        };
        match self {
            Self::Null => Value::Null,
            Self::Text(s)
            | Self::Markdown(s)
            | Self::SocialHandle(s)
            | Self::SingleSelect(s)
            | Self::DateTime(s) => Value::String(s.clone()),
            Self::Email(t) | Self::Telephone(t) | Self::Url(t) => texts(t),
            Self::Number(n) | Self::Currency(n) => Value::Number(n.clone()),
            Self::Checkbox(b) => Value::Bool(*b),
            Self::MultiSelect(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
            Self::Address(a) => serde_json::to_value(a).unwrap_or(Value::Null),
            Self::FullName(n) => serde_json::to_value(n).unwrap_or(Value::Null),
            Self::Unknown { raw, .. } | Self::Malformed { raw, .. } => raw.clone(),
        }
    }

    /// True for [`FieldValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The text of a text-like value (text, markdown, social handle, select option,
    /// date-time text, or the first of an email/telephone/URL list).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(s)
            | Self::Markdown(s)
            | Self::SocialHandle(s)
            | Self::SingleSelect(s)
            | Self::DateTime(s) => Some(s),
            Self::Email(t) | Self::Telephone(t) | Self::Url(t) => t.first(),
            _ => None,
        }
    }

    /// A number or currency amount as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) | Self::Currency(n) => n.as_f64(),
            _ => None,
        }
    }

    /// A number or currency amount that is a whole number, as `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(n) | Self::Currency(n) => n.as_i64(),
            _ => None,
        }
    }

    /// A checkbox.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Checkbox(b) => Some(*b),
            _ => None,
        }
    }

    /// The values of a list-shaped field: multi-select options, or all emails, telephone
    /// numbers or URLs.
    pub fn as_list(&self) -> Option<Vec<&str>> {
        match self {
            Self::MultiSelect(v) => Some(v.iter().map(String::as_str).collect()),
            Self::Email(t) | Self::Telephone(t) | Self::Url(t) => Some(t.to_vec()),
            _ => None,
        }
    }

    /// An address.
    pub fn as_address(&self) -> Option<&Address> {
        match self {
            Self::Address(a) => Some(a),
            _ => None,
        }
    }

    /// A full name.
    pub fn as_full_name(&self) -> Option<&FullName> {
        match self {
            Self::FullName(n) => Some(n),
            _ => None,
        }
    }

    /// A date-time, parsed. `None` for other types or text that is not RFC 3339.
    pub fn as_datetime(&self) -> Option<OffsetDateTime> {
        match self {
            Self::DateTime(s) => OffsetDateTime::parse(s, &Rfc3339).ok(),
            _ => None,
        }
    }
}

/// A value to write to a field. Build one with `From`/`Into`: from `&str`, `String`,
/// numbers, `bool`, lists of strings, [`Address`], [`FullName`], or [`InputValue::Null`] to
/// clear the field on an update.
///
/// ```
/// use lightfield::InputValue;
/// let tier: InputValue = "Gold".into();
/// let seats: InputValue = 42.into();
/// let industries: InputValue = vec!["Software", "Retail"].into();
/// assert_eq!(serde_json::to_string(&seats).unwrap(), "42");
/// # let _ = (tier, industries);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum InputValue {
    /// Clear the field (only meaningful on update).
    Null,
    /// Text, an option id or label, an email, a URL, a date-time…
    Text(String),
    /// A number or an amount.
    Number(Number),
    /// A checkbox.
    Bool(bool),
    /// Several strings: multi-select options, several URLs…
    List(Vec<String>),
    /// An address.
    Address(Box<Address>),
    /// A full name.
    FullName(FullName),
    /// Any JSON, for value types this SDK does not know yet.
    Raw(Value),
}

impl InputValue {
    /// The JSON sent for this value.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Text(s) => Value::String(s.clone()),
            Self::Number(n) => Value::Number(n.clone()),
            Self::Bool(b) => Value::Bool(*b),
            Self::List(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
            Self::Address(a) => serde_json::to_value(a).unwrap_or(Value::Null),
            Self::FullName(n) => serde_json::to_value(n).unwrap_or(Value::Null),
            Self::Raw(v) => v.clone(),
        }
    }
}

impl Serialize for InputValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl From<&str> for InputValue {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}
impl From<String> for InputValue {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&String> for InputValue {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
impl From<bool> for InputValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
macro_rules! input_from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for InputValue {
            fn from(v: $t) -> Self {
                Self::Number(Number::from(v))
            }
        }
    )*};
}
input_from_integer!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);
impl From<f64> for InputValue {
    /// A non-finite float (NaN, infinity) has no JSON form and becomes [`InputValue::Null`].
    fn from(v: f64) -> Self {
        Number::from_f64(v).map_or(Self::Null, Self::Number)
    }
}
impl From<f32> for InputValue {
    fn from(v: f32) -> Self {
        Self::from(f64::from(v))
    }
}
impl From<Vec<String>> for InputValue {
    fn from(v: Vec<String>) -> Self {
        Self::List(v)
    }
}
impl From<Vec<&str>> for InputValue {
    fn from(v: Vec<&str>) -> Self {
        Self::List(v.into_iter().map(str::to_string).collect())
    }
}
impl<const N: usize> From<[&str; N]> for InputValue {
    fn from(v: [&str; N]) -> Self {
        Self::List(v.iter().map(|s| s.to_string()).collect())
    }
}
impl From<Address> for InputValue {
    fn from(v: Address) -> Self {
        Self::Address(Box::new(v))
    }
}
impl From<FullName> for InputValue {
    fn from(v: FullName) -> Self {
        Self::FullName(v)
    }
}
impl From<Value> for InputValue {
    fn from(v: Value) -> Self {
        Self::Raw(v)
    }
}
impl<T: Into<InputValue>> From<Option<T>> for InputValue {
    /// `None` is an explicit null (clears the field on update).
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}
impl From<&FieldValue> for InputValue {
    /// Writes back a value read from a record.
    fn from(v: &FieldValue) -> Self {
        Self::Raw(v.encode())
    }
}
