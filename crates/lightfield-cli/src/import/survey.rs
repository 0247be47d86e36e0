//! What each row of the file comes to, against the journal: already done, an edit of a
//! row written earlier, a write whose earlier attempt has no known end, or a new write.
//!
//! The file is read twice, one row at a time (never held whole): a first pass collects the
//! keys present and the rows that may be edits, so that the second knows which written rows
//! have left the file and which new rows took their place.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use lightfield::Definitions;
use serde_json::Value;

use super::identity::{self, Keys, Mode};
use super::journal::{Done, History, InFlight};
use super::rows::{self, Plan, Row};
use crate::exit::Failure;

/// How long after sending a write the API still answers its key with the first write's
/// answer: a day, less an hour for clocks that disagree.
const REPLAY_WINDOW_SECS: u64 = 23 * 60 * 60;

/// A row, planned and keyed.
pub struct Keyed {
    pub row: Row,
    pub plan: Result<Plan, String>,
    pub key: String,
    /// The mode word of its write (`create`, `as-new`, `update ID`).
    pub mode: String,
    pub body: Value,
}

/// Reads `file` as rows with their plans and keys, in order.
pub struct Reader<'a> {
    pub object: String,
    pub definitions: &'a Definitions,
    pub mode: Mode,
    pub raw_csv: bool,
}

impl Reader<'_> {
    /// Every row of `file`, planned and keyed.
    pub fn rows<'s>(
        &'s self,
        file: &std::path::Path,
        skipped: &'s mut BTreeSet<String>,
    ) -> Result<impl Iterator<Item = Result<Keyed, Failure>> + 's, Failure> {
        let (_, rows) = rows::read(file, self.raw_csv)?;
        let mut keys = Keys::default();
        Ok(rows.map(move |row| {
            let row = row?;
            let plan = rows::plan(&row, self.definitions, self.mode == Mode::Plain, skipped);
            let (mode, body) = identity::write_of(&row, &plan, self.mode);
            let key = keys.next(&self.object, &mode, &body);
            Ok(Keyed {
                row,
                plan,
                key,
                mode,
                body,
            })
        }))
    }
}

/// A written row that the file no longer holds as it was.
#[derive(Debug, Clone)]
pub struct Gone {
    pub row: u64,
    pub id: String,
}

/// An edit of a written row: the record it updates, the key it takes over, what changes.
#[derive(Debug, Clone)]
pub struct Edit {
    pub id: String,
    pub replaces: String,
    pub changes: String,
}

/// What the first pass found.
#[derive(Default)]
pub struct Survey {
    /// Edits by the key of the row that makes them.
    pub edits: HashMap<String, Edit>,
    /// Written rows no longer in the file, and not taken over by an edit.
    pub gone: Vec<Gone>,
    /// Row numbers at which a write with no known end has left the file: the row there
    /// now may be its edit, and could duplicate it.
    pub unsure_rows: HashSet<u64>,
    /// Rows to create and to update by id, among those not done.
    pub creates: u64,
    pub updates: u64,
}

/// The first pass over the rows of `rows`, against `journal`.
pub fn survey(
    rows: impl Iterator<Item = Result<Keyed, Failure>>,
    journal: &History,
) -> Result<Survey, Failure> {
    // Written rows that an edit may have taken the place of, by row number: created in
    // the same mode (a create is not the edit of an `--as-new` copy, nor the reverse).
    let mut written_at: HashMap<u64, Vec<(&String, &String, &str, &Value)>> = HashMap::new();
    for (key, (row, done)) in &journal.earlier {
        if let Done::Written { id, mode, body } = done
            && !journal.replaced.contains(key)
        {
            written_at
                .entry(*row)
                .or_default()
                .push((key, id, mode, body));
        }
    }
    let mut present = HashSet::new();
    let mut candidates: BTreeMap<u64, (String, String, Value)> = BTreeMap::new();
    let mut survey = Survey::default();
    for keyed in rows {
        let keyed = keyed?;
        present.insert(keyed.key.clone());
        let known =
            journal.earlier.contains_key(&keyed.key) || journal.in_flight.contains_key(&keyed.key);
        let Ok(plan) = &keyed.plan else { continue };
        if known {
            continue;
        }
        match plan.id {
            Some(_) => survey.updates += 1,
            None => {
                survey.creates += 1;
                if written_at.contains_key(&keyed.row.number) {
                    candidates.insert(keyed.row.number, (keyed.key, keyed.mode, keyed.body));
                }
            }
        }
    }
    let mut taken = HashSet::new();
    for (row, (key, mode, body)) in candidates {
        let then = written_at.get(&row).into_iter().flatten();
        let edit_of = then
            .filter(|(k, _, m, _)| !present.contains(*k) && *m == mode)
            .find(|(_, _, _, old)| identity::is_edit_of(&body, old));
        if let Some((old_key, id, _, old_body)) = edit_of {
            taken.insert((*old_key).clone());
            survey.creates -= 1;
            survey.updates += 1;
            survey.edits.insert(
                key,
                Edit {
                    id: (*id).clone(),
                    replaces: (*old_key).clone(),
                    changes: identity::changes(&body, old_body),
                },
            );
        }
    }
    for (row, entries) in &written_at {
        for (key, id, _, _) in entries {
            if !present.contains(*key) && !taken.contains(*key) {
                survey.gone.push(Gone {
                    row: *row,
                    id: (*id).clone(),
                });
            }
        }
    }
    survey.gone.sort_by_key(|g| g.row);
    survey.unsure_rows = journal
        .in_flight
        .iter()
        .filter(|(key, _)| !present.contains(*key))
        .map(|(_, sent)| sent.row)
        .collect();
    Ok(survey)
}

/// What to do about a row whose earlier write has no known end.
pub enum Unsure {
    /// Send it again with the same key: the API answers the first write if there was one.
    Replay,
    /// Look it up by the `--match` key before writing.
    Verify,
    /// Neither is possible: hold it back, and say why.
    Hold(String),
}

/// Whether a write sent at `sent` (or a new row where such a write left the file) can be
/// sent again: replayed by its key within the API's window, verified by `--match`, or held.
pub fn unsure(sent: Option<&InFlight>, matching: bool, now: u64) -> Unsure {
    let replayable =
        sent.is_some_and(|s| s.replayable && now.saturating_sub(s.sent_at) < REPLAY_WINDOW_SECS);
    match (replayable, matching, sent) {
        (true, _, _) => Unsure::Replay,
        (false, true, _) => Unsure::Verify,
        (false, false, Some(_)) => Unsure::Hold(
            "its write was sent by an earlier run that stopped before the answer came, and \
             the API would no longer recognise a repeat (its key is older than a day, or \
             this type's writes are not deduplicated): check whether the record exists, \
             then run with --match KEY to look it up"
                .to_string(),
        ),
        (false, false, None) => Unsure::Hold(
            "it replaces a row whose write was under way when an earlier run stopped, and \
             may already exist: check, then run with --match KEY to look it up"
                .to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_write_in_doubt_is_replayed_only_within_the_window_of_a_deduplicated_type() {
        let sent = |replayable, sent_at| InFlight {
            row: 2,
            sent_at,
            replayable,
        };
        let now = 100 * 60 * 60;
        assert!(matches!(
            unsure(Some(&sent(true, now - 60)), false, now),
            Unsure::Replay
        ));
        let old = now - REPLAY_WINDOW_SECS;
        assert!(matches!(
            unsure(Some(&sent(true, old)), false, now),
            Unsure::Hold(_)
        ));
        assert!(matches!(
            unsure(Some(&sent(true, old + 1)), false, now),
            Unsure::Replay
        ));
        assert!(matches!(
            unsure(Some(&sent(false, now)), false, now),
            Unsure::Hold(_)
        ));
        assert!(matches!(
            unsure(Some(&sent(false, now)), true, now),
            Unsure::Verify
        ));
        assert!(matches!(unsure(None, false, now), Unsure::Hold(_)));
        assert!(matches!(unsure(None, true, now), Unsure::Verify));
        // In hours: 22 is within the API's day less an hour, 23 is not.
        let hours = |h: u64| now - h * 60 * 60;
        assert!(matches!(
            unsure(Some(&sent(true, hours(22))), false, now),
            Unsure::Replay
        ));
        assert!(matches!(
            unsure(Some(&sent(true, hours(23))), false, now),
            Unsure::Hold(_)
        ));
    }

    fn keyed(number: u64, key: &str, id: Option<&str>, body: Value) -> Result<Keyed, Failure> {
        let plan = Plan {
            id: id.map(str::to_string),
            ..Plan::default()
        };
        Ok(Keyed {
            row: Row {
                number,
                cells: Vec::new(),
                original: super::super::rows::Original::Json(Value::Null),
                problem: None,
            },
            plan: Ok(plan),
            key: key.to_string(),
            mode: "create".to_string(),
            body,
        })
    }

    #[test]
    fn the_first_pass_finds_edits_rows_gone_and_rows_unsure() {
        let body = |name: &str, seats: u64| json!({"fields": {"$name": name, "seats": seats}, "links": {}});
        let mut history = History::default();
        let written = |id: &str, b: Value| Done::Written {
            id: id.to_string(),
            mode: "create".to_string(),
            body: b,
        };
        history
            .earlier
            .insert("k-a".into(), (2, written("acc_a", body("A", 1))));
        history
            .earlier
            .insert("k-b".into(), (3, written("acc_b", body("B", 3))));
        history
            .earlier
            .insert("k-c".into(), (4, written("acc_c", body("C", 5))));
        history
            .earlier
            .insert("k-bad".into(), (5, Done::Rejected("no".into())));
        history.in_flight.insert(
            "k-e".into(),
            InFlight {
                row: 6,
                sent_at: 0,
                replayable: false,
            },
        );
        history.in_flight.insert(
            "k-f".into(),
            InFlight {
                row: 8,
                sent_at: 0,
                replayable: false,
            },
        );
        let rows = vec![
            keyed(2, "k-a", None, body("A", 1)),    // done
            keyed(3, "k-b2", None, body("B", 300)), // an edit of k-b
            keyed(
                4,
                "k-d",
                None,
                json!({"fields": {"$name": "D"}, "links": {}}),
            ), // replaces C
            keyed(5, "k-bad", None, body("X", 0)),  // rejected before
            keyed(6, "k-e2", None, body("E", 2)),   // where an unsure write was
            keyed(7, "k-up", Some("acc_z"), body("Z", 1)), // an update by id
            keyed(8, "k-f", None, body("F", 1)),    // itself unsure
        ];
        let survey = survey(rows.into_iter(), &history).expect("surveyed");
        assert_eq!(survey.edits.len(), 1);
        let edit = &survey.edits["k-b2"];
        assert_eq!((edit.id.as_str(), edit.replaces.as_str()), ("acc_b", "k-b"));
        assert_eq!(edit.changes, "seats 3 → 300");
        let gone: Vec<(u64, &str)> = survey.gone.iter().map(|g| (g.row, g.id.as_str())).collect();
        assert_eq!(
            gone,
            [(4, "acc_c")],
            "C left the file; A is there, B was edited"
        );
        assert_eq!(
            survey.unsure_rows,
            HashSet::from([6]),
            "k-e left row 6; k-f is still there"
        );
        // To create: D and E (B became an update); to update: B's edit and Z.
        assert_eq!((survey.creates, survey.updates), (2, 2));
    }
}
