//! Reading what a Postgres mirror holds: its record tables, their rows, its links.

use tokio_postgres::Client;

use super::{failed, quoted};
use crate::store::{DumpRow, StoredRow};

pub(super) async fn tables(db: &Client) -> Result<Vec<String>, String> {
    let rows = db
        .query(
            "SELECT table_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = '_raw'
             ORDER BY table_name",
            &[],
        )
        .await
        .map_err(failed("the schema"))?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

pub(super) async fn dump(db: &Client, table: &str) -> Result<Vec<DumpRow>, String> {
    let rows = db
        .query(
            &format!(
                "SELECT id, _status, _status_reason, _raw FROM {} ORDER BY id",
                quoted(table)
            ),
            &[],
        )
        .await
        .map_err(failed(table))?;
    Ok(rows
        .into_iter()
        .map(|r| DumpRow {
            id: r.get(0),
            status: r.get(1),
            reason: r.get(2),
            raw: r.get(3),
        })
        .collect())
}

pub(super) async fn links(db: &Client) -> Result<Vec<(String, String, String)>, String> {
    let rows = db
        .query(
            "SELECT src_id, rel_key, dst_id FROM _edges WHERE direction IN ('', 'source')
             ORDER BY src_id, rel_key, dst_id",
            &[],
        )
        .await
        .map_err(failed("_edges"))?;
    Ok(rows
        .into_iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}
pub(super) async fn list_members(db: &Client, list_id: &str) -> Result<Vec<String>, String> {
    let rows = db
        .query(
            "SELECT member_id FROM list_members WHERE list_id = $1 ORDER BY member_id",
            &[&list_id],
        )
        .await
        .map_err(failed("list_members"))?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

pub(super) async fn unlisted(
    db: &Client,
    table: &str,
    run: i64,
    streams: &[String],
) -> Result<Vec<StoredRow>, String> {
    if !table_exists(db, table).await? {
        return Ok(Vec::new());
    }
    let rows = db
        .query(
            &format!(
                "SELECT id, _status, _absent_runs, _absent_run, _absent_since FROM {} t
                 WHERE _status <> 'deleted' AND _absent_run IS DISTINCT FROM $1
                 AND NOT EXISTS (SELECT 1 FROM _lf_seen s
                   WHERE s.run = $1 AND s.stream = ANY($2) AND s.id = t.id)",
                quoted(table)
            ),
            &[&run, &streams],
        )
        .await
        .map_err(failed(table))?;
    Ok(rows
        .into_iter()
        .map(|r| StoredRow {
            id: r.get(0),
            status: r.get(1),
            absent_runs: r.get(2),
            absent_run: r.get(3),
            absent_since: r.get(4),
        })
        .collect())
}

/// Whether record table `table` exists in the mirror's schema.
pub(super) async fn table_exists(db: &Client, table: &str) -> Result<bool, String> {
    let row = db
        .query_opt(
            "SELECT 1 FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = $1",
            &[&table],
        )
        .await
        .map_err(failed("the schema"))?;
    Ok(row.is_some())
}
