//! The rules the API applies to the values and shapes of a write.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::schema::{FieldDef, RelDef, Schema};
use crate::error::ApiError;

/// Checks a non-null value against its field's type and returns it as stored (select
/// values as their option labels).
pub fn check_value(def: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    let key = def.key;
    let param = format!("fields.{key}");
    let wrong = |expected: &str| {
        ApiError::bad_request(
            "invalid_value",
            &param,
            format!("`{key}` is a {} field and takes {expected}", def.value_type),
        )
    };
    let option = |s: &str| -> Result<Value, ApiError> {
        def.options
            .iter()
            .find(|(id, label)| *id == s || *label == s)
            .map(|(_, label)| Value::String(label.to_string()))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_option",
                    &param,
                    format!("`{s}` is not an option id or label of `{key}`"),
                )
            })
    };
    match def.value_type {
        "NUMBER" | "CURRENCY" => value
            .is_number()
            .then(|| value.clone())
            .ok_or_else(|| wrong("a number")),
        "CHECKBOX" => value
            .is_boolean()
            .then(|| value.clone())
            .ok_or_else(|| wrong("true or false")),
        "DATETIME" => match value.as_str() {
            Some(s) if OffsetDateTime::parse(s, &Rfc3339).is_ok() => Ok(value.clone()),
            _ => Err(wrong("an RFC 3339 date-time string")),
        },
        "SINGLE_SELECT" => value
            .as_str()
            .ok_or_else(|| wrong("an option id or label"))
            .and_then(option),
        "MULTI_SELECT" => {
            let items = strings_of(value).ok_or_else(|| wrong("a list of option ids or labels"))?;
            items
                .iter()
                .map(|s| option(s))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        "ADDRESS" => check_object(value, &ADDRESS_KEYS)
            .map_err(|why| wrong(&format!("an address object ({why})"))),
        "FULL_NAME" => check_object(value, &NAME_KEYS)
            .map_err(|why| wrong(&format!("a full-name object ({why})"))),
        "EMAIL" if def.multiple => match strings_of(value) {
            Some(list) if list.iter().all(|s| s.contains('@')) => {
                Ok(Value::Array(list.into_iter().map(Value::String).collect()))
            }
            _ => Err(wrong("a list of email addresses")),
        },
        "EMAIL" => match value.as_str() {
            Some(s) if s.contains('@') => Ok(value.clone()),
            _ => Err(wrong("an email address")),
        },
        _ if def.multiple => strings_of(value)
            .map(|v| Value::Array(v.into_iter().map(Value::String).collect()))
            .ok_or_else(|| wrong("a string or a list of strings")),
        _ => value
            .is_string()
            .then(|| value.clone())
            .ok_or_else(|| wrong("a string")),
    }
}

pub const ADDRESS_KEYS: [&str; 8] = [
    "street",
    "street2",
    "city",
    "state",
    "postalCode",
    "country",
    "latitude",
    "longitude",
];
const NAME_KEYS: [&str; 2] = ["firstName", "lastName"];

fn check_object(value: &Value, keys: &[&str]) -> Result<Value, String> {
    let object = value.as_object().ok_or("not an object")?;
    for (k, v) in object {
        if !keys.contains(&k.as_str()) {
            return Err(format!("unknown key `{k}`"));
        }
        let ok = match k.as_str() {
            "latitude" | "longitude" => v.is_number() || v.is_null(),
            "country" => {
                v.is_null()
                    || v.as_str()
                        .is_some_and(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_uppercase()))
            }
            _ => v.is_string() || v.is_null(),
        };
        if !ok {
            return Err(format!("`{k}` has the wrong type"));
        }
    }
    Ok(value.clone())
}

pub fn strings_of(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

pub fn ids_of(value: &Value, param: &str) -> Result<Vec<String>, ApiError> {
    strings_of(value)
        .filter(|ids| ids.iter().all(|id| !id.is_empty()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_type",
                param,
                "give a record id or a list of record ids",
            )
        })
}

pub fn check_cardinality(def: &RelDef, ids: &[String]) -> Result<(), ApiError> {
    if def.cardinality == "HAS_ONE" && ids.len() > 1 {
        return Err(ApiError::bad_request(
            "too_many_values",
            format!("relationships.{}", def.key),
            format!("`{}` links to one record at most", def.key),
        ));
    }
    Ok(())
}

pub fn reject_unknown_keys(body: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    reject_unknown_keys_at(body, known, "")
}

pub fn reject_unknown_keys_at(
    body: &Map<String, Value>,
    known: &[&str],
    prefix: &str,
) -> Result<(), ApiError> {
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => {
            let param = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            Err(ApiError::bad_request(
                "unknown_parameter",
                param,
                format!("`{k}` is not a recognised key here"),
            ))
        }
        None => Ok(()),
    }
}

/// Accepts a write to a known, writable key; otherwise the 400 the API gives, naming it.
pub(super) fn writable<'a, T>(
    def: Option<&'a T>,
    read_only: bool,
    create_only: bool,
    kind: &str,
    key: &str,
    schema: &Schema,
) -> Result<&'a T, ApiError> {
    let section = if kind == "field" {
        "fields"
    } else {
        "relationships"
    };
    let param = format!("{section}.{key}");
    let def = def.ok_or_else(|| {
        let code = if kind == "field" {
            "unknown_field"
        } else {
            "unknown_relationship"
        };
        ApiError::bad_request(
            code,
            &param,
            format!("{} have no {kind} `{key}`", schema.plural()),
        )
    })?;
    let code = if kind == "field" {
        "read_only_field"
    } else {
        "read_only_relationship"
    };
    if read_only {
        return Err(ApiError::bad_request(
            code,
            &param,
            format!("{kind} `{key}` is read-only and cannot be written through the API"),
        ));
    }
    if create_only {
        return Err(ApiError::bad_request(
            code,
            &param,
            format!("{kind} `{key}` can only be set when the record is created"),
        ));
    }
    Ok(def)
}
