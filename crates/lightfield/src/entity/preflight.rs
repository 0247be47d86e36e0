//! Checking a write against the organisation's definitions, before it is sent: unknown
//! keys (with a "did you mean"), values that do not fit their field's type, select values
//! that are neither an option's label nor its id, address keys the API does not have,
//! read-only fields and relationships, a required key cleared by an update, several ids (or
//! an `add`) on a relationship that links one record, and an id that looks like two.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::client::Client;
use crate::definitions::{Definitions, FieldDefinition};
use crate::entity::{Cardinality, Ids, ObjectType, RelationshipChange};
use crate::error::{Error, Result};
use crate::value::{InputValue, ValueType};

/// Why a write does not fit the definitions.
enum Problem {
    /// A key or option the definitions do not have: perhaps the cache is stale.
    Unknown(String),
    /// Anything else: the write is wrong whatever the cache's age.
    Wrong(String),
}

/// The write's relationships, as a create or an update holds them.
pub(crate) enum Links<'a> {
    Create(&'a BTreeMap<String, Ids>),
    Update(&'a BTreeMap<String, RelationshipChange>),
}

/// What a write asks of the definitions before it is sent.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Preflight {
    /// Check it against the definitions.
    pub(crate) check: bool,
    /// Send select values as option ids (implies `check`).
    pub(crate) option_ids: bool,
}

impl Preflight {
    /// A check against the definitions, changing nothing (for a dry run).
    pub(crate) fn check_only() -> Self {
        Self {
            check: true,
            option_ids: false,
        }
    }

    /// Checks the write (refusing with [`Error::InvalidInput`], nothing sent, when it does
    /// not fit) and, when asked, rewrites select labels as option ids — with one lookup of
    /// the definitions for both.
    pub(crate) async fn run(
        self,
        client: &Client,
        object: &ObjectType,
        fields: &mut BTreeMap<String, InputValue>,
        links: Links<'_>,
    ) -> Result<()> {
        if !(self.check || self.option_ids) {
            return Ok(());
        }
        let definitions = check(client, object, fields, links).await?;
        resolve_options(&definitions, fields, self.option_ids);
        Ok(())
    }
}

/// Checks a write; answers the definitions it was checked against.
async fn check(
    client: &Client,
    object: &ObjectType,
    fields: &BTreeMap<String, InputValue>,
    links: Links<'_>,
) -> Result<Arc<Definitions>> {
    let definitions = client.schema(object.clone()).await?;
    let (definitions, problem) = match first_problem(&definitions, object, fields, &links) {
        None => return Ok(definitions),
        // The server may know a key the cached copy does not: look again, once.
        Some((_, Problem::Unknown(_))) => {
            let fresh = client.schema_within(object, Duration::ZERO).await?;
            let problem = first_problem(&fresh, object, fields, &links);
            (fresh, problem)
        }
        Some(wrong) => (definitions, Some(wrong)),
    };
    match problem {
        None => Ok(definitions),
        Some((key, Problem::Unknown(why) | Problem::Wrong(why))) => Err(Error::invalid_param(
            key,
            format!("{why} (checked against the organisation's definitions; nothing was sent)"),
        )),
    }
}

fn first_problem(
    definitions: &Definitions,
    object: &ObjectType,
    fields: &BTreeMap<String, InputValue>,
    links: &Links<'_>,
) -> Option<(String, Problem)> {
    let updating = matches!(links, Links::Update(_));
    for (key, value) in fields {
        if updating && *value == InputValue::Null && object.required_keys().contains(&key.as_str())
        {
            return Some((
                key.clone(),
                Problem::Wrong(format!(
                    "`{key}` is required for {}: an update cannot clear it; give it a new value",
                    object.plural()
                )),
            ));
        }
        let Some(field) = definitions.field(key) else {
            if let Some(relationship) = definitions.relationship(key) {
                return Some((
                    key.clone(),
                    Problem::Wrong(format!(
                        "`{key}` is a relationship of {} (to {} records), not a field: link \
                         it with `relationship` on a create, `add` or `replace` on an update",
                        object.plural(),
                        relationship.object_type
                    )),
                ));
            }
            return Some((
                key.clone(),
                unknown(object, "field", key, definitions.fields.keys()),
            ));
        };
        if field.read_only {
            return Some((
                key.clone(),
                Problem::Wrong(format!(
                    "field `{key}` is read-only for {}",
                    object.plural()
                )),
            ));
        }
        if let Some(problem) = value_problem(key, field, value) {
            return Some((key.clone(), problem));
        }
    }
    let keys: Vec<(&String, Option<usize>)> = match links {
        Links::Create(map) => map.iter().map(|(k, ids)| (k, Some(ids.len()))).collect(),
        Links::Update(map) => map
            .iter()
            .map(|(k, change)| (k, change.add.as_ref().map(Ids::len)))
            .collect(),
    };
    let named: Vec<(&String, &str)> = match links {
        Links::Create(map) => map
            .iter()
            .flat_map(|(k, ids)| ids.as_slice().iter().map(move |id| (k, id.as_str())))
            .collect(),
        Links::Update(map) => map
            .iter()
            .flat_map(|(k, change)| change.ids().map(move |id| (k, id)))
            .collect(),
    };
    if let Some((key, id)) = named
        .into_iter()
        .find(|(_, id)| id.contains(|c: char| c.is_whitespace() || c == ',' || c == ';'))
    {
        return Some((
            key.clone(),
            Problem::Wrong(format!(
                "`{id}` looks like more than one record id: give each id apart (a list of ids)"
            )),
        ));
    }
    for (key, count) in keys {
        let Some(relationship) = definitions.relationships.get(key) else {
            return Some((
                key.clone(),
                unknown(
                    object,
                    "relationship",
                    key,
                    definitions.relationships.keys(),
                ),
            ));
        };
        if relationship.read_only {
            return Some((
                key.clone(),
                Problem::Wrong(format!(
                    "relationship `{key}` is read-only for {}; link it from the {} record",
                    object.plural(),
                    relationship.object_type
                )),
            ));
        }
        if relationship.cardinality == Cardinality::HasOne && count.is_some_and(|n| n > 1) {
            return Some((
                key.clone(),
                Problem::Wrong(format!(
                    "relationship `{key}` links one {} at most",
                    relationship.object_type
                )),
            ));
        }
        if relationship.cardinality == Cardinality::HasOne && updating && count.is_some() {
            return Some((
                key.clone(),
                Problem::Wrong(format!(
                    "relationship `{key}` links one {}: `add` cannot link a second beside \
                     it; `replace` links another in its place",
                    relationship.object_type
                )),
            ));
        }
    }
    None
}

/// A key the definitions do not have, with the closest one they do.
fn unknown<'a>(
    object: &ObjectType,
    kind: &str,
    key: &str,
    known: impl Iterator<Item = &'a String>,
) -> Problem {
    Problem::Unknown(format!(
        "{} have no {kind} `{key}`{}",
        object.plural(),
        did_you_mean(key, known.map(String::as_str))
    ))
}

/// Whether `value` fits `field`, by its value type.
fn value_problem(key: &str, field: &FieldDefinition, value: &InputValue) -> Option<Problem> {
    let wrong = |expected: &str| {
        Some(Problem::Wrong(format!(
            "`{key}` is a {} field and takes {expected}",
            field.value_type
        )))
    };
    let option = |text: &str| -> Option<Problem> {
        if field.option(text).is_some() {
            return None;
        }
        let labels: Vec<&str> = field.options.iter().map(|o| o.label.as_str()).collect();
        Some(Problem::Unknown(format!(
            "`{text}` is not an option of `{key}`{} (options: {})",
            did_you_mean(text, labels.iter().copied()),
            labels.join(", ")
        )))
    };
    // JSON given as such is read as the typed value it is, so it is checked the same way.
    let normalized = match value {
        InputValue::Raw(serde_json::Value::String(s)) => InputValue::Text(s.clone()),
        InputValue::Raw(serde_json::Value::Number(n)) => InputValue::Number(n.clone()),
        InputValue::Raw(serde_json::Value::Bool(b)) => InputValue::Bool(*b),
        InputValue::Raw(serde_json::Value::Null) => InputValue::Null,
        InputValue::Raw(object @ serde_json::Value::Object(_)) => match field.value_type {
            ValueType::Address => serde_json::from_value(object.clone())
                .map_or_else(|_| value.clone(), |a| InputValue::Address(Box::new(a))),
            ValueType::FullName => serde_json::from_value(object.clone())
                .map_or_else(|_| value.clone(), InputValue::FullName),
            _ => value.clone(),
        },
        InputValue::Raw(serde_json::Value::Array(items)) if items.iter().all(|i| i.is_string()) => {
            InputValue::List(
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
            )
        }
        other => other.clone(),
    };
    match (&field.value_type, &normalized) {
        // Null clears on update and leaves unset on create.
        (_, InputValue::Null) => None,
        // A type this SDK does not know: the server judges.
        (ValueType::Other(_), _) => None,
        (ValueType::Number | ValueType::Currency, InputValue::Number(_)) => None,
        (ValueType::Number | ValueType::Currency, _) => wrong("a number"),
        (ValueType::Checkbox, InputValue::Bool(_)) => None,
        (ValueType::Checkbox, _) => wrong("true or false"),
        (ValueType::DateTime, InputValue::Text(text)) => {
            use time::format_description::well_known::Rfc3339;
            match time::OffsetDateTime::parse(text, &Rfc3339) {
                Ok(_) => None,
                Err(_) => wrong("an RFC 3339 date-time such as 2026-03-01T09:00:00Z"),
            }
        }
        (ValueType::DateTime, _) => wrong("an RFC 3339 date-time"),
        (ValueType::SingleSelect, InputValue::Text(text)) => option(text),
        (ValueType::SingleSelect, _) => wrong("one option label or id"),
        (ValueType::MultiSelect, InputValue::List(items)) => items.iter().find_map(|i| option(i)),
        (ValueType::MultiSelect, InputValue::Text(text)) => option(text),
        (ValueType::MultiSelect, _) => wrong("a list of option labels or ids"),
        (ValueType::Address, InputValue::Address(address)) => {
            address.extra.keys().next().map(|unknown| {
                Problem::Wrong(format!(
                    "`{key}` is an address, which has no `{unknown}`: its keys are street, \
                     street2, city, state, postalCode, country, latitude and longitude"
                ))
            })
        }
        (ValueType::Address, _) => wrong("an address"),
        (ValueType::FullName, InputValue::FullName(_)) => None,
        (ValueType::FullName, _) => wrong("a first and last name"),
        (ValueType::Email, InputValue::Text(text)) if !text.contains('@') => {
            wrong("an email address")
        }
        (ValueType::Email, InputValue::List(items)) if items.iter().any(|i| !i.contains('@')) => {
            wrong("email addresses")
        }
        (_, InputValue::List(_)) if !field.multiple_values => wrong("one value, not a list"),
        (
            ValueType::Text
            | ValueType::Markdown
            | ValueType::Email
            | ValueType::Url
            | ValueType::Telephone
            | ValueType::SocialHandle,
            InputValue::Text(_) | InputValue::List(_),
        ) => None,
        (
            ValueType::Text
            | ValueType::Markdown
            | ValueType::Email
            | ValueType::Url
            | ValueType::Telephone
            | ValueType::SocialHandle,
            _,
        ) => wrong("text"),
    }
}

/// `, did you mean `x`?` for the known name closest to `key`, when one is close.
fn did_you_mean<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> String {
    crate::definitions::closest(key, known)
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// Writes each select value as its option is named: its id when `to_ids` (for servers or
/// integrations that want ids), else its label exactly as defined when it was given in
/// another case (`gold` is sent as `Gold`; an id or exact label stays as given).
fn resolve_options(
    definitions: &Definitions,
    fields: &mut BTreeMap<String, InputValue>,
    to_ids: bool,
) {
    for (key, value) in fields.iter_mut() {
        let Some(field) = definitions.field(key).filter(|f| !f.options.is_empty()) else {
            continue;
        };
        let named = |text: &str| match field.option(text) {
            Some(o) if to_ids => o.id.clone(),
            Some(o) if text != o.id => o.label.clone(),
            _ => text.to_string(),
        };
        match value {
            InputValue::Text(text) => *text = named(text),
            InputValue::List(items) => items.iter_mut().for_each(|i| *i = named(i)),
            _ => {}
        }
    }
}
