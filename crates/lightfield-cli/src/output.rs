//! Printing answers: tables on a terminal, JSON when piped, or the format asked for.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};

use lightfield::{Definitions, FieldValue, Record};
use serde_json::Value;

use crate::args::Format;
use crate::exit::Failure;
use crate::safe;

/// The format asked for, or a table on a terminal and JSON otherwise.
pub fn resolve(asked: Option<Format>) -> Format {
    asked.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    })
}

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

/// Prints text to standard output.
pub fn text(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(write_failed)
}

/// Prints a JSON answer that is not a list of records.
pub fn value(format: Format, value: &Value) -> Result<(), Failure> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(value).map_err(write_failed)?,
        Format::Jsonl => serde_json::to_string(value).map_err(write_failed)?,
        Format::Yaml => serde_norway::to_string(value).map_err(write_failed)?,
        Format::Table | Format::Csv => {
            let rows: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            let columns: BTreeSet<String> = rows
                .iter()
                .filter_map(|r| r.as_object())
                .flat_map(|o| o.keys().cloned())
                .collect();
            let columns: Vec<String> = columns.into_iter().collect();
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| columns.iter().map(|c| plain(&r[c.as_str()])).collect())
                .collect();
            return grid(format, &columns, &cells);
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(write_failed)
}

/// JSON as one cell of text.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Prints records; `total` is the page's `totalCount`, when there is one.
pub fn records(format: Format, records: &[Record], total: Option<u64>) -> Result<(), Failure> {
    match format {
        Format::Json | Format::Yaml => {
            let data: Vec<Value> = records.iter().map(Record::to_json).collect();
            let mut page = serde_json::json!({ "data": data });
            if let Some(total) = total {
                page["totalCount"] = total.into();
            }
            value(format, &page)
        }
        Format::Jsonl => records.iter().try_for_each(|r| value(format, &r.to_json())),
        Format::Table | Format::Csv => {
            let columns = Columns::of_records(records);
            let mut header = columns.header();
            let mut cells: Vec<Vec<String>> = records.iter().map(|r| columns.row(r)).collect();
            if format == Format::Table {
                // On a terminal, columns empty in every row only take width.
                let used: Vec<bool> = (0..header.len())
                    .map(|i| i == 0 || cells.iter().any(|row| !row[i].is_empty()))
                    .collect();
                header = only_used(header, &used);
                cells = cells.into_iter().map(|row| only_used(row, &used)).collect();
            }
            grid(format, &header, &cells)
        }
    }
}

/// The cells of `row` whose column is used.
fn only_used(row: Vec<String>, used: &[bool]) -> Vec<String> {
    row.into_iter()
        .zip(used)
        .filter_map(|(cell, used)| used.then_some(cell))
        .collect()
}

/// Prints a header and rows as CSV, or as aligned columns for a terminal.
fn grid(format: Format, header: &[String], rows: &[Vec<String>]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    if format == Format::Csv {
        let mut csv = csv::Writer::from_writer(&mut out);
        csv.write_record(header.iter().map(|c| safe::to_csv(c).into_owned()))
            .map_err(write_failed)?;
        for row in rows {
            csv.write_record(row.iter().map(|c| safe::to_csv(c).into_owned()))
                .map_err(write_failed)?;
        }
        return csv.flush().map_err(write_failed);
    }
    const WIDEST: usize = 40;
    let clip = |s: &str| -> String {
        // CRM text may hold escape sequences: shown, never obeyed.
        let one_line = safe::for_terminal(&s.replace('\n', " ")).into_owned();
        match one_line.char_indices().nth(WIDEST) {
            Some((at, _)) => format!("{}…", &one_line[..at]),
            None => one_line,
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clip(c)).collect())
        .collect();
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let header: Vec<String> = header.iter().map(|h| clip(h)).collect();
    writeln!(out, "{}", line(&header)).map_err(write_failed)?;
    for row in &rows {
        writeln!(out, "{}", line(row)).map_err(write_failed)?;
    }
    Ok(())
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
    fn of_records(records: &[Record]) -> Self {
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

    pub fn header(&self) -> Vec<String> {
        std::iter::once("id".to_string())
            .chain(self.fields.iter().cloned())
            .chain(self.links.iter().cloned())
            .collect()
    }

    /// One record's cells: values as text (lists joined by `; `), ids joined by `; `.
    pub fn row(&self, record: &Record) -> Vec<String> {
        std::iter::once(record.id.clone())
            .chain(self.fields.iter().map(|k| {
                record
                    .fields
                    .get(k)
                    .map_or(String::new(), |f| FieldValue::to_text(&f.value))
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
