//! A newer server adds keys, value types and relationships; the generated types must
//! still decode what it sends, and records must reach the `lightfield` crate as sent.

use lightfield_gen::RawRecord;
use lightfield_gen::types::{DefinitionsResponse, ListResponse};

const RECORD: &str = include_str!("fixtures/record_from_newer_server.json");
const DEFINITIONS: &str = include_str!("fixtures/definitions_from_newer_server.json");

#[test]
fn a_record_is_handed_over_verbatim() {
    // Records are decoded by the `lightfield` crate; here they must arrive untouched.
    let record: RawRecord = serde_json::from_str(RECORD).expect("record must be JSON");
    assert_eq!(record.as_bytes(), RECORD.trim().as_bytes());
    // And written back out as the same JSON.
    assert_eq!(
        serde_json::to_string(&record).expect("a raw record serializes"),
        RECORD.trim()
    );
}

#[test]
fn list_envelope_with_unknown_keys_decodes() {
    let body = format!(r#"{{"object":"list","data":[{RECORD}],"totalCount":1,"nextCursor":"x"}}"#);
    let page: ListResponse = serde_json::from_str(&body).expect("list must decode");
    assert_eq!(page.total_count, 1);
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].as_bytes(), RECORD.trim().as_bytes());
}

#[test]
fn definitions_with_unknown_value_type_and_cardinality_decode() {
    let defs: DefinitionsResponse =
        serde_json::from_str(DEFINITIONS).expect("definitions must decode");
    assert_eq!(defs.field_definitions["$about"].value_type.0, "HTML");
    let options = defs.field_definitions["$headcount"]
        .type_configuration
        .as_ref()
        .and_then(|c| c.options.clone())
        .unwrap_or_default();
    assert_eq!(options[0].label, "1-10");
    assert_eq!(
        defs.relationship_definitions["$partner"].cardinality.0,
        "HAS_SOME"
    );
}
