//! One row's write: built from its plan, sent with its key, and read back as what became
//! of it. Also the natural-key lookup of `--match`.
//!
//! An update states the whole set of links a row lists: ids the record has that the row
//! no longer lists are removed (the change is worked out against the record as it is now);
//! a single link (an owner) is replaced.

use futures_util::TryStreamExt;
use lightfield::{Create, Definitions, Error, Ids, InputValue, Record, Records, Response, Update};
use serde_json::Value;

use super::rows::Plan;
use crate::exit::Failure;

/// How a row that was sent ended.
pub enum Sent {
    Created(String),
    Updated(String),
    /// The server had this write already (same key): it answered the first one again.
    Replayed(String),
    /// Refused for the row's own data.
    Refused(String),
}

/// The write a row's plan asks for.
enum RowWrite {
    Create(Create<Record>),
    Update(Update<Record>),
}

/// The write of `plan`; an update's links are stated against `current`, the record as it
/// is now (`None` when the row lists no links, or for a dry run, where links only add).
fn build(records: &Records<Record>, plan: Plan, current: Option<&Record>) -> RowWrite {
    let Some(id) = plan.id else {
        let mut create = records.create();
        for (field, value) in plan.fields {
            create = create.field(field, value);
        }
        for (link, ids) in plan.links {
            create = create.relationship(link, ids_of(ids));
        }
        return RowWrite::Create(create);
    };
    let mut update = records.update(id);
    for (field, value) in plan.fields {
        update = match value {
            InputValue::Null => update.clear(field),
            value => update.field(field, value),
        };
    }
    for (link, ids) in plan.links {
        if ids.is_empty() {
            // `<clear>` (or a JSON null): unlink every record.
            update = update.clear_relationship(link);
            continue;
        }
        if plan.single.contains(&link) && ids.len() == 1 {
            update = update.replace(link, ids[0].clone());
            continue;
        }
        let now = current.map_or(&[][..], |r| r.related(&link));
        let (add, remove) = crate::values::link_changes(now, &ids);
        if !add.is_empty() {
            update = update.add(link.clone(), ids_of(add));
        }
        if !remove.is_empty() {
            update = update.remove(link, ids_of(remove));
        }
    }
    RowWrite::Update(update)
}

/// Sends one row with `key`. Only a refusal of the row's own data (its values, its id) in
/// the API's error shape is an answer for the rejects file; anything else (a key revoked,
/// a conflict with an earlier attempt still running, a redirect, a page from something
/// that is not the API, a timeout, the rate limit or the network) stops the import, to be
/// re-run once fixed, and nothing is lost.
pub async fn send(records: &Records<Record>, plan: Plan, key: String) -> Result<Sent, Failure> {
    let replayed = |r: &Response<Record>| {
        r.headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    };
    let current = match (&plan.id, plan.links.is_empty()) {
        (Some(id), false) => match records.retrieve(id.clone()).send().await {
            Ok(record) => Some(record),
            Err(e) if refuses_the_row(&e) => return Ok(Sent::Refused(reason(&e))),
            Err(e) => return Err(e.into()),
        },
        _ => None,
    };
    let result = match build(records, plan, current.as_ref()) {
        RowWrite::Update(update) => {
            update
                .idempotency_key(key)
                .send_with_response()
                .await
                .map(|r| match replayed(&r) {
                    true => Sent::Replayed(r.into_inner().id),
                    false => Sent::Updated(r.into_inner().id),
                })
        }
        RowWrite::Create(create) => {
            create
                .idempotency_key(key)
                .send_with_response()
                .await
                .map(|r| match replayed(&r) {
                    true => Sent::Replayed(r.into_inner().id),
                    false => Sent::Created(r.into_inner().id),
                })
        }
    };
    match result {
        Ok(sent) => Ok(sent),
        Err(e) if refuses_the_row(&e) => Ok(Sent::Refused(reason(&e))),
        Err(other) => Err(other.into()),
    }
}

/// Checks a row's write against the definitions, as it would be sent; sends nothing.
pub async fn check(records: &Records<Record>, plan: Plan) -> Result<(), String> {
    let outcome = match build(records, plan, None) {
        RowWrite::Update(update) => update.dry_run().await,
        RowWrite::Create(create) => create.dry_run().await,
    };
    outcome.map_err(|e| match e {
        Error::InvalidInput { reason: why, .. } => why,
        other => other.to_string(),
    })
}

/// Whether an error is a refusal of the row itself, so that the same row will be refused
/// again: a bad value, an unknown id, a conflict with data already stored, answered in the
/// API's error shape (a 404 page from a gateway is not the API speaking of the row), or
/// refused by the SDK before sending.
fn refuses_the_row(error: &Error) -> bool {
    use lightfield::ErrorKind as K;
    match error {
        Error::Api(api) => {
            !api.error_type.is_empty()
                && matches!(
                    api.kind,
                    K::BadRequest | K::NotFound | K::Conflict | K::Unprocessable
                )
        }
        Error::InvalidInput { .. } => true,
        _ => false,
    }
}

fn reason(error: &Error) -> String {
    match error {
        Error::Api(api) => match &api.param {
            Some(param) => format!("{} (`{param}`)", api.message),
            None => api.message.clone(),
        },
        Error::InvalidInput { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

fn ids_of(mut ids: Vec<String>) -> Ids {
    if ids.len() == 1 {
        Ids::One(ids.pop().unwrap_or_default())
    } else {
        Ids::Many(ids)
    }
}

/// What a `--match` lookup found.
pub enum Found {
    None,
    One(String),
    Several(Vec<String>),
}

/// Looks up the records whose `key` holds the value `plan` writes there. The list is
/// filtered by the server with the key's default operator (which may be `contains`), and
/// the candidates compared exactly here: the same text (emails, links and domains without
/// regard to case), number or choice. A multi-value field matches when one of its values
/// does.
pub async fn lookup(
    records: &Records<Record>,
    definitions: &Definitions,
    key: &str,
    plan: &Plan,
) -> Result<Result<Found, String>, Failure> {
    let Some(value) = plan.fields.get(key).map(InputValue::to_json) else {
        return Ok(Err(format!(
            "has no `{key}` to match on: fill it in, or import without --match"
        )));
    };
    let text = match &value {
        Value::String(s) => s.clone(),
        Value::Array(items) if items.len() == 1 => match &items[0] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        Value::Number(_) | Value::Bool(_) => value.to_string(),
        _ => {
            return Ok(Err(format!(
                "`{key}` holds a value --match cannot look up (`{value}`)"
            )));
        }
    };
    // Addresses and links are the same whatever their case.
    let loose = definitions
        .field(key)
        .is_some_and(|f| matches!(f.value_type.as_api(), "EMAIL" | "URL" | "DOMAIN"));
    let same = |a: &str| match loose {
        true => a.trim().eq_ignore_ascii_case(text.trim()),
        false => a.trim() == text.trim(),
    };
    let candidates: Vec<Record> = records
        .list()
        .filter_default(key, &text)
        .max_items(100)
        .stream()
        .try_collect()
        .await?;
    let ids: Vec<String> = candidates
        .into_iter()
        .filter(|r| {
            let held = r.to_json()["fields"][key]["value"].clone();
            let values: Vec<Value> = match held {
                Value::Array(items) => items,
                one => vec![one],
            };
            values.iter().any(|v| match v {
                Value::String(s) => same(s),
                other => same(&other.to_string()),
            })
        })
        .map(|r| r.id)
        .collect();
    Ok(Ok(match ids.len() {
        0 => Found::None,
        1 => Found::One(ids.into_iter().next().unwrap_or_default()),
        _ => Found::Several(ids),
    }))
}
