//! [`FieldValue`]: a field's value, decoded by the value type the server declared.

use std::collections::BTreeMap;

use serde_json::{Number, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::types::{Address, FullName, Texts, ValueType};

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
