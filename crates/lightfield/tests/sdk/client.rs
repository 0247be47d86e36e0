//! What holds for the client as a whole, whatever the record type: raw requests through
//! the same transport, the API key kept out of every rendering, and handles cheap to share
//! across tasks.

use crate::common::*;
use lightfield::Client;
use serde_json::json;

#[tokio::test]
async fn raw_requests_reach_uncovered_endpoints_through_the_same_transport() {
    let (server, client) = setup().await;
    let created = client
        .raw(http::Method::POST, "/v1/accounts")
        .json(json!({"fields": {"$name": "Raw"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    assert_eq!(created.value()["fields"]["$name"]["value"], "Raw");
    let listed = client
        .raw(http::Method::GET, "/v1/accounts")
        .query("limit", 1)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.value()["totalCount"], 1);
    let log = server.requests();
    assert!(
        log[0].header("idempotency-key").is_some(),
        "raw POSTs get a key too"
    );
    assert_eq!(log[1].query, "limit=1");
    assert_eq!(log[1].header("lightfield-version"), Some("2026-03-01"));
    let missing = client
        .raw(http::Method::GET, "/v1/nowhere")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
}

#[tokio::test]
async fn the_key_never_shows_in_debug_or_errors() {
    let (server, client) = setup().await;
    let debug = format!("{client:?} {:?}", crate::common::fast_client(&server));
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("redacted"));
    server.inject(lightfield_mock::Fault::status(401));
    let err = client
        .accounts()
        .retrieve("acc_1")
        .send()
        .await
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[test]
fn clients_and_builders_are_cheap_to_share_across_tasks() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Client>();
    shareable::<lightfield::ClientBuilder>();
    shareable::<lightfield::Create<lightfield::Account>>();
    shareable::<lightfield::Update<lightfield::Account>>();
    shareable::<lightfield::Listing<lightfield::Account>>();
    shareable::<lightfield::Account>();
    fn sendable<T: Send + 'static>(_: &T) {}
    let client = Client::builder().api_key("k").build().unwrap();
    sendable(&client.accounts().create("A").send());
    sendable(&client.accounts().list().stream());
}
