//! Rust SDK for the Lightfield CRM API.
