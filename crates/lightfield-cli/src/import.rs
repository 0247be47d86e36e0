//! `lightfield import TYPE FILE`: one create (or update, for rows with an id) per row, at
//! the Write rate limit, resumable without duplicates (see [`crate::journal`]): after a
//! crash, a re-run, an edit of the file, or against the same target twice. Only a refusal
//! of a row's own data rejects it; any other failure stops the run, to be run again.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;
use lightfield::{
    Client, Create, Error, ErrorKind, Ids, InputValue, ObjectType, Record, Records, Update,
};

use crate::exit::Failure;
use crate::journal::{Done, Journal, Target};
use crate::progress;
use crate::rows::{self, ERROR_KEY, Original, Plan, ROW_KEY, Row};

/// What `import` was asked to do.
pub struct Import {
    pub object: ObjectType,
    pub file: PathBuf,
    pub dry_run: bool,
    /// Ignore `id` columns: create every row.
    pub as_new: bool,
    pub concurrency: usize,
    /// CSV cells as written: keep a leading `'` before a would-be formula.
    pub raw_csv: bool,
    /// Where the import writes, for the journal.
    pub target: Target,
    /// Set aside a journal of another target and begin a new one.
    pub new_journal: bool,
}

/// How a row that was sent ended.
enum Sent {
    Created(String),
    Updated(String),
    /// The server had this write already (same key): it answered the first one again.
    Replayed(String),
    Refused(String),
}

/// A row with the key of its write.
struct Keyed {
    row: Row,
    key: String,
}

/// Gives each row its key: from the record type, its content and its occurrence.
fn keyed(
    object: &str,
    rows: impl Iterator<Item = Result<Row, Failure>>,
) -> impl Iterator<Item = Result<Keyed, Failure>> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    let object = object.to_string();
    rows.map(move |row| {
        let row = row?;
        let content = row.content();
        let occurrence = seen.entry(content.clone()).or_default();
        *occurrence += 1;
        let key = crate::journal::row_key(&object, &content, *occurrence);
        Ok(Keyed { row, key })
    })
}

pub async fn run(client: &Client, import: Import) -> Result<(), Failure> {
    let definitions = client.schema(import.object.clone()).await?;
    let records: Records<Record> = client.records_of(import.object.clone());
    let mut skipped = BTreeSet::new();
    if let (Some(headers), _) = rows::read(&import.file, import.raw_csv)? {
        rows::check_header(&headers, &definitions).map_err(Failure::Local)?;
    }
    if import.dry_run {
        return dry_run(&import, &records, &definitions, &mut skipped).await;
    }
    let started = Instant::now();
    let object = import.object.as_api().to_string();
    let mut journal = Journal::open(&import.file, &object, &import.target, import.new_journal)?;
    let rejects = RefCell::new(Rejects::new(&import.file));
    let earlier = std::mem::take(&mut journal.earlier);
    // The bar counts the rows this run sends, so its rate and ETA are this run's.
    let to_send = keyed(&object, rows::read(&import.file, import.raw_csv)?.1)
        .filter(|k| k.as_ref().map_or(true, |k| !earlier.contains_key(&k.key)))
        .count() as u64;
    let bar = progress::bar(to_send, "rows");
    let (headers, rows) = rows::read(&import.file, import.raw_csv)?;
    let done_before = Cell::new(0u64);
    // Rows finished in an earlier run are not sent again; those it rejected are listed in
    // this run's rejects file too, under their row number in the file as it is now.
    let pending = keyed(&object, rows).filter_map(|item| match item {
        Ok(keyed) => match earlier.get(&keyed.key) {
            Some((_, Done::Rejected(why))) => {
                rejects.borrow_mut().add(keyed.row, why.clone());
                None
            }
            Some((_, Done::Written(_))) => {
                done_before.set(done_before.get() + 1);
                None
            }
            None => Some(Ok(keyed)),
        },
        Err(e) => Some(Err(e)),
    });
    // Plans are made in order as rows are read; the sends run concurrently, paced by the
    // client's Write limiter.
    let mut sends = futures_util::stream::iter(pending.map(|item| {
        let keyed = item?;
        let plan = rows::plan(&keyed.row, &definitions, !import.as_new, &mut skipped);
        Ok::<_, Failure>((keyed, plan))
    }))
    .map(|item| {
        let records = records.clone();
        async move {
            let (keyed, plan) = item?;
            let sent = match plan {
                Err(why) => Sent::Refused(why),
                Ok(plan) => send(&records, plan, keyed.key.clone()).await?,
            };
            Ok::<_, Failure>((keyed, sent))
        }
    })
    .buffer_unordered(import.concurrency.max(1));
    let mut counts = Counts::default();
    let mut stopped = None;
    let resume = format!(
        "finished rows are in {}: run the same command again to continue",
        journal.path().display()
    );
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let outcome = tokio::select! {
            next = sends.next() => next,
            // Rows in flight are resent by the next run under the same key: the server
            // answers what it already wrote instead of writing again.
            _ = &mut ctrl_c => {
                stopped = Some(Failure::Interrupted(resume.clone()));
                break;
            }
        };
        let Some(outcome) = outcome else {
            break;
        };
        let (keyed, sent) = match outcome {
            Ok(done) => done,
            Err(failure) => {
                stopped = Some(failure);
                break;
            }
        };
        let done = match sent {
            Sent::Created(id) => {
                counts.created += 1;
                Done::Written(id)
            }
            Sent::Updated(id) => {
                counts.updated += 1;
                Done::Written(id)
            }
            Sent::Replayed(id) => {
                counts.replayed += 1;
                Done::Written(id)
            }
            Sent::Refused(why) => {
                counts.refused += 1;
                rejects.borrow_mut().add(keyed.row.clone(), why.clone());
                Done::Rejected(why)
            }
        };
        journal.record(&keyed.key, keyed.row.number, &done)?;
        bar.inc(1);
    }
    drop(sends);
    let rejects = rejects.into_inner();
    let done_before = done_before.get();
    let rejected = rejects.len();
    rejects.write(headers.as_deref())?;
    if let Some(failure) = stopped {
        bar.abandon();
        if matches!(failure, Failure::Interrupted(_)) {
            return Err(failure);
        }
        eprintln!(
            "stopped; nothing was lost: finished rows are in {}. Fix what the error says, \
             then run the same command again to continue",
            journal.path().display()
        );
        return Err(failure);
    }
    bar.finish_and_clear();
    if !skipped.is_empty() {
        let keys: Vec<_> = skipped.into_iter().collect();
        eprintln!("left out read-only keys: {}", keys.join(", "));
    }
    eprintln!(
        "imported in {:.1?}: {} created, {} updated, {} already imported, {} rejected{}",
        started.elapsed(),
        counts.created,
        counts.updated,
        counts.replayed + done_before,
        rejected,
        if done_before > 0 {
            format!(" ({done_before} finished in an earlier run)")
        } else {
            String::new()
        }
    );
    if rejected > 0 {
        return Err(Failure::Rejected {
            rows: rejected,
            file: rejects.path,
        });
    }
    Ok(())
}

/// What this run did with the rows it sent.
#[derive(Default)]
struct Counts {
    created: u64,
    updated: u64,
    replayed: u64,
    refused: u64,
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
                update = match ids.as_slice() {
                    // `<clear>` (or a JSON null): unlink every record.
                    [] => update.clear_relationship(link),
                    [one] if plan.single.contains(&link) => update.replace(link, one.clone()),
                    _ => update.add(link, ids_of(ids)),
                };
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

/// Sends one row. Only a refusal of the row's own data (its values, its id) is an answer
/// for the rejects file; anything else (a key revoked, a conflict with an earlier attempt
/// still running, a redirect, a timeout, the rate limit or the network) stops the import,
/// to be re-run once fixed, and nothing is lost.
async fn send(records: &Records<Record>, plan: Plan, key: String) -> Result<Sent, Failure> {
    let replayed = |r: &lightfield::Response<Record>| {
        r.headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    };
    let result = match build(records, plan) {
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
        Err(Error::Api(api)) if refuses_the_row(&api.kind) => Ok(Sent::Refused(match &api.param {
            Some(param) => format!("{} (`{param}`)", api.message),
            None => api.message.clone(),
        })),
        Err(Error::InvalidInput { reason: why, .. }) => Ok(Sent::Refused(why)),
        Err(other) => Err(other.into()),
    }
}

/// Whether an API refusal is about the row's data, so that the same row will be refused
/// again: a bad value, an unknown id, a conflict with data already stored.
fn refuses_the_row(kind: &ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::BadRequest
            | ErrorKind::NotFound
            | ErrorKind::Conflict
            | ErrorKind::Unprocessable
    )
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
    let (_, rows) = rows::read(&import.file, import.raw_csv)?;
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
            let line = format!("row {}: {}\n", row.number, crate::safe::for_terminal(&why));
            crate::output::text(&line)?;
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
        Error::InvalidInput { reason: why, .. } => why,
        other => other.to_string(),
    })
}

/// Rows refused in this run and earlier ones, with the reason and their row number, in the
/// input's own format and order: fix them (here or in the input) and import again. Written
/// whole at the end of each run, replacing the last run's file.
struct Rejects {
    path: PathBuf,
    rows: BTreeMap<u64, (Row, String)>,
}

impl Rejects {
    fn new(input: &Path) -> Self {
        let ext = match rows::Kind::of(input) {
            rows::Kind::Csv => "csv",
            rows::Kind::Jsonl => "jsonl",
        };
        let mut name = input.as_os_str().to_owned();
        name.push(format!(".rejects.{ext}"));
        Self {
            path: PathBuf::from(name),
            rows: BTreeMap::new(),
        }
    }

    fn add(&mut self, row: Row, why: String) {
        self.rows.insert(row.number, (row, why));
    }

    fn len(&self) -> u64 {
        self.rows.len() as u64
    }

    /// Replaces the rejects file (removes it when nothing was refused).
    fn write(&self, headers: Option<&[String]>) -> Result<(), Failure> {
        let failed = |e: &dyn std::fmt::Display| {
            Failure::Local(format!("cannot write {}: {e}", self.path.display()))
        };
        if self.rows.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(&e)),
                _ => Ok(()),
            };
        }
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".lightfield-rejects-")
            .tempfile_in(dir)
            .map_err(|e| failed(&e))?;
        let mut file = temp.reopen().map_err(|e| failed(&e))?;
        match headers {
            Some(names) => {
                let mut out = csv::Writer::from_writer(&mut file);
                let mut header: Vec<&str> = names
                    .iter()
                    .map(String::as_str)
                    .filter(|h| !rows::is_bookkeeping(h))
                    .collect();
                header.extend([ROW_KEY, ERROR_KEY]);
                out.write_record(&header).map_err(|e| failed(&e))?;
                for (number, (row, why)) in &self.rows {
                    let Original::Csv(values) = &row.original else {
                        continue;
                    };
                    let mut record: Vec<String> = names
                        .iter()
                        .zip(values.iter().chain(std::iter::repeat(&String::new())))
                        .filter(|(h, _)| !rows::is_bookkeeping(h))
                        .map(|(_, v)| v.clone())
                        .collect();
                    // Cells beyond the header have no column: they go into the reason.
                    let extra = values.get(names.len()..).unwrap_or_default();
                    let why = if extra.is_empty() {
                        why.clone()
                    } else {
                        format!("{why}; cells beyond the header: {extra:?}")
                    };
                    record.extend([number.to_string(), why]);
                    out.write_record(&record).map_err(|e| failed(&e))?;
                }
                out.flush().map_err(|e| failed(&e))?;
            }
            None => {
                for (number, (row, why)) in &self.rows {
                    let Original::Json(value) = &row.original else {
                        continue;
                    };
                    let mut value = value.clone();
                    if let Some(object) = value.as_object_mut() {
                        object.insert(ROW_KEY.into(), (*number).into());
                        object.insert(ERROR_KEY.into(), why.clone().into());
                    }
                    writeln!(file, "{value}").map_err(|e| failed(&e))?;
                }
            }
        }
        temp.as_file().sync_all().map_err(|e| failed(&e))?;
        temp.persist(&self.path).map_err(|e| failed(&e.error))?;
        Ok(())
    }
}
