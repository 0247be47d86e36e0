//! The `lightfield` binary driven as a user would, against lightfield-mock over HTTP: one
//! test binary with a module per subject.

mod capabilities;
// A throwaway Postgres cluster, shared with the sync library's suites.
#[path = "../../../lightfield-sync/tests/common/cluster.rs"]
mod cluster;
mod commands;
mod everyday;
mod exports;
mod filters;
mod harness;
mod hints;
mod identity;
mod import;
mod login;
mod machine;
mod mistakes;
mod schema;
mod shapes;
mod sync;
mod terminal;
