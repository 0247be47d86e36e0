//! Field history: every value a field was given, newest first, paged by cursor.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::schema::Schema;
use crate::error::ApiError;

/// Past values by (record id, field key), oldest first.
#[derive(Debug, Default)]
pub struct History {
    entries: BTreeMap<(String, String), Vec<Value>>,
}

impl History {
    /// Records that `key` of record `id` was set to `value`.
    pub fn record(
        &mut self,
        schema: &Schema,
        id: &str,
        key: &str,
        value: &Value,
        is_create: bool,
        at: &str,
    ) {
        let value_type = schema.field(key).map_or("TEXT", |f| f.value_type);
        let display = match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        self.entries
            .entry((id.to_string(), key.to_string()))
            .or_default()
            .push(json!({
                "value": value,
                "valueType": value_type,
                "displayValue": display,
                "isCreate": is_create,
                "recordedAt": at,
            }));
    }

    /// One page, newest first: `limit` entries after the cursor `after`.
    pub fn page(
        &self,
        id: &str,
        key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Value, ApiError> {
        let all = self
            .entries
            .get(&(id.to_string(), key.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        // The cursor is the position (newest first) of the next entry, opaque to clients.
        let start = match after {
            None => 0,
            Some(cursor) => cursor
                .strip_prefix("hc_")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n <= all.len())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_cursor",
                        "after",
                        "`after` is not a cursor this server gave",
                    )
                })?,
        };
        let data: Vec<Value> = all.iter().rev().skip(start).take(limit).cloned().collect();
        let next = start + data.len();
        let has_more = next < all.len();
        Ok(json!({
            "data": data,
            "hasMore": has_more,
            "nextCursor": if has_more { Value::String(format!("hc_{next}")) } else { Value::Null },
        }))
    }
}
