//! Property tests over decoding: no input from the network makes the SDK panic, malformed
//! bodies give clear errors, and what the SDK does not know is kept.

use lightfield::{FieldValue, ValueType};
use proptest::prelude::*;
use serde_json::{Value, json};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-zA-Z0-9 $@._-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z$]{1,10}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn value_type_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ADDRESS",
            "CHECKBOX",
            "CURRENCY",
            "DATETIME",
            "EMAIL",
            "FULL_NAME",
            "MARKDOWN",
            "MULTI_SELECT",
            "NUMBER",
            "SINGLE_SELECT",
            "SOCIAL_HANDLE",
            "TELEPHONE",
            "TEXT",
            "URL",
        ])
        .prop_map(str::to_string),
        "[A-Z_]{1,12}",
    ]
}

fn part() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        "[a-zA-Z ]{0,8}".prop_map(Value::String),
        any::<i32>().prop_map(|n| json!(n)),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn address_or_name_shaped() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "street",
        "street2",
        "city",
        "state",
        "postalCode",
        "country",
        "latitude",
        "longitude",
        "firstName",
        "lastName",
        "planet",
    ]);
    prop::collection::btree_map(keys, part(), 0..6)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

fn floats(v: Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map_or(Value::Number(n), |f| json!(f)),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn addresses_and_names_round_trip_with_nulls_and_unknown_parts(
        is_address in any::<bool>(),
        raw in address_or_name_shaped(),
    ) {
        let value_type = if is_address { ValueType::Address } else { ValueType::FullName };
        let value = FieldValue::decode(&value_type, raw.clone());
        // Coordinates are f64, so an integral latitude comes back as a float of equal value.
        prop_assert_eq!(floats(value.encode()), floats(raw));
    }

    #[test]
    fn any_value_under_any_type_decodes_and_round_trips(name in value_type_name(), raw in any_json()) {
        let value_type = ValueType::from_api(&name);
        prop_assert_eq!(value_type.as_api(), name.as_str());
        let value = FieldValue::decode(&value_type, raw.clone());
        prop_assert_eq!(value.encode(), raw);
    }

    #[test]
    fn arbitrary_records_never_panic_and_keep_unknowns(
        fields in prop::collection::btree_map("[a-z$]{1,8}", (value_type_name(), any_json()), 0..8),
        extra in any_json(),
    ) {
        let body = json!({
            "id": "acc_1",
            "createdAt": "2026-01-01T00:00:00Z",
            "unknownTopLevel": extra,
            "fields": fields.iter().map(|(k, (t, v))| (k.clone(), json!({"value": v, "valueType": t, "seenBy": k}))).collect::<serde_json::Map<_, _>>(),
            "relationships": {}
        });
        let bytes = serde_json::to_vec(&body).expect("serializable");
        let account = lightfield::Account::from_json(&bytes).expect("any field values decode");
        prop_assert_eq!(&account.extra["unknownTopLevel"], &extra);
        for (key, (t, v)) in &fields {
            let field = &account.fields[key];
            prop_assert_eq!(field.value_type.as_api(), t.as_str());
            prop_assert_eq!(&field.value.encode(), v);
            prop_assert_eq!(&field.extra["seenBy"], &json!(key), "unknown entry keys are kept");
        }
    }

    #[test]
    fn arbitrary_bytes_give_errors_not_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = lightfield::Record::from_json(&bytes);
        let _ = lightfield::Record::page_from_json(&bytes);
        let _ = serde_json::from_slice::<lightfield_gen::types::ListResponse>(&bytes);
    }
}

#[tokio::test]
async fn a_malformed_body_is_a_decode_error_that_carries_the_body() {
    // A server that answers 200 with something that is not a record.
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(1) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = r#"{"id": 5, "oops": true}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let client = lightfield::Client::builder()
        .api_key("k")
        .base_url(format!("http://{addr}"))
        .rate_limit(None)
        .build()
        .unwrap();
    let err = client
        .accounts()
        .retrieve("acc_1")
        .send()
        .await
        .unwrap_err();
    match &err {
        lightfield::Error::Decode { message, body } => {
            assert!(body.contains("oops"), "{body}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.to_string().contains("could not decode"), "{err}");
}
