//! Reading a collection: filtered pages by status, the members of a record's
//! relationship (list members), and a field's history.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::collection::{Collection, Status, StoredRecord};
use super::filter::Filter;
use crate::error::ApiError;

/// How lists read records, where the API leaves it open: their order, how far they lag
/// behind writes (the API serves lists from a search index), and the largest offset.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ListView {
    /// Newest records first instead of oldest: creations then shift every later page.
    pub newest_first: bool,
    /// How long a creation, trash or restore takes to show in lists.
    pub lag: Duration,
    /// The largest offset a list takes; `None` for no cap.
    pub offset_cap: Option<usize>,
}

impl Collection {
    /// The ids record `id` links under `key`.
    pub fn linked(&self, id: &str, key: &str) -> Result<Vec<String>, ApiError> {
        let index = self.index(id)?;
        Ok(self.records[index]
            .relationships
            .get(key)
            .cloned()
            .unwrap_or_default())
    }

    /// A page of the active records among `ids`, in the order given.
    pub fn page_of(&self, ids: &[String], offset: usize, limit: usize) -> Value {
        let found: Vec<&StoredRecord> = ids
            .iter()
            .filter_map(|id| self.records.iter().find(|r| &r.id == id && !r.trashed))
            .collect();
        let data: Vec<Value> = found
            .iter()
            .skip(offset)
            .take(limit)
            .map(|r| self.render(r))
            .collect();
        json!({"object": "list", "data": data, "totalCount": found.len()})
    }

    /// One page of records matching `filters` in `status`, with the total count, as `view`
    /// reads them.
    pub fn list(
        &self,
        view: ListView,
        status: Status,
        (offset, limit): (usize, usize),
        filters: &[(String, String)],
    ) -> Result<Value, ApiError> {
        if view.offset_cap.is_some_and(|cap| offset > cap) {
            return Err(ApiError::bad_request(
                "offset_too_large",
                "offset",
                format!(
                    "`offset` goes up to {}; narrow the list with a filter",
                    view.offset_cap.unwrap_or_default()
                ),
            ));
        }
        let parsed = filters
            .iter()
            .map(|(k, v)| Filter::parse(&self.schema, k, v))
            .collect::<Result<Vec<_>, _>>()?;
        let in_order: Box<dyn Iterator<Item = &StoredRecord>> = if view.newest_first {
            Box::new(self.records.iter().rev())
        } else {
            Box::new(self.records.iter())
        };
        let matching: Vec<&StoredRecord> = in_order
            .filter(|r| r.listed_trashed(view.lag) == Some(status == Status::Trashed))
            .filter(|r| parsed.iter().all(|f| f.matches(&r.fields)))
            .collect();
        let data: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|r| self.render(r))
            .collect();
        Ok(json!({"object": "list", "data": data, "totalCount": matching.len()}))
    }

    /// One page of the history of field `key` of record `id`.
    pub fn history(
        &self,
        id: &str,
        key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Value, ApiError> {
        self.index(id)?;
        if self.schema.field(key).is_none() {
            return Err(ApiError::bad_request(
                "unknown_field",
                "fieldKey",
                format!("{} have no field `{key}`", self.schema.plural()),
            ));
        }
        self.history.page(id, key, after, limit)
    }
}

/// When the organisation's existing records (seeded, not written through the API) were
/// made: long enough ago for every list to show them.
pub(super) fn long_ago() -> Instant {
    let now = Instant::now();
    now.checked_sub(std::time::Duration::from_secs(3600))
        .unwrap_or(now)
}

impl StoredRecord {
    /// Moves it into the trash or out of it.
    pub(super) fn set_trashed(&mut self, trashed: bool) {
        if self.trashed != trashed {
            self.before = Some(self.trashed);
            self.since = Instant::now();
            self.trashed = trashed;
        }
    }

    /// Whether a list `lag` behind writes shows it trashed; `None` when it shows it not
    /// at all (created too recently).
    pub(super) fn listed_trashed(&self, lag: std::time::Duration) -> Option<bool> {
        if self.since.elapsed() < lag {
            self.before
        } else {
            Some(self.trashed)
        }
    }
}
