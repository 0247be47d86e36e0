//! Writes checked against the organisation's definitions, over HTTP against lightfield-mock:
//! each kind of local refusal sends nothing; the cache makes one definitions call for many
//! writes and one for many concurrent callers; a field added on the server is found by a
//! refresh; without the option nothing changes on the wire.

use std::time::Duration;

use crate::common::*;
use lightfield::{Address, FullName, ObjectType};
use lightfield_mock::LoggedRequest;
use serde_json::json;

fn definitions_calls(log: &[LoggedRequest]) -> usize {
    log.iter()
        .filter(|r| r.path.ends_with("/definitions"))
        .count()
}

fn writes(log: &[LoggedRequest]) -> usize {
    log.iter().filter(|r| r.method == "POST").count()
}

#[tokio::test]
async fn each_kind_of_mistake_is_refused_before_sending() {
    let (server, _) = setup().await;
    let client = fast_client(&server).check_writes(true).build().unwrap();
    let cases: Vec<(lightfield::Result<lightfield::Account>, &str)> = vec![
        (
            client
                .accounts()
                .create("A")
                .field("teir", "Gold")
                .send()
                .await,
            "did you mean `tier`?",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("seats", "many")
                .send()
                .await,
            "`seats` is a NUMBER field and takes a number",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("tier", "Platinum")
                .send()
                .await,
            "`Platinum` is not an option of `tier`",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("tier", "Gld")
                .send()
                .await,
            "did you mean `Gold`?",
        ),
        (
            client
                .accounts()
                .create("A")
                .industry(["Software", "Mining"])
                .send()
                .await,
            "`Mining` is not an option of `$industry`",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("renewalDate", "next week")
                .send()
                .await,
            "RFC 3339",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("isStrategic", "yes")
                .send()
                .await,
            "true or false",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("billingEmail", "nobody")
                .send()
                .await,
            "an email address",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("champion", "Ada")
                .send()
                .await,
            "a first and last name",
        ),
        (
            client
                .accounts()
                .create("A")
                .field("$name", Address::default())
                .send()
                .await,
            "takes text",
        ),
        (
            client
                .accounts()
                .create("A")
                .relationship("partnrs", "acc_1")
                .send()
                .await,
            "did you mean `partners`?",
        ),
        (
            client
                .accounts()
                .update("acc_1")
                .field("seats", json!(["1"]))
                .send()
                .await,
            "takes a number",
        ),
    ];
    for (result, needle) in cases {
        refused(result, needle);
    }
    // Read-only by the definitions, on a custom object the SDK's table knows nothing of.
    server.add_field("vendor", "score", "Score", "NUMBER");
    refused(
        client
            .object("vendor")
            .create()
            .field("$name", "V")
            .field("category", "Furniture")
            .send()
            .await,
        "not an option of `category`",
    );
    refused(
        client
            .object("vendor")
            .update("obj_1")
            .add("account", ["acc_1", "acc_2"])
            .send()
            .await,
        "links one account at most",
    );
    let log = server.requests();
    assert_eq!(writes(&log), 0, "no write reached the server");
    assert!(
        definitions_calls(&log) >= 2,
        "definitions were read: {}",
        definitions_calls(&log)
    );

    // What fits is sent, once.
    let ok = client
        .accounts()
        .create("Fits")
        .field("tier", "opt_tier_gold")
        .field("seats", 4)
        .field("champion", FullName::new("Ada", "L"))
        .send()
        .await
        .expect("a valid create");
    assert_eq!(ok.text("tier"), Some("Gold"));
}

#[tokio::test]
async fn the_cache_serves_many_writes_and_concurrent_callers_with_one_request() {
    let (server, _) = setup().await;
    let client = fast_client(&server).check_writes(true).build().unwrap();
    for i in 0..20 {
        client
            .accounts()
            .create(format!("Co {i}"))
            .field("tier", "Silver")
            .send()
            .await
            .unwrap();
    }
    let log = server.requests();
    assert_eq!((definitions_calls(&log), writes(&log)), (1, 20));

    server.clear_requests();
    let fresh = fast_client(&server).build().unwrap();
    let lookups = (0..10).map(|_| fresh.schema(ObjectType::Contact));
    let all = futures_util::future::join_all(lookups).await;
    assert!(
        all.iter()
            .all(|d| d.as_ref().is_ok_and(|d| d.field("$email").is_some()))
    );
    assert_eq!(
        definitions_calls(&server.requests()),
        1,
        "concurrent callers share one request"
    );
}

#[tokio::test]
async fn a_field_added_on_the_server_is_found_by_a_refresh() {
    let (server, _) = setup().await;
    let client = fast_client(&server)
        .check_writes(true)
        .schema_ttl(Duration::from_secs(3600))
        .build()
        .unwrap();
    client.accounts().create("Before").send().await.unwrap();
    server.add_field("account", "region", "Region", "TEXT");
    server.clear_requests();
    let after = client
        .accounts()
        .create("After")
        .field("region", "EMEA")
        .send()
        .await
        .expect("refreshed");
    assert_eq!(after.text("region"), Some("EMEA"));
    let log = server.requests();
    assert_eq!(
        (definitions_calls(&log), writes(&log)),
        (1, 1),
        "one refresh, then the write"
    );
    // A key that is still unknown after the refresh is refused.
    server.clear_requests();
    refused(
        client
            .accounts()
            .create("X")
            .field("regoin", "EMEA")
            .send()
            .await,
        "did you mean `region`?",
    );
    assert_eq!(writes(&server.requests()), 0);
}

#[tokio::test]
async fn without_the_option_nothing_changes_on_the_wire() {
    let (server, client) = setup().await;
    let err = client
        .accounts()
        .create("A")
        .field("teir", "Gold")
        .send()
        .await
        .expect_err("the server refuses");
    assert_eq!(
        err.as_api().and_then(|e| e.param.as_deref()),
        Some("fields.teir")
    );
    let log = server.requests();
    assert_eq!((definitions_calls(&log), writes(&log)), (0, 1));
    // A request can opt in on an unchecked client, and out on a checked one.
    server.clear_requests();
    refused(
        client
            .accounts()
            .create("A")
            .field("teir", "Gold")
            .checked(true)
            .send()
            .await,
        "did you mean",
    );
    let checked = fast_client(&server).check_writes(true).build().unwrap();
    assert!(
        checked
            .accounts()
            .create("A")
            .field("teir", "Gold")
            .checked(false)
            .send()
            .await
            .is_err()
    );
    assert_eq!(
        writes(&server.requests()),
        1,
        "only the unchecked one was sent"
    );
}

#[tokio::test]
async fn labels_can_be_sent_as_option_ids_and_fields_found_by_label() {
    let (server, client) = setup().await;
    let account = client
        .accounts()
        .create("Ids")
        .field("tier", "Gold")
        .industry(["Software", "opt_ind_retail"])
        .option_ids(true)
        .send()
        .await
        .unwrap();
    assert_eq!(account.text("tier"), Some("Gold"));
    let sent = server.requests().pop().unwrap().json();
    assert_eq!(sent["fields"]["tier"], json!("opt_tier_gold"));
    assert_eq!(
        sent["fields"]["$industry"],
        json!(["opt_ind_software", "opt_ind_retail"])
    );
    let definitions = client.schema(ObjectType::Account).await.unwrap();
    let (key, field) = definitions
        .field_by_label("renewal date")
        .expect("by label");
    assert_eq!(
        (key, field.value_type.as_api()),
        ("renewalDate", "DATETIME")
    );
    assert_eq!(
        definitions
            .relationship("$owner")
            .map(|r| r.object_type.as_str()),
        Some("member")
    );
}
