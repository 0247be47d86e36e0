//! The `lightfield` binary driven as a user would, against lightfield-mock over HTTP: one
//! test binary with a module per subject.

mod commands;
mod import;
mod mistakes;
