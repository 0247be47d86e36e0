//! The import journal: a file beside the input recording each finished row, so that an
//! interrupted import (Ctrl-C, a crash, `kill -9`) continues where it stopped, and a file
//! edited in between resumes without writing a row twice.
//!
//! The first line names the record type and the target: the base URL, and a fingerprint of
//! the API key standing for the organisation (the API's `validate()` names none; the key
//! itself is never written). A run against another target is refused, naming both, unless
//! `--new-journal` asks for a new one (the old file is kept beside it).
//!
//! Each later line is one finished row, `{"key": "…", "row": 7, "id": "acc_.."}` or
//! `{"key": "…", "row": 8, "rejected": "why"}`, written with one `write` and synced before
//! the next row is taken. A row's key comes from the record type, its content and the
//! how-many-th time that content appears in the file ([`row_key`]): it is also the row's
//! idempotency key. So a row in flight when the process died is sent again with the same
//! key and the server replays the first write; a row that was edited is a new row, sent
//! once; rows moved or added around it keep theirs. A torn last line is ignored. One
//! process at a time holds the journal (an exclusive lock).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::exit::Failure;

/// The journal format this CLI writes.
const VERSION: u64 = 2;

/// How a row ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Written(String),
    Rejected(String),
}

/// Where an import writes: the journal is only good for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub base_url: String,
    /// A fingerprint of the API key (never the key).
    pub key_fingerprint: String,
}

impl Target {
    /// The target of a client with `api_key` at `base_url`.
    pub fn new(base_url: &str, api_key: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            key_fingerprint: hex(&Md5::digest(format!("lightfield-journal:{api_key}")))[..12]
                .to_string(),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} with key {}…", self.base_url, self.key_fingerprint)
    }
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Rows finished in earlier runs, by key: their row number then, and how they ended.
    pub earlier: HashMap<String, (u64, Done)>,
}

/// Where the journal of `input` lives.
pub fn path_of(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of a row: from the record type, the row's content and its `occurrence` (1 for
/// the first row with that content, 2 for the second…).
pub fn row_key(object: &str, content: &str, occurrence: u32) -> String {
    let mut hasher = Md5::new();
    hasher.update(object.as_bytes());
    hasher.update([0]);
    hasher.update(content.as_bytes());
    hasher.update([0]);
    hasher.update(occurrence.to_string().as_bytes());
    format!("lf-import-{}", hex(&hasher.finalize()))
}

impl Journal {
    /// Opens (or starts) the journal of `input` for an import of `object` into `target`.
    /// With `new_journal`, a journal of another target is set aside and a new one begun.
    pub fn open(
        input: &Path,
        object: &str,
        target: &Target,
        new_journal: bool,
    ) -> Result<Self, Failure> {
        let path = path_of(input);
        let header = json!({
            "lightfieldImport": VERSION,
            "object": object,
            "baseUrl": target.base_url,
            "keyFingerprint": target.key_fingerprint,
        });
        let mut file = lock(&path)?;
        let mut earlier = HashMap::new();
        let mut lines = BufReader::new(&file).lines();
        let first: Option<Value> = lines
            .next()
            .and_then(|l| l.ok())
            .and_then(|l| serde_json::from_str(&l).ok());
        if let Some(first) = first.filter(|f| f != &header) {
            drop(lines);
            refuse_or_set_aside(&path, &first, object, target, new_journal)?;
            file = lock(&path)?;
            return Self::begin(path, file, &header);
        }
        for line in lines.map_while(Result::ok) {
            let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                continue; // a torn last line
            };
            let (Some(key), Some(row)) = (entry["key"].as_str(), entry["row"].as_u64()) else {
                continue;
            };
            let done = match (entry["id"].as_str(), entry["rejected"].as_str()) {
                (Some(id), _) => Done::Written(id.to_string()),
                (_, Some(why)) => Done::Rejected(why.to_string()),
                _ => continue,
            };
            earlier.insert(key.to_string(), (row, done));
        }
        if file.metadata().map_err(|e| io(&path, e))?.len() == 0 {
            return Self::begin(path, file, &header);
        }
        // A torn last line must not glue itself to the next entry.
        file.write_all(b"\n").map_err(|e| io(&path, e))?;
        file.sync_data().map_err(|e| io(&path, e))?;
        Ok(Self {
            path,
            file,
            earlier,
        })
    }

    /// A new journal in `file` (locked, empty or to be emptied).
    fn begin(path: PathBuf, mut file: File, header: &Value) -> Result<Self, Failure> {
        file.set_len(0).map_err(|e| io(&path, e))?;
        file.rewind().map_err(|e| io(&path, e))?;
        file.write_all(format!("{header}\n").as_bytes())
            .map_err(|e| io(&path, e))?;
        file.sync_data().map_err(|e| io(&path, e))?;
        Ok(Self {
            path,
            file,
            earlier: HashMap::new(),
        })
    }

    /// Records that the row with `key` (row `row` of this run's input) finished, durably,
    /// in one write, before the next row is taken.
    pub fn record(&mut self, key: &str, row: u64, done: &Done) -> Result<(), Failure> {
        let line = match done {
            Done::Written(id) => json!({"key": key, "row": row, "id": id}),
            Done::Rejected(why) => json!({"key": key, "row": row, "rejected": why}),
        };
        self.file
            .write_all(format!("{line}\n").as_bytes())
            .map_err(|e| io(&self.path, e))?;
        self.file.sync_data().map_err(|e| io(&self.path, e))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
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

/// A journal whose header differs: refused, unless a new journal was asked for and the
/// difference is the target (the old one is then kept beside it).
fn refuse_or_set_aside(
    path: &Path,
    found: &Value,
    object: &str,
    target: &Target,
    new_journal: bool,
) -> Result<(), Failure> {
    if found["lightfieldImport"].as_u64() != Some(VERSION) {
        return Err(Failure::Local(format!(
            "{} was written by an earlier version of lightfield, which keyed rows by position: \
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
    let theirs = Target {
        base_url: found["baseUrl"].as_str().unwrap_or("?").to_string(),
        key_fingerprint: found["keyFingerprint"].as_str().unwrap_or("?").to_string(),
    };
    if !new_journal {
        return Err(Failure::Local(format!(
            "{} records an import into {theirs}; this run would write to {target}. \
             To import the file into this target too, run again with --new-journal \
             (the old journal is kept).",
            path.display()
        )));
    }
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{}", theirs.key_fingerprint));
    std::fs::rename(path, &aside).map_err(|e| io(path, e))?;
    eprintln!(
        "the journal of the import into {theirs} is now {}",
        PathBuf::from(aside).display()
    );
    Ok(())
}

fn io(path: &Path, e: std::io::Error) -> Failure {
    Failure::Local(format!("journal {}: {e}", path.display()))
}
