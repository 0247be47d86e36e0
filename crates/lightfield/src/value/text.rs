//! Field values as one line of text, for tables, CSV files and command lines:
//! [`FieldValue::to_text`] writes a value, [`parse_text`] (and so
//! [`FieldDefinition::parse_text`](crate::FieldDefinition::parse_text)) reads one back
//! by the field's definition (its value type, whether it holds several values).
//!
//! Lists are written with `; ` between items. Addresses, and names that would not split
//! back unambiguously, are written as compact JSON so that they read back unchanged.

use serde_json::{Number, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Address, FieldValue, FullName, InputValue, ValueType};

const SEPARATOR: &str = "; ";

impl FieldValue {
    /// The value as one line of text: empty for no value, lists joined with `; `,
    /// addresses as compact JSON, names as `First Last`, values of unknown types as their
    /// JSON. [`FieldDefinition::parse_text`](crate::FieldDefinition::parse_text) reads it back.
    ///
    /// ```
    /// use lightfield::{FieldValue, Texts};
    /// let emails = FieldValue::Email(Texts::Many(vec!["a@x.io".into(), "b@x.io".into()]));
    /// assert_eq!(emails.to_text(), "a@x.io; b@x.io");
    /// ```
    pub fn to_text(&self) -> String {
        match self {
            Self::Null => String::new(),
            Self::Text(s)
            | Self::Markdown(s)
            | Self::SocialHandle(s)
            | Self::DateTime(s)
            | Self::SingleSelect(s) => s.clone(),
            Self::Email(t) | Self::Telephone(t) | Self::Url(t) => t.to_vec().join(SEPARATOR),
            Self::Number(n) | Self::Currency(n) => n.to_string(),
            Self::Checkbox(b) => b.to_string(),
            Self::MultiSelect(items) => items.join(SEPARATOR),
            Self::Address(_) | Self::Unknown { .. } | Self::Malformed { .. } => {
                self.encode().to_string()
            }
            Self::FullName(name) => name_text(name).unwrap_or_else(|| self.encode().to_string()),
        }
    }
}

/// `First Last` when that splits back into the same two parts.
fn name_text(name: &FullName) -> Option<String> {
    let first = name.first_name.as_deref().unwrap_or("");
    let last = name.last_name.as_deref().unwrap_or("");
    let plain = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
    (plain(first) && plain(last)).then(|| format!("{first} {last}"))
}

/// Reads a value of a field of `value_type` from text (`multiple`: the field holds a list);
/// see [`FieldDefinition::parse_text`](crate::FieldDefinition::parse_text), which is this
/// for a field's definition.
pub(crate) fn parse_text(
    value_type: &ValueType,
    multiple: bool,
    text: &str,
) -> Result<InputValue, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(InputValue::Null);
    }
    let list = || split_list(trimmed);
    let one_or_many = |mut items: Vec<String>| {
        if multiple || items.len() > 1 {
            InputValue::List(items)
        } else {
            InputValue::Text(items.pop().unwrap_or_default())
        }
    };
    Ok(match value_type {
        ValueType::Text | ValueType::Markdown | ValueType::SocialHandle => {
            InputValue::Text(text.to_string())
        }
        ValueType::SingleSelect => InputValue::Text(trimmed.to_string()),
        ValueType::Number | ValueType::Currency => InputValue::Number(
            serde_json::from_str::<Number>(trimmed)
                .map_err(|_| format!("`{trimmed}` is not a number"))?,
        ),
        ValueType::Checkbox => InputValue::Bool(match trimmed.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            _ => return Err(format!("`{trimmed}` is not true or false")),
        }),
        ValueType::DateTime => InputValue::Text(date_time(trimmed)?),
        ValueType::Email => {
            let items = list()?;
            if let Some(bad) = items.iter().find(|e| !e.contains('@')) {
                return Err(format!("`{bad}` is not an email address"));
            }
            one_or_many(items)
        }
        ValueType::Telephone | ValueType::Url => one_or_many(list()?),
        ValueType::MultiSelect => InputValue::List(list()?),
        ValueType::Address => {
            InputValue::Address(Box::new(serde_json::from_str::<Address>(trimmed).map_err(
                |_| format!("`{trimmed}` is not an address (write it as JSON: {{\"city\": ..}})"),
            )?))
        }
        ValueType::FullName => InputValue::FullName(full_name(trimmed)?),
        ValueType::Other(_) => match serde_json::from_str::<Value>(trimmed) {
            Ok(json) => InputValue::Raw(json),
            Err(_) => InputValue::Text(text.to_string()),
        },
    })
}

/// `a; b; c`, or a JSON array of strings.
fn split_list(text: &str) -> Result<Vec<String>, String> {
    if text.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(text)
            .map_err(|_| format!("`{text}` is not a JSON list of strings"));
    }
    Ok(text
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

/// RFC 3339 as given, or a calendar date as midnight UTC.
fn date_time(text: &str) -> Result<String, String> {
    if OffsetDateTime::parse(text, &Rfc3339).is_ok() {
        return Ok(text.to_string());
    }
    parse_moment(text).map(|_| format!("{text}T00:00:00Z"))
}

/// Reads a moment as people write one, the same for every value and command: RFC 3339
/// (`2026-03-01T10:00:00Z`), or a calendar date (`2026-03-01`) read as midnight UTC. The
/// error says what was expected.
///
/// ```
/// let at = lightfield::value::parse_moment("2026-03-01").unwrap();
/// assert_eq!(at, lightfield::value::parse_moment("2026-03-01T00:00:00Z").unwrap());
/// assert!(lightfield::value::parse_moment("next week").is_err());
/// ```
pub fn parse_moment(text: &str) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let mut parts = text.splitn(3, '-').map(str::parse::<u16>);
    let day = match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) if text.len() == 10 => {
            time::Month::try_from(u8::try_from(month).unwrap_or(0))
                .ok()
                .and_then(|month| {
                    time::Date::from_calendar_date(i32::from(year), month, day.min(255) as u8).ok()
                })
        }
        _ => None,
    };
    day.map(|day| day.midnight().assume_utc())
        .ok_or_else(|| format!("`{text}` is not a date (write 2026-03-01 or 2026-03-01T10:00:00Z)"))
}

fn full_name(text: &str) -> Result<FullName, String> {
    if text.starts_with('{') {
        return serde_json::from_str(text)
            .map_err(|_| format!("`{text}` is not a name (JSON with firstName, lastName)"));
    }
    let (first, last) = text.rsplit_once(char::is_whitespace).unwrap_or((text, ""));
    let part = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    Ok(FullName {
        first_name: part(first),
        last_name: part(last),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Texts;

    /// A field of `value_type`, read from text.
    struct Field(ValueType, bool);

    impl Field {
        fn parse_text(&self, text: &str) -> Result<InputValue, String> {
            parse_text(&self.0, self.1, text)
        }
    }

    fn field(value_type: ValueType, multiple: bool) -> Field {
        Field(value_type, multiple)
    }

    #[test]
    fn text_reads_back_as_the_same_value() {
        let address = Address {
            city: Some("Lyon".into()),
            country: Some("FR".into()),
            ..Default::default()
        };
        let cases = [
            (ValueType::Number, false, FieldValue::Number(42.into())),
            (ValueType::Checkbox, false, FieldValue::Checkbox(true)),
            (
                ValueType::Url,
                true,
                FieldValue::Url(Texts::Many(vec!["https://a.io".into()])),
            ),
            (
                ValueType::MultiSelect,
                false,
                FieldValue::MultiSelect(vec!["A b".into(), "C".into()]),
            ),
            (
                ValueType::Address,
                false,
                FieldValue::Address(Box::new(address)),
            ),
            (
                ValueType::FullName,
                false,
                FieldValue::FullName(FullName {
                    first_name: Some("Ada".into()),
                    last_name: Some("King Lovelace".into()),
                    ..Default::default()
                }),
            ),
        ];
        for (value_type, multiple, value) in cases {
            let text = value.to_text();
            let back = field(value_type, multiple).parse_text(&text).expect(&text);
            assert_eq!(back.to_json(), value.encode(), "{text}");
        }
    }

    #[test]
    fn bad_text_says_what_was_expected() {
        for (value_type, text, expected) in [
            (ValueType::Number, "twelve", "not a number"),
            (ValueType::Checkbox, "maybe", "not true or false"),
            (ValueType::DateTime, "yesterday", "not a date"),
            (ValueType::Email, "ada.example", "not an email"),
            (ValueType::Address, "Lyon", "not an address"),
        ] {
            let err = field(value_type, false).parse_text(text).expect_err(text);
            assert!(err.contains(expected), "{err}");
        }
        assert_eq!(
            field(ValueType::DateTime, false).parse_text("2026-03-01"),
            Ok(InputValue::Text("2026-03-01T00:00:00Z".into()))
        );
    }
}
