//! Field history in Postgres: which records a run changed, the newest entry stored, and
//! new entries.

use tokio_postgres::Client;

use super::{failed, quoted};
use crate::store::HistoryRow;

pub(super) async fn changed_ids(db: &Client, table: &str, run: i64) -> Result<Vec<String>, String> {
    let rows = db
        .query(
            &format!(
                "SELECT id FROM {} WHERE _changed_run = $1 AND _status = 'active' ORDER BY id",
                quoted(table)
            ),
            &[&run],
        )
        .await
        .map_err(failed(table))?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

pub(super) async fn newest(db: &Client, id: &str, key: &str) -> Result<Option<String>, String> {
    let row = db
        .query_one(
            "SELECT MAX(recorded_at) FROM field_history WHERE record_id = $1 AND field_key = $2",
            &[&id, &key],
        )
        .await
        .map_err(failed("field_history"))?;
    Ok(row.get(0))
}

pub(super) async fn add(db: &mut Client, rows: &[HistoryRow]) -> Result<(), String> {
    let tx = db.transaction().await.map_err(failed("field_history"))?;
    for row in rows {
        tx.execute(
            "INSERT INTO field_history (object_type, record_id, field_key, recorded_at,
             is_create, value_type, value, display_value)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            &[
                &row.object_type,
                &row.record_id,
                &row.field_key,
                &row.recorded_at,
                &row.is_create,
                &row.value_type,
                &row.value,
                &row.display_value,
            ],
        )
        .await
        .map_err(failed("field_history"))?;
    }
    tx.commit().await.map_err(failed("field_history"))
}
