//! Records: definitions, create, update, transport rules and error statuses, driven over
//! HTTP through the generated client and raw requests.

use crate::common::*;
use lightfield_gen::types::{InputValue, RecordUpdateBody, RelationshipTarget};
use serde_json::{Value, json};

use super::{api_error, create_body, raw_json};

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
    // The API's relationship definitions do not say whether a link is written from this end.
    assert_eq!(defs.relationship_definitions["$note"].read_only, None);
}

#[tokio::test]
async fn create_returns_the_full_typed_record() {
    let server = unlimited().await;
    server.insert_linkable(&["mem_1", "con_1", "con_2"]);
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
    let body = malformed.json::<Value>().await.unwrap();
    assert_eq!(body["code"], "invalid_json");
    // No `"param": null`: the public reference types `param` as a string, present or absent.
    assert!(body.get("param").is_none(), "{body}");
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
    server.insert_linkable(&["con_1", "con_2", "con_3", "mem_1", "mem_2", "mem_9"]);
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
        json!({"relationships": {"$owner": {"add": ["mem_1", "mem_2"]}}}),
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
async fn a_link_to_a_record_that_does_not_exist_is_refused() {
    let server = unlimited().await;
    let members = server.record_ids_of("member");
    let (status, err) = post(
        &server,
        "/v1/accounts",
        json!({"fields": {"$name": "Acme"}, "relationships": {"$contact": ["con_nobody"]}}),
    )
    .await;
    assert_eq!(
        (status, err["param"].as_str()),
        (400, Some("relationships.$contact"))
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains("con_nobody")
    );
    assert_eq!(server.record_count(), 0, "nothing was created");
    // A seeded member is a real record to link to.
    let (status, created) = post(
        &server,
        "/v1/accounts",
        json!({"fields": {"$name": "Acme"}, "relationships": {"$owner": members[0]}}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap_or_default().to_string();
    for (op, refused) in [("add", true), ("replace", true), ("remove", false)] {
        let (status, answer) = post(
            &server,
            &format!("/v1/accounts/{id}"),
            json!({"relationships": {"$contact": {op: ["con_nobody"]}}}),
        )
        .await;
        assert_eq!(status == 400, refused, "{op}: {answer}");
        if refused {
            let message = answer["message"].as_str().unwrap_or_default();
            assert!(message.contains("no contact has that id"), "{op}: {answer}");
        }
    }
    // An update of a record that is not there stays a 404, whatever it links to.
    let (status, _) = post(
        &server,
        "/v1/accounts/acc_missing",
        json!({"relationships": {"$contact": {"add": ["con_nobody"]}}}),
    )
    .await;
    assert_eq!(status, 404);
}
