//! After a type's streams are complete: what became of the records no stream listed.
//! A delete is recorded only on evidence: the trash listing (written by the scan), a
//! retrieve answering 404, or, for types the API lists no trash of, two complete scans in a
//! row that missed a record the API still has. Nothing is inferred from an unstable scan.

use lightfield::{Client, ErrorKind, ObjectType};

use crate::Error;
use crate::rows::Columns;
use crate::store::{Counts, PageWrite, Store, StreamState, Verdict};

/// Reconciles `object` in `run`.
pub async fn reconcile(
    client: &Client,
    store: &mut dyn Store,
    (object, table): (&ObjectType, &str),
    columns: &mut Columns,
    (run, gap): (i64, std::time::Duration),
    counts: &mut Counts,
) -> Result<(), Error> {
    let stream = |status: &str| format!("{}:{status}", object.as_api());
    let streams = [stream("active"), stream("trashed")];
    let started = std::time::Instant::now();
    let unlisted = store.unlisted(table, run, &streams).await?;
    counts.database += started.elapsed();
    for row in unlisted {
        let answer = client
            .records_of(object.clone())
            .retrieve(&row.id)
            .send()
            .await;
        counts.requests += 1;
        let record = match answer {
            Err(e) if e.kind() == Some(&ErrorKind::NotFound) => {
                store.judge(table, &row.id, Verdict::Deleted, run).await?;
                counts.deleted += 1;
                continue;
            }
            Err(e) => return Err(e.into()),
            Ok(record) => record,
        };
        if row.status != "active" {
            // Still in the trash, or restored and not yet listed: the next run will tell.
            continue;
        }
        if object.lists_trash() {
            // Neither listing had it, yet it exists: the scan missed it. Keep it current.
            columns
                .ensure(store, &crate::rows::field_types(&record), run)
                .await?;
            let rows = [columns.row(&record)];
            let name = stream("active");
            let at = store
                .stream(run, &name)
                .await?
                .unwrap_or_else(|| StreamState {
                    state: "complete".into(),
                    ..StreamState::default()
                });
            let written = store
                .write_page(&PageWrite {
                    run,
                    stream: &name,
                    table,
                    object_type: object.as_api(),
                    status: "active",
                    records: &rows,
                    next: &at,
                })
                .await?;
            counts.written += written.written;
        } else if row.absent_runs >= 1 && missing_for(row.absent_since.as_deref(), gap) {
            store
                .judge(table, &row.id, Verdict::TrashedByAbsence, run)
                .await?;
            counts.trashed += 1;
        } else {
            let now = crate::run::now();
            store
                .judge(table, &row.id, Verdict::Absent(now), run)
                .await?;
        }
    }
    Ok(())
}

/// Whether a record first missed at `since` has been missing for at least `gap`.
fn missing_for(since: Option<&str>, gap: std::time::Duration) -> bool {
    let Some(since) = since.and_then(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
    }) else {
        return false;
    };
    time::OffsetDateTime::now_utc() - since >= gap
}
