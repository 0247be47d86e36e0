//! Reading a collection: filtered pages by status, the members of a record's
//! relationship (list members), and a field's history.

use serde_json::{Value, json};

use super::collection::{Collection, Status, StoredRecord};
use super::filter::Filter;
use crate::error::ApiError;

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

    /// One page of records matching `filters` in `status`, with the total count.
    pub fn list(
        &self,
        status: Status,
        offset: usize,
        limit: usize,
        filters: &[(String, String)],
    ) -> Result<Value, ApiError> {
        let parsed = filters
            .iter()
            .map(|(k, v)| Filter::parse(&self.schema, k, v))
            .collect::<Result<Vec<_>, _>>()?;
        let matching: Vec<&StoredRecord> = self
            .records
            .iter()
            .filter(|r| r.trashed == (status == Status::Trashed))
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
