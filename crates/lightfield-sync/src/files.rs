//! The organisation's files, metadata only (their bytes stay with the API): listed in full
//! every run into `files`, a row rewritten only when the file's metadata changed. A file no
//! listing showed is asked for by id, and marked deleted only when the API answers 404: a
//! list that shifted under the scan is no evidence.

use lightfield::{Client, ErrorKind, FileInfo};
use serde_json::Value;

use crate::Error;
use crate::scan::PAGE;
use crate::store::{Counts, FileRow, Store};

/// Mirrors every file's metadata in `run`; answers false when the key may not list files.
pub async fn mirror_files(
    client: &Client,
    store: &mut dyn Store,
    run: i64,
    counts: &mut Counts,
) -> Result<bool, Error> {
    let mut offset = 0;
    loop {
        let answer = client
            .files()
            .list()
            .offset(offset)
            .limit(PAGE)
            .send_with_response()
            .await;
        counts.requests += 1;
        let answer = match answer {
            // A key that may not read files leaves the rest of the mirror to go on.
            Err(e) if e.kind() == Some(&ErrorKind::Forbidden) => return Ok(false),
            other => other?,
        };
        let body: Value = serde_json::from_slice(answer.raw_body()).unwrap_or_default();
        let page = answer.value();
        let rows: Vec<FileRow> = page
            .items
            .iter()
            .enumerate()
            .map(|(i, file)| row(file, &body["data"][i]))
            .collect();
        counts.written += store.write_files(run, &rows).await?;
        if (page.items.len() as u64) < PAGE {
            break;
        }
        offset += PAGE;
    }
    for id in store.unlisted_files(run).await? {
        let answer = client.files().retrieve(&id).send_with_response().await;
        counts.requests += 1;
        match answer {
            Err(e) if e.kind() == Some(&ErrorKind::NotFound) => {
                store.delete_file(&id, run).await?;
                counts.deleted += 1;
            }
            Err(e) => return Err(e.into()),
            Ok(answer) => {
                let body: Value = serde_json::from_slice(answer.raw_body()).unwrap_or_default();
                counts.written += store
                    .write_files(run, &[row(answer.value(), &body)])
                    .await?;
            }
        }
    }
    Ok(true)
}

/// A file's row: the metadata the SDK reads, and the file as the API sent it.
fn row(file: &FileInfo, raw: &Value) -> FileRow {
    FileRow {
        id: file.id.clone(),
        filename: file.filename.clone(),
        mime_type: file.mime_type.clone(),
        // A size past i64 (never documented) stays in `raw` only.
        size_bytes: i64::try_from(file.size_bytes).ok(),
        status: file.status.as_api().to_string(),
        created_at: file.created_at.clone(),
        completed_at: file.completed_at.clone(),
        expires_at: file.expires_at.clone(),
        raw: if raw.is_object() {
            raw.to_string()
        } else {
            Value::Null.to_string()
        },
    }
}
