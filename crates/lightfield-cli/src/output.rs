//! Printing answers: tables on a terminal, JSON when piped, or the format asked for.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};

use lightfield::{Definitions, FieldValue, Record};
use serde_json::Value;

use crate::args::Format;
use crate::exit::Failure;
use crate::{safe, view};

/// A write to standard output that failed: a reader that went away (`| head`) ends the
/// output quietly; anything else is an error.
pub fn write_failed(e: impl std::error::Error + 'static) -> Failure {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(error) = cause {
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return Failure::ClosedPipe;
        }
        cause = error.source();
    }
    if e.to_string().contains("Broken pipe") {
        // csv and serde keep the io::Error as text in some paths.
        return Failure::ClosedPipe;
    }
    Failure::Local(format!("cannot write: {e}"))
}

/// Prints text to standard output. On a terminal, what would act on it (escape sequences,
/// bidirectional controls from a record's values) is shown escaped instead.
pub fn text(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let shown = if out.is_terminal() {
        safe::inert(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    out.write_all(shown.as_bytes()).map_err(write_failed)
}

/// Writes `bytes` to the file `path` whole or not at all: a temporary file beside it
/// (readable only by you), made durable, then renamed into place.
pub fn write_whole(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    let failed =
        |e: &dyn std::fmt::Display| Failure::Local(format!("cannot write {}: {e}", path.display()));
    // A device or a FIFO is written into: renaming over it would replace it.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| failed(&e));
    }
    // A symbolic link keeps pointing where it did: the file it names is replaced.
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = resolved.as_path();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| failed(&e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| failed(&e))?;
    temp.persist(path).map_err(|e| failed(&e.error))?;
    Ok(())
}

/// How answers are printed: the format, and the `--query` selection if any.
pub struct Out {
    pub format: Format,
    query: Option<serde_json_path::JsonPath>,
}

impl Out {
    /// Whether records can be printed one at a time as they come (JSON lines, no query):
    /// a long command on many ids then shows what is done even if it is stopped.
    pub fn line_by_line(&self) -> bool {
        self.format == Format::Jsonl && self.query.is_none()
    }

    /// `asked` (flag, `LIGHTFIELD_FORMAT` or profile), else a table on a terminal and JSON
    /// otherwise; `query` a JSONPath to print only what it selects.
    pub fn new(asked: Option<Format>, query: Option<&str>) -> Result<Self, Failure> {
        let format = asked.unwrap_or(if std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        });
        let query = query
            .map(|q| {
                serde_json_path::JsonPath::parse(q).map_err(|e| {
                    Failure::Local(format!(
                        "--query `{q}` is not a JSONPath ({e}); e.g. '$.data[*].id', or \
                         \"$.fields['\\$name'].value\" for a key with a `$`"
                    ))
                })
            })
            .transpose()?;
        Ok(Self { format, query })
    }

    /// With `--query`: prints what it selects from `value`, one match per line: text as it
    /// is (as `jq -r` prints it; escaped on a terminal), anything else as JSON. Answers true.
    fn queried(&self, value: &Value) -> Result<bool, Failure> {
        let Some(query) = &self.query else {
            return Ok(false);
        };
        let mut lines = String::new();
        for found in query.query(value).all() {
            match found {
                Value::String(s) => lines.push_str(s),
                other => lines.push_str(&other.to_string()),
            }
            lines.push('\n');
        }
        text(&lines)?;
        Ok(true)
    }

    /// Prints an answer that is not records.
    pub fn value(&self, value: &Value) -> Result<(), Failure> {
        if self.queried(value)? {
            return Ok(());
        }
        let text = match self.format {
            Format::Json => serde_json::to_string_pretty(value).map_err(write_failed)?,
            Format::Jsonl => match value {
                // A list prints as one value per line.
                Value::Array(items) => {
                    return items.iter().try_for_each(|item| {
                        let line = serde_json::to_string(item).map_err(write_failed)?;
                        text(&format!("{line}\n"))
                    });
                }
                other => serde_json::to_string(other).map_err(write_failed)?,
            },
            Format::Yaml => serde_norway::to_string(value).map_err(write_failed)?,
            Format::Table | Format::Csv => {
                let rows: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                let mut columns: Vec<String> = Vec::new();
                for row in rows.iter().filter_map(|r| r.as_object()) {
                    for key in row.keys() {
                        if !columns.contains(key) {
                            columns.push(key.clone());
                        }
                    }
                }
                let cells: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| columns.iter().map(|c| plain(&r[c.as_str()])).collect())
                    .collect();
                return match self.format {
                    Format::Csv => csv_out(&columns, &cells),
                    _ => view::table(&columns, &cells, None, None),
                };
            }
        };
        self::text(&format!("{text}\n"))
    }

    /// Prints one record: for people, key, label and value; otherwise as the API gave it.
    pub fn record(
        &self,
        record: &Record,
        definitions: Option<&Definitions>,
    ) -> Result<(), Failure> {
        match self.format {
            Format::Table if self.query.is_none() => view::record(record, definitions),
            Format::Csv if self.query.is_none() => {
                self.records(std::slice::from_ref(record), None, None, definitions)
            }
            _ => self.value(&record.to_json()),
        }
    }

    /// Prints records; `page` is how many matched in all and where these start, for the
    /// footer of a table and the `totalCount` of JSON. `columns` are the keys to show
    /// (`--columns`), in every format, all when empty; `definitions` says which keys the
    /// type has besides those the records hold (a page with no records, or none with that
    /// key, still has the column).
    pub fn records(
        &self,
        records: &[Record],
        page: Option<(u64, u64)>,
        columns: Option<&[String]>,
        definitions: Option<&Definitions>,
    ) -> Result<(), Failure> {
        // `None`: the command has no --columns (every column is shown, as far as they fit).
        let chosen = columns;
        let columns = columns.unwrap_or_default();
        let footer = page.and_then(|(total, offset)| footer(records.len(), total, offset));
        let all = Columns::of_records(records).and(definitions);
        let header = all.header();
        if let Some(unknown) = columns.iter().find(|key| !header.contains(key)) {
            return Err(no_column(unknown, &header));
        }
        match self.format {
            Format::Table | Format::Csv if self.query.is_none() => {
                if self.format == Format::Table {
                    let cells: Vec<Vec<String>> =
                        records.iter().map(|r| all.row_for_people(r)).collect();
                    return view::table(&header, &cells, chosen, footer);
                }
                let cells: Vec<Vec<String>> = records.iter().map(|r| all.row(r)).collect();
                if columns.is_empty() {
                    return csv_out(&header, &cells);
                }
                let picks: Vec<usize> = columns
                    .iter()
                    .filter_map(|key| header.iter().position(|h| h == key))
                    .collect();
                let cells: Vec<Vec<String>> = cells
                    .iter()
                    .map(|row| picks.iter().map(|&i| row[i].clone()).collect())
                    .collect();
                csv_out(columns, &cells)
            }
            Format::Jsonl if self.query.is_none() => records
                .iter()
                .try_for_each(|r| text(&format!("{}\n", only(r.to_json(), columns)))),
            _ => {
                let data: Vec<Value> = records.iter().map(|r| only(r.to_json(), columns)).collect();
                let mut shown = serde_json::json!({ "data": data });
                if let Some((total, _)) = page {
                    shown["totalCount"] = total.into();
                }
                self.value(&shown)
            }
        }
    }
}

/// A record as JSON with only the `columns` asked for (all when none): named fields and
/// relationships, and the record's own keys (`id`, `httpLink`…) when named. The shape stays
/// the API's, so what is printed still reads back.
fn only(mut record: Value, columns: &[String]) -> Value {
    if columns.is_empty() {
        return record;
    }
    if let Value::Object(map) = &mut record {
        map.retain(|key, value| match (key.as_str(), value) {
            ("fields" | "relationships", Value::Object(inner)) => {
                inner.retain(|k, _| columns.contains(k));
                true
            }
            _ => columns.contains(key),
        });
    }
    record
}

/// A table's footer for `shown` records out of `total` from `offset`.
fn footer(shown: usize, total: u64, offset: u64) -> Option<String> {
    let shown = shown as u64;
    if offset == 0 && shown >= total {
        return Some(view::counted(total, "record", "records"));
    }
    let more = if offset + shown < total {
        " — --all for every record, --limit N for more"
    } else {
        ""
    };
    Some(format!(
        "{} of {}{more}",
        view::count(shown),
        view::count(total)
    ))
}

/// JSON as one cell of text.
/// A value as one readable cell: a record (or anything with an `id`) as its id and name,
/// another object as `key: value` pairs, a list as its items joined; never raw JSON for the
/// reader to decode (a merge's primary record, an enrichment's run).
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("; "),
        Value::Object(object) => {
            if let Some(id) = object.get("id").and_then(Value::as_str) {
                let name = value
                    .pointer("/fields/$name/value")
                    .or_else(|| value.pointer("/fields/$title/value"))
                    .or_else(|| object.get("name"))
                    .or_else(|| object.get("label"))
                    .or_else(|| object.get("status"))
                    .and_then(Value::as_str);
                return match name {
                    Some(name) => format!("{id} ({name})"),
                    None => id.to_string(),
                };
            }
            object
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match v {
                    Value::Object(_) | Value::Array(_) => format!("{k}: {v}"),
                    other => format!("{k}: {}", plain(other)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        other => other.to_string(),
    }
}

/// Prints a header and rows as CSV, cells a spreadsheet would run kept inert.
fn csv_out(header: &[String], rows: &[Vec<String>]) -> Result<(), Failure> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(header.iter().map(|c| safe::to_csv(c).into_owned()))
        .map_err(write_failed)?;
    for row in rows {
        csv.write_record(row.iter().map(|c| safe::to_csv(c).into_owned()))
            .map_err(write_failed)?;
    }
    let bytes = csv.into_inner().map_err(|e| write_failed(e.into_error()))?;
    text(&String::from_utf8_lossy(&bytes))
}

/// The columns of records as text: `id`, then one per field key, then one per
/// relationship key.
pub struct Columns {
    fields: Vec<String>,
    links: Vec<String>,
}

impl Columns {
    /// Every key the type defines (for an export: known before the first record).
    pub fn of_definitions(definitions: &Definitions) -> Self {
        Self {
            fields: definitions.fields.keys().cloned().collect(),
            links: definitions.relationships.keys().cloned().collect(),
        }
    }

    /// Every key that some of `records` has.
    pub fn of_records(records: &[Record]) -> Self {
        let fields: BTreeSet<&String> = records.iter().flat_map(|r| r.fields.keys()).collect();
        let links: BTreeSet<&String> = records
            .iter()
            .flat_map(|r| r.relationships.keys())
            .collect();
        Self {
            fields: fields.into_iter().cloned().collect(),
            links: links.into_iter().cloned().collect(),
        }
    }

    /// These columns and every key of `definitions`, if any, each once and in order.
    pub fn and(self, definitions: Option<&Definitions>) -> Self {
        let Some(definitions) = definitions else {
            return self;
        };
        let more = Self::of_definitions(definitions);
        let union = |have: Vec<String>, extra: Vec<String>| -> Vec<String> {
            have.into_iter()
                .chain(extra)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        Self {
            fields: union(self.fields, more.fields),
            links: union(self.links, more.links),
        }
    }

    pub fn header(&self) -> Vec<String> {
        std::iter::once("id".to_string())
            .chain(self.fields.iter().cloned())
            .chain(self.links.iter().cloned())
            .collect()
    }

    /// One record's cells: values as text that reads back (lists joined by `; `,
    /// addresses as JSON), ids joined by `; `.
    pub fn row(&self, record: &Record) -> Vec<String> {
        self.cells(record, FieldValue::to_text)
    }

    /// One record's cells for people: addresses and names as words.
    pub fn row_for_people(&self, record: &Record) -> Vec<String> {
        self.cells(record, view::human)
    }

    fn cells(&self, record: &Record, text: fn(&FieldValue) -> String) -> Vec<String> {
        std::iter::once(record.id.clone())
            .chain(self.fields.iter().map(|k| {
                record
                    .fields
                    .get(k)
                    .map_or(String::new(), |f| text(&f.value))
            }))
            .chain(self.links.iter().map(|k| {
                record
                    .relationships
                    .get(k)
                    .map_or(String::new(), |r| r.ids.join("; "))
            }))
            .collect()
    }
}

/// Asks on the terminal before `question` (something that cannot be undone) is done;
/// `yes` (`--yes`) skips the question, and without a terminal it is required. Declining
/// ends the command with `declined` (what was not done).
pub fn confirm(question: &str, declined: &str, yes: bool) -> Result<(), Failure> {
    use std::io::{IsTerminal, Write};
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Local(format!(
            "{question}: this cannot be undone, and there is no terminal to ask on; pass --yes \
             to do it anyway"
        )));
    }
    eprint!("{question}? This cannot be undone. [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Local(format!("cannot read the answer: {e}")))?;
    match answer.trim() {
        "y" | "Y" | "yes" => Ok(()),
        _ => Err(Failure::Local(declined.to_string())),
    }
}

/// `--columns` named `key`, which `header` does not have: what to type instead. An empty key
/// is what the shell leaves of `"$name,tier"`.
pub fn no_column(key: &str, header: &[String]) -> Failure {
    if key.trim().is_empty() {
        return Failure::Local(
            "--columns has an empty name: a key starting with `$` must be in single quotes \
             ('$name,tier'), or the shell replaces `$name` with one of its variables"
                .into(),
        );
    }
    let closest = header
        .iter()
        .map(|h| {
            (
                strsim::levenshtein(&key.to_lowercase(), &h.to_lowercase()),
                h,
            )
        })
        .filter(|(distance, h)| *distance <= 2.max(h.len() / 3))
        .min()
        .map(|(_, h)| format!("did you mean `{h}`? "))
        .unwrap_or_default();
    Failure::Local(format!(
        "--columns: no column `{key}`; {closest}the columns are {}",
        header.join(", ")
    ))
}
