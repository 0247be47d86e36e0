//! Writing a page of records to SQLite: each record compared with what is stored,
//! rewritten only when it changed, its edges replaced; and the tables the mirror keeps.

use rusqlite::{OptionalExtension, params, types::Value as Sql};

use super::{failed, quoted, sql};
use crate::store::{PageWrite, RecordRow, status_change};

/// The mirror's own tables, created on first use.
pub(super) const STATE: &str = "
CREATE TABLE IF NOT EXISTS _lf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _lf_runs (run INTEGER PRIMARY KEY, started_at TEXT NOT NULL,
  finished_at TEXT, status TEXT NOT NULL, written INTEGER, unchanged INTEGER,
  trashed INTEGER, deleted INTEGER, restored INTEGER, requests INTEGER);
CREATE TABLE IF NOT EXISTS _lf_streams (run INTEGER NOT NULL, stream TEXT NOT NULL,
  next_offset INTEGER NOT NULL, boundary TEXT, state TEXT NOT NULL, shifts INTEGER NOT NULL,
  PRIMARY KEY (run, stream));
CREATE TABLE IF NOT EXISTS _lf_seen (run INTEGER NOT NULL, stream TEXT NOT NULL,
  id TEXT NOT NULL, PRIMARY KEY (run, stream, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _lf_fields (object_type TEXT NOT NULL, field_key TEXT NOT NULL,
  value_type TEXT NOT NULL, column_name TEXT NOT NULL, table_name TEXT NOT NULL,
  first_seen_run INTEGER NOT NULL, PRIMARY KEY (object_type, field_key, value_type));
CREATE TABLE IF NOT EXISTS _lf_relationships (object_type TEXT NOT NULL, rel_key TEXT NOT NULL,
  target_type TEXT NOT NULL, cardinality TEXT NOT NULL, view_name TEXT NOT NULL,
  PRIMARY KEY (object_type, rel_key));
CREATE TABLE IF NOT EXISTS _edges (src_type TEXT NOT NULL, src_id TEXT NOT NULL,
  rel_key TEXT NOT NULL, dst_type TEXT NOT NULL, dst_id TEXT NOT NULL,
  direction TEXT NOT NULL DEFAULT '', PRIMARY KEY (src_id, rel_key, dst_id, direction))
  WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS _edges_dst ON _edges (dst_id, rel_key);
CREATE TABLE IF NOT EXISTS definitions (object_type TEXT NOT NULL, kind TEXT NOT NULL,
  key TEXT NOT NULL, label TEXT NOT NULL, of TEXT NOT NULL, raw TEXT NOT NULL,
  PRIMARY KEY (object_type, kind, key));
CREATE TABLE IF NOT EXISTS field_history (object_type TEXT NOT NULL, record_id TEXT NOT NULL,
  field_key TEXT NOT NULL, recorded_at TEXT NOT NULL, is_create BOOLEAN NOT NULL,
  value_type TEXT NOT NULL, value TEXT NOT NULL, display_value TEXT,
  PRIMARY KEY (record_id, field_key, recorded_at));
CREATE TABLE IF NOT EXISTS files (id TEXT PRIMARY KEY, filename TEXT NOT NULL,
  mime_type TEXT NOT NULL, size_bytes BIGINT, status TEXT NOT NULL, created_at TEXT NOT NULL,
  completed_at TEXT, expires_at TEXT, _raw TEXT NOT NULL, _status TEXT NOT NULL,
  _status_reason TEXT, _seen_run BIGINT NOT NULL, _changed_run BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS list_members (list_id TEXT NOT NULL, member_type TEXT NOT NULL,
  member_id TEXT NOT NULL, PRIMARY KEY (list_id, member_id)) WITHOUT ROWID;
";

pub(super) fn write_record(
    tx: &rusqlite::Transaction<'_>,
    page: &PageWrite<'_>,
    record: &RecordRow,
) -> Result<(bool, Option<&'static str>), String> {
    let table = quoted(page.table);
    // Statements are prepared once per text and reused (a page of 25 records runs the same
    // few statements 25 times; parsing each anew was most of SQLite's share of a run).
    let stored: Option<(String, String, i64)> = tx
        .prepare_cached(&format!(
            "SELECT _raw, _status, _absent_runs FROM {table} WHERE id = ?1"
        ))
        .and_then(|mut s| {
            s.query_row([&record.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
        })
        .map_err(failed(page.table))?;
    if let Some((raw, status, absent)) = &stored
        && *raw == record.raw
        && status == page.status
    {
        if *absent != 0 {
            tx.execute(
                &format!("UPDATE {table} SET _absent_runs = 0, _absent_run = NULL, _absent_since = NULL WHERE id = ?1"),
                [&record.id],
            )
            .map_err(failed(page.table))?;
        }
        return Ok((false, None));
    }
    let change = status_change(stored.as_ref().map(|s| s.1.as_str()), page.status);
    let mut columns = vec!["id", "created_at", "updated_at", "external_id", "http_link"]
        .into_iter()
        .map(quoted)
        .collect::<Vec<_>>();
    columns.extend(record.cells.iter().map(|(c, _)| quoted(c)));
    let mut values: Vec<Sql> = vec![Sql::Text(record.id.clone())];
    values.extend(record.fixed.iter().map(sql));
    values.extend(record.cells.iter().map(|(_, v)| sql(v)));
    for (name, value) in [
        ("_raw", Sql::Text(record.raw.clone())),
        ("_status", Sql::Text(page.status.into())),
        (
            "_status_reason",
            change.map_or(Sql::Null, |c| Sql::Text(c.into())),
        ),
        ("_changed_run", Sql::Integer(page.run)),
        ("_absent_runs", Sql::Integer(0)),
        ("_absent_run", Sql::Null),
        ("_absent_since", Sql::Null),
    ] {
        columns.push(name.to_string());
        values.push(value);
    }
    let updates: Vec<String> = columns
        .iter()
        .skip(1)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let marks: Vec<String> = (1..=values.len() + 1).map(|i| format!("?{i}")).collect();
    columns.push("_first_seen_run".into());
    values.push(Sql::Integer(page.run));
    let statement = format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        columns.join(", "),
        marks.join(", "),
        updates.join(", ")
    );
    tx.prepare_cached(&statement)
        .and_then(|mut s| s.execute(rusqlite::params_from_iter(values)))
        .map_err(failed(page.table))?;
    tx.prepare_cached("DELETE FROM _edges WHERE src_id = ?1")
        .and_then(|mut s| s.execute([&record.id]))
        .map_err(failed("_edges"))?;
    let mut insert_edge = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO _edges (src_type, src_id, rel_key, dst_type, dst_id, direction)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(failed("_edges"))?;
    for edge in &record.edges {
        insert_edge
            .execute(params![
                page.object_type,
                record.id,
                edge.rel_key,
                edge.dst_type,
                edge.dst_id,
                edge.direction.clone().unwrap_or_default()
            ])
            .map_err(failed("_edges"))?;
    }
    Ok((true, change))
}
