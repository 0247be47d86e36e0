//! The shapes of Preview answers, as the API gives them: filtered pages of senders,
//! sequences, enrollments and messages; sequence definitions completed with what the API
//! fills in; ids as `{id, objectType}` references.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::params::page_params;

/// The items that pass the list's filters: `key[equal]=v` or `key=v` (the item's `key` is
/// `v`; `archived` asks whether `archivedAt` is set) and `key[contains]=v` (its list holds
/// `v`), on the keys the operation filters by. Filters combine with AND.
pub(super) fn filtered(
    items: &[Value],
    query: &[(String, String)],
    keys: &[&str],
) -> Result<Vec<Value>, ApiError> {
    let mut kept: Vec<Value> = items.to_vec();
    for (name, wanted) in query {
        if name == "limit" || name == "offset" {
            continue;
        }
        let (key, op) = match name.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']')),
            None => (name.as_str(), "equal"),
        };
        if !keys.contains(&key) || !matches!(op, "equal" | "contains") {
            return Err(ApiError::bad_request(
                "invalid_filter",
                name.clone(),
                format!("`{name}` is not a filter of this list"),
            ));
        }
        kept.retain(|item| match (key, op) {
            ("archived", _) => (!item["archivedAt"].is_null()).to_string() == *wanted,
            (_, "contains") => item[key]
                .as_array()
                .is_some_and(|l| l.iter().any(|v| v == wanted.as_str())),
            _ => match &item[key] {
                Value::String(s) => s == wanted,
                other => *other == serde_json::from_str::<Value>(wanted).unwrap_or(Value::Null),
            },
        });
    }
    Ok(kept)
}

pub(super) fn paged(items: &[Value], query: &[(String, String)]) -> Result<Value, ApiError> {
    let (offset, limit) = page_params(query)?;
    let data: Vec<&Value> = items.iter().skip(offset).take(limit).collect();
    Ok(json!({"object": "list", "data": data, "totalCount": items.len()}))
}

const STEP_TYPES: [&str; 5] = [
    "EMAIL",
    "LINKEDIN_MESSAGE",
    "LINKEDIN_INVITE",
    "WAIT",
    "WAIT_FOR_CONNECTION",
];

/// A definition as the API stores it: checked, with the parts the caller left out filled in
/// (messaging, pacing, priority, send window, each step's `id` and `mode`).
pub(super) fn complete(definition: &Value, next_step: &mut u64) -> Result<Value, ApiError> {
    let bad = |param: &str, message: &str| {
        ApiError::bad_request(
            "invalid_value",
            format!("definition.{param}"),
            message.to_string(),
        )
    };
    let Some(description) = definition["description"].as_str() else {
        return Err(bad("description", "`description` is required"));
    };
    let Some(steps) = definition["steps"].as_array() else {
        return Err(bad("steps", "`steps` is a list"));
    };
    let mut filled = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let mut step = step.clone();
        let kind = step["type"].as_str().unwrap_or("").to_string();
        let kind = kind.as_str();
        if !STEP_TYPES.contains(&kind) {
            return Err(bad(
                &format!("steps.{i}.type"),
                "a step is EMAIL, LINKEDIN_MESSAGE, LINKEDIN_INVITE, WAIT or WAIT_FOR_CONNECTION",
            ));
        }
        if step["id"].is_null() {
            *next_step += 1;
            step["id"] = json!(format!("stp_{:010}", next_step));
        }
        if !kind.starts_with("WAIT") {
            if step["mode"].is_null() {
                step["mode"] = json!(if step.get("template").is_some() {
                    "TEMPLATE"
                } else {
                    "AGENT"
                });
            }
            if kind == "LINKEDIN_INVITE" && step["includeNote"].is_null() {
                step["includeNote"] = json!(false);
            }
        }
        filled.push(step);
    }
    let or = |key: &str, default: Value| match &definition[key] {
        Value::Null => default,
        given => given.clone(),
    };
    Ok(json!({
        "description": description,
        "steps": filled,
        "messaging": or("messaging", json!({"callToAction": null, "persona": null, "trigger": null, "valueProp": null})),
        "pacing": or("pacing", json!({"EMAIL": {"dailyLimit": null}, "LINKEDIN_INVITE": {"dailyLimit": null}, "LINKEDIN_MESSAGE": {"dailyLimit": null}})),
        "priority": or("priority", json!("NORMAL")),
        "sendWindow": or("sendWindow", json!({"daysOfWeek": [1, 2, 3, 4, 5], "startHour": 9, "endHour": 17, "timezone": "UTC"})),
    }))
}

/// The channels a definition's steps send on.
pub(super) fn channels(definition: Option<&Value>) -> Vec<&'static str> {
    let steps = definition
        .and_then(|d| d["steps"].as_array())
        .into_iter()
        .flatten();
    let mut out = Vec::new();
    for step in steps {
        let channel = match step["type"].as_str() {
            Some("EMAIL") => "EMAIL",
            Some(t) if t.starts_with("LINKEDIN") => "LINKEDIN",
            _ => continue,
        };
        if !out.contains(&channel) {
            out.push(channel);
        }
    }
    out
}

pub(super) fn refs(ids: &[String], object_type: &str) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "objectType": object_type}))
            .collect(),
    )
}

pub(super) fn ids_of(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// Applies `{"add": [...], "remove": [...]}` to a set of ids.
pub(super) fn change_set(set: &mut Vec<String>, change: &Value) {
    for id in ids_of(change, "add") {
        if !set.contains(&id) {
            set.push(id);
        }
    }
    let gone = ids_of(change, "remove");
    set.retain(|id| !gone.contains(id));
}
