//! The HTTP clients the SDK builds: for the API, and for storage hosts. Both use rustls
//! with the provider the crate's features chose (aws-lc-rs by default, with post-quantum
//! key exchange; ring with the `ring` feature alone) and follow no redirect.

use std::time::Duration;

use crate::error::{Error, Result};

/// Whether `url` names this machine (plain HTTP to it never leaves the host).
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// With the `ring` feature alone: makes ring the process-wide rustls crypto provider,
/// unless one is installed already. With `aws-lc-rs` (the default) it does nothing: reqwest
/// then brings its own provider, and the process's default is left to the application.
///
/// Under `ring`, reqwest is built without a provider of its own;
/// [`ClientBuilder::build`](crate::ClientBuilder::build) calls this itself. Call it before
/// building a `reqwest::Client` of your own (for
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client), or for anything else)
/// before the first lightfield client, or reqwest refuses to build one.
pub fn install_crypto_provider() {
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    {
        // Chosen knowingly with the `ring` feature: rustls deprecates ring's provider for
        // its lack of post-quantum key exchange, which the default feature has.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        // Fails harmlessly when the application already chose a provider.
        let _ = provider.install_default();
    }
}

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!(
    "lightfield needs a TLS provider: keep the default `aws-lc-rs` feature, or enable `ring`"
);

/// The client for storage hosts (file uploads and downloads): no default headers, no
/// redirects (a redirect could carry the upload elsewhere), and no wait longer than
/// `idle` for the next bytes: a host that accepts the connection and then says nothing
/// costs an error, not a hang. A transfer that keeps moving may take as long as it needs.
pub(crate) fn storage_http_client(idle: Duration) -> Result<reqwest::Client> {
    install_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(idle)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Config(format!("cannot build the storage HTTP client: {e}")))
}

/// The default HTTP client: rustls, connection reuse, and a connect timeout. For a server
/// on this machine (`local`), no proxy: plain http to loopback is allowed because it never
/// leaves the host, and a proxy from `HTTP_PROXY` would carry it, key and all, off it.
pub(crate) fn default_http_client(local: bool) -> Result<reqwest::Client> {
    install_crypto_provider();
    let builder = reqwest::Client::builder();
    let builder = if local { builder.no_proxy() } else { builder };
    builder
        // The API never redirects: following one would turn a write into a GET elsewhere
        // (a silent success) or replay it, key and all, to another origin. A 3xx is an
        // error naming the status and the Location.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}
