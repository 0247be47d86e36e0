//! The mock's behaviour over HTTP, one test binary with a module per subject.

#[path = "../common/mod.rs"]
mod common;

mod layers;
mod lists;
mod records;
mod reliability;
mod safety;

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

/// `lightfield-mock --help` is no failure and names every flag the binary takes; a wrong
/// flag is a usage error (exit 2).
#[test]
fn the_binary_helps_with_every_flag_and_refuses_a_wrong_one() {
    let bin = env!("CARGO_BIN_EXE_lightfield-mock");
    let help = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success(), "{:?}", help.status);
    let text = String::from_utf8_lossy(&help.stdout);
    let source = include_str!("../../src/main.rs");
    // Every flag the parser matches on is in the help.
    for flag in source
        .split('"')
        .filter(|s| s.starts_with("--") && !s.contains(' ') && s.len() > 2)
    {
        assert!(
            text.contains(flag),
            "{flag} is missing from the help:\n{text}"
        );
    }
    let wrong = std::process::Command::new(bin)
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
}
