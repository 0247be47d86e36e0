//! What each record command does, through the public API of the `lightfield` crate only:
//! reading and listing here; `write` (create, update, their dry runs), `merge`, and `open`
//! (a record's link in the app) in rooms of their own.

mod merge;
mod open;
mod write;

pub use open::{open, open_by_id};

use std::sync::Arc;

use futures_util::StreamExt;
use lightfield::{Client, Definitions, ObjectType, Record, RecordStatus, Records};
use serde_json::{Value, json};

use crate::args::{Action, DealAction, ListArgs, ReadAction, WriteAction};
use crate::exit::Failure;
use crate::output::Out;
use crate::{values, view};

pub(crate) type Outcome = Result<(), Failure>;

/// A record type by the name users type: singular or plural (`opportunity`,
/// `opportunities`), or a custom object's slug.
pub fn object_type(name: &str) -> ObjectType {
    let builtin = |n: &str| {
        let object = ObjectType::from_api(n);
        (!matches!(object, ObjectType::Custom(_))).then_some(object)
    };
    builtin(name)
        .or_else(|| {
            name.strip_suffix("ies")
                .and_then(|stem| builtin(&format!("{stem}y")))
        })
        .or_else(|| name.strip_suffix('s').and_then(builtin))
        .unwrap_or_else(|| ObjectType::Custom(name.to_string()))
}

/// The organisation's definitions of `object`, for reading `--field` values and labelling
/// views; `None` for a type the API does not describe (members, lists…).
pub async fn definitions(client: &Client, object: &ObjectType) -> Option<Arc<Definitions>> {
    let described = !matches!(
        object,
        ObjectType::Member
            | ObjectType::Email
            | ObjectType::Channel
            | ObjectType::Message
            | ObjectType::List
    );
    if !described {
        return None;
    }
    client.schema(object.clone()).await.ok()
}

/// Up to `limit` items of `list` (every one with `all`), fetching pages as needed; and how
/// many match in all, as the first page said.
pub async fn take<T: Send + 'static>(
    list: lightfield::Listing<T>,
    limit: u64,
    all: bool,
) -> Result<(Vec<T>, u64), Failure> {
    let wanted = if all { u64::MAX } else { limit };
    if wanted == 0 {
        return Ok((Vec::new(), list.send().await?.total_count));
    }
    // The first page says how many there are; the rest stream after it.
    let first = list.clone().send().await?;
    let total = first.total_count;
    let next = first.next_offset();
    let mut items = first.items;
    items.truncate(usize::try_from(wanted).unwrap_or(usize::MAX));
    let have = items.len() as u64;
    if let Some(next) = next.filter(|_| have < wanted) {
        let rest = list.offset(next);
        let rest = if all {
            rest
        } else {
            rest.max_items(wanted - have)
        };
        let mut stream = Box::pin(rest.stream());
        while let Some(item) = stream.next().await {
            items.push(item?);
        }
    }
    Ok((items, total))
}

/// One record operation on `object`.
pub async fn run(client: &Client, object: ObjectType, action: Action, out: &Out) -> Outcome {
    let records: Records<Record> = client.records_of(object.clone());
    let labels = || async {
        match out.format {
            crate::args::Format::Table => definitions(client, &object).await,
            _ => None,
        }
    };
    match action {
        Action::Read(ReadAction::List(args)) => {
            // Columns asked for are checked against the type's keys, not only the keys this
            // page holds: an empty page still has them.
            // Columns asked for are checked, and filter values read, by the type's keys.
            let known = if args.columns.is_empty() && args.filter.is_empty() {
                None
            } else {
                definitions(client, &object).await
            };
            list(&records, &object, args, known.as_deref(), out).await
        }
        Action::Read(ReadAction::Get(args)) => {
            let ids = values::ids(&args.ids)?;
            each(ids, out, labels, |id| records.retrieve(id).send()).await
        }
        Action::Read(ReadAction::Open { id, browser }) => {
            let record = records.retrieve(id).send().await?;
            open(&record, browser)
        }
        Action::Write(WriteAction::Create(args)) => {
            let definitions = definitions(client, &object).await;
            match write::create(&records, args, definitions.as_deref(), out).await? {
                Some(created) => out.record(&created, labels().await.as_deref()),
                None => Ok(()),
            }
        }
        Action::Write(WriteAction::Update(args)) => {
            let definitions = definitions(client, &object).await;
            match write::update(&records, args, definitions.as_deref(), out).await? {
                Some(updated) => out.record(&updated, labels().await.as_deref()),
                None => Ok(()),
            }
        }
        Action::Write(WriteAction::Delete(args)) => {
            let ids = values::ids(&args.ids)?;
            let asked = ids.ids.len();
            let outcome = each(ids, out, labels, |id| records.delete(id).send()).await;
            if outcome.is_ok() {
                // The answer is the record as it was: say where it went, and the way back.
                eprintln!("{}", view::trashed(asked));
            }
            outcome
        }
        Action::Write(WriteAction::Restore(args)) => {
            let ids = values::ids(&args.ids)?;
            each(ids, out, labels, |id| records.restore(id).send()).await
        }
        Action::Write(WriteAction::Definitions) => {
            let definitions = records.definitions().send_with_response().await?;
            if out.format == crate::args::Format::Table {
                // A row per field, as `schema` shows them: definitions nested in definitions
                // are no table.
                let rows = crate::resources::schema_rows(&object, definitions.value());
                return out.value(&rows);
            }
            let raw: Value = serde_json::from_slice(definitions.raw_body()).unwrap_or(Value::Null);
            out.value(&raw)
        }
        Action::Deal(DealAction::History { id, field, limit }) => {
            let mut stream = Box::pin(
                records
                    .history(id, field)
                    .stream()
                    .take(usize::try_from(limit).unwrap_or(usize::MAX)),
            );
            let mut entries = Vec::new();
            while let Some(entry) = stream.next().await {
                let entry = entry?;
                entries.push(json!({
                    "recordedAt": entry.recorded_at,
                    "value": entry.display_value.clone().unwrap_or_else(|| entry.value.to_text()),
                    "created": entry.is_create,
                }));
            }
            out.value(&Value::Array(entries))
        }
        Action::Deal(DealAction::Merge(args)) => merge::merge(client, &records, args, out).await,
        Action::Enrich { id, field, no_wait } => {
            let enrich = match object {
                ObjectType::Account => client.accounts().enrich(id),
                _ => client.contacts().enrich(id),
            };
            let enrich = if field.is_empty() {
                enrich
            } else {
                enrich.fields(field)
            };
            let started = enrich.send().await?;
            let mut shown = json!({
                "status": started.status.as_api(),
                "reason": started.reason,
            });
            if let Some(run) = started.run {
                let run = if no_wait {
                    run
                } else {
                    client.enrichment_runs().wait(&run.id).send().await?
                };
                shown["run"] = json!({
                    "id": run.id, "status": run.status.as_api(),
                    "targetFields": run.target_fields,
                });
            }
            out.value(&shown)
        }
    }
}

async fn list(
    records: &Records<Record>,
    object: &ObjectType,
    args: ListArgs,
    known: Option<&Definitions>,
    out: &Out,
) -> Outcome {
    let mut list = values::filtered(
        records.list().limit(args.page_size).offset(args.offset),
        &args.filter,
        object,
        known,
    )?;
    if let Some(status) = args.status {
        list = list.status(RecordStatus::from_api(&status));
    }
    let (found, total) = take(list, args.limit, args.all).await?;
    out.records(
        &found,
        Some((total, args.offset)),
        Some(&args.columns),
        known,
    )
}

/// Runs `call` for every id, shows those done (a single record with its labels) and lists
/// those that failed.
pub async fn each<F, Fut, L, LFut>(
    asked: values::AskedIds,
    out: &Out,
    labels: L,
    call: F,
) -> Outcome
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = lightfield::Result<Record>>,
    L: FnOnce() -> LFut,
    LFut: std::future::Future<Output = Option<Arc<Definitions>>>,
{
    // Every id is tried: one that fails (missing, already deleted, a refusal) does not
    // leave the rest undone, so re-running the same command finishes the job.
    let of = asked.ids.len();
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    for id in asked.ids {
        match call(id.clone()).await {
            Ok(record) if out.line_by_line() => out.record(&record, None)?,
            Ok(record) => done.push(record),
            Err(error) => failed.push((id, Failure::from(error))),
        }
    }
    match done.as_slice() {
        [] if !asked.list => {}
        [one] if !asked.list => out.record(one, labels().await.as_deref())?,
        many => out.records(many, None, None, None)?,
    }
    match failed.len() {
        0 => Ok(()),
        1 if of == 1 => Err(failed.remove(0).1),
        _ => Err(Failure::Partial { failed, of }),
    }
}
