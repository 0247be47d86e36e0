//! `lightfield sync`: a thin front on lightfield-sync. A run prints its summary line on
//! stderr; `--plan` prints what a run would cost; `sync status` reads the mirror's own
//! tables. Ctrl-C stops between two pages, whose writes are committed with their progress.

use std::path::{Path, PathBuf};

use lightfield::Client;
use lightfield_sync::{Mirror, Options, Sqlite};
use serde_json::{Value, json};

use crate::exit::Failure;
use crate::output::Out;
use crate::records::object_type;

/// A sync run, or its plan.
pub struct Sync {
    /// `type.field` whose history to keep.
    pub history: Vec<String>,
    /// Run again this long apart, until Ctrl-C.
    pub watch: Option<std::time::Duration>,
    pub database: PathBuf,
    pub schema: String,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub plan: bool,
}

fn options(only: &[String], skip: &[String]) -> Options {
    // `accounts`, `opportunity` and a custom slug all name a type as the API does;
    // `file(s)` names the files' metadata.
    let names = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|n| match n.as_str() {
                "file" | "files" => "file".to_string(),
                _ => object_type(n).as_api().to_string(),
            })
            .collect()
    };
    Options::default().only(names(only)).skip(names(skip))
}

fn failed(e: lightfield_sync::Error) -> Failure {
    match e {
        lightfield_sync::Error::Api(e) => Failure::Sdk(e),
        lightfield_sync::Error::Refused(why) => Failure::Refused(why),
        other => Failure::Local(other.to_string()),
    }
}

/// Runs `lightfield sync`.
pub async fn run(client: &Client, sync: Sync, out: &Out) -> Result<(), Failure> {
    let mut history = Vec::new();
    for spec in &sync.history {
        let Some((object, field)) = spec
            .split_once('.')
            .filter(|(o, f)| !o.is_empty() && !f.is_empty())
        else {
            return Err(Failure::Local(format!(
                "--history `{spec}`: a type and a field key, as in opportunity.$stage"
            )));
        };
        history.push((object_type(object).as_api().to_string(), field.to_string()));
    }
    let options = options(&sync.only, &sync.skip).history(history);
    if sync.plan {
        let plan = lightfield_sync::plan(client, &options)
            .await
            .map_err(failed)?;
        let streams: Vec<Value> = plan
            .streams
            .iter()
            .map(|s| json!({"stream": s.stream, "records": s.records, "calls": s.calls}))
            .collect();
        out.value(&Value::Array(streams))?;
        eprintln!(
            "a run reads {} records in {} calls: about {:.0} s at the API's 25 requests a second",
            plan.streams.iter().map(|s| s.records).sum::<u64>(),
            plan.calls,
            plan.seconds.ceil()
        );
        return Ok(());
    }
    let target = sync.database.to_string_lossy().into_owned();
    let mut mirror = if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        Mirror::postgres(&target, &sync.schema)
            .await
            .map_err(failed)?
    } else {
        Mirror::open(&sync.database).map_err(failed)?
    };
    let interrupted = || {
        Failure::Interrupted(format!(
            "every page read is kept in {}: run `lightfield sync` again to go on",
            shown(&target)
        ))
    };
    loop {
        // On a terminal, a line says which stream is read and how far the run is.
        let line = crate::progress::spinner();
        let shown_line = line.clone();
        let options = options.clone().on_progress(move |p| {
            shown_line.set_message(format!(
                "{} · {} read, {} written",
                p.stream, p.read, p.written
            ));
        });
        let summary = tokio::select! {
            // Ctrl-C's handler in place before the run sends anything.
            biased;
            _ = tokio::signal::ctrl_c() => Err(interrupted()),
            done = mirror.sync(client, &options) => done.map_err(failed),
        };
        line.finish_and_clear();
        let summary = summary?;
        let reported = report(&summary, &target);
        let Some(interval) = sync.watch else {
            return reported;
        };
        // Watching goes on past a run with problems: they are said, and the next run may
        // not have them.
        if let Err(problems) = reported {
            eprintln!("warning: {problems}");
        }
        // Never closer than twice the last run: a sync leaves the rate limit to others.
        let wait = interval.max(summary.elapsed * 2);
        if wait > interval {
            eprintln!(
                "the last run took {:.0} s: the next starts in {:.0} s, not {:.0} s",
                summary.elapsed.as_secs_f64(),
                wait.as_secs_f64(),
                interval.as_secs_f64()
            );
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// `--watch`'s interval: `30s`, `5m`, `1h`, or seconds.
pub fn interval(text: &str) -> Result<std::time::Duration, Failure> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, "s"), |i| text.split_at(i));
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => 0,
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 && seconds > 0 => Ok(std::time::Duration::from_secs(n * seconds)),
        _ => Err(Failure::Local(format!(
            "--watch `{text}`: an interval such as 30s, 5m or 1h"
        ))),
    }
}

/// The summary line of a run, and its problems as an error.
fn report(summary: &lightfield_sync::Summary, target: &str) -> Result<(), Failure> {
    let c = &summary.counts;
    let seconds = summary.elapsed.as_secs_f64().max(1e-3);
    let read = c.written + c.unchanged;
    eprintln!(
        "synced {} ({} written, {} trashed, {} deleted, {} restored) into {} in \
         {seconds:.1} s ({:.0} records/s, {:.2} of the rate limit, {:.1}% in the database){}{}",
        crate::view::counted(read, "record", "records"),
        c.written,
        c.trashed,
        c.deleted,
        c.restored,
        shown(target),
        read as f64 / seconds,
        summary.share_of_limit(),
        c.database.as_secs_f64() / seconds * 100.0,
        if summary.resumed {
            "; continued the run cut short"
        } else {
            ""
        },
        crate::progress::peak_memory().map_or(String::new(), |m| format!("; peak memory {m}")),
    );
    let mut problems = Vec::new();
    if !summary.forbidden.is_empty() {
        problems.push(format!(
            "the key may not read {}",
            summary.forbidden.join(", ")
        ));
    }
    if !summary.unstable.is_empty() {
        problems.push(format!(
            "the order kept shifting while {} were read: nothing was inferred about their \
             missing records (run again when the organisation is quieter)",
            summary.unstable.join(", ")
        ));
    }
    if !summary.capped.is_empty() {
        problems.push(format!(
            "the API would not page to the end of {}: their missing records were not judged",
            summary.capped.join(", ")
        ));
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(Failure::Problems(problems.join("; "))),
    }
}

/// Where the mirror is, to show: a Postgres URL without its user and password.
fn shown(target: &str) -> String {
    match target.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://{host}")
        }
        None => target.to_string(),
    }
}

/// `lightfield sync status`: the last runs, and the records of each table by status.
pub fn status(database: &Path, out: &Out) -> Result<(), Failure> {
    if !database.exists() {
        return Err(Failure::Local(format!(
            "{} does not exist: `lightfield sync {}` makes it",
            database.display(),
            database.display()
        )));
    }
    let store = Sqlite::open(database).map_err(Failure::Local)?;
    let db = store.connection();
    let local = |e: lightfield_sync::rusqlite::Error| {
        Failure::Local(format!("{}: {e}", database.display()))
    };
    let mut runs = db
        .prepare(
            "SELECT run, started_at, finished_at, status, written, trashed, deleted, requests
             FROM _lf_runs ORDER BY run DESC LIMIT 5",
        )
        .map_err(local)?;
    let runs: Vec<Value> = runs
        .query_map([], |r| {
            Ok(json!({
                "run": r.get::<_, i64>(0)?, "started": r.get::<_, String>(1)?,
                "finished": r.get::<_, Option<String>>(2)?, "status": r.get::<_, String>(3)?,
                "written": r.get::<_, Option<i64>>(4)?, "trashed": r.get::<_, Option<i64>>(5)?,
                "deleted": r.get::<_, Option<i64>>(6)?, "requests": r.get::<_, Option<i64>>(7)?,
            }))
        })
        .map_err(local)?
        .collect::<Result<_, _>>()
        .map_err(local)?;
    let mut tables = db
        .prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
             AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = '_raw')
             ORDER BY m.name",
        )
        .map_err(local)?;
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .map_err(local)?
        .collect::<Result<_, _>>()
        .map_err(local)?;
    let mut counts = Vec::new();
    for table in names {
        let count = |status: &str| -> Result<i64, Failure> {
            db.query_row(
                &format!("SELECT COUNT(*) FROM \"{table}\" WHERE _status = ?1"),
                [status],
                |r| r.get(0),
            )
            .map_err(local)
        };
        counts.push(json!({
            "table": table, "active": count("active")?, "trashed": count("trashed")?,
            "deleted": count("deleted")?,
        }));
    }
    out.value(&json!({"runs": runs, "tables": counts}))
}
