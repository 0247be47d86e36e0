//! What identifies a row: the write it plans, never its bytes.
//!
//! A row's key comes from the record type, the mode of its write (a create, an update of
//! one id, or a create asked for with `--as-new`) and the body it would send, in a
//! canonical form: keys sorted, empty cells left out, values as they would be sent (so
//! `12`, `12.0` and ` 12 ` in a number column are one value). Reordering columns, adding an
//! empty one, re-quoting cells or changing line ends changes no key. The n-th row with the
//! same write has occurrence n, so two identical rows are two records.
//!
//! The key is also the write's idempotency key. A row edited after it was written has a new
//! key; [`Edits`] pairs it with the row it was, so that it updates that record instead of
//! creating a second one.

use std::collections::{BTreeMap, HashMap};

use md5::{Digest, Md5};
use serde_json::{Map, Value, json};

use super::rows::{Cell, Plan, Row, is_bookkeeping};

/// How a row is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rows with an `id` update it; the others are created.
    Plain,
    /// `--as-new`: every row is created, `id` or not.
    AsNew,
}

/// The body a plan would send, canonical: `{"fields": {…}, "links": {…}}` with keys sorted
/// and each link's ids sorted.
pub fn body(plan: &Plan) -> Value {
    let fields: Map<String, Value> = plan
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), canonical(&v.to_json())))
        .collect();
    let links: Map<String, Value> = plan
        .links
        .iter()
        .map(|(k, ids)| {
            let mut ids = ids.clone();
            ids.sort();
            (k.clone(), json!(ids))
        })
        .collect();
    json!({"fields": fields, "links": links})
}

/// What a row that cannot be planned is known by: its non-empty cells, sorted by key.
fn cells(row: &Row) -> Value {
    let cells: BTreeMap<&str, Value> = row
        .cells
        .iter()
        .filter(|(k, _)| !is_bookkeeping(k))
        .filter_map(|(k, cell)| match cell {
            Cell::Text(t) if t.trim().is_empty() => None,
            Cell::Text(t) => Some((k.as_str(), Value::String(t.trim().to_string()))),
            Cell::Json(v) => Some((k.as_str(), canonical(v))),
        })
        .collect();
    json!({"cells": cells, "problem": row.problem})
}

/// `value` with every object's keys in order, whatever order they came in.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// What a row writes: the mode word and canonical body its key is made from.
pub fn write_of(row: &Row, plan: &Result<Plan, String>, mode: Mode) -> (String, Value) {
    match plan {
        Ok(plan) => {
            let mode = match (&plan.id, mode) {
                (Some(id), _) => format!("update {id}"),
                (None, Mode::Plain) => "create".to_string(),
                (None, Mode::AsNew) => "as-new".to_string(),
            };
            (mode, body(plan))
        }
        Err(_) => ("unreadable".to_string(), cells(row)),
    }
}

/// Gives keys to rows in file order: the same write twice gets two keys.
#[derive(Default)]
pub struct Keys {
    seen: HashMap<String, u32>,
}

impl Keys {
    /// The key of the next row, which writes `body` to `object` in `mode`.
    pub fn next(&mut self, object: &str, mode: &str, body: &Value) -> String {
        let identity = format!("{object}\0{mode}\0{body}");
        let occurrence = self.seen.entry(identity.clone()).or_default();
        *occurrence += 1;
        let mut hasher = Md5::new();
        hasher.update(identity.as_bytes());
        hasher.update([0]);
        hasher.update(occurrence.to_string().as_bytes());
        let digest: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("lf-import-{digest}")
    }
}

/// One key of a written row and of the row in the file now: its value in each (`None`
/// where that row has none).
struct Compared<'a> {
    key: &'a str,
    then: Option<&'a Value>,
    now: Option<&'a Value>,
}

/// Every field and link key of either body, in order, with its value in each.
fn compare<'a>(now: &'a Value, then: &'a Value) -> Vec<Compared<'a>> {
    let mut keys: BTreeMap<&'a str, Compared<'a>> = BTreeMap::new();
    for part in ["fields", "links"] {
        for (side, body) in [(0, now), (1, then)] {
            for (key, value) in body[part].as_object().into_iter().flatten() {
                let entry = keys.entry(key).or_insert(Compared {
                    key,
                    then: None,
                    now: None,
                });
                match side {
                    0 => entry.now = Some(value),
                    _ => entry.then = Some(value),
                }
            }
        }
    }
    keys.into_values().collect()
}

/// Whether `now` is the same row as `then`, edited: at least as many of its fields and
/// links kept their value as changed, appeared or went (a corrected cell or two), and at
/// least one kept it. Rows that share less are different rows, whatever their position.
pub fn is_edit_of(now: &Value, then: &Value) -> bool {
    let compared = compare(now, then);
    let same = compared
        .iter()
        .filter(|c| c.now.is_some() && c.now == c.then)
        .count();
    same > 0 && same * 2 >= compared.len()
}

/// What changed between a written row's body and its edit, for a person:
/// `seats 3 → 300, tier Gold → emptied in the file, left as it is`.
pub fn changes(now: &Value, then: &Value) -> String {
    let out: Vec<String> = compare(now, then)
        .into_iter()
        .filter(|c| c.now != c.then)
        .map(|c| match (c.then, c.now) {
            (Some(old), Some(new)) => format!("{} {} → {}", c.key, shown(old), shown(new)),
            (None, Some(new)) => format!("{} (unset) → {}", c.key, shown(new)),
            (Some(old), None) => format!(
                "{} {} → emptied in the file, left as it is",
                c.key,
                shown(old)
            ),
            (None, None) => String::new(),
        })
        .collect();
    out.join(", ")
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::rows::Original;

    fn row(cells: &[(&str, &str)]) -> Row {
        Row {
            number: 2,
            cells: cells
                .iter()
                .map(|(k, v)| (k.to_string(), Cell::Text(v.to_string())))
                .collect(),
            original: Original::Csv(Vec::new()),
            problem: None,
        }
    }

    #[test]
    fn an_unreadable_row_is_known_by_its_cells_in_any_order() {
        let a = row(&[("$name", "Acme"), ("seats", "lots"), ("x", "")]);
        let b = row(&[("seats", " lots"), ("$name", "Acme")]);
        let other = row(&[("$name", "Initech"), ("seats", "lots")]);
        let err = Err("bad".to_string());
        let (_, known) = write_of(&a, &err, Mode::Plain);
        assert_eq!(write_of(&b, &err, Mode::Plain).1, known);
        // Its cells, not its bookkeeping or its empty cells: another row is another write.
        assert_ne!(write_of(&other, &err, Mode::Plain).1, known);
        assert_eq!(known["cells"]["$name"], "Acme");
        let bookkept = row(&[("$name", "Acme"), ("seats", "lots"), ("_row", "7")]);
        assert_eq!(write_of(&bookkept, &err, Mode::Plain).1, known);
    }

    #[test]
    fn the_same_write_twice_has_two_keys_and_modes_differ() {
        let mut keys = Keys::default();
        let body = json!({"fields": {"$name": "A"}, "links": {}});
        let first = keys.next("account", "create", &body);
        let second = keys.next("account", "create", &body);
        let as_new = keys.next("account", "as-new", &body);
        assert_ne!(first, second);
        assert_ne!(first, as_new);
        assert_eq!(Keys::default().next("account", "create", &body), first);
        assert_ne!(Keys::default().next("contact", "create", &body), first);
    }

    #[test]
    fn an_edit_keeps_more_than_it_changes() {
        let then = json!({"fields": {"$name": "A", "seats": 3, "tier": "Gold"}, "links": {}});
        let one_cell = json!({"fields": {"$name": "A", "seats": 300, "tier": "Gold"}, "links": {}});
        let other_row = json!({"fields": {"$name": "B", "seats": 4, "tier": "Gold"}, "links": {}});
        let nothing_shared = json!({"fields": {"$name": "B"}, "links": {}});
        assert!(is_edit_of(&one_cell, &then));
        assert!(!is_edit_of(&other_row, &then));
        assert!(!is_edit_of(&nothing_shared, &then));
        let empty = json!({"fields": {}, "links": {}});
        assert!(
            !is_edit_of(&empty, &empty),
            "nothing in common is not an edit"
        );
        assert_eq!(changes(&one_cell, &then), "seats 3 → 300");
    }
}
