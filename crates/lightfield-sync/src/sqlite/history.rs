//! Field history in SQLite: which records a run changed, the newest entry stored, and
//! new entries.

use rusqlite::{Connection, OptionalExtension, params};

use super::{failed, quoted};
use crate::store::HistoryRow;

pub(super) fn changed_ids(db: &Connection, table: &str, run: i64) -> Result<Vec<String>, String> {
    let mut statement = db
        .prepare(&format!(
            "SELECT id FROM {} WHERE _changed_run = ?1 AND _status = 'active' ORDER BY id",
            quoted(table)
        ))
        .map_err(failed(table))?;
    let ids = statement
        .query_map([run], |r| r.get(0))
        .map_err(failed(table))?;
    ids.collect::<Result<_, _>>().map_err(failed(table))
}

pub(super) fn newest(db: &Connection, id: &str, key: &str) -> Result<Option<String>, String> {
    db.query_row(
        "SELECT MAX(recorded_at) FROM field_history WHERE record_id = ?1 AND field_key = ?2",
        [id, key],
        |r| r.get(0),
    )
    .optional()
    .map(Option::flatten)
    .map_err(failed("field_history"))
}

pub(super) fn add(db: &mut Connection, rows: &[HistoryRow]) -> Result<(), String> {
    let tx = db.transaction().map_err(failed("field_history"))?;
    for row in rows {
        tx.execute(
            "INSERT OR IGNORE INTO field_history (object_type, record_id, field_key,
             recorded_at, is_create, value_type, value, display_value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                row.object_type,
                row.record_id,
                row.field_key,
                row.recorded_at,
                row.is_create,
                row.value_type,
                row.value,
                row.display_value
            ],
        )
        .map_err(failed("field_history"))?;
    }
    tx.commit().map_err(failed("field_history"))
}
