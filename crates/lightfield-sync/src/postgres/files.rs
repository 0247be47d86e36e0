//! Files' metadata in Postgres: one transaction per page, a row rewritten only when the
//! file changed, every listed file marked seen by the run.

use tokio_postgres::Client;

use super::failed;
use crate::store::FileRow;

pub(super) async fn write(db: &mut Client, run: i64, files: &[FileRow]) -> Result<u64, String> {
    let tx = db.transaction().await.map_err(failed("files"))?;
    let mut written = 0;
    for file in files {
        let stored = tx
            .query_opt("SELECT _raw, _status FROM files WHERE id = $1", &[&file.id])
            .await
            .map_err(failed("files"))?;
        if stored
            .is_some_and(|r| r.get::<_, String>(0) == file.raw && r.get::<_, String>(1) == "active")
        {
            tx.execute(
                "UPDATE files SET _seen_run = $2 WHERE id = $1",
                &[&file.id, &run],
            )
            .await
            .map_err(failed("files"))?;
            continue;
        }
        tx.execute(
            "INSERT INTO files (id, filename, mime_type, size_bytes, status, created_at,
               completed_at, expires_at, _raw, _status, _seen_run, _changed_run)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $10)
             ON CONFLICT (id) DO UPDATE SET filename = excluded.filename,
               mime_type = excluded.mime_type, size_bytes = excluded.size_bytes,
               status = excluded.status, created_at = excluded.created_at,
               completed_at = excluded.completed_at, expires_at = excluded.expires_at,
               _raw = excluded._raw, _status = 'active', _status_reason = NULL,
               _seen_run = excluded._seen_run,
               _changed_run = excluded._changed_run",
            &[
                &file.id,
                &file.filename,
                &file.mime_type,
                &file.size_bytes,
                &file.status,
                &file.created_at,
                &file.completed_at,
                &file.expires_at,
                &file.raw,
                &run,
            ],
        )
        .await
        .map_err(failed("files"))?;
        written += 1;
    }
    tx.commit().await.map_err(failed("files"))?;
    Ok(written)
}

pub(super) async fn unlisted(db: &Client, run: i64) -> Result<Vec<String>, String> {
    let rows = db
        .query(
            "SELECT id FROM files WHERE _status = 'active' AND _seen_run <> $1 ORDER BY id",
            &[&run],
        )
        .await
        .map_err(failed("files"))?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

pub(super) async fn delete(db: &Client, id: &str, run: i64) -> Result<(), String> {
    db.execute(
        "UPDATE files SET _status = 'deleted', _status_reason = 'gone', _changed_run = $2 WHERE id = $1",
        &[&id, &run],
    )
    .await
    .map(drop)
    .map_err(failed("files"))
}
