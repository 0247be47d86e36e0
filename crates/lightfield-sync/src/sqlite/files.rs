//! Files' metadata in SQLite: one transaction per page, a row rewritten only when the file
//! changed, every listed file marked seen by the run.

use rusqlite::{Connection, OptionalExtension, params};

use super::failed;
use crate::store::FileRow;

pub(super) fn write(db: &mut Connection, run: i64, files: &[FileRow]) -> Result<u64, String> {
    let tx = db.transaction().map_err(failed("files"))?;
    let mut written = 0;
    for file in files {
        let stored: Option<(String, String)> = tx
            .query_row(
                "SELECT _raw, _status FROM files WHERE id = ?1",
                [&file.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(failed("files"))?;
        if stored.is_some_and(|(raw, status)| raw == file.raw && status == "active") {
            tx.execute(
                "UPDATE files SET _seen_run = ?2 WHERE id = ?1",
                params![file.id, run],
            )
            .map_err(failed("files"))?;
            continue;
        }
        tx.execute(
            "INSERT INTO files (id, filename, mime_type, size_bytes, status, created_at,
               completed_at, expires_at, _raw, _status, _seen_run, _changed_run)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active', ?10, ?10)
             ON CONFLICT (id) DO UPDATE SET filename = excluded.filename,
               mime_type = excluded.mime_type, size_bytes = excluded.size_bytes,
               status = excluded.status, created_at = excluded.created_at,
               completed_at = excluded.completed_at, expires_at = excluded.expires_at,
               _raw = excluded._raw, _status = 'active', _status_reason = NULL,
               _seen_run = excluded._seen_run,
               _changed_run = excluded._changed_run",
            params![
                file.id,
                file.filename,
                file.mime_type,
                file.size_bytes,
                file.status,
                file.created_at,
                file.completed_at,
                file.expires_at,
                file.raw,
                run
            ],
        )
        .map_err(failed("files"))?;
        written += 1;
    }
    tx.commit().map_err(failed("files"))?;
    Ok(written)
}

pub(super) fn unlisted(db: &Connection, run: i64) -> Result<Vec<String>, String> {
    let mut statement = db
        .prepare("SELECT id FROM files WHERE _status = 'active' AND _seen_run <> ?1 ORDER BY id")
        .map_err(failed("files"))?;
    let ids = statement
        .query_map([run], |r| r.get(0))
        .map_err(failed("files"))?;
    ids.collect::<Result<_, _>>().map_err(failed("files"))
}

pub(super) fn delete(db: &Connection, id: &str, run: i64) -> Result<(), String> {
    db.execute(
        "UPDATE files SET _status = 'deleted', _status_reason = 'gone', _changed_run = ?2 WHERE id = ?1",
        params![id, run],
    )
    .map(drop)
    .map_err(failed("files"))
}
