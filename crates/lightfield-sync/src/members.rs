//! The members of each list, read through the list's own endpoint after the lists
//! themselves: a list in use has its members replaced when they changed; a list trashed
//! or deleted has none in the mirror.

use lightfield::Client;
use serde_json::Value;

use crate::Error;
use crate::store::{Counts, Store};

/// The type of a list's members, from its `$objectType` (`$account` or `account`).
fn member_type(raw: &str) -> Option<String> {
    let list: Value = serde_json::from_str(raw).ok()?;
    let kind = list.pointer("/fields/$objectType/value")?.as_str()?;
    Some(kind.trim_start_matches('$').to_string())
}

/// Mirrors the members of every list of `table`.
pub async fn mirror_members(
    client: &Client,
    store: &mut dyn Store,
    table: &str,
    counts: &mut Counts,
) -> Result<(), Error> {
    for list in store.dump(table).await? {
        if list.status != "active" {
            if !store.list_members(&list.id).await?.is_empty() {
                store.set_list_members(&list.id, "", &[]).await?;
            }
            continue;
        }
        let Some(kind) = member_type(&list.raw) else {
            continue;
        };
        if !matches!(kind.as_str(), "account" | "contact" | "opportunity") {
            continue;
        }
        let mut ids: Vec<String> = member_ids(client, &kind, &list.id, counts).await?;
        ids.sort();
        if store.list_members(&list.id).await? != ids {
            store.set_list_members(&list.id, &kind, &ids).await?;
        }
    }
    Ok(())
}

async fn member_ids(
    client: &Client,
    kind: &str,
    list_id: &str,
    counts: &mut Counts,
) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let lists = client.lists();
        let page: Vec<String> = match kind {
            "account" => {
                let page = lists
                    .accounts(list_id)
                    .offset(offset)
                    .limit(25)
                    .send()
                    .await?;
                page.items.into_iter().map(|r| r.id).collect()
            }
            "contact" => {
                let page = lists
                    .contacts(list_id)
                    .offset(offset)
                    .limit(25)
                    .send()
                    .await?;
                page.items.into_iter().map(|r| r.id).collect()
            }
            _ => {
                let page = lists
                    .opportunities(list_id)
                    .offset(offset)
                    .limit(25)
                    .send()
                    .await?;
                page.items.into_iter().map(|r| r.id).collect()
            }
        };
        counts.requests += 1;
        let short = page.len() < 25;
        offset += page.len() as u64;
        ids.extend(page);
        if short {
            return Ok(ids);
        }
    }
}
