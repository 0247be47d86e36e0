//! What each command does, through the public API of the `lightfield` crate only.

use std::io::Write;
use std::time::Instant;

use futures_util::StreamExt;
use lightfield::{Client, Ids, InputValue, ObjectType, Op, Record, Records, Status};
use serde_json::Value;

use crate::args::{Cli, Command, Format, ObjectsAction, RecordAction, RecordCommand};
use crate::exit::Failure;

type Outcome = Result<(), Failure>;

fn client(cli: &Cli) -> Result<Client, Failure> {
    let key = cli.api_key.clone().ok_or_else(|| {
        Failure::Local("no API key: pass --api-key or set LIGHTFIELD_API_KEY".into())
    })?;
    let mut builder = Client::builder().api_key(key).user_agent("lightfield-cli");
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url);
    }
    Ok(builder.build()?)
}

/// A record type by the name users type: `account`, `accounts`, or a custom object's slug.
fn object_type(name: &str) -> ObjectType {
    lightfield::schema::object_type(
        name.strip_suffix('s')
            .filter(|n| !n.is_empty() && is_builtin(n))
            .unwrap_or(name),
    )
}

fn is_builtin(name: &str) -> bool {
    !matches!(lightfield::schema::object_type(name), ObjectType::Custom(_))
}

fn print(format: Format, value: &Value) -> Outcome {
    let mut out = std::io::stdout().lock();
    let text = match format {
        Format::Json => serde_json::to_string_pretty(value),
        Format::Jsonl => serde_json::to_string(value),
    }
    .map_err(|e| Failure::Local(format!("cannot print the answer: {e}")))?;
    writeln!(out, "{text}").map_err(|e| Failure::Local(format!("cannot write: {e}")))
}

fn print_records(format: Format, records: &[Record], total: Option<u64>) -> Outcome {
    match format {
        Format::Jsonl => records.iter().try_for_each(|r| print(format, &r.to_json())),
        Format::Json => {
            let data: Vec<Value> = records.iter().map(Record::to_json).collect();
            let mut page = serde_json::json!({ "data": data });
            if let Some(total) = total {
                page["totalCount"] = total.into();
            }
            print(format, &page)
        }
    }
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
fn filtered(
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

async fn record_command(
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
                    "active" => Status::Active,
                    "trashed" => Status::Trashed,
                    other => Status::Other(other.into()),
                });
            }
            if all {
                let mut stream = Box::pin(list.stream());
                let mut all = Vec::new();
                while let Some(record) = stream.next().await {
                    all.push(record?);
                }
                print_records(format, &all, None)
            } else {
                let page = list.send().await?;
                print_records(format, &page.items, Some(page.total_count))
            }
        }
        RecordAction::Get { id } => print(format, &records.retrieve(id).send().await?.to_json()),
        RecordAction::Create {
            field: fields,
            rel,
            check,
        } => {
            let mut create = records.create().checked(check);
            for pair in &fields {
                let (key, value) = field(pair)?;
                create = create.field(key, value);
            }
            for pair in &rel {
                let (key, ids) = link(pair)?;
                create = create.relationship(key, ids);
            }
            print(format, &create.send().await?.to_json())
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
            print(format, &update.send().await?.to_json())
        }
        RecordAction::Delete { id } => print(format, &records.delete(id).send().await?.to_json()),
        RecordAction::Restore { id } => print(format, &records.restore(id).send().await?.to_json()),
        RecordAction::Definitions => {
            let definitions = records.definitions().send_with_response().await?;
            let raw: Value = serde_json::from_slice(definitions.raw_body()).unwrap_or(Value::Null);
            print(format, &raw)
        }
    }
}

async fn export(
    client: &Client,
    object: ObjectType,
    filters: &[String],
    output: Option<std::path::PathBuf>,
    concurrency: usize,
) -> Outcome {
    let started = Instant::now();
    let list = filtered(client.records_of(object).list(), filters)?;
    let mut sink: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| Failure::Local(format!("cannot create {}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut stream = Box::pin(list.export(concurrency));
    let mut count = 0u64;
    // One record at a time to the sink: memory stays constant however long the list.
    while let Some(record) = stream.next().await {
        let line =
            serde_json::to_string(&record?.to_json()).map_err(|e| Failure::Local(e.to_string()))?;
        writeln!(sink, "{line}").map_err(|e| Failure::Local(format!("cannot write: {e}")))?;
        count += 1;
    }
    sink.flush()
        .map_err(|e| Failure::Local(format!("cannot write: {e}")))?;
    eprintln!("exported {count} records in {:.1?}", started.elapsed());
    Ok(())
}

async fn mock(port: u16) -> Outcome {
    let config = lightfield_mock::MockConfig {
        port,
        ..Default::default()
    };
    let server = lightfield_mock::MockServer::start_with(config)
        .await
        .map_err(|e| Failure::Local(format!("cannot start the local server: {e}")))?;
    println!(
        "lightfield mock listening on {} (any API key works; Ctrl-C to stop)",
        server.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

/// Runs the command line.
pub async fn run(cli: Cli) -> Outcome {
    let format = cli.format;
    if let Command::Mock { port } = cli.command {
        return mock(port).await;
    }
    let client = client(&cli)?;
    match cli.command {
        Command::Accounts(c) => record_command(&client, ObjectType::Account, c, format).await,
        Command::Contacts(c) => record_command(&client, ObjectType::Contact, c, format).await,
        Command::Opportunities(c) => {
            record_command(&client, ObjectType::Opportunity, c, format).await
        }
        Command::Tasks(c) => record_command(&client, ObjectType::Task, c, format).await,
        Command::Notes(c) => record_command(&client, ObjectType::Note, c, format).await,
        Command::Meetings(c) => record_command(&client, ObjectType::Meeting, c, format).await,
        Command::Members(c) => record_command(&client, ObjectType::Member, c, format).await,
        Command::Emails(c) => record_command(&client, ObjectType::Email, c, format).await,
        Command::Channels(c) => record_command(&client, ObjectType::Channel, c, format).await,
        Command::Messages(c) => record_command(&client, ObjectType::Message, c, format).await,
        Command::Lists(c) => record_command(&client, ObjectType::List, c, format).await,
        Command::Object { slug, command } => {
            record_command(&client, ObjectType::Custom(slug), command, format).await
        }
        Command::Objects {
            action: ObjectsAction::List,
        } => {
            let types = client.objects().send().await?;
            let data: Vec<Value> = types
                .iter()
                .map(|t| serde_json::json!({"slug": t.slug, "label": t.label}))
                .collect();
            print(format, &Value::Array(data))
        }
        Command::Schema { object, rust } => {
            let definitions = client.schema(object_type(&object)).await?;
            match rust {
                Some(name) => {
                    print!("{}", lightfield::schema::rust_source(&definitions, &name));
                    Ok(())
                }
                None => {
                    let fields: Vec<Value> = definitions
                                .fields
                                .iter()
                                .map(|(key, f)| serde_json::json!({
                                    "key": key, "label": f.label, "valueType": f.value_type.as_api(),
                                    "readOnly": f.read_only,
                                    "options": f.options.iter().map(|o| o.label.clone()).collect::<Vec<_>>(),
                                }))
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
                    print(
                        format,
                        &serde_json::json!({"fields": fields, "relationships": relationships}),
                    )
                }
            }
        }
        Command::Export {
            object,
            filter,
            output,
            concurrency,
        } => export(&client, object_type(&object), &filter, output, concurrency).await,
        Command::Mock { .. } => Ok(()),
    }
}
