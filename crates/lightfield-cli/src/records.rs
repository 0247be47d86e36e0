//! What each command does, through the public API of the `lightfield` crate only.

use futures_util::StreamExt;
use lightfield::{Client, Ids, InputValue, ObjectType, Op, Record, RecordStatus, Records};
use serde_json::Value;

use crate::args::{Cli, Format, RecordAction, RecordCommand};
use crate::exit::Failure;
use crate::output;

type Outcome = Result<(), Failure>;

/// The client the settings describe.
pub fn client(cli: &Cli) -> Result<Client, Failure> {
    let key = cli.api_key.clone().ok_or_else(|| {
        Failure::Local("no API key: pass --api-key or set LIGHTFIELD_API_KEY".into())
    })?;
    let mut builder = Client::builder()
        .api_key(key)
        .user_agent("lightfield-cli")
        .allow_insecure_http(cli.allow_http);
    if cli.no_rate_limit {
        builder = builder.rate_limit(None);
    }
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url);
    }
    Ok(builder.build()?)
}

/// A record type by the name users type: `account`, `accounts`, or a custom object's slug.
pub fn object_type(name: &str) -> ObjectType {
    lightfield::schema::object_type(
        name.strip_suffix('s')
            .filter(|n| !n.is_empty() && is_builtin(n))
            .unwrap_or(name),
    )
}

fn is_builtin(name: &str) -> bool {
    !matches!(lightfield::schema::object_type(name), ObjectType::Custom(_))
}

/// `key=value`, the value read as JSON when it parses as JSON.
fn field(pair: &str) -> Result<(String, InputValue), Failure> {
    let (key, raw) = pair
        .split_once('=')
        .ok_or_else(|| Failure::Local(format!("`{pair}` is not key=value")))?;
    let value = serde_json::from_str::<Value>(raw).unwrap_or_else(|_| Value::String(raw.into()));
    Ok((key.to_string(), InputValue::from(value)))
}

/// `key=id` or `key=id1,id2`.
fn link(pair: &str) -> Result<(String, Ids), Failure> {
    let (key, ids) = pair
        .split_once('=')
        .ok_or_else(|| Failure::Local(format!("`{pair}` is not key=id")))?;
    let ids: Vec<String> = ids.split(',').map(str::to_string).collect();
    Ok((
        key.to_string(),
        match ids.as_slice() {
            [one] => Ids::One(one.clone()),
            _ => Ids::Many(ids),
        },
    ))
}

/// `key[op]=value`, `key[-op]=value` or `key=value` applied to a list.
pub fn filtered(
    mut list: lightfield::Listing<Record>,
    filters: &[String],
) -> Result<lightfield::Listing<Record>, Failure> {
    for filter in filters {
        let (name, value) = filter
            .split_once('=')
            .ok_or_else(|| Failure::Local(format!("`{filter}` is not key[op]=value")))?;
        list = match name
            .split_once('[')
            .and_then(|(k, rest)| Some((k, rest.strip_suffix(']')?)))
        {
            Some((key, op)) => match op.strip_prefix('-') {
                Some(op) => list.filter_not(key, Op::Other(op.into()), value),
                None => list.filter(key, Op::Other(op.into()), value),
            },
            None => list.filter_default(name, value),
        };
    }
    Ok(list)
}

/// One record operation on `object`.
pub async fn record_command(
    client: &Client,
    object: ObjectType,
    command: RecordCommand,
    format: Format,
) -> Outcome {
    let records: Records<Record> = client.records_of(object);
    match command.action {
        RecordAction::List {
            filter,
            limit,
            offset,
            status,
            all,
        } => {
            let mut list = filtered(records.list().limit(limit).offset(offset), &filter)?;
            if let Some(status) = status {
                list = list.status(match status.as_str() {
                    "active" => RecordStatus::Active,
                    "trashed" => RecordStatus::Trashed,
                    other => RecordStatus::Other(other.into()),
                });
            }
            if all {
                let mut stream = Box::pin(list.stream());
                let mut all = Vec::new();
                while let Some(record) = stream.next().await {
                    all.push(record?);
                }
                output::records(format, &all, None)
            } else {
                let page = list.send().await?;
                output::records(format, &page.items, Some(page.total_count))
            }
        }
        RecordAction::Get { id } => {
            output::value(format, &records.retrieve(id).send().await?.to_json())
        }
        RecordAction::Create {
            json,
            field: fields,
            rel,
            check,
        } => {
            let mut create = records.create().checked(check);
            if let Some(path) = json {
                create = with_json_body(create, &path)?;
            }
            for pair in &fields {
                let (key, value) = field(pair)?;
                create = create.field(key, value);
            }
            for pair in &rel {
                let (key, ids) = link(pair)?;
                create = create.relationship(key, ids);
            }
            output::value(format, &create.send().await?.to_json())
        }
        RecordAction::Update {
            id,
            field: fields,
            add,
            check,
        } => {
            let mut update = records.update(id).checked(check);
            for pair in &fields {
                let (key, value) = field(pair)?;
                update = update.field(key, value);
            }
            for pair in &add {
                let (key, ids) = link(pair)?;
                update = update.add(key, ids);
            }
            output::value(format, &update.send().await?.to_json())
        }
        RecordAction::Delete { id } => {
            output::value(format, &records.delete(id).send().await?.to_json())
        }
        RecordAction::Restore { id } => {
            output::value(format, &records.restore(id).send().await?.to_json())
        }
        RecordAction::Definitions => {
            let definitions = records.definitions().send_with_response().await?;
            let raw: Value = serde_json::from_slice(definitions.raw_body()).unwrap_or(Value::Null);
            output::value(format, &raw)
        }
    }
}

/// A create with the fields and relationships of a JSON body read from `path` (`-` is
/// stdin): `{"fields": {"$name": "Acme"}, "relationships": {"$owner": "mem_1"}}`.
fn with_json_body(
    mut create: lightfield::Create<Record>,
    path: &std::path::Path,
) -> Result<lightfield::Create<Record>, Failure> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|e| Failure::Local(format!("cannot read {}: {e}", path.display())))?;
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Local(format!("{} is not JSON: {e}", path.display())))?;
    if let Some(fields) = body.get("fields").and_then(Value::as_object) {
        for (key, value) in fields {
            create = create.field(key.clone(), InputValue::from(value.clone()));
        }
    }
    if let Some(links) = body.get("relationships").and_then(Value::as_object) {
        for (key, ids) in links {
            let ids = match ids {
                Value::String(one) => Ids::One(one.clone()),
                Value::Array(many) => Ids::Many(
                    many.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                ),
                other => {
                    return Err(Failure::Local(format!(
                        "relationship `{key}`: `{other}` is not an id or a list of ids"
                    )));
                }
            };
            create = create.relationship(key.clone(), ids);
        }
    }
    Ok(create)
}

/// `lightfield schema TYPE`: fields with their types and options, relationships; or, with
/// `--rust NAME`, a `#[derive(Record)]` struct for them.
pub async fn schema(
    client: &Client,
    object: ObjectType,
    rust: Option<String>,
    format: Format,
) -> Outcome {
    let definitions = client.schema(object).await?;
    if let Some(name) = rust {
        return output::text(&lightfield::schema::rust_source(&definitions, &name));
    }
    let fields: Vec<Value> = definitions
        .fields
        .iter()
        .map(|(key, f)| {
            serde_json::json!({
                "key": key, "label": f.label, "valueType": f.value_type.as_api(),
                "readOnly": f.read_only,
                "options": f.options.iter().map(|o| o.label.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let relationships: Vec<Value> = definitions
        .relationships
        .iter()
        .map(|(key, r)| {
            serde_json::json!({
                "key": key, "label": r.label, "cardinality": r.cardinality.as_api(),
                "objectType": r.object_type, "readOnly": r.read_only,
            })
        })
        .collect();
    match format {
        // A table of everything at once would mix two kinds of row: print fields, then
        // relationships.
        Format::Table | Format::Csv => {
            output::value(format, &Value::Array(fields))?;
            output::text("\n")?;
            output::value(format, &Value::Array(relationships))
        }
        _ => output::value(
            format,
            &serde_json::json!({"fields": fields, "relationships": relationships}),
        ),
    }
}
