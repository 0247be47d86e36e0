//! Opt-in field history: for the fields asked for, the past values of each record a run
//! wrote, read newest first and only back to the newest entry already stored.

use lightfield::{Client, ObjectType};

use crate::Error;
use crate::store::{Counts, HistoryRow, Store};

/// Reads the history of `fields` of `object` for every record run `run` wrote.
pub async fn mirror_history(
    client: &Client,
    store: &mut dyn Store,
    (object, table): (&ObjectType, &str),
    fields: &[String],
    run: i64,
    counts: &mut Counts,
) -> Result<(), Error> {
    if fields.is_empty() {
        return Ok(());
    }
    for id in store.changed_ids(table, run).await? {
        for key in fields {
            let newest = store.newest_history(&id, key).await?;
            let mut rows = Vec::new();
            let mut cursor: Option<String> = None;
            'pages: loop {
                let mut call = client
                    .records_of(object.clone())
                    .history(&id, key.clone())
                    .limit(100);
                if let Some(after) = &cursor {
                    call = call.after(after.clone());
                }
                let page = call.send().await?;
                counts.requests += 1;
                for entry in page.entries {
                    if newest
                        .as_deref()
                        .is_some_and(|n| entry.recorded_at.as_str() <= n)
                    {
                        break 'pages;
                    }
                    rows.push(HistoryRow {
                        object_type: object.as_api().to_string(),
                        record_id: id.clone(),
                        field_key: key.clone(),
                        recorded_at: entry.recorded_at,
                        is_create: entry.is_create,
                        value_type: entry.value_type.as_api().to_string(),
                        value: entry.value.encode().to_string(),
                        display_value: entry.display_value,
                    });
                }
                match (page.has_more, page.next_cursor) {
                    (true, Some(next)) => cursor = Some(next),
                    _ => break,
                }
            }
            store.add_history(&rows).await?;
        }
    }
    Ok(())
}
