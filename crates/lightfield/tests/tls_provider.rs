//! The SDK next to an application's own reqwest. In a test binary of its own: the rustls
//! crypto provider is process-wide state, and this test needs a process where nothing has
//! installed one.

/// With the default `aws-lc-rs` feature, an application that builds a plain
/// `reqwest::Client` before any lightfield client (which panicked while the SDK turned on
/// reqwest's provider-less rustls for the whole build) gets a working one, and the SDK
/// leaves the process's provider to the application.
#[cfg(feature = "aws-lc-rs")]
#[tokio::test]
async fn an_applications_own_reqwest_client_built_first_works() {
    let own = reqwest::Client::new();
    let server = lightfield_mock::MockServer::start().await.expect("mock");
    let client = lightfield::Client::builder()
        .api_key("sk_lf_tls_test")
        .base_url(server.url())
        .build()
        .expect("client");
    client
        .accounts()
        .list()
        .limit(1)
        .send()
        .await
        .expect("a list");
    let answer = own
        .get(format!("{}/v1/accounts", server.url()))
        .send()
        .await
        .expect("the application's client works");
    assert_eq!(answer.status(), 401, "no key: refused, but answered");
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "the SDK chose no process-wide provider"
    );
}
