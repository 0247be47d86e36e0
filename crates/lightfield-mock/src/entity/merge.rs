//! Merging two records of a collection, as `POST /v1/{type}/merge` does.

use serde_json::{Map, Value};

use super::collection::Collection;
use super::values::check_value;
use crate::error::ApiError;
use crate::now_rfc3339;

impl Collection {
    /// Folds record `duplicate` into `primary`: each field the primary lacks (or that
    /// `resolutions` assigns to the duplicate or to a value) is written on the primary,
    /// relationships are united, and the duplicate goes to the trash. Answers the primary
    /// as rendered and how many fields were written.
    pub fn merge(
        &mut self,
        primary: &str,
        duplicate: &str,
        resolutions: &Map<String, Value>,
    ) -> Result<(Value, usize), ApiError> {
        if primary == duplicate {
            return Err(ApiError::bad_request(
                "invalid_value",
                "duplicateId",
                "a record cannot be merged into itself",
            ));
        }
        let (p, d) = (self.index(primary)?, self.index(duplicate)?);
        let theirs = self.records[d].clone();
        let mut writes = 0;
        for (key, value) in &theirs.fields {
            let take = match resolutions.get(key) {
                Some(Value::String(s)) if s == "primary" => false,
                Some(Value::String(s)) if s == "duplicate" => true,
                _ => !self.records[p].fields.contains_key(key),
            };
            if take {
                self.records[p].fields.insert(key.clone(), value.clone());
                writes += 1;
            }
        }
        for (key, resolution) in resolutions {
            if let Some(value) = resolution.get("value") {
                let def = self.writable_field(key, false)?.clone();
                let stored = check_value(&def, value)?;
                self.records[p].fields.insert(key.clone(), stored);
                writes += 1;
            }
        }
        for (key, ids) in theirs.relationships {
            let mine = self.records[p].relationships.entry(key).or_default();
            for id in ids {
                if !mine.contains(&id) {
                    mine.push(id);
                }
            }
        }
        self.records[p].updated_at = Some(now_rfc3339());
        self.records[d].set_trashed(true);
        Ok((self.render(&self.records[p]), writes))
    }
}
