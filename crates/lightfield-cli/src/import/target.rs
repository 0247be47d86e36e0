//! Where an import writes: the server, and the API key it began with as a fingerprint the
//! journal can keep. The journal sits beside the input, which is often shared, so the
//! fingerprint must not confirm a guessed key: it is an HMAC-SHA256 of the key under a
//! random salt of the journal's own, kept beside it. (A journal of an earlier version holds
//! an unsalted digest; it is still recognised, so an import begun then resumes.)

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use sha2::Sha256;

/// A target as a journal records it: the server, and the key's fingerprint under the
/// journal's salt (never the key).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub base_url: String,
    pub key_fingerprint: String,
    /// Random, hex, one per journal; empty in a journal of an earlier version.
    salt: String,
}

impl Recorded {
    /// A target as a journal recorded it.
    pub fn of(value: &Value) -> Self {
        let text = |key: &str| value[key].as_str().unwrap_or("?").to_string();
        Self {
            base_url: text("baseUrl"),
            key_fingerprint: text("keyFingerprint"),
            salt: value["keySalt"].as_str().unwrap_or_default().to_string(),
        }
    }

    /// As a journal keeps it: a fingerprint and its salt, no key.
    pub fn to_json(&self) -> Value {
        json!({
            "baseUrl": self.base_url,
            "keyFingerprint": self.key_fingerprint,
            "keySalt": self.salt,
        })
    }
}

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = &self.key_fingerprint[..8.min(self.key_fingerprint.len())];
        write!(f, "{} with key {shown}…", self.base_url)
    }
}

/// The target in use: what a journal records of it, and the key itself, kept to recognise
/// the journals it began (never written, never shown).
#[derive(Clone)]
pub struct Target {
    recorded: Recorded,
    key: String,
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
            recorded: Recorded {
                base_url: base_url.trim_end_matches('/').to_string(),
                key_fingerprint: fingerprint(&salt, api_key),
                salt,
            },
            key: api_key.to_string(),
        }
    }

    /// The server.
    pub fn base_url(&self) -> &str {
        &self.recorded.base_url
    }

    /// As a journal keeps it.
    pub fn to_json(&self) -> Value {
        self.recorded.to_json()
    }

    /// Whether `found`, read from a journal, is this target: the same server, and this
    /// target's key gives `found`'s fingerprint under `found`'s salt.
    pub fn is(&self, found: &Recorded) -> bool {
        self.recorded.base_url == found.base_url
            && fingerprint(&found.salt, &self.key) == found.key_fingerprint
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.recorded.fmt(f)
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.recorded)
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
            one.recorded.key_fingerprint, two.recorded.key_fingerprint,
            "each journal its own salt"
        );
        let recorded = Recorded::of(&one.to_json());
        assert!(
            two.is(&recorded),
            "the same key is recognised under the other salt"
        );
        assert!(!Target::new("https://x", "sk_lf_other").is(&recorded));
        assert!(!Target::new("https://y", "sk_lf_try").is(&recorded));
        // A journal of the earlier version: unsalted.
        let legacy = Recorded::of(&json!({"baseUrl": "https://x",
            "keyFingerprint": hex(&Md5::digest("lightfield-journal:sk_lf_try"))[..12]}));
        assert!(one.is(&legacy));
        let shown = format!("{one:?} {one}");
        assert!(!shown.contains("sk_lf_try"), "{shown}");
        assert!(shown.starts_with("Target(https://x with key "), "{shown}");
    }
}
