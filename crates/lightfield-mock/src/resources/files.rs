//! Files: PENDING until completed, cancel only while pending, expiry, a download URL only
//! when completed, and the storage endpoint (`PUT /storage/{id}`) that receives the bytes
//! and, like a real storage host, knows nothing of Lightfield's API key.

use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::now_rfc3339;
use crate::params::page_params;

/// The largest file accepted: 512 MiB.
const MAX_SIZE: u64 = 536_870_912;

/// The most bytes of uploads the mock holds at once, all files together: past it, an
/// upload is refused (507) until files are purged. A developer tool must not take a
/// machine's memory.
pub const MAX_STORED: usize = 1024 * 1024 * 1024;

#[derive(Debug)]
struct StoredFile {
    id: String,
    filename: String,
    mime_type: String,
    size: u64,
    status: &'static str,
    created_at: String,
    completed_at: Option<String>,
    expires: Instant,
    /// `expires` as the API writes it.
    expires_at: String,
    token: String,
    bytes: Option<Vec<u8>>,
}

/// Every file, in creation order.
#[derive(Debug)]
pub struct FileStore {
    files: Vec<StoredFile>,
    next_id: u64,
    /// The server's own URL, for upload and download URLs.
    pub base_url: String,
    /// How long a pending upload lives.
    pub upload_ttl: Duration,
}

impl Default for FileStore {
    fn default() -> Self {
        Self {
            files: Vec::new(),
            next_id: 1,
            base_url: String::new(),
            upload_ttl: Duration::from_secs(3600),
        }
    }
}

fn render(f: &StoredFile) -> Value {
    json!({
        "id": f.id,
        "filename": f.filename,
        "mimeType": f.mime_type,
        "sizeBytes": f.size,
        "status": f.status,
        "createdAt": f.created_at,
        "completedAt": f.completed_at,
        // Only a pending upload expires.
        "expiresAt": matches!(f.status, "PENDING" | "EXPIRED").then_some(&f.expires_at),
    })
}

fn conflict(message: String) -> ApiError {
    ApiError {
        status: 409,
        kind: "conflict",
        message,
        code: Some("invalid_state"),
        param: None,
        details: serde_json::Map::new(),
    }
}

/// A token no one can guess from the ones seen before: 128 random bits.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    // With no randomness from the system, fastrand's (seeded from the clock and the
    // thread) is the fallback: a local test server, not a vault.
    if getrandom::fill(&mut bytes).is_err() {
        bytes.iter_mut().for_each(|b| *b = fastrand::u8(..));
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("tok_{hex}")
}

impl FileStore {
    fn find(&mut self, id: &str) -> Result<&mut StoredFile, ApiError> {
        let file = self
            .files
            .iter_mut()
            .find(|f| f.id == id)
            .ok_or_else(|| ApiError::not_found(format!("no file has id `{id}`")))?;
        if file.status == "PENDING" && Instant::now() >= file.expires {
            file.status = "EXPIRED";
        }
        Ok(file)
    }

    /// `POST /v1/files`.
    pub fn create(&mut self, body: &Value) -> Result<Value, ApiError> {
        let text = |key: &str| {
            body[key]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or_else(|| {
                    ApiError::bad_request("missing_field", key, format!("`{key}` is required"))
                })
        };
        let (filename, mime_type) = (text("filename")?, text("mimeType")?);
        let size = body["sizeBytes"]
            .as_u64()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_value",
                    "sizeBytes",
                    "`sizeBytes` is a whole number of bytes, at least 1",
                )
            })?;
        if size > MAX_SIZE {
            return Err(ApiError::bad_request(
                "file_too_large",
                "sizeBytes",
                format!("files are at most {MAX_SIZE} bytes"),
            ));
        }
        let id = format!("fil_{:010}", self.next_id);
        self.next_id += 1;
        let token = random_token();
        let file = StoredFile {
            id: id.clone(),
            filename,
            mime_type,
            size,
            status: "PENDING",
            created_at: now_rfc3339(),
            completed_at: None,
            expires: Instant::now() + self.upload_ttl,
            expires_at: crate::rfc3339_in(self.upload_ttl),
            token: token.clone(),
            bytes: None,
        };
        let mut out = render(&file);
        out["uploadUrl"] = json!(format!("{}/storage/{id}", self.base_url));
        out["uploadHeaders"] = json!({"content-type": file.mime_type, "x-upload-token": token});
        self.files.push(file);
        Ok(out)
    }

    /// `GET /v1/files/{id}`.
    pub fn get(&mut self, id: &str) -> Result<Value, ApiError> {
        self.find(id).map(|f| render(f))
    }

    /// Removes file `id` outright (as the organisation's retention would): a test's way to
    /// make the API answer 404 for a file that existed. Answers whether it was there.
    /// Bytes of uploads held.
    fn stored(&self) -> usize {
        self.files
            .iter()
            .filter_map(|f| f.bytes.as_ref())
            .map(Vec::len)
            .sum()
    }

    /// Whether a storage request for file `id` carries its token, answered before the
    /// body of an upload is read: a request with no right to store costs no memory.
    pub fn check_token(&mut self, id: &str, token: Option<&str>) -> Result<(), (u16, Vec<u8>)> {
        let Ok(file) = self.find(id) else {
            return Err((404, b"no such object".to_vec()));
        };
        if token != Some(file.token.as_str()) {
            return Err((403, b"signature does not match".to_vec()));
        }
        Ok(())
    }

    pub fn purge(&mut self, id: &str) -> bool {
        let before = self.files.len();
        self.files.retain(|f| f.id != id);
        self.files.len() != before
    }

    /// `GET /v1/files`.
    pub fn list(&mut self, query: &[(String, String)]) -> Result<Value, ApiError> {
        let (offset, limit) = page_params(query)?;
        let ids: Vec<String> = self.files.iter().map(|f| f.id.clone()).collect();
        let mut data = Vec::new();
        for id in ids.iter().skip(offset).take(limit) {
            data.push(self.get(id)?);
        }
        Ok(json!({"object": "list", "data": data, "totalCount": ids.len()}))
    }

    /// `POST /v1/files/{id}/complete`: the bytes must have arrived, whole, and match `md5`.
    pub fn complete(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let file = self.find(id)?;
        if file.status != "PENDING" {
            return Err(conflict(format!(
                "file `{id}` is {} and cannot be completed",
                file.status
            )));
        }
        let bytes = file.bytes.as_ref().ok_or_else(|| {
            ApiError::bad_request_plain(
                "upload_missing",
                "PUT the bytes to the upload URL before completing",
            )
        })?;
        if bytes.len() as u64 != file.size {
            return Err(ApiError::bad_request_plain(
                "size_mismatch",
                format!(
                    "{} bytes arrived; {} were announced",
                    bytes.len(),
                    file.size
                ),
            ));
        }
        if let Some(md5) = body["md5"].as_str() {
            let actual: String = Md5::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if !md5.eq_ignore_ascii_case(&actual) {
                return Err(ApiError::bad_request(
                    "checksum_mismatch",
                    "md5",
                    "the MD5 does not match the uploaded bytes",
                ));
            }
        }
        file.status = "COMPLETED";
        file.completed_at = Some(now_rfc3339());
        Ok(render(file))
    }

    /// `POST /v1/files/{id}/cancel`: only while pending.
    pub fn cancel(&mut self, id: &str) -> Result<Value, ApiError> {
        let file = self.find(id)?;
        if file.status != "PENDING" {
            return Err(conflict(format!(
                "file `{id}` is {}; only pending files can be cancelled",
                file.status
            )));
        }
        file.status = "CANCELLED";
        Ok(render(file))
    }

    /// `GET /v1/files/{id}/url`: only when completed.
    pub fn url(&mut self, id: &str) -> Result<Value, ApiError> {
        let base = self.base_url.clone();
        let file = self.find(id)?;
        if file.status != "COMPLETED" {
            return Err(conflict(format!(
                "file `{id}` is {}; only completed files can be downloaded",
                file.status
            )));
        }
        Ok(json!({
            "url": format!("{base}/storage/{id}?token={}", file.token),
            "expiresAt": now_rfc3339(),
        }))
    }

    /// The storage host: `PUT /storage/{id}` with the upload token, or `GET` with it as a
    /// query parameter. Answers a status and a body (plain text, as storage hosts do).
    pub fn storage(
        &mut self,
        method: &str,
        id: &str,
        token: Option<&str>,
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        if let Err(refused) = self.check_token(id, token) {
            return refused;
        }
        if method == "PUT" && self.stored() + body.len() > MAX_STORED {
            return (
                507,
                format!("the local server holds {MAX_STORED} bytes of uploads at most")
                    .into_bytes(),
            );
        }
        let Ok(file) = self.find(id) else {
            return (404, b"no such object".to_vec());
        };
        match method {
            "PUT" if file.status == "PENDING" => {
                file.bytes = Some(body.to_vec());
                (200, Vec::new())
            }
            "PUT" => (409, format!("file is {}", file.status).into_bytes()),
            "GET" if file.status == "COMPLETED" => (200, file.bytes.clone().unwrap_or_default()),
            _ => (400, b"not available".to_vec()),
        }
    }
}
