//! The SDK's suites over HTTP, one test binary (one link) with a module per subject.
//! `tracing.rs` keeps a binary of its own (tracing caches per call site whether anyone
//! listens), as do the Prism contract tests (`contract/`) and the derive's compile-fail
//! cases (`derive_refusals.rs`).

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod client;
mod derive;
mod entity;
mod facts;
mod fidelity;
mod files;
mod fuzz_decode;
mod hostile;
mod layers;
mod lists;
mod mail;
mod mock_answers;
mod outcomes;
mod preview;
mod proxy;
mod reliability;
mod request_lines;
mod rules;
mod runs;
mod schema;
mod semver;
mod storage;
mod types;
mod values;
