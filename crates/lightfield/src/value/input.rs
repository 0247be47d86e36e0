//! [`InputValue`]: a value to write.

use serde::Serialize;
use serde_json::{Number, Value};

use super::field::FieldValue;
use super::types::{Address, FullName};

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
