//! What each operation does to the organisation's data, once the HTTP pipeline has
//! admitted the request.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::entity::{Collection, Status};
use crate::error::ApiError;
use crate::resources::files::FileStore;
use crate::resources::lists;
use crate::resources::mail;
use crate::resources::outreach::{self, Outreach};
use crate::resources::runs::{self, Runs};
use crate::routes::Route;
use crate::seeds;

/// Every collection of the organisation.
#[derive(Debug)]
pub struct Store {
    collections: Vec<Collection>,
    pub files: FileStore,
    pub runs: Runs,
    pub outreach: Outreach,
    /// Message-IDs of logged emails, with the email's id.
    pub logged_message_ids: HashMap<String, String>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            collections: seeds::collections(),
            files: FileStore::default(),
            runs: Runs::default(),
            outreach: Outreach::default(),
            logged_message_ids: HashMap::new(),
        }
    }
}

impl Store {
    /// The collection of `object_type` (a built-in type or a custom object's slug).
    pub fn collection(&self, object_type: &str) -> Option<&Collection> {
        self.collections
            .iter()
            .find(|c| c.schema.object_type == object_type)
    }

    pub fn collection_mut(&mut self, object_type: &str) -> Option<&mut Collection> {
        self.collections
            .iter_mut()
            .find(|c| c.schema.object_type == object_type)
    }
}

fn bad_param(name: &str, message: &str) -> ApiError {
    ApiError::bad_request("invalid_parameter", name, message)
}

/// Paging, status and filters of a list, from its query pairs.
struct ListParams {
    offset: usize,
    limit: usize,
    after: Option<String>,
    status: Status,
    filters: Vec<(String, String)>,
}

fn list_params(
    params: &[(String, String)],
    max_limit: usize,
    default_limit: usize,
) -> Result<ListParams, ApiError> {
    let mut out = ListParams {
        offset: 0,
        limit: default_limit,
        after: None,
        status: Status::Active,
        filters: Vec::new(),
    };
    for (k, v) in params {
        match k.as_str() {
            "offset" => {
                out.offset = v.parse().map_err(|_| {
                    bad_param("offset", "`offset` must be a whole number of 0 or more")
                })?;
            }
            "limit" => {
                out.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=max_limit).contains(n))
                    .ok_or_else(|| {
                        bad_param(
                            "limit",
                            &format!("`limit` must be between 1 and {max_limit}"),
                        )
                    })?;
            }
            "after" => out.after = Some(v.clone()),
            "status" => {
                out.status = match v.as_str() {
                    "active" => Status::Active,
                    "trashed" => Status::Trashed,
                    _ => return Err(bad_param("status", "`status` is `active` or `trashed`")),
                };
            }
            _ => out.filters.push((k.clone(), v.clone())),
        }
    }
    Ok(out)
}

/// `offset` and `limit` (1..=25) of an offset-paged list.
pub fn page_params(query: &[(String, String)]) -> Result<(usize, usize), ApiError> {
    let p = list_params(query, 25, 25)?;
    Ok((p.offset, p.limit))
}

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
