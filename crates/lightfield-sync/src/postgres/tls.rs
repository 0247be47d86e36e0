//! TLS to Postgres: rustls, the certificate checked against the system's roots (as the
//! SDK checks the API's) and the roots a `sslrootcert=` in the URL names (a cloud
//! provider's CA bundle). `sslmode` keeps its libpq meaning: `prefer` (the default) uses
//! TLS when the server offers it, `require` refuses a server that does not, `disable`
//! never asks.

use std::path::Path;
use std::sync::Arc;

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use tokio_postgres_rustls::MakeRustlsConnect;

/// `url` without its `sslrootcert=` parameter (tokio-postgres does not know it), and the
/// file that parameter named. Takes a URL (`postgres://…?sslrootcert=ca.pem`) or libpq's
/// `key=value` form.
pub(super) fn split_root_cert(url: &str) -> (String, Option<String>) {
    if let Some((base, query)) = url.split_once('?') {
        let (root, rest): (Vec<&str>, Vec<&str>) = query
            .split('&')
            .partition(|pair| pair.starts_with("sslrootcert="));
        let root = root
            .first()
            .map(|pair| percent_decoded(&pair["sslrootcert=".len()..]));
        let url = if rest.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        return (url, root);
    }
    if url.contains("://") {
        return (url.to_string(), None);
    }
    let (root, rest): (Vec<&str>, Vec<&str>) = url
        .split_whitespace()
        .partition(|pair| pair.starts_with("sslrootcert="));
    let root = root
        .first()
        .map(|pair| pair["sslrootcert=".len()..].to_string());
    (rest.join(" "), root)
}

/// `%XX` escapes decoded (a path in a URL's query may carry them); anything else kept.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The TLS connector: the application's rustls provider when it installed one, else
/// aws-lc-rs (the SDK's default); the platform's verifier with `extra_roots` added.
pub(super) fn connector(extra_roots: Option<&Path>) -> Result<MakeRustlsConnect, String> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let roots: Vec<CertificateDer<'static>> = match extra_roots {
        None => Vec::new(),
        Some(path) => {
            let certificates = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    format!(
                        "cannot read the certificates in sslrootcert={}: {e}",
                        path.display()
                    )
                })?;
            if certificates.is_empty() {
                return Err(format!(
                    "sslrootcert={} holds no PEM certificate",
                    path.display()
                ));
            }
            certificates
        }
    };
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(|e| format!("cannot set up certificate checks: {e}"))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous() // not a weakening: the platform's verifier, with the roots above
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_certificate_is_taken_out_of_either_form() {
        assert_eq!(
            split_root_cert("postgres://me@db/crm?sslmode=require&sslrootcert=%2Fetc%2Fca.pem"),
            (
                "postgres://me@db/crm?sslmode=require".into(),
                Some("/etc/ca.pem".into())
            )
        );
        assert_eq!(
            split_root_cert("postgres://me@db/crm?sslrootcert=ca.pem"),
            ("postgres://me@db/crm".into(), Some("ca.pem".into()))
        );
        assert_eq!(
            split_root_cert("host=db sslrootcert=ca.pem sslmode=require"),
            ("host=db sslmode=require".into(), Some("ca.pem".into()))
        );
        assert_eq!(
            split_root_cert("postgres://me@db/crm"),
            ("postgres://me@db/crm".into(), None)
        );
    }
}
