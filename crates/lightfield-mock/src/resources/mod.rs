//! The organisation's data ([`Store`]: its collections and the state of each resource
//! below), and what the mock serves beyond plain records: list membership, files, email
//! sending, key validation, workflow runs, merges and enrichment runs.

pub mod files;
pub mod lists;
pub mod mail;
pub mod outreach;
mod outreach_shapes;
pub mod runs;
mod sender_rules;
mod store;

pub use store::Store;
