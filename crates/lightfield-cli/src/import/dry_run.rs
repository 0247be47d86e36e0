//! `import --dry-run`: every row checked locally and against the definitions, and what the
//! import would do with it said, with no write sent.

use std::collections::BTreeSet;
use std::path::PathBuf;

use lightfield::{Record, Records};

use super::journal::{self, History};
use super::survey::{Reader, Survey};
use super::write::{self, Found};
use super::{Import, Step, step};
use crate::exit::Failure;

/// Checks every row locally and against the definitions, and says what the import would do
/// with each: create, update (by id, as an edit of a row written earlier, or found by
/// `--match`), skip as already imported, hold back. Sends no write.
pub(super) async fn run(
    import: &Import,
    reader: &Reader<'_>,
    records: &Records<Record>,
    history: &History,
    survey: &Survey,
) -> Result<(), Failure> {
    let mut skipped = BTreeSet::new();
    let now = journal::now();
    let (mut problems, mut checked, mut creates, mut updates, mut done, mut held) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    let say =
        |line: String| crate::output::text(&format!("{}\n", crate::safe::for_terminal(&line)));
    for keyed in reader.rows(&import.file, &mut skipped)? {
        let keyed = keyed?;
        checked += 1;
        let number = keyed.row.number;
        let (mut plan, edit, verify) =
            match step(keyed, history, survey, import.match_key.is_some(), now) {
                Step::Done => {
                    done += 1;
                    continue;
                }
                Step::Reject(_, why) | Step::RejectedBefore(_, why) => {
                    problems += 1;
                    say(format!("row {number}: {why}"))?;
                    continue;
                }
                Step::Hold(_, why) => {
                    held += 1;
                    say(format!("row {number}: held back: {why}"))?;
                    continue;
                }
                Step::Write {
                    keyed,
                    edit,
                    verify,
                } => match keyed.plan {
                    Ok(plan) => (plan, edit, verify),
                    Err(_) => continue,
                },
            };
        if let Some(edit) = &edit {
            plan.id = Some(edit.id.clone());
            say(format!(
                "row {number}, written as {}: {}",
                edit.id, edit.changes
            ))?;
        } else if verify && let Some(key) = &import.match_key {
            match write::lookup(records, reader.definitions, key, &plan).await? {
                Err(why) => {
                    problems += 1;
                    say(format!("row {number}: {why}"))?;
                    continue;
                }
                Ok(Found::Several(ids)) => {
                    problems += 1;
                    say(format!("row {number}: `{key}` matches {}", ids.join(", ")))?;
                    continue;
                }
                Ok(Found::One(id)) => {
                    say(format!(
                        "row {number}: `{key}` matches {id}, which it updates"
                    ))?;
                    plan.id = Some(id);
                }
                Ok(Found::None) => {}
            }
        }
        let updating = plan.id.is_some();
        match write::check(records, plan).await {
            Err(why) => {
                problems += 1;
                say(format!("row {number}: {why}"))?;
            }
            Ok(()) if updating => updates += 1,
            Ok(()) => creates += 1,
        }
    }
    for gone in &survey.gone {
        say(format!(
            "row {}, written as {}, is no longer in the file as it was: left as it is",
            gone.row, gone.id
        ))?;
    }
    eprintln!(
        "checked {checked} rows: {creates} to create, {updates} to update, {done} already \
         imported, {held} held back, {problems} with problems; nothing was sent"
    );
    if problems > 0 {
        return Err(Failure::Rejected {
            rows: problems,
            file: PathBuf::new(),
        });
    }
    Ok(())
}
