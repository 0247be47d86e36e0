//! Rows of an import file, CSV or JSON lines, and what each asks to write.
//!
//! A CSV file has a header row of field and relationship keys (and `id` to update); a cell
//! is text, read by the field's value type. A JSON-lines file holds one object per line,
//! either a record as the API and `lightfield export` give it (`fields.KEY.value`,
//! `relationships.KEY.values`) or a flat object of keys and values. A `_error` column or
//! key, as a rejects file has, is ignored, so a fixed rejects file imports as it is.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use lightfield::{Definitions, InputValue};
use serde_json::Value;

use crate::exit::Failure;

/// The column or key a rejects file adds with the reason, ignored on input.
pub const ERROR_KEY: &str = "_error";

/// The column or key a rejects file adds with the row's number in the input (as a
/// spreadsheet numbers a CSV, the header being row 1; a JSON line's line number), ignored
/// on input.
pub const ROW_KEY: &str = "_row";

/// Whether `key` is one a rejects file adds.
pub fn is_bookkeeping(key: &str) -> bool {
    key == ERROR_KEY || key == ROW_KEY
}

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv,
    Jsonl,
}

impl Kind {
    /// By extension: `.csv`, else JSON lines.
    pub fn of(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Self::Csv,
            _ => Self::Jsonl,
        }
    }
}

/// A value as the file holds it.
#[derive(Debug, Clone)]
pub enum Cell {
    /// A CSV cell, read by the field's value type.
    Text(String),
    /// A JSON value.
    Json(Value),
}

/// One row: its 1-based number among the data rows, and its content.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u64,
    pub cells: Vec<(String, Cell)>,
    /// The row as read, for the rejects file.
    pub original: Original,
    /// What makes the row unreadable as a whole (a CSV row with more or fewer cells than
    /// the header: its values would land under other keys).
    pub problem: Option<String>,
}

impl Row {
    /// For a row of a rejects file: the row of the original input it came from (`_row`).
    pub fn origin(&self) -> Option<u64> {
        self.cells
            .iter()
            .find(|(k, _)| k == ROW_KEY)
            .and_then(|(_, cell)| match cell {
                Cell::Text(t) => t.trim().parse().ok(),
                Cell::Json(v) => v.as_u64(),
            })
    }
}

/// A row as read.
#[derive(Debug, Clone)]
pub enum Original {
    Csv(Vec<String>),
    Json(Value),
}

/// What a row asks to write.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// Update this record instead of creating one.
    pub id: Option<String>,
    pub fields: BTreeMap<String, InputValue>,
    pub links: BTreeMap<String, Vec<String>>,
    /// The relationships among `links` that link one record (an owner): an update relinks
    /// them (`replace`) rather than adding a second.
    pub single: std::collections::BTreeSet<String>,
}

/// A CSV reading error in the user's words: a file not in UTF-8 is named as such.
fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text; save it as \"CSV UTF-8\" \
            (Excel: File › Save As › CSV UTF-8) and import that"
            .to_string(),
        _ => e.to_string(),
    }
}

/// Refuses a header that would make values land under the wrong key: a column named twice
/// (the last would silently win), or a file separated by `;` (read as one column).
fn check_header_shape(headers: &[String]) -> Result<(), Failure> {
    for (i, name) in headers.iter().enumerate() {
        if let Some(j) = headers[i + 1..].iter().position(|other| other == name) {
            return Err(Failure::Local(format!(
                "the CSV header names `{name}` twice (columns {} and {}): rename or remove one, \
                 so no value is lost",
                i + 1,
                i + j + 2
            )));
        }
    }
    if let [only] = headers
        && only.contains(';')
    {
        return Err(Failure::Local(format!(
            "the CSV header is one column, `{only}`: this file seems to use `;` between \
             values; save it with commas (a spreadsheet's \"CSV UTF-8\")"
        )));
    }
    Ok(())
}

/// The header of a CSV file (none for JSON lines), and its rows.
pub type Rows = (
    Option<Vec<String>>,
    Box<dyn Iterator<Item = Result<Row, Failure>>>,
);

/// Reads the rows of `path`, one at a time (the file is never held whole in memory). CSV
/// cells lose the `'` that `export` puts before a would-be formula, unless `raw_csv`.
pub fn read(path: &Path, raw_csv: bool) -> Result<Rows, Failure> {
    let file = File::open(path)
        .map_err(|e| Failure::Local(format!("cannot open {}: {e}", path.display())))?;
    match Kind::of(path) {
        Kind::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
            let headers: Vec<String> = reader
                .headers()
                .map_err(|e| {
                    Failure::Local(format!("cannot read the CSV header: {}", csv_problem(&e)))
                })?
                .iter()
                // Keys lose the `'` export puts before a would-be formula, as cells do.
                .map(|h| if raw_csv { h } else { crate::safe::from_csv(h) }.to_string())
                .collect();
            check_header_shape(&headers)?;
            let names = headers.clone();
            // Numbered as a spreadsheet shows the file: the header is row 1.
            let rows = reader.into_records().zip(2..).map(move |(record, number)| {
                let record = record.map_err(|e| {
                    Failure::Local(format!("row {number}: not valid CSV: {}", csv_problem(&e)))
                })?;
                let values: Vec<String> = record.iter().map(str::to_string).collect();
                let problem = (values.len() != names.len()).then(|| {
                    format!(
                        "has {} cells where the header has {}: its values would land under other keys",
                        values.len(),
                        names.len()
                    )
                });
                Ok(Row {
                    number,
                    cells: names
                        .iter()
                        .zip(&values)
                        .map(|(k, v)| {
                            // The clear token is read before unquoting: `'<clear>` is the
                            // text itself, as `export` writes it.
                            if v.trim() == crate::values::CLEAR {
                                return (k.clone(), Cell::Json(Value::Null));
                            }
                            let v = if raw_csv { v.as_str() } else { crate::safe::from_csv(v) };
                            (k.clone(), Cell::Text(v.to_string()))
                        })
                        .collect(),
                    original: Original::Csv(values),
                    problem,
                })
            });
            Ok((Some(headers), Box::new(rows)))
        }
        Kind::Jsonl => {
            // Numbered by line, as an editor shows the file (blank lines count, unread).
            let lines = BufReader::new(file)
                .lines()
                .zip(1..)
                .filter(|(l, _)| l.as_ref().map_or(true, |l| !l.trim().is_empty()));
            let rows = lines.map(|(line, number)| {
                let line =
                    line.map_err(|e| Failure::Local(format!("row {number}: cannot read: {e}")))?;
                // A line that is not a JSON object is a row refused, not the end of the run:
                // the rejects file keeps it (as text, when it is not JSON) to be fixed.
                let (value, problem) = match serde_json::from_str::<Value>(&line) {
                    Ok(value) if value.is_object() => (value, None),
                    Ok(value) => (
                        value,
                        Some("is not a JSON object ({\"key\": value, …})".into()),
                    ),
                    Err(e) => (Value::String(line), Some(format!("is not JSON ({e})"))),
                };
                Ok(Row {
                    number,
                    cells: json_cells(&value),
                    original: Original::Json(value),
                    problem,
                })
            });
            Ok((None, Box::new(rows)))
        }
    }
}

/// The keys and values of a JSON row, in either form.
fn json_cells(value: &Value) -> Vec<(String, Cell)> {
    let Some(object) = value.as_object() else {
        return Vec::new();
    };
    let Some(fields) = object.get("fields").and_then(Value::as_object) else {
        return object
            .iter()
            .map(|(k, v)| (k.clone(), Cell::Json(v.clone())))
            .collect();
    };
    // A record as the API gives it.
    let mut cells: Vec<(String, Cell)> = fields
        .iter()
        .map(|(k, entry)| (k.clone(), Cell::Json(entry["value"].clone())))
        .collect();
    if let Some(links) = object.get("relationships").and_then(Value::as_object) {
        cells.extend(
            links
                .iter()
                .map(|(k, entry)| (k.clone(), Cell::Json(entry["values"].clone()))),
        );
    }
    if let Some(id) = object.get("id") {
        cells.push(("id".into(), Cell::Json(id.clone())));
    }
    cells
}

/// What `row` asks to write, read against the type's definitions. Read-only keys are
/// left out and named in `skipped`; `with_ids` false ignores an `id` (create every row).
pub fn plan(
    row: &Row,
    definitions: &Definitions,
    with_ids: bool,
    skipped: &mut std::collections::BTreeSet<String>,
) -> Result<Plan, String> {
    if let Some(problem) = &row.problem {
        return Err(problem.clone());
    }
    let mut plan = Plan::default();
    for (key, cell) in &row.cells {
        if is_bookkeeping(key) {
            continue;
        }
        if key == "id" {
            let id = match cell {
                Cell::Text(t) => t.trim().to_string(),
                Cell::Json(v) => v.as_str().unwrap_or_default().to_string(),
            };
            if with_ids && !id.is_empty() {
                plan.id = Some(id);
            }
            continue;
        }
        // An empty cell sets nothing, in CSV and JSON lines alike (`""`), on an update too:
        // clearing takes `<clear>` in a CSV cell, or a JSON null.
        let empty = |t: &str| t.trim().is_empty();
        if matches!(cell, Cell::Text(t) if empty(t))
            || matches!(cell, Cell::Json(Value::String(t)) if empty(t))
        {
            continue;
        }
        if let Some(field) = definitions.field(key) {
            if field.read_only {
                skipped.insert(key.clone());
                continue;
            }
            let value = match cell {
                Cell::Text(text) => field
                    .parse_text(text)
                    .map_err(|why| format!("`{key}`: {why}"))?,
                // A date in a JSON line is read as in a CSV cell or a flag: one date reader.
                Cell::Json(Value::String(text))
                    if field.value_type == lightfield::ValueType::DateTime =>
                {
                    field
                        .parse_text(text)
                        .map_err(|why| format!("`{key}`: {why}"))?
                }
                Cell::Json(json) => InputValue::from(json.clone()),
            };
            plan.fields.insert(key.clone(), value);
        } else if let Some(link) = definitions.relationships.get(key) {
            if link.read_only {
                skipped.insert(key.clone());
                continue;
            }
            let ids: Vec<String> = match cell {
                Cell::Text(text) => text
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                Cell::Json(Value::String(id)) => vec![id.clone()],
                Cell::Json(Value::Array(ids)) => ids
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("`{key}`: ids must be strings"))?,
                Cell::Json(Value::Null) => Vec::new(),
                Cell::Json(other) => return Err(format!("`{key}`: `{other}` is not an id")),
            };
            if link.cardinality == lightfield::Cardinality::HasOne {
                plan.single.insert(key.clone());
            }
            plan.links.insert(key.clone(), ids);
        } else {
            return Err(format!(
                "`{key}` is neither a field nor a relationship of this type"
            ));
        }
    }
    if plan.id.is_none() {
        // Nothing to clear on a new record.
        plan.fields.retain(|_, v| *v != InputValue::Null);
        plan.links.retain(|_, ids| !ids.is_empty());
    }
    Ok(plan)
}

/// Refuses a CSV header naming a key the type does not have, before any row is read: its
/// cells would otherwise be skipped whenever they are empty, and a column named by its
/// label (`Name`) would never be written. Says which key was likely meant.
pub fn check_header(headers: &[String], definitions: &Definitions) -> Result<(), String> {
    let unknown: Vec<String> = headers
        .iter()
        .filter(|h| {
            let h = h.as_str();
            h != "id"
                && !is_bookkeeping(h)
                && definitions.field(h).is_none()
                && !definitions.relationships.contains_key(h)
        })
        .map(|h| {
            let by_label = definitions
                .fields
                .iter()
                .map(|(key, f)| (key, &f.label))
                .chain(
                    definitions
                        .relationships
                        .iter()
                        .map(|(key, r)| (key, &r.label)),
                )
                .find(|(key, label)| {
                    label.eq_ignore_ascii_case(h.trim())
                        || key.trim_start_matches('$').eq_ignore_ascii_case(h.trim())
                });
            match by_label {
                Some((key, _)) => format!("`{h}` (did you mean `{key}`?)"),
                None => format!("`{h}`"),
            }
        })
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the header names {} that this type does not have; rename the column to a key \
         (`lightfield schema TYPE` lists them) and run the import again; nothing was sent",
        unknown.join(", ")
    ))
}
