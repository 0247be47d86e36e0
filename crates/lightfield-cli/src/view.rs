//! What a person sees on a terminal: a record as key, label and value, and lists as columns
//! fitted to the terminal's width (display width, so `株式会社` takes the eight columns it
//! shows in), with a footer saying what was left out. Colour only on a terminal, never
//! under `NO_COLOR`.

use std::io::{IsTerminal, Write};

use lightfield::{Definitions, FieldValue, Record};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::exit::Failure;
use crate::output::write_failed;
use crate::safe;

/// The widest a table column grows before its cells are cut.
const WIDEST: usize = 40;

/// The terminal's width: the real one, else `COLUMNS`, else 100.
pub fn width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w).max(20);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|w: &usize| *w >= 20)
        .unwrap_or(100)
}

/// Whether to colour: a terminal, and no `NO_COLOR` (https://no-color.org).
fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn bold(text: &str) -> String {
    if colour() {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn dim(text: &str) -> String {
    if colour() {
        format!("\x1b[2m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Writes a note about what is shown (how many, what was left out) below it: on a terminal
/// with the output, dimmed; otherwise to stderr, so a table piped to `grep` or `wc -l`
/// holds only its header and rows.
fn note(out: &mut impl Write, note: &str) -> Result<(), Failure> {
    if std::io::stdout().is_terminal() {
        writeln!(out, "{}", dim(note)).map_err(write_failed)
    } else {
        eprintln!("{note}");
        Ok(())
    }
}

/// Server text as one safe line: newlines as spaces, control characters shown, not obeyed.
pub fn one_line(text: &str) -> String {
    safe::for_terminal(&text.replace(['\n', '\r'], " ")).into_owned()
}

/// `text` cut to `width` display columns, with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

/// `text` broken into lines of at most `width` display columns, between words where it
/// can be (a word longer than a line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().map(|l| l.width()).unwrap_or(0);
        let gap = usize::from(line > 0);
        if line > 0 && line + gap + word.width() > width {
            lines.push(String::new());
        } else if gap == 1
            && let Some(last) = lines.last_mut()
        {
            last.push(' ');
        }
        for c in word.chars() {
            let used = lines.last().map(|l| l.width()).unwrap_or(0);
            if used + c.width().unwrap_or(0) > width {
                lines.push(String::new());
            }
            if let Some(last) = lines.last_mut() {
                last.push(c);
            }
        }
    }
    lines
}

/// A value as a person reads it: an address as one line of its parts, a name as first and
/// last, lists joined by `; `, anything else as its text.
pub fn human(value: &FieldValue) -> String {
    match value {
        FieldValue::Address(address) => [
            &address.street,
            &address.street2,
            &address.city,
            &address.state,
            &address.postal_code,
            &address.country,
        ]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(", "),
        FieldValue::FullName(name) => [&name.first_name, &name.last_name]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_text(),
    }
}

/// One record as rows of key, label and value: the record's own keys, then the fields that
/// hold a value, then the relationships (ids with the type they link to).
pub fn record(record: &Record, definitions: Option<&Definitions>) -> Result<(), Failure> {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let meta = [
        ("id", Some(record.id.clone())),
        ("createdAt", Some(record.created_at.clone())),
        ("updatedAt", record.updated_at.clone()),
        ("httpLink", record.http_link.clone()),
    ];
    for (key, value) in meta {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            rows.push((key.into(), String::new(), value));
        }
    }
    let mut empty = 0;
    for (key, field) in &record.fields {
        let text = human(&field.value);
        if text.is_empty() {
            empty += 1;
            continue;
        }
        let label = definitions
            .and_then(|d| d.field(key))
            .map(|f| f.label.clone())
            .unwrap_or_default();
        rows.push((key.clone(), label, text));
    }
    for (key, link) in &record.relationships {
        if link.ids.is_empty() {
            empty += 1;
            continue;
        }
        let label = definitions
            .and_then(|d| d.relationships.get(key))
            .map(|r| r.label.clone())
            .unwrap_or_default();
        let kind = if link.object_type.is_empty() {
            String::new()
        } else {
            format!(" ({})", link.object_type)
        };
        rows.push((key.clone(), label, format!("{}{kind}", link.ids.join(", "))));
    }
    let rows: Vec<(String, String, String)> = rows
        .into_iter()
        .map(|(k, l, v)| (one_line(&k), one_line(&l), one_line(&v)))
        .collect();
    let key_width = rows
        .iter()
        .map(|r| r.0.width())
        .max()
        .unwrap_or(0)
        .min(WIDEST);
    let label_width = rows
        .iter()
        .map(|r| r.1.width())
        .max()
        .unwrap_or(0)
        .min(WIDEST);
    let value_width = width().saturating_sub(key_width + label_width + 4).max(16);
    let mut out = std::io::stdout().lock();
    for (key, label, value) in rows {
        let lead = format!(
            "{}  {}  ",
            bold(&pad(&fit(&key, key_width), key_width)),
            dim(&pad(&fit(&label, label_width), label_width))
        );
        let blank = " ".repeat(key_width + label_width + 4);
        for (i, line) in wrap(&value, value_width).into_iter().enumerate() {
            let start = if i == 0 {
                lead.as_str()
            } else {
                blank.as_str()
            };
            writeln!(out, "{}", format!("{start}{line}").trim_end()).map_err(write_failed)?;
        }
    }
    if empty > 0 {
        let note =
            format!("({empty} empty fields and relationships not shown; --format json shows all)");
        self::note(&mut out, &note)?;
    }
    Ok(())
}

/// A table fitted to the terminal: `header` keys with `cells` per row. `chosen` columns
/// (by key, `--columns`) are shown in that order; otherwise `id`, `$name` and then the
/// columns most rows fill, as many as fit. `footer` is said below it.
pub fn table(
    header: &[String],
    cells: &[Vec<String>],
    chosen: Option<&[String]>,
    footer: Option<String>,
) -> Result<(), Failure> {
    // `None`: the command has no --columns, and the footer must not offer it.
    let has_columns = chosen.is_some();
    let chosen = chosen.unwrap_or_default();
    let natural_width = |i: usize| {
        cells
            .iter()
            .map(|r| one_line(&r[i]).width())
            .chain([header[i].width()])
            .max()
            .unwrap_or(0)
            .min(WIDEST)
    };
    let first = |i: usize| match header[i].as_str() {
        "id" => 0,
        "$name" | "$title" => 1,
        _ => 2,
    };
    let order: Vec<usize> = if chosen.is_empty() {
        let filled = |i: usize| cells.iter().filter(|r| !r[i].is_empty()).count();
        let mut order: Vec<usize> = (0..header.len())
            .filter(|&i| i == 0 || filled(i) > 0)
            .collect();
        // Which columns get the room: the ones most rows fill, narrow ones first (more of
        // them fit). They are shown in the header's order, whatever this page's values.
        order.sort_by_key(|&i| (first(i), std::cmp::Reverse(filled(i)), natural_width(i), i));
        order
    } else {
        let mut order = Vec::new();
        for key in chosen {
            let at = header
                .iter()
                .position(|h| h == key)
                .ok_or_else(|| crate::output::no_column(key, header))?;
            order.push(at);
        }
        order
    };
    let shown_cell = |row: &[String], i: usize| one_line(&row[i]);
    let natural = natural_width;
    let room = width();
    let mut columns: Vec<(usize, usize)> = Vec::new();
    let mut used = 0;
    for &i in &order {
        let gap = if columns.is_empty() { 0 } else { 2 };
        let want = natural(i);
        if used + gap + want <= room {
            columns.push((i, want));
            used += gap + want;
        } else if chosen.is_empty() && room.saturating_sub(used + gap) >= 10 {
            columns.push((i, room - used - gap));
            used = room;
        } else if !chosen.is_empty() {
            // Columns asked for are all shown, cut to share what is left.
            let left = room.saturating_sub(used + gap).max(6);
            columns.push((i, want.min(left)));
            used += gap + want.min(left);
        }
    }
    if chosen.is_empty() {
        // One column order from run to run: id and name first, then as the header has them.
        columns.sort_by_key(|&(i, _)| (first(i), i));
    }
    let hidden = order.len() - columns.len();
    let mut out = std::io::stdout().lock();
    let line = |row: Vec<String>| -> String {
        row.iter()
            .zip(&columns)
            .map(|(c, (_, w))| pad(&fit(c, *w), *w))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let head = line(columns.iter().map(|(i, _)| one_line(&header[*i])).collect());
    writeln!(out, "{}", bold(&head)).map_err(write_failed)?;
    for row in cells {
        writeln!(
            out,
            "{}",
            line(columns.iter().map(|(i, _)| shown_cell(row, *i)).collect())
        )
        .map_err(write_failed)?;
    }
    let mut notes: Vec<String> = footer.into_iter().collect();
    if hidden > 0 {
        let more = counted(hidden as u64, "more column", "more columns");
        notes.push(if has_columns {
            format!("{more}: --columns to choose, --format json for everything")
        } else {
            format!("{more}: --format json for everything")
        });
    }
    // One line when the notes fit the terminal together, else a line each.
    let joined = notes.join(" · ");
    let lines = if joined.width() <= room {
        vec![joined]
    } else {
        notes
    };
    for line in lines.into_iter().filter(|n| !n.is_empty()) {
        note(&mut out, &line)?;
    }
    Ok(())
}

/// A count with thousands separators: `2,019`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` things, counted and in the right number: `1 record`, `1,200 records`.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{} {many}", count(n)),
    }
}

/// What a delete of `n` records did: they went to the trash, and how they come back.
pub fn trashed(n: usize) -> String {
    let records = counted(n as u64, "record", "records");
    let them = if n == 1 { "it" } else { "them" };
    format!(
        "moved {records} to the trash; the same command with `restore` in place of `delete` \
         brings {them} back"
    )
}
