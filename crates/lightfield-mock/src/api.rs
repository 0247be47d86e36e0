//! What each operation does to the organisation's data, once the HTTP pipeline has
//! admitted the request.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::params::list_params;
use crate::resources::Store;
use crate::resources::lists;
use crate::resources::mail;
use crate::resources::outreach;
use crate::resources::runs::{self, Runs};
use crate::routes::Route;
use crate::seeds;

/// Operations that are not plain record operations, by id; `None` when the route is a
/// record operation.
fn special(
    store: &mut Store,
    route: &Route,
    query: &[(String, String)],
    body: Option<&Value>,
) -> Option<Result<Value, ApiError>> {
    // A record's, a list's or a run's id, as the path names it.
    let id = ["id", "list_id", "run_id"]
        .iter()
        .map(|k| route.param(k))
        .find(|v| !v.is_empty())
        .unwrap_or("");
    let body = body.unwrap_or(&Value::Null);
    if route.op.id.starts_with("sender_") || route.op.id.starts_with("sequence_") {
        let sub = ["enrollment_id", "message_id", "test_id"]
            .iter()
            .map(|k| route.param(k))
            .find(|v| !v.is_empty())
            .unwrap_or("");
        return outreach::run(store, route.op.id, (id, sub), query, body);
    }
    Some(match route.op.id {
        "object_types" => {
            let data: Vec<Value> = seeds::CUSTOM_OBJECTS
                .iter()
                .map(|(slug, label)| json!({"objectType": slug, "label": label}))
                .collect();
            Ok(json!({"data": data}))
        }
        "file_create" => store.files.create(body),
        "file_retrieve" => store.files.get(id),
        "file_list" => store.files.list(query),
        "file_complete" => store.files.complete(id, body),
        "file_cancel" => store.files.cancel(id),
        "file_url" => store.files.url(id),
        "email_send" => mail::send(body),
        "email_draft" => mail::draft(body),
        "email_log" => mail::log(store, body),
        "auth_validate" => Ok(runs::validate()),
        "workflow_run_status" => store.runs.workflow_status(id),
        "enrichment_start" => Runs::enrich(
            store,
            route.param("entity_slug"),
            route.param("entity_id"),
            Some(body),
        ),
        "enrichment_retrieve" => store.runs.enrichment(id),
        "merge_accounts" => Runs::merge(store, "account", body),
        "merge_contacts" => Runs::merge(store, "contact", body),
        "merge_opportunities" => Runs::merge(store, "opportunity", body),
        "merge_objects" => {
            let slug = route.param("entity_slug").to_string();
            match store.collection(&slug) {
                Some(c) if c.schema.collection.starts_with("objects/") => {
                    Runs::merge(store, &slug, body)
                }
                _ => Err(ApiError::not_found(format!("no custom object `{slug}`"))),
            }
        }
        "merge_retrieve" => store.runs.merge_status(id),
        "list_accounts" => lists::members(store, id, "account", query),
        "list_contacts" => lists::members(store, id, "contact", query),
        "list_opportunities" => lists::members(store, id, "opportunity", query),
        "list_create" => match lists::check_create(body) {
            Ok(()) => return None,
            Err(e) => Err(e),
        },
        "list_update" => match lists::check_update(store, id, body) {
            Ok(()) => return None,
            Err(e) => Err(e),
        },
        _ => return None,
    })
}

/// Runs the operation of `route` with the decoded query and JSON body.
pub fn run(
    store: &mut Store,
    route: &Route,
    query: &[(String, String)],
    body: Option<&Value>,
) -> Result<Value, ApiError> {
    if let Some(answer) = special(store, route, query, body) {
        return answer;
    }
    let (kind, action) = route.parts();
    let object_type = if kind == "object" {
        route.param("entity_slug")
    } else {
        kind
    };
    if matches!(action, "create" | "update") {
        check_links(store, object_type, (action, route.param("id")), body)?;
    }
    let body = body.unwrap_or(&Value::Null);
    let id = route.param("id");
    if matches!(action, "create" | "update") {
        return write_linking_both_ends(store, object_type, action, id, body);
    }
    let view = store.listing;
    let collection = store.collection_mut(object_type).ok_or_else(|| {
        ApiError::not_found(format!(
            "this organisation has no object type `{object_type}`"
        ))
    })?;
    match action {
        "retrieve" => collection.get(id),
        "delete" => collection.delete(id),
        "restore" => collection.restore(id),
        "definitions" => Ok(collection.schema.definitions_json()),
        "list" => {
            let p = list_params(query, 25, 25)?;
            collection.list(view, p.status, (p.offset, p.limit), &p.filters)
        }
        "field_history" => {
            let p = list_params(query, 100, 20)?;
            collection.history(id, route.param("field_key"), p.after.as_deref(), p.limit)
        }
        _ => Err(ApiError::not_found(format!(
            "the mock does not serve `{}` yet",
            route.op.id
        ))),
    }
}

/// Refuses a create or update that links to a record which does not exist: the API keeps
/// relationships between real records. Ids being removed need not exist; a target type the
/// mock does not hold is not checked.
fn check_links(
    store: &Store,
    object_type: &str,
    (action, id): (&str, &str),
    body: Option<&Value>,
) -> Result<(), ApiError> {
    let (Some(collection), Some(links)) = (
        store.collection(object_type),
        body.and_then(|b| b.get("relationships"))
            .and_then(Value::as_object),
    ) else {
        return Ok(());
    };
    if action == "update" && collection.get(id).is_err() {
        return Ok(()); // the update itself answers 404
    }
    for (key, value) in links {
        let Some(def) = collection.schema.rels.iter().find(|r| r.key == key) else {
            continue;
        };
        let Some(targets) = store.collection(def.object_type) else {
            continue;
        };
        let linked = match action {
            "create" => vec![value],
            _ => ["add", "replace"]
                .iter()
                .filter_map(|op| value.get(op))
                .collect(),
        };
        let ids = linked.into_iter().flat_map(|v| match v {
            Value::String(id) => vec![id.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        });
        for id in ids {
            if targets.get(id).is_err() {
                return Err(ApiError::bad_request(
                    "invalid_value",
                    format!("relationships.{key}"),
                    format!(
                        "`{key}` cannot link to `{id}`: no {} has that id",
                        def.object_type
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A create or update, with each link it makes or breaks shown from the other end too.
fn write_linking_both_ends(
    store: &mut Store,
    object_type: &str,
    action: &str,
    id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let before = store.links_of(object_type, id);
    let collection = store.collection_mut(object_type).ok_or_else(|| {
        ApiError::not_found(format!(
            "this organisation has no object type `{object_type}`"
        ))
    })?;
    let answer = if action == "create" {
        collection.create(body)?
    } else {
        collection.update(id, body)?
    };
    if let Some(written) = answer["id"].as_str() {
        store.mirror_links(object_type, written, &before);
    }
    Ok(answer)
}
