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
    let id = route.param("id");
    let body = body.unwrap_or(&Value::Null);
    if route.op.id.starts_with("sender_") || route.op.id.starts_with("sequence_") {
        let sub = ["enrollmentId", "messageId", "testId"]
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
        "workflow_run_status" => Ok(store.runs.workflow_status(id)),
        "enrichment_start" => Runs::enrich(
            store,
            route.param("entitySlug"),
            route.param("entityId"),
            Some(body),
        ),
        "enrichment_retrieve" => store.runs.enrichment(id),
        "merge_accounts" => Runs::merge(store, "account", body),
        "merge_contacts" => Runs::merge(store, "contact", body),
        "merge_opportunities" => Runs::merge(store, "opportunity", body),
        "merge_objects" => {
            let slug = route.param("slug").to_string();
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
        route.param("slug")
    } else {
        kind
    };
    let collection = store.collection_mut(object_type).ok_or_else(|| {
        ApiError::not_found(format!(
            "this organisation has no object type `{object_type}`"
        ))
    })?;
    let body = body.unwrap_or(&Value::Null);
    let id = route.param("id");
    match action {
        "create" => collection.create(body),
        "update" => collection.update(id, body),
        "retrieve" => collection.get(id),
        "delete" => collection.delete(id),
        "restore" => collection.restore(id),
        "definitions" => Ok(collection.schema.definitions_json()),
        "list" => {
            let p = list_params(query, 25, 25)?;
            collection.list(p.status, p.offset, p.limit, &p.filters)
        }
        "field_history" => {
            let p = list_params(query, 100, 20)?;
            collection.history(id, route.param("fieldKey"), p.after.as_deref(), p.limit)
        }
        _ => Err(ApiError::not_found(format!(
            "the mock does not serve `{}` yet",
            route.op.id
        ))),
    }
}
