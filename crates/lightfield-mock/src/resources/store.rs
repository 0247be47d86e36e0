//! The organisation's data: every collection, files, runs and outreach, seeded at start.

use std::collections::{BTreeMap, HashMap};

use super::files::FileStore;
use super::outreach::Outreach;
use super::runs::Runs;
use crate::entity::Collection;
use crate::seeds;

/// Every collection of the organisation.
#[derive(Debug)]
pub struct Store {
    collections: Vec<Collection>,
    pub files: FileStore,
    pub runs: Runs,
    pub outreach: Outreach,
    /// Message-IDs of logged emails, with the email's id.
    pub logged_message_ids: HashMap<String, String>,
    /// How lists read the records.
    pub listing: crate::entity::ListView,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            collections: seeds::collections(),
            files: FileStore::default(),
            runs: Runs::default(),
            outreach: Outreach::default(),
            logged_message_ids: HashMap::new(),
            listing: crate::entity::ListView::default(),
        }
    }
}

impl Store {
    /// The collection of `object_type` (a built-in type or a custom object's slug).
    pub fn collection(&self, object_type: &str) -> Option<&Collection> {
        self.collections
            .iter()
            .find(|c| c.schema.object_type == object_type)
    }

    pub fn collection_mut(&mut self, object_type: &str) -> Option<&mut Collection> {
        self.collections
            .iter_mut()
            .find(|c| c.schema.object_type == object_type)
    }

    /// The relationships of record `id` of `object_type` (empty when there is none).
    pub fn links_of(&self, object_type: &str, id: &str) -> BTreeMap<String, Vec<String>> {
        crate::entity::links_of(&self.collections, object_type, id)
    }

    /// Removes record `id` of `object_type` for good, and every link to it.
    pub fn purge(&mut self, object_type: &str, id: &str) -> bool {
        let gone = self
            .collection_mut(object_type)
            .is_some_and(|c| c.purge(id));
        if gone {
            crate::entity::forget(&mut self.collections, id);
        }
        gone
    }

    /// Shows from the other end each link a write changed on record `id` since `before`.
    pub fn mirror_links(
        &mut self,
        object_type: &str,
        id: &str,
        before: &BTreeMap<String, Vec<String>>,
    ) {
        crate::entity::mirror(&mut self.collections, object_type, id, before);
    }

    /// The collection whose ids start with `id`'s prefix (`acc_`, `mem_`, …).
    pub fn collection_with_prefix_mut(&mut self, id: &str) -> Option<&mut Collection> {
        self.collections
            .iter_mut()
            .find(|c| !c.schema.id_prefix.is_empty() && id.starts_with(c.schema.id_prefix.as_str()))
    }
}
