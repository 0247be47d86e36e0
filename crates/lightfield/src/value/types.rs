//! The types that values are made of.

use std::collections::BTreeMap;

use crate::open_enum::open_enum;
use serde::{Deserialize, Serialize};
use serde_json::Value;

open_enum!(
    /// The data type of a field, as named by the API's `valueType`.
    ///
    /// The server adds types over time; one this SDK does not know yet is kept as
    /// [`ValueType::Other`] with its name.
    ValueType {
        /// A postal address ([`Address`]).
        Address = "ADDRESS",
        /// A boolean.
        Checkbox = "CHECKBOX",
        /// An amount of money (a number; the currency is in the field definition).
        Currency = "CURRENCY",
        /// A point in time, as RFC 3339 text.
        DateTime = "DATETIME",
        /// An email address.
        Email = "EMAIL",
        /// A person's name ([`FullName`]).
        FullName = "FULL_NAME",
        /// Markdown text.
        Markdown = "MARKDOWN",
        /// Several options of a fixed list.
        MultiSelect = "MULTI_SELECT",
        /// A number.
        Number = "NUMBER",
        /// One option of a fixed list.
        SingleSelect = "SINGLE_SELECT",
        /// A handle on a social network.
        SocialHandle = "SOCIAL_HANDLE",
        /// A telephone number.
        Telephone = "TELEPHONE",
        /// Plain text.
        Text = "TEXT",
        /// A web address.
        Url = "URL",
    }
);

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

/// The parts that are set, first name first, separated by a space (`Ada Lovelace`).
impl std::fmt::Display for FullName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts = [&self.first_name, &self.last_name];
        let mut parts = parts
            .iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.is_empty());
        if let Some(first) = parts.next() {
            f.write_str(first)?;
        }
        for part in parts {
            write!(f, " {part}")?;
        }
        Ok(())
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
