//! Helpers shared by the mock's tests: clients set up the way the real API expects.

#![allow(dead_code)]

use std::sync::Arc;

use lightfield_mock::{MockConfig, MockServer};
use reqwest::header::{HeaderMap, HeaderValue};

pub fn http() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_static("Bearer sk_lf_test"),
    );
    headers.insert("lightfield-version", HeaderValue::from_static("2026-03-01"));
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client builds")
}

pub fn bare_http() -> reqwest::Client {
    reqwest::Client::builder().build().expect("client builds")
}

pub fn generated(server: &MockServer) -> lightfield_gen::Client {
    lightfield_gen::Client::new_with_client(
        server.url(),
        http(),
        Arc::new(lightfield_gen::Direct(http())),
    )
}

pub async fn unlimited() -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

pub async fn post(
    server: &MockServer,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = http()
        .post(format!("{}{path}", server.url()))
        .json(&body)
        .send()
        .await
        .expect("request is answered");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

pub async fn get(server: &MockServer, path_and_query: &str) -> (u16, serde_json::Value) {
    let response = http()
        .get(format!("{}{path_and_query}", server.url()))
        .send()
        .await
        .expect("request is answered");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}
