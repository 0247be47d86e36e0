//! The mock's API behaviour, driven over HTTP through the generated client and raw requests.

mod common;

use std::collections::BTreeMap;

use common::*;
use lightfield_gen::types::{InputValue, RecordCreateBody, RecordUpdateBody, RelationshipTarget};
use serde_json::{Value, json};

fn create_body(fields: Value) -> RecordCreateBody {
    serde_json::from_value(json!({ "fields": fields })).expect("valid create body")
}

fn api_error(
    err: lightfield_gen::Error<lightfield_gen::types::ErrorBody>,
) -> (u16, lightfield_gen::types::ErrorBody) {
    match err {
        lightfield_gen::Error::ErrorResponse(r) => (r.status().as_u16(), r.into_inner()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn definitions_list_system_and_custom_fields_with_options() {
    let server = unlimited().await;
    let defs = generated(&server)
        .account_definitions()
        .await
        .expect("definitions")
        .into_inner();
    assert_eq!(defs.object_type.as_deref(), Some("account"));
    let industry = &defs.field_definitions["$industry"];
    assert_eq!(industry.value_type.0, "MULTI_SELECT");
    let options = industry
        .type_configuration
        .as_ref()
        .and_then(|c| c.options.clone())
        .unwrap_or_default();
    assert!(options.iter().any(|o| o.label == "Software"));
    assert_eq!(
        defs.field_definitions["$howTheyMakeMoney"].read_only,
        Some(true)
    );
    assert_eq!(
        defs.field_definitions["arr"]
            .type_configuration
            .as_ref()
            .and_then(|c| c.currency.clone())
            .as_deref(),
        Some("USD")
    );
    for vt in [
        "TEXT",
        "URL",
        "MULTI_SELECT",
        "SINGLE_SELECT",
        "ADDRESS",
        "SOCIAL_HANDLE",
        "MARKDOWN",
        "CURRENCY",
        "DATETIME",
        "CHECKBOX",
        "NUMBER",
        "EMAIL",
        "TELEPHONE",
        "FULL_NAME",
    ] {
        assert!(
            defs.field_definitions
                .values()
                .any(|d| d.value_type.0 == vt),
            "no {vt} field seeded"
        );
    }
    assert_eq!(
        defs.relationship_definitions["$owner"].cardinality.0,
        "HAS_ONE"
    );
    assert_eq!(defs.relationship_definitions["$note"].read_only, Some(true));
}

#[tokio::test]
async fn create_returns_the_full_typed_record() {
    let server = unlimited().await;
    let client = generated(&server);
    let mut body = create_body(json!({
        "$name": "Acme",
        "$website": ["https://acme.example"],
        "$industry": ["Software", "opt_ind_health"],
        "$headcount": "opt_hc_2",
        "$primaryAddress": {"city": "Lyon", "country": "FR"},
        "tier": "Gold",
        "arr": 120000.5,
        "renewalDate": "2027-01-31T00:00:00Z",
        "isStrategic": true,
        "seats": 42,
        "champion": {"firstName": "Ada", "lastName": "Lovelace"},
    }));
    body.relationships
        .insert("$owner".into(), RelationshipTarget::String("mem_1".into()));
    body.relationships.insert(
        "$contact".into(),
        RelationshipTarget::Array(vec!["con_1".into(), "con_2".into()]),
    );
    let record = raw_json(
        &client
            .account_create(None, &body)
            .await
            .expect("create")
            .into_inner(),
    );
    let id = record["id"].as_str().unwrap_or_default();
    assert!(id.starts_with("acc_"));
    assert!(!record["createdAt"].as_str().unwrap_or_default().is_empty());
    assert!(record["httpLink"].as_str().is_some_and(|l| l.ends_with(id)));
    let value = |k: &str| record["fields"][k]["value"].clone();
    assert_eq!(value("$industry"), json!(["Software", "Healthcare"]));
    assert_eq!(value("$headcount"), json!("11-50"));
    assert_eq!(value("seats"), json!(42));
    assert_eq!(
        value("champion"),
        json!({"firstName": "Ada", "lastName": "Lovelace"})
    );
    assert_eq!(value("$twitter"), Value::Null);
    assert!(
        record["fields"].as_object().is_some_and(|f| f
            .values()
            .all(|f| f["valueType"].as_str().is_some_and(|t| !t.is_empty()))),
        "every field carries its valueType"
    );
    assert_eq!(record["fields"]["$primaryAddress"]["valueType"], "ADDRESS");
    assert_eq!(
        record["relationships"]["$owner"]["values"],
        json!(["mem_1"])
    );
    assert_eq!(
        record["relationships"]["$contact"]["values"],
        json!(["con_1", "con_2"])
    );
    assert_eq!(server.record_count(), 1);
}

#[tokio::test]
async fn create_rejects_bad_input_naming_the_param() {
    let server = unlimited().await;
    let client = generated(&server);
    let cases = [
        (
            json!({"$website": ["https://x.example"]}),
            "fields.$name",
            "missing_required_field",
        ),
        (
            json!({"$name": "A", "seats": "many"}),
            "fields.seats",
            "invalid_value",
        ),
        (
            json!({"$name": "A", "nope": 1}),
            "fields.nope",
            "unknown_field",
        ),
        (
            json!({"$name": "A", "$accountStatus": "Active"}),
            "fields.$accountStatus",
            "read_only_field",
        ),
        (
            json!({"$name": "A", "$howTheyMakeMoney": "ads"}),
            "fields.$howTheyMakeMoney",
            "read_only_field",
        ),
        (
            json!({"$name": "A", "tier": "Platinum"}),
            "fields.tier",
            "invalid_option",
        ),
        (
            json!({"$name": "A", "renewalDate": "soon"}),
            "fields.renewalDate",
            "invalid_value",
        ),
        (
            json!({"$name": "A", "$primaryAddress": {"country": "France"}}),
            "fields.$primaryAddress",
            "invalid_value",
        ),
    ];
    for (fields, param, code) in cases {
        let err = client
            .account_create(None, &create_body(fields.clone()))
            .await
            .expect_err("must be refused");
        let (status, body) = api_error(err);
        assert_eq!(
            (status, body.type_.as_str()),
            (400, "bad_request"),
            "{fields}"
        );
        assert_eq!(body.param.as_deref(), Some(param), "{fields}");
        assert_eq!(body.code.as_deref(), Some(code), "{fields}");
    }
    for rel in ["$opportunity", "$task", "$note", "$meeting"] {
        let mut body = create_body(json!({"$name": "A"}));
        body.relationships
            .insert(rel.into(), RelationshipTarget::String("x_1".into()));
        let (status, err) = api_error(
            client
                .account_create(None, &body)
                .await
                .expect_err("read-only"),
        );
        assert_eq!(status, 400);
        assert_eq!(
            err.param.as_deref(),
            Some(format!("relationships.{rel}").as_str())
        );
    }
    assert_eq!(server.record_count(), 0, "nothing refused was stored");
}

#[tokio::test]
async fn transport_rules_auth_version_content_type_and_json() {
    let server = unlimited().await;
    let url = format!("{}/v1/accounts", server.url());
    let no_auth = bare_http()
        .get(&url)
        .header("lightfield-version", "2026-03-01")
        .send()
        .await
        .unwrap();
    assert_eq!(no_auth.status(), 401);
    assert_eq!(
        no_auth.json::<Value>().await.unwrap()["type"],
        "unauthorized"
    );
    let empty_bearer = bare_http()
        .get(&url)
        .header("authorization", "Bearer ")
        .header("lightfield-version", "2026-03-01")
        .send()
        .await
        .unwrap();
    assert_eq!(empty_bearer.status(), 401);
    let no_version = bare_http()
        .get(&url)
        .header("authorization", "Bearer k")
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), 400);
    assert_eq!(
        no_version.json::<Value>().await.unwrap()["param"],
        "Lightfield-Version"
    );
    let text = http()
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    let malformed = http()
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"fields\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        malformed.json::<Value>().await.unwrap()["code"],
        "invalid_json"
    );
    let unknown = http()
        .get(format!("{}/v1/nothing", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn generated_client_maps_every_documented_error_status() {
    let server = unlimited().await;
    let client = generated(&server);
    for status in [400u16, 401, 403, 404, 409, 415, 422, 429] {
        server.inject(lightfield_mock::Fault::status(status));
        let (got, body) = api_error(
            client
                .account_retrieve("acc_x")
                .await
                .expect_err("injected"),
        );
        assert_eq!(got, status);
        assert!(!body.type_.is_empty() && !body.message.is_empty());
    }
    server.inject(lightfield_mock::Fault::status(503));
    match client.account_definitions().await {
        Err(lightfield_gen::Error::UnexpectedResponse(r)) => assert_eq!(r.status(), 503),
        other => panic!("503 keeps its status: {other:?}"),
    }
}

#[tokio::test]
async fn update_changes_only_sent_keys_clears_nulls_and_applies_relationship_operations() {
    let server = unlimited().await;
    let client = generated(&server);
    let mut body = create_body(json!({"$name": "Acme", "seats": 5, "$twitter": "acme"}));
    body.relationships.insert(
        "$contact".into(),
        RelationshipTarget::Array(vec!["con_1".into(), "con_2".into()]),
    );
    let created = raw_json(
        &client
            .account_create(None, &body)
            .await
            .unwrap()
            .into_inner(),
    );
    let created_id = created["id"].as_str().unwrap_or_default();

    let mut update = RecordUpdateBody::default();
    update.fields.insert("seats".into(), InputValue(json!(6)));
    update
        .fields
        .insert("$twitter".into(), InputValue(Value::Null));
    // Relationship changes are plain JSON: `replace` must be able to say `null`.
    update.relationships.insert(
        "$contact".into(),
        json!({"add": "con_3", "remove": "con_1"}),
    );
    update
        .relationships
        .insert("$owner".into(), json!({"replace": "mem_9"}));
    let updated = raw_json(
        &client
            .account_update(created_id, None, &update)
            .await
            .unwrap()
            .into_inner(),
    );
    let value = |k: &str| updated["fields"][k]["value"].clone();
    assert_eq!(value("seats"), json!(6));
    assert_eq!(value("$twitter"), Value::Null);
    assert_eq!(
        value("$name"),
        json!("Acme"),
        "an omitted key keeps its value"
    );
    assert_eq!(
        updated["relationships"]["$contact"]["values"],
        json!(["con_2", "con_3"])
    );
    assert_eq!(
        updated["relationships"]["$owner"]["values"],
        json!(["mem_9"])
    );
    assert!(updated["updatedAt"].is_string());

    let (status, err) = post(
        &server,
        &format!("/v1/accounts/{created_id}"),
        json!({"relationships": {"$owner": {"add": ["m1", "m2"]}}}),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (400, Some("too_many_values"))
    );
    let (status, err) = post(
        &server,
        &format!("/v1/accounts/{created_id}"),
        json!({"fields": {"$accountStatus": null}}),
    )
    .await;
    assert_eq!(
        (status, err["param"].as_str()),
        (400, Some("fields.$accountStatus"))
    );
    let (status, _) = post(
        &server,
        "/v1/accounts/acc_missing",
        json!({"fields": {"seats": 1}}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn retrieve_and_list_with_paging() {
    let server = unlimited().await;
    let client = generated(&server);
    for i in 0..30 {
        client
            .account_create(
                None,
                &create_body(json!({"$name": format!("Company {i:02}")})),
            )
            .await
            .unwrap();
    }
    let first = server.records()[0]["id"].as_str().unwrap().to_string();
    let retrieved = raw_json(&client.account_retrieve(&first).await.unwrap().into_inner());
    assert_eq!(retrieved["id"], first.as_str());
    let (status, _) = api_error(client.account_retrieve("acc_none").await.expect_err("404"));
    assert_eq!(status, 404);

    let page = client
        .account_list(std::num::NonZeroU64::new(25), Some(0), None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!((page.data.len(), page.total_count), (25, 30));
    let page = client
        .account_list(std::num::NonZeroU64::new(25), Some(25), None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.data.len(), 5);
    let default_page = client
        .account_list(None, None, None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(default_page.data.len(), 25);
    let (status, body) = api_error(
        client
            .account_list(std::num::NonZeroU64::new(26), None, None)
            .await
            .expect_err("limit"),
    );
    assert_eq!((status, body.param.as_deref()), (400, Some("limit")));
    let (status, _) = get(&server, "/v1/accounts?limit=0").await;
    assert_eq!(status, 400);
    let (status, _) = get(&server, "/v1/accounts?offset=-1").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn filters_with_operators_and_negation() {
    let server = unlimited().await;
    let client = generated(&server);
    let rows = [
        json!({"$name": "Acme Corp", "seats": 10, "isStrategic": true, "tier": "Gold", "billingEmail": "ap@acme.example", "renewalDate": "2027-01-01T00:00:00Z"}),
        json!({"$name": "Acme Labs", "seats": 50, "isStrategic": false, "tier": "Silver"}),
        json!({"$name": "Globex", "seats": 200, "tier": "Gold", "billingEmail": "billing@globex.example"}),
    ];
    for fields in rows {
        client
            .account_create(None, &create_body(fields))
            .await
            .unwrap();
    }
    let names = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["fields"]["$name"]["value"].as_str().unwrap().to_string())
            .collect()
    };
    let cases = [
        (
            "%24name%5BstartsWith%5D=acme",
            vec!["Acme Corp", "Acme Labs"],
        ),
        ("%24name%5B-startsWith%5D=Acme", vec!["Globex"]),
        ("%24name=Globex", vec!["Globex"]),
        ("seats%5BgreaterThan%5D=10", vec!["Acme Labs", "Globex"]),
        ("seats%5BlessThanOrEqual%5D=50&tier=Gold", vec!["Acme Corp"]),
        ("isStrategic=true", vec!["Acme Corp"]),
        ("tier=opt_tier_gold", vec!["Acme Corp", "Globex"]),
        ("tier%5B-equal%5D=Gold", vec!["Acme Labs"]),
        ("billingEmail=globex", vec!["Globex"]),
        (
            "renewalDate%5BgreaterThan%5D=2026-06-01T00:00:00Z",
            vec!["Acme Corp"],
        ),
    ];
    for (query, expected) in cases {
        let (status, body) = get(&server, &format!("/v1/accounts?{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(names(&body), expected, "{query}");
        assert_eq!(body["totalCount"], expected.len(), "{query}");
    }
    for bad in [
        "%24industry=Software",
        "seats%5BstartsWith%5D=1",
        "unknownKey=1",
        "tier%5Bcontains%5D=G",
    ] {
        let (status, body) = get(&server, &format!("/v1/accounts?{bad}")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_filter")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_request_log_records_what_went_over_the_wire() {
    let server = unlimited().await;
    let client = generated(&server);
    client
        .account_create(Some("key-1"), &create_body(json!({"$name": "Logged"})))
        .await
        .unwrap();
    client
        .account_list(std::num::NonZeroU64::new(3), Some(1), None)
        .await
        .unwrap();
    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("POST", "/v1/accounts")
    );
    assert_eq!(log[0].header("Idempotency-Key"), Some("key-1"));
    assert_eq!(log[0].header("authorization"), Some("Bearer sk_lf_test"));
    assert_eq!(
        log[0].header("api-version"),
        None,
        "progenitor's own version header is removed"
    );
    assert_eq!(log[0].json(), json!({"fields": {"$name": "Logged"}}));
    assert_eq!(log[0].status, Some(200));
    assert_eq!(
        log[1].query_pairs(),
        vec![
            ("limit".to_string(), "3".to_string()),
            ("offset".to_string(), "1".to_string())
        ]
    );
    let stored: BTreeMap<_, _> = server.records()[0]["fields"]
        .as_object()
        .unwrap()
        .clone()
        .into_iter()
        .collect();
    assert_eq!(stored["$name"]["value"], "Logged");
}

/// A raw record of the generated client, as JSON.
fn raw_json(raw: &lightfield_gen::RawRecord) -> Value {
    serde_json::from_slice(raw.as_bytes()).unwrap_or(Value::Null)
}

#[tokio::test]
async fn the_request_log_keeps_a_bounded_copy_of_each_body() {
    let server = unlimited().await;
    let url = format!("{}/nothing", server.url());
    let big = "x".repeat(3 * lightfield_mock::LOGGED_BODY);
    let too_big = bare_http()
        .post(&url)
        .header("content-type", "application/json")
        .body("x".repeat(lightfield_mock::MAX_API_BODY + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413, "an API body is bounded");
    for _ in 0..3 {
        let answer = bare_http()
            .post(&url)
            .header("content-type", "text/plain")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_client_error());
    }
    let logged: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| !r.body.is_empty())
        .collect();
    assert_eq!(logged.len(), 3);
    assert!(
        logged
            .iter()
            .all(|r| r.body.len() == lightfield_mock::LOGGED_BODY),
        "each body is kept to its first {} bytes",
        lightfield_mock::LOGGED_BODY
    );
}
