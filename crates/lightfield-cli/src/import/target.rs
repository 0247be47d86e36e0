//! Where an import writes: the server, and the API key it began with as a fingerprint the
//! journal can keep. The journal sits beside the input, which is often shared, so the
//! fingerprint must not confirm a guessed key: it is an HMAC-SHA256 of the key under a
//! random salt of the journal's own, kept beside it. (A journal of an earlier version holds
//! an unsalted digest; it is still recognised, so an import begun then resumes.)

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use sha2::Sha256;

/// Where an import writes.
#[derive(Clone)]
pub struct Target {
    pub base_url: String,
    /// The key's fingerprint under `salt` (never the key).
    pub key_fingerprint: String,
    /// Random, hex, one per journal; empty in a journal of an earlier version.
    salt: String,
    /// The key itself, for the target in use: never written, never shown.
    key: Option<String>,
}

impl Target {
    /// The target of a client with `api_key` at `base_url`, with a new salt.
    pub fn new(base_url: &str, api_key: &str) -> Self {
        let mut salt = [0u8; 16];
        // No randomness from the system is a broken machine; a fixed salt still hides the
        // key itself, only not from a guess.
        let _ = getrandom::fill(&mut salt);
        let salt = hex(&salt);
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            key_fingerprint: fingerprint(&salt, api_key),
            salt,
            key: Some(api_key.to_string()),
        }
    }

    /// A target as a journal recorded it.
    pub fn of(value: &Value) -> Self {
        let text = |key: &str| value[key].as_str().unwrap_or("?").to_string();
        Self {
            base_url: text("baseUrl"),
            key_fingerprint: text("keyFingerprint"),
            salt: value["keySalt"].as_str().unwrap_or_default().to_string(),
            key: None,
        }
    }

    /// The target as a journal keeps it: no key, a fingerprint and its salt.
    pub fn to_json(&self) -> Value {
        json!({
            "baseUrl": self.base_url,
            "keyFingerprint": self.key_fingerprint,
            "keySalt": self.salt,
        })
    }

    /// Whether `found`, read from a journal, is this target: the same server, and this
    /// target's key gives `found`'s fingerprint under `found`'s salt.
    pub fn is(&self, found: &Target) -> bool {
        let key_matches = match &self.key {
            Some(key) => fingerprint(&found.salt, key) == found.key_fingerprint,
            None => self.key_fingerprint == found.key_fingerprint,
        };
        self.base_url == found.base_url && key_matches
    }

    /// A short name for the file name of a journal set aside (nothing of the key in it
    /// but the salted fingerprint).
    pub fn slug(&self) -> String {
        hex(&Md5::digest(format!(
            "{}\0{}",
            self.base_url, self.key_fingerprint
        )))[..10]
            .to_string()
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} with key {}…",
            self.base_url,
            &self.key_fingerprint[..8.min(self.key_fingerprint.len())]
        )
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({self})")
    }
}

/// The fingerprint of `key` under `salt`: HMAC-SHA256, its first 16 hex digits; with no
/// salt (a journal of an earlier version), the unsalted digest that version wrote.
fn fingerprint(salt: &str, key: &str) -> String {
    if salt.is_empty() {
        return hex(&Md5::digest(format!("lightfield-journal:{key}")))[..12].to_string();
    }
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(salt.as_bytes()) else {
        return String::new(); // any length is a valid HMAC key: not reached
    };
    mac.update(key.as_bytes());
    hex(&mac.finalize().into_bytes())[..16].to_string()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_salted_and_recognised_only_with_the_key() {
        let (one, two) = (
            Target::new("https://x", "sk_lf_try"),
            Target::new("https://x", "sk_lf_try"),
        );
        assert_ne!(
            one.key_fingerprint, two.key_fingerprint,
            "each journal its own salt"
        );
        let recorded = Target::of(&one.to_json());
        assert!(
            two.is(&recorded),
            "the same key is recognised under the other salt"
        );
        assert!(!Target::new("https://x", "sk_lf_other").is(&recorded));
        assert!(!Target::new("https://y", "sk_lf_try").is(&recorded));
        // A journal of the earlier version: unsalted.
        let legacy = Target::of(&json!({"baseUrl": "https://x",
            "keyFingerprint": hex(&Md5::digest("lightfield-journal:sk_lf_try"))[..12]}));
        assert!(one.is(&legacy));
        assert!(!format!("{one:?} {one}").contains("sk_lf_try"));
    }
}
