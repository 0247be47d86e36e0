//! `lightfield import TYPE FILE`: one create (or update, for rows with an id) per row, at
//! the Write rate limit, resumable without duplicates (see [`crate::journal`]).

use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;
use lightfield::{Client, Create, Error, Ids, InputValue, ObjectType, Record, Records, Update};

use crate::exit::Failure;
use crate::journal::{Done, Journal};
use crate::progress;
use crate::rows::{self, ERROR_KEY, Original, Plan, Row};

/// What `import` was asked to do.
pub struct Import {
    pub object: ObjectType,
    pub file: PathBuf,
    pub dry_run: bool,
    /// Ignore `id` columns: create every row.
    pub as_new: bool,
    pub concurrency: usize,
}

/// How a row that was sent ended.
enum Sent {
    Created(String),
    Updated(String),
    Refused(String),
}

pub async fn run(client: &Client, import: Import) -> Result<(), Failure> {
    let definitions = client.schema(import.object.clone()).await?;
    let records: Records<Record> = client.records_of(import.object.clone());
    let total = rows::read(&import.file)?.1.count() as u64;
    let mut skipped = BTreeSet::new();
    if import.dry_run {
        return dry_run(&import, &records, &definitions, &mut skipped).await;
    }
    let started = Instant::now();
    let mut journal = Journal::open(&import.file, import.object.as_api())?;
    let mut rejects = Rejects::beside(&import.file);
    let earlier = journal.earlier.len() as u64;
    let earlier_rejected = journal
        .earlier
        .values()
        .filter(|d| matches!(d, Done::Rejected(_)))
        .count() as u64;
    let bar = progress::bar(total, "rows");
    bar.set_position(earlier);
    let (headers, rows) = rows::read(&import.file)?;
    let finished: std::collections::HashSet<u64> = journal.earlier.keys().copied().collect();
    let pending = rows.filter(|row| row.as_ref().map_or(true, |r| !finished.contains(&r.number)));
    let input_hash = journal.input_hash.clone();
    // Plans are made in order as rows are read; the sends run concurrently, paced by the
    // client's Write limiter.
    let mut finished_now = 0u64;
    let mut sends = futures_util::stream::iter(pending.map(|row| {
        let row = row?;
        let plan = rows::plan(&row, &definitions, !import.as_new, &mut skipped);
        let key = crate::journal::key(&input_hash, row.number);
        Ok::<_, Failure>((row, plan, key))
    }))
    .map(|item| {
        let records = records.clone();
        async move {
            let (row, plan, key) = item?;
            let sent = match plan {
                Err(why) => Sent::Refused(why),
                Ok(plan) => send(&records, plan, key).await?,
            };
            Ok::<_, Failure>((row, sent))
        }
    })
    .buffer_unordered(import.concurrency.max(1));
    let (mut created, mut updated, mut refused) = (0u64, 0u64, 0u64);
    while let Some(outcome) = sends.next().await {
        let (row, sent) = match outcome {
            Ok(done) => done,
            Err(failure) => {
                bar.abandon();
                eprintln!(
                    "stopped; finished rows are in {}: run the same command again to continue",
                    journal.path().display()
                );
                return Err(failure);
            }
        };
        let done = match sent {
            Sent::Created(id) => {
                created += 1;
                Done::Written(id)
            }
            Sent::Updated(id) => {
                updated += 1;
                Done::Written(id)
            }
            Sent::Refused(why) => {
                refused += 1;
                rejects.write(headers.as_deref(), &row, &why)?;
                Done::Rejected(why)
            }
        };
        journal.record(row.number, &done)?;
        finished_now += 1;
        bar.inc(1);
    }
    drop(sends);
    bar.finish_and_clear();
    if !skipped.is_empty() {
        let keys: Vec<_> = skipped.into_iter().collect();
        eprintln!("left out read-only keys: {}", keys.join(", "));
    }
    eprintln!(
        "imported {} rows in {:.1?} ({created} created, {updated} updated, {refused} rejected){}",
        finished_now,
        started.elapsed(),
        if earlier > 0 {
            format!("; {earlier} rows were done in an earlier run")
        } else {
            String::new()
        }
    );
    let rejected = refused + earlier_rejected;
    if rejected > 0 {
        return Err(Failure::Rejected {
            rows: rejected,
            file: rejects.path,
        });
    }
    Ok(())
}

/// The write a row's plan asks for.
enum RowWrite {
    Create(Create<Record>),
    Update(Update<Record>),
}

fn build(records: &Records<Record>, plan: Plan) -> RowWrite {
    match plan.id {
        Some(id) => {
            let mut update = records.update(id);
            for (field, value) in plan.fields {
                update = match value {
                    InputValue::Null => update.clear(field),
                    value => update.field(field, value),
                };
            }
            for (link, ids) in plan.links {
                update = update.add(link, ids_of(ids));
            }
            RowWrite::Update(update)
        }
        None => {
            let mut create = records.create();
            for (field, value) in plan.fields {
                create = create.field(field, value);
            }
            for (link, ids) in plan.links {
                create = create.relationship(link, ids_of(ids));
            }
            RowWrite::Create(create)
        }
    }
}

/// Sends one row. A refusal of the row itself (a 4xx, a value the SDK refuses) is an
/// answer; anything else (the server down, the network gone) stops the import.
async fn send(records: &Records<Record>, plan: Plan, key: String) -> Result<Sent, Failure> {
    let result = match build(records, plan) {
        RowWrite::Update(update) => update
            .idempotency_key(key)
            .send()
            .await
            .map(|r| Sent::Updated(r.id)),
        RowWrite::Create(create) => create
            .idempotency_key(key)
            .send()
            .await
            .map(|r| Sent::Created(r.id)),
    };
    match result {
        Ok(sent) => Ok(sent),
        Err(Error::Api(api)) if api.status < 500 && api.status != 429 => {
            Ok(Sent::Refused(match &api.param {
                Some(param) => format!("{} (`{param}`)", api.message),
                None => api.message.clone(),
            }))
        }
        Err(Error::InvalidInput(why)) => Ok(Sent::Refused(why)),
        Err(other) => Err(other.into()),
    }
}

fn ids_of(mut ids: Vec<String>) -> Ids {
    if ids.len() == 1 {
        Ids::One(ids.pop().unwrap_or_default())
    } else {
        Ids::Many(ids)
    }
}

/// Checks every row locally and against the definitions; sends no write.
async fn dry_run(
    import: &Import,
    records: &Records<Record>,
    definitions: &lightfield::Definitions,
    skipped: &mut BTreeSet<String>,
) -> Result<(), Failure> {
    let (_, rows) = rows::read(&import.file)?;
    let mut problems = 0u64;
    let mut checked = 0u64;
    for row in rows {
        let row = row?;
        checked += 1;
        let problem = match rows::plan(&row, definitions, !import.as_new, skipped) {
            Err(why) => Some(why),
            Ok(plan) => check(records, plan).await.err(),
        };
        if let Some(why) = problem {
            problems += 1;
            println!("row {}: {why}", row.number);
        }
    }
    eprintln!("checked {checked} rows: {problems} with problems; nothing was sent");
    if problems > 0 {
        return Err(Failure::Rejected {
            rows: problems,
            file: PathBuf::new(),
        });
    }
    Ok(())
}

async fn check(records: &Records<Record>, plan: Plan) -> Result<(), String> {
    let outcome = match build(records, plan) {
        RowWrite::Update(update) => update.dry_run().await,
        RowWrite::Create(create) => create.dry_run().await,
    };
    outcome.map_err(|e| match e {
        Error::InvalidInput(why) => why,
        other => other.to_string(),
    })
}

/// Rows the API refused, with the reason, in the input's own format: fix and import again.
struct Rejects {
    path: PathBuf,
}

impl Rejects {
    fn beside(input: &Path) -> Self {
        let ext = match rows::Kind::of(input) {
            rows::Kind::Csv => "csv",
            rows::Kind::Jsonl => "jsonl",
        };
        let mut name = input.as_os_str().to_owned();
        name.push(format!(".rejects.{ext}"));
        Self {
            path: PathBuf::from(name),
        }
    }

    fn write(&mut self, headers: Option<&[String]>, row: &Row, why: &str) -> Result<(), Failure> {
        let fresh = std::fs::metadata(&self.path).map_or(true, |m| m.len() == 0);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Failure::Local(format!("cannot write {}: {e}", self.path.display())))?;
        let failed = |e: &dyn std::fmt::Display| {
            Failure::Local(format!("cannot write {}: {e}", self.path.display()))
        };
        match &row.original {
            Original::Csv(values) => {
                let mut out = csv::Writer::from_writer(file);
                if fresh {
                    let mut header: Vec<&str> = headers
                        .unwrap_or_default()
                        .iter()
                        .map(String::as_str)
                        .filter(|h| *h != ERROR_KEY)
                        .collect();
                    header.push(ERROR_KEY);
                    out.write_record(&header).map_err(|e| failed(&e))?;
                }
                let mut record: Vec<&str> = headers
                    .unwrap_or_default()
                    .iter()
                    .zip(values)
                    .filter(|(h, _)| *h != ERROR_KEY)
                    .map(|(_, v)| v.as_str())
                    .collect();
                record.push(why);
                out.write_record(&record).map_err(|e| failed(&e))?;
                out.flush().map_err(|e| failed(&e))
            }
            Original::Json(value) => {
                let mut value = value.clone();
                if let Some(object) = value.as_object_mut() {
                    object.insert(ERROR_KEY.into(), why.into());
                }
                let mut file = file;
                writeln!(file, "{value}").map_err(|e| failed(&e))
            }
        }
    }
}
