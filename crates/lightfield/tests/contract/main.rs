//! Contract tests: every SDK operation against Prism serving `spec/openapi.yaml` with
//! request validation. Prism answers 422 (with an `sl-violations` header) to any request
//! the spec does not allow, so each call succeeding proves the SDK speaks the spec.
//!
//! Prism is installed by `cargo xtask ci` (`npm ci` in `tools/prism`). Without it these
//! tests are skipped with a message, unless `LIGHTFIELD_REQUIRE_PRISM=1`, as CI sets.
//!
//! - `harness`: starting Prism, the client aimed at it, and what "accepted" means;
//! - `lossless`: what "decoded whole" means, for each kind of answer;
//! - `records`: every record operation of every record type;
//! - `rest`: lists, files, emails, auth, runs, merges, enrichment;
//! - `preview`: senders and sequences (with the `preview` feature).

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod lossless;
mod preview;
mod records;
mod rest;
