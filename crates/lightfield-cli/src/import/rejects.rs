//! The rejects file: rows refused for their data, in the input's own format and order, with
//! their row number (`_row`) and the reason (`_error`), to be fixed and imported again.
//!
//! Once written it is the user's: a later run that would replace it after it was edited
//! (its digest is no longer the one the journal recorded) keeps the edited file aside and
//! says where.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

use super::rows::{self, ERROR_KEY, Original, ROW_KEY, Row};

/// Where the rejects file keeps a line that was not a JSON object.
const TEXT_KEY: &str = "_text";
use crate::exit::Failure;

/// Rows refused in this run and earlier ones, with the reason and their row number, in the
/// input's own format and order: fix them (here or in the input) and import again. Written
/// whole at the end of each run, replacing the last run's file.
pub struct Rejects {
    pub path: PathBuf,
    rows: BTreeMap<u64, (Row, String)>,
}

impl Rejects {
    pub fn new(input: &Path) -> Self {
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

    pub fn add(&mut self, row: Row, why: String) {
        self.rows.insert(row.number, (row, why));
    }

    pub fn len(&self) -> u64 {
        self.rows.len() as u64
    }

    /// Replaces the rejects file (removes it when nothing was refused), unless the file
    /// there is not the one `written_before` describes (the digest of the last one written):
    /// then that file, edited by the user, is kept aside first. Returns the digest of what
    /// was written.
    pub fn write(
        &self,
        headers: Option<&[String]>,
        written_before: Option<&str>,
    ) -> Result<Option<String>, Failure> {
        let failed = |e: &dyn std::fmt::Display| {
            Failure::Local(format!("cannot write {}: {e}", self.path.display()))
        };
        self.keep_if_edited(written_before)
            .map_err(|e| failed(&e))?;
        if self.rows.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(&e)),
                _ => Ok(None),
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
                    // A line that was no JSON object is kept under `_text` (as text, when
                    // it was not JSON at all), beside the row number and the reason.
                    let mut value = match value {
                        serde_json::Value::Object(_) => value.clone(),
                        other => serde_json::json!({ TEXT_KEY: other }),
                    };
                    if let Some(object) = value.as_object_mut() {
                        object.insert(ROW_KEY.into(), (*number).into());
                        object.insert(ERROR_KEY.into(), why.clone().into());
                    }
                    writeln!(file, "{value}").map_err(|e| failed(&e))?;
                }
            }
        }
        temp.as_file().sync_all().map_err(|e| failed(&e))?;
        let digest = digest_of(temp.path()).map_err(|e| failed(&e))?;
        temp.persist(&self.path).map_err(|e| failed(&e.error))?;
        Ok(Some(digest))
    }

    /// Moves an existing rejects file aside when it is not the one this import last wrote
    /// (`written_before`): the user has edited it, or it came from elsewhere.
    fn keep_if_edited(&self, written_before: Option<&str>) -> std::io::Result<()> {
        let found = match digest_of(&self.path) {
            Ok(found) => found,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        if written_before == Some(found.as_str()) {
            return Ok(());
        }
        let mut n = 1;
        let aside = loop {
            let mut name = self.path.as_os_str().to_owned();
            name.push(format!(".edited-{n}"));
            let aside = PathBuf::from(name);
            if !aside.exists() {
                break aside;
            }
            n += 1;
        };
        std::fs::rename(&self.path, &aside)?;
        eprintln!(
            "{} was changed since this import wrote it: it is kept as {}",
            self.path.display(),
            aside.display()
        );
        Ok(())
    }
}

/// The MD5 of a file's bytes, in hex.
fn digest_of(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(Md5::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_rejects_file_is_kept_aside_and_one_of_ours_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("in.jsonl");
        let mut rejects = Rejects::new(&input);
        rejects.add(
            Row {
                number: 1,
                cells: Vec::new(),
                original: Original::Json(serde_json::json!({"seats": "x"})),
                problem: None,
            },
            "bad".into(),
        );
        let ours = rejects
            .write(None, None)
            .expect("written")
            .expect("a digest");
        // Ours again: replaced, nothing kept aside.
        let again = rejects.write(None, Some(&ours)).expect("written");
        assert_eq!(again.as_deref(), Some(ours.as_str()));
        let aside = dir.path().join("in.jsonl.rejects.jsonl.edited-1");
        assert!(!aside.exists());
        // Edited by the user: kept aside whole.
        std::fs::write(&rejects.path, "{\"seats\": 4}\n").expect("edited");
        rejects.write(None, Some(&ours)).expect("written");
        assert_eq!(
            std::fs::read_to_string(&aside).expect("kept"),
            "{\"seats\": 4}\n"
        );
    }
}
