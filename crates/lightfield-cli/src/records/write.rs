//! Creates and updates from the command line, each checked (and with `--dry-run` only
//! checked and shown) before it is sent.

use lightfield::{Definitions, Ids, InputValue, Record, Records};
use serde_json::Value;

use crate::args::{CreateArgs, UpdateArgs};
use crate::exit::Failure;
use crate::output::Out;
use crate::{values, view};

/// Sends the create `args` describe, or with `--dry-run` checks it and prints its body
/// (answering `None`).
pub(super) async fn create(
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
pub(super) async fn update(
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
