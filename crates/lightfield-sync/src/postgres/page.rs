//! Writing a page of records to Postgres: each record compared with what is stored,
//! rewritten only when it changed (values sent as text and cast to their column's type),
//! its edges replaced; and the tables the mirror keeps.
//!
//! A page costs a fixed number of round trips, not a few per record: what is stored is read
//! for the whole page at once, the upserts are sent together (tokio-postgres pipelines
//! queries polled at the same time), and edges and sightings go as arrays.

use std::collections::HashMap;

use futures_util::future::try_join_all;
use tokio_postgres::types::ToSql;

use super::{failed, quoted, text_for};
use crate::store::{PageCounts, PageWrite, RecordRow, status_change};

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

/// Writes `page` in `tx` (the stream's state is the caller's) and says what it did.
pub(super) async fn write_records(
    tx: &tokio_postgres::Transaction<'_>,
    types: &HashMap<String, &'static str>,
    page: &PageWrite<'_>,
) -> Result<PageCounts, String> {
    let table = quoted(page.table);
    let ids: Vec<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
    let stored: HashMap<String, (String, String, i64)> = tx
        .query(
            &format!("SELECT id, _raw, _status, _absent_runs FROM {table} WHERE id = ANY($1)"),
            &[&ids],
        )
        .await
        .map_err(failed(page.table))?
        .into_iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
        .collect();
    let mut counts = PageCounts::default();
    let mut present_again: Vec<&str> = Vec::new();
    let mut upserts = Vec::new();
    for record in page.records {
        let old = stored.get(&record.id);
        if let Some((raw, status, absent)) = old
            && *raw == record.raw
            && status == page.status
        {
            counts.unchanged += 1;
            if *absent != 0 {
                present_again.push(&record.id);
            }
            continue;
        }
        let change = status_change(old.map(|s| s.1.as_str()), page.status);
        counts.written += 1;
        match change {
            Some("restored") => counts.restored += 1,
            Some("listed") => counts.trashed += 1,
            _ => {}
        }
        upserts.push(upsert(types, page, record, change));
    }
    if !present_again.is_empty() {
        tx.execute(
            &format!(
                "UPDATE {table} SET _absent_runs = 0, _absent_run = NULL, _absent_since = NULL
                 WHERE id = ANY($1)"
            ),
            &[&present_again],
        )
        .await
        .map_err(failed(page.table))?;
    }
    try_join_all(upserts.iter().map(|(statement, values)| {
        let params: Vec<&(dyn ToSql + Sync)> = values
            .iter()
            .map(|(v, _)| v as &(dyn ToSql + Sync))
            .collect();
        async move { tx.execute(statement.as_str(), &params).await }
    }))
    .await
    .map_err(failed(page.table))?;
    // Edges are read from the record as received: only a record whose `_raw` changed (or
    // is new) has edges to replace; a status change alone leaves them as they are.
    let written: Vec<&RecordRow> = page
        .records
        .iter()
        .filter(|r| stored.get(&r.id).is_none_or(|(raw, _, _)| *raw != r.raw))
        .collect();
    replace_edges(tx, page, &written).await?;
    tx.execute(
        "INSERT INTO _lf_seen (run, stream, id) SELECT $1, $2, UNNEST($3::TEXT[])
         ON CONFLICT DO NOTHING",
        &[&page.run, &page.stream, &ids],
    )
    .await
    .map_err(failed("_lf_seen"))?;
    Ok(counts)
}

/// The edges of the records written: the old ones deleted, the new ones inserted, each in
/// one statement.
async fn replace_edges(
    tx: &tokio_postgres::Transaction<'_>,
    page: &PageWrite<'_>,
    written: &[&RecordRow],
) -> Result<(), String> {
    if written.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = written.iter().map(|r| r.id.as_str()).collect();
    tx.execute("DELETE FROM _edges WHERE src_id = ANY($1)", &[&ids])
        .await
        .map_err(failed("_edges"))?;
    // One array per column, a row per edge.
    let mut columns: [Vec<&str>; 5] = Default::default();
    for record in written {
        for edge in &record.edges {
            let direction = edge.direction.as_deref().unwrap_or_default();
            let row = [
                &*record.id,
                &*edge.rel_key,
                &*edge.dst_type,
                &*edge.dst_id,
                direction,
            ];
            for (column, value) in columns.iter_mut().zip(row) {
                column.push(value);
            }
        }
    }
    if columns[0].is_empty() {
        return Ok(());
    }
    let [sources, keys, kinds, targets, directions] = &columns;
    tx.execute(
        "INSERT INTO _edges (src_type, src_id, rel_key, dst_type, dst_id, direction)
         SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[])
         ON CONFLICT DO NOTHING",
        &[&page.object_type, sources, keys, kinds, targets, directions],
    )
    .await
    .map_err(failed("_edges"))?;
    Ok(())
}

/// The statement that writes `record` whole (inserted, or updated in place) and its values,
/// each sent as text and cast to its column's type.
fn upsert(
    types: &HashMap<String, &'static str>,
    page: &PageWrite<'_>,
    record: &RecordRow,
    change: Option<&'static str>,
) -> (String, Vec<(Option<String>, &'static str)>) {
    let table = quoted(page.table);
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
    (statement, values)
}
