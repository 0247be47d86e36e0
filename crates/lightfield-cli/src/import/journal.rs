//! The import journal: a file beside the input recording each row's write, so that an
//! interrupted import (Ctrl-C, a crash, `kill -9`) continues where it stopped, and a file
//! edited in between resumes without writing a row twice.
//!
//! The first line names the record type and the target: the base URL, and a salted
//! fingerprint of the API key the import began with ([`super::target`]; the key itself is
//! never written). The journal belongs
//! to the organisation, not the key: a new key of the same organisation resumes once a
//! record this journal wrote is visible with it (a `target` line then records the new
//! key); a key that sees none of them is another organisation, and is refused. Another
//! server is refused too, unless `--new-journal` sets this journal aside, named by its
//! target, from where a later `--new-journal` run against that target picks it up again.
//!
//! Each later line is one event of one row, by the row's key ([`super::identity`]):
//! - `{"key", "row", "sent": secs, "replayable": bool}` before its write goes out, so that no
//!   write is in flight without a trace;
//! - `{"key", "row", "id", "mode", "body", "replaces"?, "origin"?}` once written
//!   (`replaces` names the key of the row it is an edit of; `origin`, for a rejects file,
//!   the row of the original input it came from);
//! - `{"key", "row", "rejected": why}` once refused for its data;
//! - `{"rejects": digest}` when a rejects file is written, to tell later whether the user
//!   edited it.
//!
//! Each line is one `write`, synced before the row goes on. A torn last line is ignored.
//! One process at a time holds the journal (an exclusive lock).

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use lightfield::{Client, ObjectType, Record};
use serde_json::{Value, json};

use super::target::{Recorded, Target};
use crate::exit::Failure;

/// The journal format this CLI writes: 3 keys rows by the write they plan.
const VERSION: u64 = 3;

/// How a row ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// Written as record `id` by a write of `mode` (`create`, `as-new`, `update ID`) with
    /// `body` (the canonical body sent).
    Written {
        id: String,
        mode: String,
        body: Value,
    },
    Rejected(String),
}

/// A write sent and not known to have ended: when it went, and whether the API would
/// answer a repeat with the first write's answer (its operation is deduplicated by key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InFlight {
    pub row: u64,
    pub sent_at: u64,
    pub replayable: bool,
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    file: File,
    /// What earlier runs recorded in it.
    pub history: History,
}

/// What earlier runs recorded.
#[derive(Default)]
pub struct History {
    /// Rows finished, by key: their row number then, and how they ended.
    pub earlier: HashMap<String, (u64, Done)>,
    /// Rows sent with no recorded end.
    pub in_flight: HashMap<String, InFlight>,
    /// Keys of written rows that a later edit of the row took over.
    pub replaced: HashSet<String>,
    /// The digest of the rejects file as last written.
    pub rejects_digest: Option<String>,
    /// For the journal of a rejects file: the rows of the original input (their `_row`)
    /// that were written from it once fixed.
    pub origins: HashSet<u64>,
}

/// What a journal's file holds.
#[derive(Default)]
struct Contents {
    header: Option<Value>,
    target: Option<Recorded>,
    history: History,
}

/// Where the journal of `input` lives.
pub fn path_of(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

/// The journal of `input` for `target` set aside earlier, if there is one: each journal
/// beside the input is read, since a salted fingerprint names no key in a file name.
fn aside_of(input: &Path, target: &Target) -> Option<PathBuf> {
    let journal = path_of(input);
    let prefix = format!("{}.", journal.file_name()?.to_string_lossy());
    let dir = journal.parent().filter(|d| !d.as_os_str().is_empty());
    let entries = std::fs::read_dir(dir.unwrap_or(Path::new("."))).ok()?;
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .find(|path| {
            let found = File::open(path).map(|f| read(&f));
            found.is_ok_and(|c| c.target.is_some_and(|t| target.is(&t)))
        })
}

/// Where a journal of `input` is kept while another target's is in use: the first free
/// `….journal.aside-N` (found again by what it records, [`aside_of`], not by its name).
fn aside_path(input: &Path) -> PathBuf {
    (1..)
        .map(|n| {
            let mut name = path_of(input).into_os_string();
            name.push(format!(".aside-{n}"));
            PathBuf::from(name)
        })
        .find(|path| !path.exists())
        .unwrap_or_else(|| path_of(input))
}

/// Seconds since 1970, for `sent` lines.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads the rest of a journal after its header.
fn read(file: &File) -> Contents {
    let mut contents = Contents::default();
    let mut lines = BufReader::new(file).lines().map_while(Result::ok);
    contents.header = lines.next().and_then(|l| serde_json::from_str(&l).ok());
    contents.target = contents.header.as_ref().map(Recorded::of);
    for line in lines {
        let Ok(entry) = serde_json::from_str::<Value>(&line) else {
            continue; // a torn last line
        };
        if let Some(target) = entry.get("target") {
            contents.target = Some(Recorded::of(target));
            continue;
        }
        if let Some(digest) = entry["rejects"].as_str() {
            contents.history.rejects_digest = Some(digest.to_string());
            continue;
        }
        let (Some(key), Some(row)) = (entry["key"].as_str(), entry["row"].as_u64()) else {
            continue;
        };
        if let Some(sent_at) = entry["sent"].as_u64() {
            contents.history.in_flight.insert(
                key.to_string(),
                InFlight {
                    row,
                    sent_at,
                    replayable: entry["replayable"].as_bool().unwrap_or(false),
                },
            );
            continue;
        }
        let done = match (entry["id"].as_str(), entry["rejected"].as_str()) {
            (Some(id), _) => Done::Written {
                id: id.to_string(),
                mode: entry["mode"].as_str().unwrap_or_default().to_string(),
                body: entry["body"].clone(),
            },
            (_, Some(why)) => Done::Rejected(why.to_string()),
            _ => continue,
        };
        if let Some(replaced) = entry["replaces"].as_str() {
            contents.history.replaced.insert(replaced.to_string());
        }
        if let (Done::Written { .. }, Some(origin)) = (&done, entry["origin"].as_u64()) {
            contents.history.origins.insert(origin);
        }
        contents.history.in_flight.remove(key);
        contents
            .history
            .earlier
            .insert(key.to_string(), (row, done));
    }
    contents
}

impl Journal {
    /// Opens (or starts) the journal of `input` for an import of `object` into `target`,
    /// reached by `client`. A journal of another key is resumed when the key sees what it
    /// wrote; of another target, refused, or with `new_journal` set aside (and this
    /// target's own picked up again, if one was set aside before).
    pub async fn open(
        client: &Client,
        input: &Path,
        object: &ObjectType,
        target: &Target,
        new_journal: bool,
    ) -> Result<Self, Failure> {
        let path = path_of(input);
        let name = object.as_api();
        let mut header = target.to_json();
        header["lightfieldImport"] = json!(VERSION);
        header["object"] = json!(name);
        let file = lock(&path)?;
        let contents = read(&file);
        let Some(found) = &contents.header else {
            return Self::begin(path, file, &header);
        };
        check_kind(&path, found, name)?;
        let theirs = contents
            .target
            .clone()
            .unwrap_or_else(|| Recorded::of(found));
        if target.is(&theirs) {
            return Self::resume(path, file, contents);
        }
        if theirs.base_url == target.base_url()
            && same_organisation(client, object, &contents).await?
        {
            let mut journal = Self::resume(path, file, contents)?;
            journal.line(&json!({"target": target.to_json()}))?;
            eprintln!(
                "{} was begun with another API key; records it wrote are visible with this \
                 one (the same organisation), so the import resumes",
                journal.path.display()
            );
            return Ok(journal);
        }
        let ours_aside = aside_of(input, target);
        if !new_journal {
            let back = if let Some(ours_aside) = &ours_aside {
                format!(
                    " The journal of this file's import into {target} is kept at {}: \
                     --new-journal sets the current one aside and resumes that one.",
                    ours_aside.display()
                )
            } else {
                " To import the file into this target too, run again with --new-journal: \
                 the current journal is kept aside, and every row is written to this target."
                    .to_string()
            };
            return Err(Failure::Local(format!(
                "{} records an import into {theirs}, and none of the records it wrote is \
                 visible from {target}: another server or organisation.{back}",
                path.display()
            )));
        }
        drop(file);
        // Never over a journal set aside before.
        let theirs_aside = aside_path(input);
        std::fs::rename(&path, &theirs_aside).map_err(|e| io(&path, e))?;
        eprintln!(
            "the journal of the import into {theirs} is now {}",
            theirs_aside.display()
        );
        if let Some(ours_aside) = ours_aside {
            std::fs::rename(&ours_aside, &path).map_err(|e| io(&path, e))?;
            eprintln!("resuming the import into {target} from its journal, set aside earlier");
            let file = lock(&path)?;
            let contents = read(&file);
            return Self::resume(path, file, contents);
        }
        let file = lock(&path)?;
        Self::begin(path, file, &header)
    }

    /// A journal read from its file, appended to from here on.
    fn resume(path: PathBuf, mut file: File, contents: Contents) -> Result<Self, Failure> {
        // A torn last line must not glue itself to the next entry.
        file.write_all(b"\n").map_err(|e| io(&path, e))?;
        file.sync_data().map_err(|e| io(&path, e))?;
        Ok(Self {
            path,
            file,
            history: contents.history,
        })
    }

    /// A new journal in `file` (locked, empty or to be emptied).
    fn begin(path: PathBuf, mut file: File, header: &Value) -> Result<Self, Failure> {
        file.set_len(0).map_err(|e| io(&path, e))?;
        file.rewind().map_err(|e| io(&path, e))?;
        let mut journal = Self {
            path,
            file,
            history: History::default(),
        };
        journal.line(header)?;
        Ok(journal)
    }

    /// Appends `line`, durably, in one write.
    fn line(&mut self, line: &Value) -> Result<(), Failure> {
        self.file
            .write_all(format!("{line}\n").as_bytes())
            .map_err(|e| io(&self.path, e))?;
        self.file.sync_data().map_err(|e| io(&self.path, e))
    }

    /// Records that the row with `key` is about to be sent, before it is.
    pub fn sent(&mut self, key: &str, row: u64, replayable: bool) -> Result<(), Failure> {
        self.line(&json!({"key": key, "row": row, "sent": now(), "replayable": replayable}))
    }

    /// Records that the row with `key` (row `row` of this run's input) finished; an edit of
    /// a written row names the key it `replaces`, a row of a rejects file the row of the
    /// original input it came from (its `origin`).
    pub fn record(
        &mut self,
        key: &str,
        row: u64,
        done: &Done,
        replaces: Option<&str>,
        origin: Option<u64>,
    ) -> Result<(), Failure> {
        let mut line = match done {
            Done::Written { id, mode, body } => {
                json!({"key": key, "row": row, "id": id, "mode": mode, "body": body})
            }
            Done::Rejected(why) => json!({"key": key, "row": row, "rejected": why}),
        };
        if let Some(replaced) = replaces {
            line["replaces"] = json!(replaced);
        }
        if let Some(origin) = origin {
            line["origin"] = json!(origin);
        }
        self.line(&line)
    }

    /// Records the digest of the rejects file just written.
    pub fn rejects_written(&mut self, digest: &str) -> Result<(), Failure> {
        self.line(&json!({"rejects": digest}))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What the journal of `input` records, read without taking it, for a dry run (empty when
/// there is none, or it belongs to another import).
pub fn peek(input: &Path, object: &ObjectType) -> History {
    let path = path_of(input);
    let Ok(file) = File::open(&path) else {
        return History::default();
    };
    let contents = read(&file);
    match contents
        .header
        .as_ref()
        .map(|h| check_kind(&path, h, object.as_api()))
    {
        Some(Ok(())) => contents.history,
        _ => History::default(),
    }
}

/// Whether a key of another organisation could be the one in use: a record this journal
/// wrote is visible with it (a few are tried; one is enough). With nothing written yet,
/// there is nothing to write twice.
async fn same_organisation(
    client: &Client,
    object: &ObjectType,
    contents: &Contents,
) -> Result<bool, Failure> {
    let written: Vec<&str> = contents
        .history
        .earlier
        .values()
        .filter_map(|(_, done)| match done {
            Done::Written { id, .. } => Some(id.as_str()),
            Done::Rejected(_) => None,
        })
        .take(3)
        .collect();
    if written.is_empty() && contents.history.in_flight.is_empty() {
        return Ok(true);
    }
    let records: lightfield::Records<Record> = client.records_of(object.clone());
    for id in written {
        match records.retrieve(id).send().await {
            Ok(_) => return Ok(true),
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(false)
}

/// Refuses a journal of another format or record type.
fn check_kind(path: &Path, found: &Value, object: &str) -> Result<(), Failure> {
    if found["lightfieldImport"].as_u64() != Some(VERSION) {
        return Err(Failure::Local(format!(
            "{} was written by another version of lightfield, which knew rows differently: \
             finish that import with the version that started it. Starting over here would \
             write again the rows it already wrote.",
            path.display()
        )));
    }
    if found["object"].as_str() != Some(object) {
        return Err(Failure::Local(format!(
            "{} is the journal of an import of {} records, not {object}: import this file as \
             {0}, or move the journal away if the file now holds {object} records",
            path.display(),
            found["object"].as_str().unwrap_or("other")
        )));
    }
    Ok(())
}

/// Opens the journal for reading and appending, held by this process alone until it ends.
fn lock(path: &Path) -> Result<File, Failure> {
    // A link planted where the journal goes would have this import write elsewhere.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Failure::Local(format!(
            "{} is a symbolic link; the journal must be a plain file beside the input",
            path.display()
        )));
    }
    let file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| io(path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Failure::Local(format!(
            "another import is using {}: wait for it to finish (one import of a file at a time)",
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(io(path, e)),
    }
}

fn io(path: &Path, e: std::io::Error) -> Failure {
    Failure::Local(format!("journal {}: {e}", path.display()))
}
