//! Field values are decoded by their declared type, round-trip exactly, and never fail a
//! record; input values encode to the JSON the API expects.

use lightfield::{Address, FieldValue, FullName, InputValue, Texts, ValueType};
use serde_json::{Value, json};

fn decode(value_type: &str, raw: Value) -> FieldValue {
    FieldValue::decode(&ValueType::from_api(value_type), raw)
}

#[test]
fn every_known_type_decodes_to_its_variant_and_encodes_back() {
    let cases = [
        ("TEXT", json!("Acme")),
        ("MARKDOWN", json!("**bold**")),
        ("EMAIL", json!("a@b.example")),
        ("EMAIL", json!(["a@b.example", "c@d.example"])),
        ("TELEPHONE", json!("+33 1 23 45 67 89")),
        ("URL", json!(["https://acme.example"])),
        ("URL", json!("https://acme.example")),
        ("SOCIAL_HANDLE", json!("acme")),
        ("NUMBER", json!(42)),
        ("NUMBER", json!(-3.5)),
        ("CURRENCY", json!(120000.25)),
        ("DATETIME", json!("2026-03-01T10:00:00Z")),
        ("CHECKBOX", json!(true)),
        ("SINGLE_SELECT", json!("Gold")),
        ("MULTI_SELECT", json!(["Software", "Retail"])),
        (
            "ADDRESS",
            json!({"street": "1 Main St", "city": "Lyon", "country": "FR", "latitude": 45.76}),
        ),
        (
            "FULL_NAME",
            json!({"firstName": "Ada", "lastName": "Lovelace"}),
        ),
        ("TEXT", Value::Null),
    ];
    for (value_type, raw) in cases {
        let value = decode(value_type, raw.clone());
        assert!(
            !matches!(
                value,
                FieldValue::Malformed { .. } | FieldValue::Unknown { .. }
            ),
            "{value_type} {raw} decoded as {value:?}"
        );
        assert_eq!(value.encode(), raw, "{value_type} round trip");
    }
}

#[test]
fn the_tag_decides_not_the_shape() {
    // A name-shaped object on an ADDRESS field is an address with an unknown key, never a name.
    let value = decode("ADDRESS", json!({"firstName": "Ada"}));
    let address = value.as_address().expect("an ADDRESS stays an address");
    assert_eq!(address.extra["firstName"], "Ada");
    assert!(value.as_full_name().is_none());
    assert_eq!(value.encode(), json!({"firstName": "Ada"}));

    let name = decode("FULL_NAME", json!({"firstName": "Ada"}));
    assert_eq!(
        name.as_full_name().and_then(|n| n.first_name.as_deref()),
        Some("Ada")
    );

    let number = decode("NUMBER", json!(42));
    assert_eq!((number.as_i64(), number.as_f64()), (Some(42), Some(42.0)));
    assert_eq!(number.encode().to_string(), "42", "integers stay integers");
    let text = decode("TEXT", json!("42"));
    assert_eq!((text.as_str(), text.as_f64()), (Some("42"), None));
}

#[test]
fn accessors_read_naturally() {
    assert_eq!(decode("CHECKBOX", json!(false)).as_bool(), Some(false));
    assert_eq!(
        decode("MULTI_SELECT", json!(["a", "b"])).as_list(),
        Some(vec!["a", "b"])
    );
    assert_eq!(
        decode("URL", json!(["u1", "u2"])).as_list(),
        Some(vec!["u1", "u2"])
    );
    assert_eq!(decode("URL", json!(["u1", "u2"])).as_str(), Some("u1"));
    let when = decode("DATETIME", json!("2026-03-01T10:00:00+02:00"))
        .as_datetime()
        .expect("parsed");
    assert_eq!(
        (when.year(), when.hour(), when.offset().whole_hours()),
        (2026, 10, 2)
    );
    assert_eq!(decode("DATETIME", json!("not a date")).as_datetime(), None);
    assert!(decode("TEXT", Value::Null).is_null());
    assert_eq!(
        decode("EMAIL", json!("x@y.z")),
        FieldValue::Email(Texts::One("x@y.z".into()))
    );
}

#[test]
fn unknown_types_and_mismatches_are_kept_raw() {
    let html = decode("HTML", json!("<p>hi</p>"));
    assert_eq!(
        html,
        FieldValue::Unknown {
            value_type: "HTML".into(),
            raw: json!("<p>hi</p>")
        }
    );
    assert_eq!(html.encode(), json!("<p>hi</p>"));
    for (value_type, raw) in [
        ("NUMBER", json!("forty-two")),
        ("CHECKBOX", json!("yes")),
        ("MULTI_SELECT", json!("Software")),
        ("ADDRESS", json!("1 Main St")),
        ("ADDRESS", json!({"city": 5})),
        ("FULL_NAME", json!(["Ada"])),
        ("TEXT", json!({"a": 1})),
        ("EMAIL", json!([1, 2])),
    ] {
        let value = decode(value_type, raw.clone());
        assert!(
            matches!(&value, FieldValue::Malformed { raw: kept, .. } if *kept == raw),
            "{value_type} {raw}: {value:?}"
        );
        assert_eq!(value.encode(), raw);
    }
    assert_eq!(ValueType::from_api("HTML").as_api(), "HTML");
    assert_eq!(ValueType::from_api("FULL_NAME"), ValueType::FullName);
}

#[test]
fn input_values_encode_as_the_api_expects() {
    let cases: Vec<(InputValue, Value)> = vec![
        ("Gold".into(), json!("Gold")),
        (String::from("x").into(), json!("x")),
        (42.into(), json!(42)),
        (2.5.into(), json!(2.5)),
        (f64::NAN.into(), Value::Null),
        (true.into(), json!(true)),
        (vec!["a", "b"].into(), json!(["a", "b"])),
        (["a"].into(), json!(["a"])),
        (InputValue::Null, Value::Null),
        (None::<&str>.into(), Value::Null),
        (Some("set").into(), json!("set")),
        (
            FullName::new("Ada", "Lovelace").into(),
            json!({"firstName": "Ada", "lastName": "Lovelace"}),
        ),
        (
            Address {
                city: Some("Lyon".into()),
                country: Some("FR".into()),
                ..Address::default()
            }
            .into(),
            json!({"city": "Lyon", "country": "FR"}),
        ),
        (json!({"any": "json"}).into(), json!({"any": "json"})),
    ];
    for (input, expected) in cases {
        assert_eq!(input.to_json(), expected, "{input:?}");
        assert_eq!(serde_json::to_value(&input).unwrap(), expected);
    }
}
