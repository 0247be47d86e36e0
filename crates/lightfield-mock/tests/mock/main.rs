//! The mock's behaviour over HTTP, one test binary with a module per subject.

#[path = "../common/mod.rs"]
mod common;

mod layers;
mod lists;
mod records;
mod reliability;

use lightfield_gen::types::RecordCreateBody;
use serde_json::{Value, json};

pub(crate) fn create_body(fields: Value) -> RecordCreateBody {
    serde_json::from_value(json!({ "fields": fields })).expect("valid create body")
}

pub(crate) fn api_error(
    err: lightfield_gen::Error<lightfield_gen::types::ErrorBody>,
) -> (u16, lightfield_gen::types::ErrorBody) {
    match err {
        lightfield_gen::Error::ErrorResponse(r) => (r.status().as_u16(), r.into_inner()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A raw record of the generated client, as JSON.
pub(crate) fn raw_json(raw: &lightfield_gen::RawRecord) -> Value {
    serde_json::from_slice(raw.as_bytes()).unwrap_or(Value::Null)
}
