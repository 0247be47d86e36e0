//! What the user types, read as the API needs it: `--field key=value` by the field's type
//! (exactly as `import` reads a CSV cell), `--filter` values the same way, `--rel key=ids`,
//! a JSON body in any of the shapes the CLI prints, and ids given on the command line or on
//! standard input.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

use lightfield::{Definitions, Ids, InputValue, ObjectType, Op, ValueType};
use serde_json::Value;

use crate::exit::Failure;

/// The one token that clears a field, in `--field key=<clear>` and in a CSV cell (an empty
/// cell leaves a field as it is). `export` writes a field holding this very text as
/// `'<clear>`, which reads back as the text.
pub const CLEAR: &str = "<clear>";

/// A `key=value` pair, split.
pub fn pair<'a>(pair: &'a str, what: &str) -> Result<(&'a str, &'a str), Failure> {
    match pair.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim(), value)),
        Some(_) => Err(Failure::Local(format!(
            "`{pair}` has an empty key; a key starting with `$` must be in single quotes \
             ('$name=Acme'), or the shell replaces `$name` with one of its variables"
        ))),
        None => Err(Failure::Local(format!("`{pair}` is not {what}"))),
    }
}

/// `--field key=value`, the value read by the field's value type from `definitions` (the
/// organisation's, cached); a key they do not have is sent as text for the check to judge.
pub fn field(
    text: &str,
    definitions: Option<&Definitions>,
) -> Result<(String, InputValue), Failure> {
    let (key, raw) = pair(text, "key=value")?;
    if raw.trim() == CLEAR {
        return Ok((key.to_string(), InputValue::Null));
    }
    let value = match definitions.and_then(|d| d.field(key)) {
        Some(field) => field
            .parse_text(raw)
            .map_err(|why| Failure::Local(format!("--field `{key}`: {why}")))?,
        None => InputValue::Text(raw.to_string()),
    };
    Ok((key.to_string(), value))
}

/// `key[op]=value`, `key[-op]=value` or `key=value` applied to a list, each value read by
/// its field's type from `definitions` as `--field` reads it (dates, yes/no, numbers, select
/// labels in any case when only one option matches): a value that cannot match, or a key
/// the type does not have, is an error, never a silent empty answer.
pub fn filtered<T: Send + 'static>(
    mut list: lightfield::Listing<T>,
    filters: &[String],
    object: &ObjectType,
    definitions: Option<&Definitions>,
) -> Result<lightfield::Listing<T>, Failure> {
    for filter in filters {
        let (name, raw) = pair(filter, "key[op]=value")?;
        let (key, op) = match name
            .split_once('[')
            .and_then(|(k, rest)| Some((k, rest.strip_suffix(']')?)))
        {
            Some((key, op)) => (key, Some(op)),
            None => (name, None),
        };
        if key.is_empty() {
            return Err(Failure::Local(format!(
                "--filter `{filter}` has no key before its operator: a key starting with `$` \
                 must be in single quotes ('$name[startsWith]=Ac'), or the shell replaces \
                 `$name` with one of its variables"
            )));
        }
        let value = match definitions {
            Some(definitions) => filter_value(definitions, object, key, raw)?,
            None => raw.to_string(),
        };
        list = match op {
            Some(op) => match op.strip_prefix('-') {
                Some(op) => list.filter_not(key, Op::from_api(op), value),
                None => list.filter(key, Op::from_api(op), value),
            },
            None => list.filter_default(key, value),
        };
    }
    Ok(list)
}

/// A filter's value for field `key`, as the API compares it.
fn filter_value(
    definitions: &Definitions,
    object: &ObjectType,
    key: &str,
    raw: &str,
) -> Result<String, Failure> {
    let Some(field) = definitions.field(key) else {
        let why = if definitions.relationship(key).is_some() {
            format!("`{key}` is a relationship, and lists filter on fields only")
        } else {
            let hint = definitions
                .closest_key(key)
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            format!("{} records have no field `{key}`{hint}", object.as_api())
        };
        return Err(Failure::Local(format!("--filter: {why}")));
    };
    let wrong = |why: String| Failure::Local(format!("--filter `{key}`: {why}"));
    match field.value_type {
        ValueType::SingleSelect | ValueType::MultiSelect => match field.option(raw.trim()) {
            Some(option) if raw.trim() == option.id => Ok(option.id.clone()),
            Some(option) => Ok(option.label.clone()),
            None => {
                let labels: Vec<&str> = field.options.iter().map(|o| o.label.as_str()).collect();
                Err(wrong(format!(
                    "`{raw}` is not one of its options ({})",
                    labels.join(", ")
                )))
            }
        },
        ValueType::Number | ValueType::Currency | ValueType::Checkbox | ValueType::DateTime => {
            Ok(match field.parse_text(raw).map_err(wrong)? {
                InputValue::Number(n) => n.to_string(),
                InputValue::Bool(b) => b.to_string(),
                InputValue::Text(text) => text,
                _ => raw.to_string(),
            })
        }
        _ => Ok(raw.to_string()),
    }
}

/// `key=id`, or several ids separated as a list field's values may be: `key=id1,id2` or
/// `key=id1;id2`.
pub fn link(text: &str) -> Result<(String, Ids), Failure> {
    let (key, ids) = pair(text, "key=id")?;
    let ids: Vec<String> = ids
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Ok((
        key.to_string(),
        match ids.as_slice() {
            [] => {
                return Err(Failure::Local(format!(
                    "`{text}` names no record id; to unlink every record use --clear '{key}'"
                )));
            }
            [one] => Ids::One(one.clone()),
            _ => Ids::Many(ids),
        },
    ))
}

/// A record body to write: fields and relationships by key.
#[derive(Debug, Default)]
pub struct Body {
    pub fields: BTreeMap<String, InputValue>,
    pub links: BTreeMap<String, Ids>,
    /// Read-only keys that were left out (the API sets them).
    pub skipped: BTreeSet<String>,
}

/// Reads a record from `path` (`-` is standard input) in any shape the CLI prints: a record
/// as `get` shows it (`fields.KEY.value`, `relationships.KEY.values`), the request shape
/// (`fields.KEY` = value, `relationships.KEY` = ids), or a flat object of keys. Read-only
/// keys and the record's own metadata (`id`, `createdAt`…) are left out.
pub fn json_body(path: &Path, definitions: Option<&Definitions>) -> Result<Body, Failure> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|e| Failure::Local(format!("cannot read {}: {e}", path.display())))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Local(format!("{} is not JSON: {e}", path.display())))?;
    let record = match value {
        Value::Object(mut page) if page.contains_key("data") => match page.remove("data") {
            Some(Value::Array(mut one)) if one.len() == 1 => one.remove(0),
            _ => {
                return Err(Failure::Local(
                    "the JSON holds a list of records; `--json` takes one. To write many, save \
                     them as JSON lines (`list --format jsonl`) and use `lightfield import`, \
                     which resumes without writing a row twice"
                        .into(),
                ));
            }
        },
        other => other,
    };
    let Value::Object(record) = record else {
        return Err(Failure::Local(
            "the JSON is not an object (a record)".into(),
        ));
    };
    let mut body = Body::default();
    let nested = record.contains_key("fields") || record.contains_key("relationships");
    if nested {
        if let Some(Value::Object(fields)) = record.get("fields") {
            for (key, value) in fields {
                add_field(&mut body, key, field_value(value), definitions);
            }
        }
        if let Some(Value::Object(links)) = record.get("relationships") {
            for (key, value) in links {
                add_link(&mut body, key, value, definitions)?;
            }
        }
    } else {
        for (key, value) in &record {
            if METADATA.contains(&key.as_str()) {
                continue;
            }
            let is_link = definitions.is_some_and(|d| d.relationships.contains_key(key));
            if is_link {
                add_link(&mut body, key, value, definitions)?;
            } else {
                add_field(&mut body, key, value.clone(), definitions);
            }
        }
    }
    Ok(body)
}

/// A record's own keys in a flat object, which are not fields.
const METADATA: [&str; 7] = [
    "id",
    "createdAt",
    "updatedAt",
    "httpLink",
    "objectType",
    "accessLevel",
    "externalId",
];

/// A field's value as `get` prints it (`{"value": …, "valueType": …}`) or as sent.
fn field_value(value: &Value) -> Value {
    match value {
        Value::Object(field) if field.contains_key("valueType") => {
            field.get("value").cloned().unwrap_or(Value::Null)
        }
        other => other.clone(),
    }
}

fn add_field(body: &mut Body, key: &str, value: Value, definitions: Option<&Definitions>) {
    if definitions
        .and_then(|d| d.field(key))
        .is_some_and(|f| f.read_only)
    {
        body.skipped.insert(key.to_string());
        return;
    }
    // A value `get` printed as empty (null, or an empty list) sets nothing on a new record.
    let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
    if !empty {
        body.fields.insert(key.to_string(), InputValue::from(value));
    }
}

fn add_link(
    body: &mut Body,
    key: &str,
    value: &Value,
    definitions: Option<&Definitions>,
) -> Result<(), Failure> {
    if definitions
        .and_then(|d| d.relationships.get(key))
        .is_some_and(|r| r.read_only)
    {
        body.skipped.insert(key.to_string());
        return Ok(());
    }
    // As `get` prints it: `{"cardinality": …, "values": [ids]}`.
    let ids = match value {
        Value::Object(link) => link.get("values").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    let ids: Vec<String> = match ids {
        Value::Null => Vec::new(),
        Value::String(id) => vec![id],
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| Failure::Local(format!("relationship `{key}`: ids must be strings")))?,
        other => {
            return Err(Failure::Local(format!(
                "relationship `{key}`: `{other}` is not an id or a list of ids"
            )));
        }
    };
    match ids.len() {
        0 => {}
        1 => {
            body.links.insert(
                key.to_string(),
                Ids::One(ids.into_iter().next().unwrap_or_default()),
            );
        }
        _ => {
            body.links.insert(key.to_string(), Ids::Many(ids));
        }
    }
    Ok(())
}

/// The ids a command was given, and whether it answers with a list: several ids, or `-`
/// (however many lines it reads), print `{"data": [...]}`; one id prints the record. A
/// pipeline's shape never depends on how many records a filter matched.
pub struct AskedIds {
    pub ids: Vec<String>,
    pub list: bool,
}

/// Record ids from the command line; a `-` among them reads more from standard input, one
/// per line, or JSON lines with an `id` (as `list --format jsonl` prints them).
pub fn ids(given: &[String]) -> Result<AskedIds, Failure> {
    let mut out = Vec::new();
    for id in given {
        if id != "-" {
            out.push(id.clone());
            continue;
        }
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| Failure::Local(format!("cannot read ids: {e}")))?;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let id = match serde_json::from_str::<Value>(line) {
                Ok(Value::Object(record)) => record
                    .get("id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| Failure::Local(format!("`{line}` has no `id`")))?,
                _ => line.to_string(),
            };
            out.push(id);
        }
    }
    Ok(AskedIds {
        list: given.len() > 1 || given.iter().any(|g| g == "-"),
        ids: out,
    })
}

/// What to add and remove so that a relationship holding `now` holds `wanted`, each in the
/// order given.
pub fn link_changes(now: &[String], wanted: &[String]) -> (Vec<String>, Vec<String>) {
    let add = wanted.iter().filter(|id| !now.contains(id)).cloned();
    let remove = now.iter().filter(|id| !wanted.contains(id)).cloned();
    (add.collect(), remove.collect())
}
