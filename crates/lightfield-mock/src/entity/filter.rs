//! List filters: `key[operator]=value`, with the operators each value type allows.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::schema::Schema;
use super::values::{ADDRESS_KEYS, strings_of};
use crate::error::ApiError;

/// One parsed `key[operator]=value` filter.
#[derive(Debug)]
pub struct Filter {
    key: String,
    value_type: &'static str,
    op: String,
    negated: bool,
    value: String,
    options: Vec<(&'static str, &'static str)>,
}

impl Filter {
    /// Reads one `key[operator]=value` query pair against `schema`.
    pub fn parse(schema: &Schema, raw_key: &str, value: &str) -> Result<Filter, ApiError> {
        let (key, op) = match raw_key.split_once('[') {
            Some((key, rest)) => {
                let op = rest.strip_suffix(']').ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_filter",
                        raw_key,
                        "filters look like `key[operator]=value`",
                    )
                })?;
                (key, Some(op))
            }
            None => (raw_key, None),
        };
        let def = schema.field(key).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_filter",
                raw_key,
                format!("{} have no field `{key}` to filter on", schema.plural()),
            )
        })?;
        let allowed: &[&str] = match def.value_type {
            "NUMBER" | "CURRENCY" | "DATETIME" => &[
                "equal",
                "greaterThan",
                "greaterThanOrEqual",
                "lessThan",
                "lessThanOrEqual",
            ],
            "TEXT" | "FULL_NAME" | "SOCIAL_HANDLE" | "ADDRESS" => &["equal", "startsWith"],
            "CHECKBOX" | "SINGLE_SELECT" => &["equal"],
            "EMAIL" | "TELEPHONE" | "URL" => &["contains"],
            _ => &[],
        };
        if allowed.is_empty() {
            return Err(ApiError::bad_request(
                "invalid_filter",
                raw_key,
                format!("{} fields cannot be filtered yet", def.value_type),
            ));
        }
        let (negated, op) = match op {
            Some(op) => match op.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, op),
            },
            None => (false, allowed[0]),
        };
        if !allowed.contains(&op) {
            return Err(ApiError::bad_request(
                "invalid_filter",
                raw_key,
                format!(
                    "`{op}` is not an operator for {} fields; use one of {}",
                    def.value_type,
                    allowed.join(", ")
                ),
            ));
        }
        Ok(Filter {
            key: key.to_string(),
            value_type: def.value_type,
            op: op.to_string(),
            negated,
            value: value.to_string(),
            options: def.options.clone(),
        })
    }

    /// Whether a record with these field values passes the filter.
    pub fn matches(&self, fields: &std::collections::BTreeMap<String, Value>) -> bool {
        let hit = fields.get(&self.key).is_some_and(|v| self.test(v));
        hit != self.negated
    }

    fn test(&self, stored: &Value) -> bool {
        let want = self.value.as_str();
        match self.value_type {
            "NUMBER" | "CURRENCY" => match (stored.as_f64(), want.parse::<f64>()) {
                (Some(a), Ok(b)) => compare(&self.op, a.partial_cmp(&b)),
                _ => false,
            },
            "DATETIME" => match (
                stored
                    .as_str()
                    .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok()),
                OffsetDateTime::parse(want, &Rfc3339),
            ) {
                (Some(a), Ok(b)) => compare(&self.op, a.partial_cmp(&b)),
                _ => false,
            },
            "CHECKBOX" => stored.as_bool().map(|b| b.to_string()) == Some(want.to_string()),
            "SINGLE_SELECT" => {
                let label = self
                    .options
                    .iter()
                    .find(|(id, label)| *id == want || *label == want)
                    .map(|(_, label)| *label);
                label.is_some() && stored.as_str() == label
            }
            "EMAIL" | "TELEPHONE" | "URL" => {
                let needle = want.to_lowercase();
                strings_of(stored)
                    .unwrap_or_default()
                    .iter()
                    .any(|s| s.to_lowercase().contains(&needle))
            }
            _ => {
                let text = text_of(stored).to_lowercase();
                let want = want.to_lowercase();
                match self.op.as_str() {
                    "startsWith" => text.starts_with(&want),
                    _ => text == want,
                }
            }
        }
    }
}

fn compare(op: &str, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    matches!(
        (op, ordering),
        ("equal", Some(Equal))
            | ("greaterThan", Some(Greater))
            | ("greaterThanOrEqual", Some(Greater | Equal))
            | ("lessThan", Some(Less))
            | ("lessThanOrEqual", Some(Less | Equal))
    )
}

/// The text a TEXT-like filter compares with: names and addresses read as one line.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.contains_key("firstName") || o.contains_key("lastName") => {
            ["firstName", "lastName"]
                .iter()
                .filter_map(|k| o.get(*k).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        }
        Value::Object(o) => ADDRESS_KEYS
            .iter()
            .filter_map(|k| o.get(*k).and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
