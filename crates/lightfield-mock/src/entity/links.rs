//! Links read from both ends, as the API shows them: a contact linked to an account is in
//! the account's `$contact`, and a relationship from a type to itself (accounts'
//! `partners`) says which records link from each end in its `directions`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::collection::{Collection, StoredRecord};
use super::schema::{RelDef, Schema};

/// `directions` of relationship `def` on `record`, for a relationship from the type to
/// itself; `None` for any other.
pub(super) fn directions(
    collection: &Collection,
    record: &StoredRecord,
    def: &RelDef,
) -> Option<Value> {
    if def.object_type != collection.schema.object_type {
        return None;
    }
    let from_here = record
        .relationships
        .get(def.key)
        .cloned()
        .unwrap_or_default();
    let to_here: Vec<&str> = collection
        .records
        .iter()
        .filter(|other| {
            other
                .relationships
                .get(def.key)
                .is_some_and(|ids| ids.contains(&record.id))
        })
        .map(|other| other.id.as_str())
        .collect();
    Some(json!({
        "asSource": {"cardinality": def.cardinality, "values": from_here},
        "asDestination": {"cardinality": "HAS_MANY", "values": to_here},
    }))
}

/// `directions` of a self-relationship's definition: what it is called from each end.
pub(super) fn definition_directions(schema: &Schema, def: &RelDef) -> Option<Value> {
    (def.object_type == schema.object_type).then(|| {
        json!({
            "asSource": {"cardinality": def.cardinality, "label": def.label},
            "asDestination": {"cardinality": "HAS_MANY", "label": format!("{} of", def.label)},
        })
    })
}

/// The key under which records of `other` link back to `object_type` through `def`: the
/// one relationship of `other` to `object_type`, if there is exactly one.
fn inverse<'a>(other: &'a Schema, object_type: &str) -> Option<&'a str> {
    let mut back = other.rels.iter().filter(|r| r.object_type == object_type);
    match (back.next(), back.next()) {
        (Some(one), None) => Some(one.key),
        _ => None,
    }
}

/// The relationships of record `id` of `object_type`, to compare after a write.
pub fn links_of(
    collections: &[Collection],
    object_type: &str,
    id: &str,
) -> BTreeMap<String, Vec<String>> {
    collections
        .iter()
        .find(|c| c.schema.object_type == object_type)
        .and_then(|c| c.records.iter().find(|r| r.id == id))
        .map(|r| r.relationships.clone())
        .unwrap_or_default()
}

/// After a write changed record `id`'s links from `before`, shows each change from the
/// other end too: the linked record gains (or loses) `id` under its key back.
pub fn mirror(
    collections: &mut [Collection],
    object_type: &str,
    id: &str,
    before: &BTreeMap<String, Vec<String>>,
) {
    let after = links_of(collections, object_type, id);
    let Some(schema) = collections
        .iter()
        .find(|c| c.schema.object_type == object_type)
        .map(|c| c.schema.clone())
    else {
        return;
    };
    for def in &schema.rels {
        if def.object_type == object_type {
            continue; // read through `directions` instead
        }
        let old = before.get(def.key).cloned().unwrap_or_default();
        let new = after.get(def.key).cloned().unwrap_or_default();
        let Some(other) = collections
            .iter_mut()
            .find(|c| c.schema.object_type == def.object_type)
        else {
            continue;
        };
        let Some(back) = inverse(&other.schema, object_type) else {
            continue;
        };
        let one = other
            .schema
            .rel(back)
            .is_some_and(|r| r.cardinality == "HAS_ONE");
        let back = back.to_string();
        for record in other.records.iter_mut() {
            let (was, is) = (old.contains(&record.id), new.contains(&record.id));
            if was == is {
                continue;
            }
            let ids = record.relationships.entry(back.clone()).or_default();
            ids.retain(|linked| linked != id);
            if is && one {
                *ids = vec![id.to_string()];
            } else if is {
                ids.push(id.to_string());
            }
        }
    }
}

/// Takes `id` out of every record's links, as when the record is gone for good.
pub fn forget(collections: &mut [Collection], id: &str) {
    for collection in collections.iter_mut() {
        for record in collection.records.iter_mut() {
            for ids in record.relationships.values_mut() {
                ids.retain(|linked| linked != id);
            }
        }
    }
}
