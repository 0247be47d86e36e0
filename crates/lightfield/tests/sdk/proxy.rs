//! The reference proxy itself: what it must catch for the proxied suites to mean anything.
//! Each test puts a small server of its own behind the proxy that answers one thing the API
//! never would, and requires the call to fail. Skipped without Prism (CI requires it).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::through_gateway;

/// A server that answers every request with `status` and `body`; answers its port.
async fn answering(status: u16, body: Value) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move {
            (
                StatusCode::from_u16(status).expect("status"),
                [("content-type", "application/json")],
                body.to_string(),
            )
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

/// What a retrieve of an account comes back as through the proxy, from a server answering
/// `status` and `body`; `None` without Prism.
async fn retrieved(status: u16, body: Value) -> Option<lightfield::Result<lightfield::Account>> {
    let client = through_gateway(answering(status, body).await)?
        .max_retries(0)
        .build()
        .expect("client");
    Some(client.accounts().retrieve("acc_1").send().await)
}

fn account(extra: Option<(&str, Value)>) -> Value {
    let mut account = json!({
        "id": "acc_1", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": null,
        "externalId": null, "httpLink": "https://crm.lightfield.app/acc_1",
        "fields": {"$name": {"value": "Acme", "valueType": "TEXT"}},
        "relationships": {},
    });
    if let Some((key, value)) = extra {
        account[key] = value;
    }
    account
}

fn refused_by_proxy(result: lightfield::Result<lightfield::Account>, what: &str, needle: &str) {
    let error = result.expect_err(what);
    let text = format!("{error:?}");
    assert!(text.contains(needle), "{what}: `{needle}` not in {text}");
}

#[tokio::test]
async fn the_proxy_passes_an_answer_the_api_could_send() {
    let Some(result) = retrieved(200, account(None)).await else {
        return;
    };
    let account = result.expect("a well-formed account passes");
    assert_eq!(account.name(), Some("Acme"));
}

#[tokio::test]
async fn the_proxy_refuses_an_answer_with_a_key_the_api_does_not_send() {
    let Some(result) = retrieved(200, account(Some(("accessLevel", json!("FULL"))))).await else {
        return;
    };
    refused_by_proxy(result, "an extra key", "accessLevel");
}

#[tokio::test]
async fn the_proxy_refuses_an_error_body_outside_the_public_error_schemas() {
    // The public reference's 400 requires a `code`.
    let body = json!({"type": "bad_request", "message": "no code"});
    let Some(result) = retrieved(400, body).await else {
        return;
    };
    refused_by_proxy(
        result,
        "a 400 without a code",
        "must have required property 'code'",
    );
    // A 409 is of type `conflict`.
    let body = json!({"type": "something_else", "message": "x"});
    let Some(result) = retrieved(409, body).await else {
        return;
    };
    refused_by_proxy(result, "a 409 of another type", "VIOLATIONS");
}

#[tokio::test]
async fn the_proxy_refuses_a_status_no_reference_describes() {
    let body = json!({"type": "teapot", "message": "short and stout"});
    let Some(result) = retrieved(418, body).await else {
        return;
    };
    refused_by_proxy(result, "status 418", "no reference describes");
}

#[tokio::test]
async fn the_proxy_refuses_a_misspelled_request_key() {
    let Some(builder) = through_gateway(answering(200, account(None)).await) else {
        return;
    };
    let client = builder.max_retries(0).build().expect("client");
    let sent = client
        .raw(http::Method::POST, "/v1/accounts")
        .json(json!({"fields": {"$name": "A"}, "skipEnrichmnet": true}))
        .send()
        .await;
    let error = sent.expect_err("a misspelled key");
    assert_eq!(error.status(), Some(422), "{error:?}");
}
