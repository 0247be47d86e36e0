//! `lightfield import TYPE FILE`: one create (or update, for rows with an id) per row, at
//! the Write rate limit, exactly once whatever happens in between: a crash, a re-run, a
//! key rotation, an edit of the file.
//!
//! - [`rows`]: the file's rows (CSV or JSON lines) and what each asks to write;
//! - [`identity`]: a row is known by the write it plans, never by its bytes;
//! - [`journal`]: what each row became, beside the file, for one organisation;
//! - [`survey`]: what each row comes to against the journal (done, an edit, unsure, new);
//! - [`write`]: a row's write on the wire, and the `--match` lookup;
//! - [`rejects`]: the rows refused for their data, to fix and import again;
//! - `dry_run`: what an import would do with each row, sending nothing.
//!
//! Only a refusal of a row's own data rejects it; any other failure stops the run, to be
//! run again.

mod dry_run;
pub mod identity;
pub mod journal;
pub mod rejects;
pub mod rows;
mod survey;
pub mod target;
mod write;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use futures_util::StreamExt;
use lightfield::{Client, ObjectType, Record, Records};

use self::identity::Mode;
use self::journal::{Done, History, Journal};
use self::rejects::Rejects;
use self::survey::{Edit, Keyed, Reader, Survey, Unsure};
use self::target::Target;
use self::write::{Found, Sent};
use crate::exit::Failure;
use crate::progress;

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
    /// Set aside a journal of another target and begin (or resume) this target's.
    pub new_journal: bool,
    /// Update records by id without asking on a terminal.
    pub yes: bool,
    /// Look up each row to create by this key first; a record found is updated.
    pub match_key: Option<String>,
}

/// What to do with one row of the second pass.
pub(super) enum Step {
    /// Written or rejected in an earlier run.
    Done,
    /// Refused before sending.
    Reject(Keyed, String),
    /// Refused in an earlier run (the journal has it already): listed again, not recorded.
    RejectedBefore(Keyed, String),
    /// Not sent: whether its record exists is not known.
    Hold(Keyed, String),
    /// Send it (after a `--match` lookup when `verify`).
    Write {
        keyed: Keyed,
        edit: Option<Edit>,
        verify: bool,
    },
}

/// What this run did.
#[derive(Default)]
struct Counts {
    created: u64,
    updated: u64,
    edited: u64,
    matched: u64,
    replayed: u64,
    done_before: u64,
    held: Vec<(u64, String)>,
}

pub async fn run(client: &Client, import: Import) -> Result<(), Failure> {
    let definitions = client.schema(import.object.clone()).await?;
    let records: Records<Record> = client.records_of(import.object.clone());
    let (headers, _) = rows::read(&import.file, import.raw_csv)?;
    if let Some(headers) = &headers {
        rows::check_header(headers, &definitions).map_err(Failure::Local)?;
    }
    if let Some(key) = &import.match_key
        && definitions.field(key).is_none()
    {
        return Err(Failure::Local(format!(
            "--match `{key}` is not a field of {}: name a field key, such as $email for \
             contacts or $name for accounts (`lightfield schema {0}` lists them)",
            import.object
        )));
    }
    let reader = Reader {
        object: import.object.as_api().to_string(),
        definitions: &definitions,
        mode: if import.as_new {
            Mode::AsNew
        } else {
            Mode::Plain
        },
        raw_csv: import.raw_csv,
    };
    let mut skipped = BTreeSet::new();
    if import.dry_run {
        let history = journal::peek(&import.file, &import.object);
        let survey = survey::survey(reader.rows(&import.file, &mut skipped)?, &history)?;
        return dry_run::run(&import, &reader, &records, &history, &survey).await;
    }
    let mut journal = Journal::open(
        client,
        &import.file,
        &import.object,
        &import.target,
        import.new_journal,
    )
    .await?;
    let history = std::mem::take(&mut journal.history);
    let survey = survey::survey(reader.rows(&import.file, &mut skipped)?, &history)?;
    if survey.updates > 0 {
        ask_before_updating(&survey, import.yes)?;
    }
    for gone in &survey.gone {
        eprintln!(
            "row {}, written as {}, is no longer in the file as it was: its record is left \
             as it is",
            gone.row, gone.id
        );
    }
    let started = Instant::now();
    let journal = RefCell::new(journal);
    let rejects = RefCell::new(Rejects::new(&import.file));
    // Rows this file's import rejected that were since written from its rejects file,
    // fixed, are done: they are not listed as rejected again.
    let fixed = journal::peek(&rejects.borrow().path, &import.object).origins;
    let mut counts = Counts::default();
    let bar = progress::bar(survey.creates + survey.updates, "rows");
    let now = journal::now();
    let matching = import.match_key.is_some();
    // Decided in file order as rows are read; the writes run concurrently, paced by the
    // client's Write limiter (and, for --match, the Search limiter beside it).
    let steps = reader.rows(&import.file, &mut skipped)?.map(|keyed| {
        keyed.map(|keyed| {
            let rejected = matches!(
                history.earlier.get(&keyed.key),
                Some((_, Done::Rejected(_)))
            );
            match rejected && fixed.contains(&keyed.row.number) {
                true => Step::Done,
                false => step(keyed, &history, &survey, matching, now),
            }
        })
    });
    let replayable = import.object.deduplicates_writes();
    let mut sends = futures_util::stream::iter(steps)
        .map(|step| {
            let (records, definitions, journal) = (&records, &definitions, &journal);
            let match_key = import.match_key.as_deref();
            async move {
                let step = step?;
                let Step::Write {
                    keyed,
                    edit,
                    verify,
                } = step
                else {
                    return Ok((step, None));
                };
                let key = keyed.key.clone();
                let Ok(mut plan) = keyed.plan.clone() else {
                    return Ok((Step::Reject(keyed, "unreadable".into()), None));
                };
                let mut matched = false;
                if let Some(edit) = &edit {
                    plan.id = Some(edit.id.clone());
                } else if verify && let Some(match_key) = match_key {
                    match write::lookup(records, definitions, match_key, &plan).await? {
                        Err(why) => return Ok((Step::Reject(keyed, why), None)),
                        Ok(Found::Several(ids)) => {
                            let why = format!(
                                "`{match_key}` matches {} records ({}): make the value \
                                 unique, or give the row the `id` of the one to update",
                                ids.len(),
                                ids.join(", ")
                            );
                            return Ok((Step::Reject(keyed, why), None));
                        }
                        Ok(Found::One(id)) => {
                            plan.id = Some(id);
                            matched = true;
                        }
                        Ok(Found::None) => {}
                    }
                }
                journal
                    .borrow_mut()
                    .sent(&key, keyed.row.number, replayable)?;
                let sent = write::send(records, plan, key).await?;
                let written = Written {
                    sent,
                    matched,
                    replaces: edit.map(|e| e.replaces),
                };
                Ok((
                    Step::Write {
                        keyed,
                        edit: None,
                        verify,
                    },
                    Some(written),
                ))
            }
        })
        .buffer_unordered(import.concurrency.max(1));
    let mut stopped = None;
    let resume = "rows written so far are in the journal: run the same command again to \
                  continue";
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let outcome = tokio::select! {
            // Ctrl-C first: its handler is in place before the first row is sent (polled
            // later, a Ctrl-C in between would end the import the default way, unsaid).
            biased;
            // Rows in flight have a `sent` line: the next run replays or verifies them.
            _ = &mut ctrl_c => {
                stopped = Some(Failure::Interrupted(resume.to_string()));
                break;
            }
            next = sends.next() => next,
        };
        let Some(outcome) = outcome else { break };
        let (step, written) = match outcome {
            Ok(done) => done,
            Err(failure) => {
                stopped = Some(failure);
                break;
            }
        };
        let mut journal = journal.borrow_mut();
        match (step, written) {
            (Step::Done, _) => counts.done_before += 1,
            (Step::Hold(keyed, why), _) => counts.held.push((keyed.row.number, why)),
            (Step::RejectedBefore(keyed, why), _) => rejects.borrow_mut().add(keyed.row, why),
            (Step::Reject(keyed, why), _) => {
                let done = Done::Rejected(why.clone());
                journal.record(&keyed.key, keyed.row.number, &done, None, None)?;
                rejects.borrow_mut().add(keyed.row, why);
                bar.inc(1);
            }
            (Step::Write { keyed, .. }, Some(written)) => {
                let id = match written.sent {
                    Sent::Refused(why) => {
                        let done = Done::Rejected(why.clone());
                        journal.record(&keyed.key, keyed.row.number, &done, None, None)?;
                        rejects.borrow_mut().add(keyed.row, why);
                        bar.inc(1);
                        continue;
                    }
                    Sent::Created(id) => {
                        counts.created += 1;
                        id
                    }
                    Sent::Updated(id) => {
                        counts.updated += 1;
                        id
                    }
                    Sent::Replayed(id) => {
                        counts.replayed += 1;
                        id
                    }
                };
                counts.matched += u64::from(written.matched);
                counts.edited += u64::from(written.replaces.is_some());
                let done = Done::Written {
                    id,
                    mode: keyed.mode,
                    body: keyed.body,
                };
                let replaces = written.replaces.as_deref();
                let origin = keyed.row.origin();
                journal.record(&keyed.key, keyed.row.number, &done, replaces, origin)?;
                bar.inc(1);
            }
            (Step::Write { .. }, None) => {}
        }
    }
    drop(sends);
    let rejects = rejects.into_inner();
    let mut journal = journal.into_inner();
    let digest = rejects.write(headers.as_deref(), history.rejects_digest.as_deref())?;
    if let Some(digest) = digest {
        journal.rejects_written(&digest)?;
    }
    if let Some(failure) = stopped {
        bar.abandon();
        if matches!(failure, Failure::Interrupted(_)) {
            return Err(failure);
        }
        // A row whose answer was lost is the journal's to settle on the next run (replayed
        // by its key, looked up, or held back): the SDK's advice on keys is not for here.
        if let Failure::Sdk(lightfield::Error::OutcomeUnknown(unknown)) = failure {
            eprintln!(
                "stopped: a row's write may or may not have been carried out. Run the same \
                 command again: the journal ({}) knows it was sent, and the next run sends it \
                 again only where the API answers a repeat with the first write, or looks it \
                 up with --match",
                journal.path().display()
            );
            return Err(Failure::Sdk(unknown.source));
        }
        eprintln!(
            "stopped; nothing was lost: rows written so far are in {}. Fix what the error \
             says, then run the same command again to continue",
            journal.path().display()
        );
        return Err(failure);
    }
    bar.finish_and_clear();
    if !skipped.is_empty() {
        let keys: Vec<_> = skipped.into_iter().collect();
        eprintln!("left out read-only keys: {}", keys.join(", "));
    }
    summarise(&counts, rejects.len(), started);
    if !counts.held.is_empty() {
        let rows: Vec<String> = counts
            .held
            .iter()
            .map(|(row, why)| format!("  row {row}: {why}"))
            .collect();
        return Err(Failure::Local(format!(
            "{} held back, the others are done:\n{}",
            crate::view::counted(counts.held.len() as u64, "row was", "rows were"),
            rows.join("\n")
        )));
    }
    if rejects.len() > 0 {
        return Err(Failure::Rejected {
            rows: rejects.len(),
            file: rejects.path,
        });
    }
    Ok(())
}

/// What became of a row that was sent.
struct Written {
    sent: Sent,
    /// Found by `--match` and updated.
    matched: bool,
    /// The key of the written row this one is an edit of.
    replaces: Option<String>,
}

/// What the second pass does with `keyed`.
pub(super) fn step(
    keyed: Keyed,
    history: &History,
    survey: &Survey,
    matching: bool,
    now: u64,
) -> Step {
    match history.earlier.get(&keyed.key) {
        Some((_, Done::Written { .. })) => return Step::Done,
        Some((_, Done::Rejected(why))) => return Step::RejectedBefore(keyed, why.clone()),
        None => {}
    }
    let plan = match &keyed.plan {
        Ok(plan) => plan,
        Err(why) => {
            let why = why.clone();
            return Step::Reject(keyed, why);
        }
    };
    let creates = plan.id.is_none();
    let edit = survey.edits.get(&keyed.key).cloned();
    let sent = history.in_flight.get(&keyed.key);
    let unsure = sent.is_some()
        || (creates && edit.is_none() && survey.unsure_rows.contains(&keyed.row.number));
    if unsure {
        return match survey::unsure(sent, matching && creates, now) {
            Unsure::Replay => Step::Write {
                keyed,
                edit,
                verify: false,
            },
            Unsure::Verify => Step::Write {
                keyed,
                edit: None,
                verify: true,
            },
            Unsure::Hold(why) => Step::Hold(keyed, why),
        };
    }
    Step::Write {
        verify: matching && creates && edit.is_none(),
        keyed,
        edit,
    }
}

/// On a terminal, asks before an import changes records that exist: rows with an `id`,
/// and edits of rows written earlier. Scripts (no terminal) go on, as they always have.
fn ask_before_updating(survey: &Survey, yes: bool) -> Result<(), Failure> {
    use std::io::IsTerminal;
    if yes || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    let question = format!(
        "this import updates {} existing record{} ({} of them edits of rows written earlier) \
         and creates {}",
        survey.updates,
        if survey.updates == 1 { "" } else { "s" },
        survey.edits.len(),
        survey.creates,
    );
    crate::output::confirm(
        &question,
        "nothing was imported; --dry-run lists what would change",
        false,
    )
}

fn summarise(counts: &Counts, rejected: u64, started: Instant) {
    let mut notes = Vec::new();
    if counts.edited > 0 {
        notes.push(format!("{} edits of rows written earlier", counts.edited));
    }
    if counts.matched > 0 {
        notes.push(format!("{} found by --match", counts.matched));
    }
    let notes = match notes.is_empty() {
        true => String::new(),
        false => format!(" ({})", notes.join(", ")),
    };
    eprintln!(
        "imported in {:.1?}: {} created, {} updated{notes}, {} already imported, {} rejected{}{}",
        started.elapsed(),
        counts.created,
        counts.updated,
        counts.replayed + counts.done_before,
        rejected,
        match counts.held.len() {
            0 => String::new(),
            n => format!(", {n} held back"),
        },
        match counts.done_before {
            0 => String::new(),
            n => format!(" ({n} finished in an earlier run)"),
        },
    );
}
