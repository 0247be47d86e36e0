//! A newer server adds keys, value types and relationships; the generated types must
//! still decode what it sends.

use lightfield_gen::types::{DefinitionsResponse, ListResponse, Record};

const RECORD: &str = include_str!("fixtures/record_from_newer_server.json");
const DEFINITIONS: &str = include_str!("fixtures/definitions_from_newer_server.json");

#[test]
fn record_with_unknown_value_type_key_and_relationship_decodes() {
    let record: Record = serde_json::from_str(RECORD).expect("record must decode");
    assert_eq!(record.id, "acc_1");
    assert_eq!(record.fields["$about"].value_type.0, "HTML");
    assert_eq!(
        record.fields["score"].value.as_ref().map(|v| v.0.clone()),
        Some(serde_json::json!(42))
    );
    assert!(record.fields["$primaryAddress"].value.is_none());
    assert_eq!(record.relationships["$partner"].cardinality.0, "HAS_SOME");
    assert_eq!(
        record.relationships["$owner"].values,
        vec!["mem_1".to_string()]
    );
}

#[test]
fn list_envelope_with_unknown_keys_decodes() {
    let body = format!(r#"{{"object":"list","data":[{RECORD}],"totalCount":1,"nextCursor":"x"}}"#);
    let page: ListResponse = serde_json::from_str(&body).expect("list must decode");
    assert_eq!(page.total_count, 1);
    assert_eq!(page.data.len(), 1);
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

#[test]
fn a_record_missing_its_id_is_an_error_not_a_default() {
    let err = serde_json::from_str::<Record>(r#"{"createdAt":"x","fields":{},"relationships":{}}"#)
        .expect_err("id is required");
    assert!(err.to_string().contains("id"), "{err}");
}
