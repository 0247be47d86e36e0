//! The import journal: a file beside the input recording each finished row, so that an
//! interrupted import (Ctrl-C, a crash, `kill -9`) continues where it stopped.
//!
//! The first line names the input by its MD5 and the record type; each later line is one
//! finished row, `{"row": 7, "id": "acc_.."}` or `{"row": 8, "rejected": "why"}`, written
//! and synced before the next is taken. A row that was in flight when the process died
//! has no line: it is sent again with the same idempotency key (made from the input's
//! hash and the row number), so the server answers the first write instead of making a
//! second record. A torn last line (the process died while writing it) is ignored.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::exit::Failure;

/// How a row ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Written(String),
    Rejected(String),
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Rows finished in earlier runs.
    pub earlier: BTreeMap<u64, Done>,
    /// The input's MD5, hex.
    pub input_hash: String,
}

/// Where the journal of `input` lives.
pub fn path_of(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

/// The MD5 of a file, read in chunks.
pub fn hash_file(path: &Path) -> Result<String, Failure> {
    let mut file = File::open(path)
        .map_err(|e| Failure::Local(format!("cannot open {}: {e}", path.display())))?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Failure::Local(format!("cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

impl Journal {
    /// Opens (or starts) the journal of `input` for an import of `object`. Refuses a
    /// journal written for another file content or another type: its row numbers would
    /// not mean the same rows.
    pub fn open(input: &Path, object: &str) -> Result<Self, Failure> {
        let input_hash = hash_file(input)?;
        let path = path_of(input);
        let header = json!({"lightfieldImport": 1, "object": object, "inputMd5": input_hash});
        let mut earlier = BTreeMap::new();
        let exists = path.exists();
        if exists {
            let reader = BufReader::new(File::open(&path).map_err(|e| io(&path, e))?);
            let mut lines = reader.lines();
            let first: Value = lines
                .next()
                .and_then(|l| l.ok())
                .and_then(|l| serde_json::from_str(&l).ok())
                .unwrap_or(Value::Null);
            if first != header {
                return Err(Failure::Local(format!(
                    "{} was written for another input or record type; the rows would not match. \
                     Remove it to start over.",
                    path.display()
                )));
            }
            for line in lines.map_while(Result::ok) {
                let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                    continue; // a torn last line
                };
                let Some(row) = entry["row"].as_u64() else {
                    continue;
                };
                let done = match (entry["id"].as_str(), entry["rejected"].as_str()) {
                    (Some(id), _) => Done::Written(id.to_string()),
                    (_, Some(why)) => Done::Rejected(why.to_string()),
                    _ => continue,
                };
                earlier.insert(row, done);
            }
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        if !exists {
            writeln!(file, "{header}").map_err(|e| io(&path, e))?;
        } else {
            // A torn last line must not glue itself to the next entry.
            writeln!(file).map_err(|e| io(&path, e))?;
        }
        file.sync_data().map_err(|e| io(&path, e))?;
        Ok(Self {
            path,
            file,
            earlier,
            input_hash,
        })
    }

    /// Records that `row` finished, durably, before the next row is taken.
    pub fn record(&mut self, row: u64, done: &Done) -> Result<(), Failure> {
        let line = match done {
            Done::Written(id) => json!({"row": row, "id": id}),
            Done::Rejected(why) => json!({"row": row, "rejected": why}),
        };
        writeln!(self.file, "{line}").map_err(|e| io(&self.path, e))?;
        self.file.sync_data().map_err(|e| io(&self.path, e))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The idempotency key of `row` of the input whose MD5 is `input_hash`: the same in every
/// run over the same input, so a row resent after an interruption is not written twice.
pub fn key(input_hash: &str, row: u64) -> String {
    format!("lf-import-{input_hash}-{row}")
}

fn io(path: &Path, e: std::io::Error) -> Failure {
    Failure::Local(format!("journal {}: {e}", path.display()))
}
