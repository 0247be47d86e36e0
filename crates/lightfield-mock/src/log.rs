//! The requests the mock received, as tests read them back: bounded in number and in the
//! bytes of their bodies, so a client that sends much cannot make the mock hold it all.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, Method, Uri};
use serde_json::Value;

/// How much of each request body the log keeps.
pub const LOGGED_BODY: usize = 1024 * 1024;

/// The most requests the log holds, and the most bytes of their bodies; past either, the
/// older half is forgotten.
const LOGGED_REQUESTS: usize = 20_000;
const LOGGED_BYTES: usize = 64 * 1024 * 1024;

/// The requests received, oldest first, bounded in number and in total body size.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Vec<LoggedRequest>,
    /// How many entries were forgotten: indices stay valid across a trim.
    forgotten: usize,
    /// Bytes of the bodies held.
    bytes: usize,
}

impl RequestLog {
    /// Adds an entry; answers its index.
    pub(crate) fn push(&mut self, entry: LoggedRequest) -> usize {
        while !self.entries.is_empty()
            && (self.entries.len() >= LOGGED_REQUESTS
                || self.bytes + entry.body.len() > LOGGED_BYTES)
        {
            let half = self.entries.len().div_ceil(2);
            let gone: usize = self.entries.drain(..half).map(|e| e.body.len()).sum();
            self.bytes -= gone;
            self.forgotten += half;
        }
        self.bytes += entry.body.len();
        self.entries.push(entry);
        self.forgotten + self.entries.len() - 1
    }

    /// The entry at `index`, unless it was forgotten.
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut LoggedRequest> {
        let at = index.checked_sub(self.forgotten)?;
        self.entries.get_mut(at)
    }

    /// The entries held.
    pub(crate) fn entries(&self) -> &[LoggedRequest] {
        &self.entries
    }

    pub(crate) fn clear(&mut self) {
        self.forgotten += self.entries.len();
        self.entries.clear();
        self.bytes = 0;
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// `GET`, `POST` or `DELETE`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string (percent-encoded), empty when there is none.
    pub query: String,
    /// Header names (lower case) and values; a repeated header keeps its last value.
    pub headers: BTreeMap<String, String>,
    /// The body as text: its first [`LOGGED_BODY`] bytes.
    pub body: String,
    /// The status answered, or `None` when the connection was dropped.
    pub status: Option<u16>,
}

impl LoggedRequest {
    /// The request as the log keeps it: a bounded copy of its body (a mock that keeps every
    /// body whole grows without end), no status yet.
    pub(crate) fn of(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Self {
        LoggedRequest {
            method: method.to_string(),
            path: uri.path().to_string(),
            query: uri.query().unwrap_or("").to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(&body[..body.len().min(LOGGED_BODY)]).into_owned(),
            status: None,
        }
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The body parsed as JSON (`Value::Null` when it is empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The query as decoded `(key, value)` pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }
}
