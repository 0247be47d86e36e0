//! What each record command does, through the public API of the `lightfield` crate only.

use std::sync::Arc;

use futures_util::StreamExt;
use lightfield::{Client, Definitions, Ids, InputValue, ObjectType, Record, RecordStatus, Records};
use serde_json::{Value, json};

use crate::args::{
    Action, CreateArgs, DealAction, ListArgs, MergeArgs, ReadAction, UpdateArgs, WriteAction,
};
use crate::exit::Failure;
use crate::output::Out;
use crate::{values, view};

type Outcome = Result<(), Failure>;

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
            match create(&records, args, definitions.as_deref(), out).await? {
                Some(created) => out.record(&created, labels().await.as_deref()),
                None => Ok(()),
            }
        }
        Action::Write(WriteAction::Update(args)) => {
            let definitions = definitions(client, &object).await;
            match update(&records, args, definitions.as_deref(), out).await? {
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
        Action::Deal(DealAction::Merge(args)) => merge(client, &records, args, out).await,
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
    out.records(&found, Some((total, args.offset)), &args.columns, known)
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
        many => out.records(many, None, &[], None)?,
    }
    match failed.len() {
        0 => Ok(()),
        1 if of == 1 => Err(failed.remove(0).1),
        _ => Err(Failure::Partial { failed, of }),
    }
}

/// Sends the create `args` describe, or with `--dry-run` checks it and prints its body
/// (answering `None`).
async fn create(
    records: &Records<Record>,
    args: CreateArgs,
    definitions: Option<&Definitions>,
    out: &Out,
) -> Result<Option<Record>, Failure> {
    let mut create = records.create().checked(!args.body.no_check);
    if let Some(key) = &args.body.idempotency_key {
        create = create.idempotency_key(key.clone());
    }
    if let Some(path) = &args.body.json {
        let body = values::json_body(path, definitions)?;
        skipped(&body.skipped);
        for (key, value) in body.fields {
            create = create.field(key, value);
        }
        for (key, ids) in body.links {
            create = create.relationship(key, ids);
        }
    }
    for pair in &args.body.field {
        let (key, value) = values::field(pair, definitions)?;
        if value != InputValue::Null {
            create = create.field(key, value);
        }
    }
    for pair in &args.rel {
        let (key, ids) = values::link(pair)?;
        create = create.relationship(key, ids);
    }
    if args.body.dry_run {
        create.dry_run().await?;
        return would_send("create", &create.body(), out);
    }
    Ok(Some(create.send().await?))
}

/// Prints the body a checked `--dry-run` write would send.
fn would_send(what: &str, body: &Value, out: &Out) -> Result<Option<Record>, Failure> {
    eprintln!(
        "the {what} passed every check, against the organisation's definitions too; nothing \
         was sent. It would send:"
    );
    // A request body reads best as the JSON it is, also on a terminal.
    if out.format == crate::args::Format::Table {
        let pretty = serde_json::to_string_pretty(body).map_err(crate::output::write_failed)?;
        crate::output::text(&format!("{}\n", crate::safe::for_terminal(&pretty)))?;
    } else {
        out.value(body)?;
    }
    Ok(None)
}

/// Sends the update `args` describe, or with `--dry-run` checks it and prints its body
/// (answering `None`).
async fn update(
    records: &Records<Record>,
    args: UpdateArgs,
    definitions: Option<&Definitions>,
    out: &Out,
) -> Result<Option<Record>, Failure> {
    let mut update = records.update(args.id.clone()).checked(!args.body.no_check);
    if let Some(key) = &args.body.idempotency_key {
        update = update.idempotency_key(key.clone());
    }
    let single = |key: &str| {
        definitions
            .and_then(|d| d.relationships.get(key))
            .is_some_and(|r| r.cardinality == lightfield::Cardinality::HasOne)
    };
    if let Some(path) = &args.body.json {
        let body = values::json_body(path, definitions)?;
        skipped(&body.skipped);
        for (key, value) in body.fields {
            update = update.field(key, value);
        }
        // The JSON states each relationship's whole set: ids the record has and the JSON
        // does not list are removed, worked out against the record as it is now.
        let current = match body.links.is_empty() || args.body.dry_run {
            true => None,
            false => Some(records.retrieve(args.id.clone()).send().await?),
        };
        for (key, ids) in body.links {
            update = match ids {
                Ids::One(id) if single(&key) => update.replace(key, id),
                ids => {
                    let wanted = match ids {
                        Ids::One(id) => vec![id],
                        Ids::Many(ids) => ids,
                    };
                    let now = current.as_ref().map_or(&[][..], |r| r.related(&key));
                    let (add, remove) = values::link_changes(now, &wanted);
                    if !add.is_empty() {
                        update = update.add(key.clone(), add);
                    }
                    if !remove.is_empty() {
                        update = update.remove(key, remove);
                    }
                    update
                }
            };
        }
    }
    for pair in &args.body.field {
        let (key, value) = values::field(pair, definitions)?;
        update = update.field(key, value);
    }
    for key in &args.clear {
        let is_link = definitions.is_some_and(|d| d.relationships.contains_key(key));
        update = if is_link {
            update.clear_relationship(key.clone())
        } else {
            update.clear(key.clone())
        };
    }
    for pair in &args.add {
        let (key, ids) = values::link(pair)?;
        update = update.add(key, ids);
    }
    for pair in &args.remove {
        let (key, ids) = values::link(pair)?;
        update = update.remove(key, ids);
    }
    for pair in &args.replace {
        let (key, ids) = values::link(pair)?;
        let Ids::One(id) = ids else {
            return Err(Failure::Local(format!(
                "--replace '{key}=…' takes one id; to link several, --clear '{key}' and then --add"
            )));
        };
        update = update.replace(key, id);
    }
    if args.body.dry_run {
        update.dry_run().await?;
        return would_send("update", &update.body(), out);
    }
    Ok(Some(update.send().await?))
}

/// Says which read-only keys of a `--json` body were left out.
fn skipped(keys: &std::collections::BTreeSet<String>) {
    if !keys.is_empty() {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        eprintln!(
            "left out read-only keys (the API sets them): {}",
            view::one_line(&keys.join(", "))
        );
    }
}

async fn merge(client: &Client, records: &Records<Record>, args: MergeArgs, out: &Out) -> Outcome {
    let question = format!("Merge {} into {}", args.duplicate, args.primary);
    crate::output::confirm(&question, "nothing was merged", args.yes)?;
    let mut merge = records
        .merge(args.primary, args.duplicate)
        .multi_select_union(args.union);
    for key in args.keep_primary {
        merge = merge.keep_primary(key);
    }
    for key in args.keep_duplicate {
        merge = merge.keep_duplicate(key);
    }
    let outcome = merge.send().await?;
    let status = if args.no_wait || outcome.status.is_final() {
        outcome.status.as_api().to_string()
    } else {
        client
            .merges()
            .wait(&outcome.merge_id)
            .send()
            .await?
            .status
            .as_api()
            .to_string()
    };
    out.value(&json!({
        "mergeId": outcome.merge_id,
        "status": status,
        "primary": outcome.primary.to_json(),
        "fieldWriteCount": outcome.summary.field_write_count,
        "warnings": outcome.summary.warnings,
    }))
}

/// Prints a record's link in the app, or opens it in the browser.
pub fn open(record: &Record, browser: bool) -> Outcome {
    let link = record
        .http_link
        .clone()
        .ok_or_else(|| Failure::Local(format!("record `{}` has no httpLink", record.id)))?;
    if !browser {
        return crate::output::text(&format!("{}\n", view::one_line(&link)));
    }
    // The link is the server's text, handed to a program that opens anything: only a plain
    // https address goes (no other scheme, no option-like argument, no spaces or controls).
    let plain =
        link.starts_with("https://") && !link.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plain {
        return Err(Failure::Local(format!(
            "record `{}` has the link `{}`, which is not an https address; not opened",
            record.id,
            view::one_line(&link)
        )));
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = std::process::Command::new(opener)
        .arg(&link)
        .status()
        .map_err(|e| Failure::Local(format!("cannot run {opener} to open {link}: {e}")))?;
    if !status.success() {
        return Err(Failure::Local(format!(
            "{opener} could not open {link} ({status}); the link is printed without --browser"
        )));
    }
    Ok(())
}

/// `lightfield open ID`: the record's type from its id, then its link.
pub async fn open_by_id(client: &Client, id: String, browser: bool) -> Outcome {
    let object = ObjectType::of_id(&id).ok_or_else(|| {
        Failure::Local(format!(
            "`{id}` is not the id of a built-in type; for a custom object use \
             `lightfield object SLUG open {id}`"
        ))
    })?;
    let record: Record = client.records_of(object).retrieve(id).send().await?;
    open(&record, browser)
}
