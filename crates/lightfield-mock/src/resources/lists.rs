//! Lists: one member type each, members under the key of that type, read through the
//! member endpoints.

use serde_json::Value;

use super::Store;
use crate::error::ApiError;
use crate::params::page_params;

const MEMBER_KEYS: [(&str, &str); 3] = [
    ("account", "$accounts"),
    ("contact", "$contacts"),
    ("opportunity", "$opportunities"),
];

/// The member key of a list type, in its current form (`$account`) or the deprecated bare
/// slug (`account`), both of which the API accepts.
fn key_of(object_type: &str) -> Option<&'static str> {
    let object_type = object_type.strip_prefix('$').unwrap_or(object_type);
    MEMBER_KEYS
        .iter()
        .find(|(t, _)| *t == object_type)
        .map(|(_, k)| *k)
}

/// A create must put members only under the key that matches `$objectType`.
pub fn check_create(body: &Value) -> Result<(), ApiError> {
    let object_type = body["fields"]["$objectType"].as_str().unwrap_or("");
    let key = key_of(object_type).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_value",
            "fields.$objectType",
            "`$objectType` is `$account`, `$contact` or `$opportunity`",
        )
    })?;
    check_keys(body, key)
}

/// An update may change only the members of the list's own type.
pub fn check_update(store: &Store, id: &str, body: &Value) -> Result<(), ApiError> {
    let list = store
        .collection("list")
        .ok_or_else(|| ApiError::not_found("no lists"))?
        .get(id)?;
    let object_type = list["fields"]["$objectType"]["value"]
        .as_str()
        .unwrap_or("");
    match key_of(object_type) {
        Some(key) => check_keys(body, key),
        None => Ok(()),
    }
}

fn check_keys(body: &Value, allowed: &str) -> Result<(), ApiError> {
    let keys = body["relationships"].as_object().into_iter().flatten();
    for (key, _) in keys {
        if key != allowed {
            return Err(ApiError::bad_request(
                "invalid_relationship",
                format!("relationships.{key}"),
                format!("this list holds `{allowed}`; `{key}` does not match its type"),
            ));
        }
    }
    Ok(())
}

/// One page of the members of list `id` of `object_type`.
pub fn members(
    store: &Store,
    id: &str,
    object_type: &str,
    query: &[(String, String)],
) -> Result<Value, ApiError> {
    let (offset, limit) = page_params(query)?;
    let key = key_of(object_type).unwrap_or("");
    let ids = store
        .collection("list")
        .ok_or_else(|| ApiError::not_found("no lists"))?
        .linked(id, key)?;
    let records = store
        .collection(object_type)
        .ok_or_else(|| ApiError::not_found(format!("no {object_type} records")))?;
    Ok(records.page_of(&ids, offset, limit))
}
