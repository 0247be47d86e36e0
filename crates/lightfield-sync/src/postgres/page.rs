//! Writing a page of records to Postgres: each record compared with what is stored,
//! rewritten only when it changed (values sent as text and cast to their column's type),
//! its edges replaced; and the tables the mirror keeps.

use std::collections::HashMap;

use tokio_postgres::types::ToSql;

use super::{failed, quoted, text_for};
use crate::store::{PageWrite, RecordRow, status_change};

/// The mirror's own tables, created on first use.
pub(super) const STATE: &str = "
CREATE TABLE IF NOT EXISTS _lf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _lf_runs (run BIGINT PRIMARY KEY, started_at TEXT NOT NULL,
  finished_at TEXT, status TEXT NOT NULL, written BIGINT, unchanged BIGINT,
  trashed BIGINT, deleted BIGINT, restored BIGINT, requests BIGINT);
CREATE TABLE IF NOT EXISTS _lf_streams (run BIGINT NOT NULL, stream TEXT NOT NULL,
  next_offset BIGINT NOT NULL, boundary TEXT, state TEXT NOT NULL, shifts BIGINT NOT NULL,
  PRIMARY KEY (run, stream));
CREATE TABLE IF NOT EXISTS _lf_seen (run BIGINT NOT NULL, stream TEXT NOT NULL,
  id TEXT NOT NULL, PRIMARY KEY (run, stream, id));
CREATE TABLE IF NOT EXISTS _lf_fields (object_type TEXT NOT NULL, field_key TEXT NOT NULL,
  value_type TEXT NOT NULL, column_name TEXT NOT NULL, table_name TEXT NOT NULL,
  first_seen_run BIGINT NOT NULL, PRIMARY KEY (object_type, field_key, value_type));
CREATE TABLE IF NOT EXISTS _lf_relationships (object_type TEXT NOT NULL, rel_key TEXT NOT NULL,
  target_type TEXT NOT NULL, cardinality TEXT NOT NULL, view_name TEXT NOT NULL,
  PRIMARY KEY (object_type, rel_key));
CREATE TABLE IF NOT EXISTS _edges (src_type TEXT NOT NULL, src_id TEXT NOT NULL,
  rel_key TEXT NOT NULL, dst_type TEXT NOT NULL, dst_id TEXT NOT NULL,
  direction TEXT NOT NULL DEFAULT '', PRIMARY KEY (src_id, rel_key, dst_id, direction));
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
  member_id TEXT NOT NULL, PRIMARY KEY (list_id, member_id));
";

pub(super) async fn write_record(
    tx: &tokio_postgres::Transaction<'_>,
    types: &HashMap<String, &'static str>,
    page: &PageWrite<'_>,
    record: &RecordRow,
) -> Result<(bool, Option<&'static str>), String> {
    let table = quoted(page.table);
    let stored = tx
        .query_opt(
            &format!("SELECT _raw, _status, _absent_runs FROM {table} WHERE id = $1"),
            &[&record.id],
        )
        .await
        .map_err(failed(page.table))?
        .map(|r| {
            (
                r.get::<_, String>(0),
                r.get::<_, String>(1),
                r.get::<_, i64>(2),
            )
        });
    if let Some((raw, status, absent)) = &stored
        && *raw == record.raw
        && status == page.status
    {
        if *absent != 0 {
            tx.execute(
                &format!("UPDATE {table} SET _absent_runs = 0, _absent_run = NULL, _absent_since = NULL WHERE id = $1"),
                &[&record.id],
            )
            .await
            .map_err(failed(page.table))?;
        }
        return Ok((false, None));
    }
    let change = status_change(stored.as_ref().map(|s| s.1.as_str()), page.status);
    // Every value goes as text with a cast to its column's type.
    let mut columns: Vec<String> = ["id", "created_at", "updated_at", "external_id", "http_link"]
        .into_iter()
        .map(quoted)
        .collect();
    let mut values: Vec<(Option<String>, &'static str)> = vec![(Some(record.id.clone()), "TEXT")];
    values.extend(record.fixed.iter().map(|c| (text_for(c, "TEXT"), "TEXT")));
    for (column, cell) in &record.cells {
        let pg = types.get(column).copied().unwrap_or("TEXT");
        columns.push(quoted(column));
        values.push((text_for(cell, pg), pg));
    }
    for (name, value, pg) in [
        ("_raw", Some(record.raw.clone()), "TEXT"),
        ("_status", Some(page.status.to_string()), "TEXT"),
        ("_status_reason", change.map(str::to_string), "TEXT"),
        ("_changed_run", Some(page.run.to_string()), "BIGINT"),
        ("_absent_runs", Some("0".into()), "BIGINT"),
        ("_absent_run", None, "BIGINT"),
        ("_absent_since", None, "TEXT"),
    ] {
        columns.push(name.to_string());
        values.push((value, pg));
    }
    let updates: Vec<String> = columns
        .iter()
        .skip(1)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    columns.push("_first_seen_run".into());
    values.push((Some(page.run.to_string()), "BIGINT"));
    let marks: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, (_, pg))| format!("(${}::TEXT)::{pg}", i + 1))
        .collect();
    let statement = format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        columns.join(", "),
        marks.join(", "),
        updates.join(", ")
    );
    let params: Vec<&(dyn ToSql + Sync)> = values
        .iter()
        .map(|(v, _)| v as &(dyn ToSql + Sync))
        .collect();
    tx.execute(&statement, &params)
        .await
        .map_err(failed(page.table))?;
    tx.execute("DELETE FROM _edges WHERE src_id = $1", &[&record.id])
        .await
        .map_err(failed("_edges"))?;
    for edge in &record.edges {
        let direction = edge.direction.clone().unwrap_or_default();
        tx.execute(
            "INSERT INTO _edges (src_type, src_id, rel_key, dst_type, dst_id, direction)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &page.object_type,
                &record.id,
                &edge.rel_key,
                &edge.dst_type,
                &edge.dst_id,
                &direction,
            ],
        )
        .await
        .map_err(failed("_edges"))?;
    }
    Ok((true, change))
}
