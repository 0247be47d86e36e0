//! The whole upload in one call: create, PUT the bytes to the storage URL, complete.
//!
//! The bytes stream from memory, from a file on disk (never read whole) or from a caller's
//! stream of known length; their MD5 is computed on the way, so `complete` can ask the
//! server to check them. If the PUT fails, the pending file is cancelled, so no half upload
//! is left behind.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use md5::{Digest, Md5};

use super::files::{FileInfo, Files, MAX_FILE_SIZE, PendingUpload, Purpose};
use crate::error::{ApiError, CLIP, Error, ErrorKind, Result};

/// Where an upload's bytes come from.
pub enum UploadSource {
    /// Bytes in memory.
    Bytes(Bytes),
    /// A file on disk, streamed.
    Path(PathBuf),
    /// A stream of chunks whose total length is known up front (the API needs it).
    Stream {
        /// The chunks.
        chunks: BoxStream<'static, std::io::Result<Bytes>>,
        /// Their total length in bytes.
        size: u64,
    },
}

impl std::fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Path(p) => write!(f, "Path({})", p.display()),
            Self::Stream { size, .. } => write!(f, "Stream({size} bytes)"),
        }
    }
}

impl From<Vec<u8>> for UploadSource {
    fn from(v: Vec<u8>) -> Self {
        Self::Bytes(v.into())
    }
}
impl From<Bytes> for UploadSource {
    fn from(v: Bytes) -> Self {
        Self::Bytes(v)
    }
}
impl From<&'static [u8]> for UploadSource {
    fn from(v: &'static [u8]) -> Self {
        Self::Bytes(Bytes::from_static(v))
    }
}
impl From<PathBuf> for UploadSource {
    fn from(v: PathBuf) -> Self {
        Self::Path(v)
    }
}
impl From<&std::path::Path> for UploadSource {
    fn from(v: &std::path::Path) -> Self {
        Self::Path(v.to_path_buf())
    }
}

impl UploadSource {
    /// A stream of `size` bytes in total.
    pub fn stream(
        chunks: impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static,
        size: u64,
    ) -> Self {
        Self::Stream {
            chunks: chunks.boxed(),
            size,
        }
    }

    /// The length and the chunks.
    async fn open(self) -> Result<(u64, BoxStream<'static, std::io::Result<Bytes>>)> {
        match self {
            Self::Bytes(b) => Ok((b.len() as u64, stream::iter([Ok(b)]).boxed())),
            Self::Stream { chunks, size } => Ok((size, chunks)),
            Self::Path(path) => {
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| Error::invalid(format!("cannot open {}: {e}", path.display())))?;
                let size = file.metadata().await.map(|m| m.len()).map_err(|e| {
                    Error::invalid(format!("cannot read the size of {}: {e}", path.display()))
                })?;
                Ok((size, tokio_util::io::ReaderStream::new(file).boxed()))
            }
        }
    }
}

/// An upload; see [`Files::upload`].
#[derive(Debug)]
#[must_use = "an upload does nothing until `.send().await`"]
pub struct Upload {
    files: Files,
    filename: String,
    mime_type: String,
    source: UploadSource,
    purpose: Option<Purpose>,
}

impl Files {
    /// Uploads a file in one call: creates it, PUTs the bytes to the storage URL the API
    /// answers (with exactly its headers, and never the API key), completes it with the
    /// bytes' MD5, and returns the completed file.
    ///
    /// ```no_run
    /// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
    /// use std::path::Path;
    /// let file = client.files().upload("notes.pdf", "application/pdf", Path::new("notes.pdf")).send().await?;
    /// let bytes = client.files().upload("hello.txt", "text/plain", b"hello".as_slice()).send().await?;
    /// # let _ = (file, bytes); Ok(()) }
    /// ```
    pub fn upload(
        &self,
        filename: impl Into<String>,
        mime_type: impl Into<String>,
        source: impl Into<UploadSource>,
    ) -> Upload {
        Upload {
            files: self.clone(),
            filename: filename.into(),
            mime_type: mime_type.into(),
            source: source.into(),
            purpose: None,
        }
    }

    /// The bytes of a completed file, read from its download URL (at most
    /// [`MAX_FILE_SIZE`]).
    pub async fn download(&self, id: impl Into<String>) -> Result<Bytes> {
        let url = self.download_url(id).send().await?;
        check_storage_url(&self.client, &url.url)?;
        let response = self
            .client
            .transport
            .storage
            .get(&url.url)
            .send()
            .await
            .map_err(storage_failure)?;
        // The status first: a refusal's body is read only as far as an error shows it.
        if !response.status().is_success() {
            return Err(storage_refusal(response, "download").await);
        }
        let mut body = Vec::new();
        let mut chunks = response.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(storage_failure)?;
            if (body.len() + chunk.len()) as u64 > MAX_FILE_SIZE {
                return Err(Error::invalid(format!(
                    "the download is larger than the API's {MAX_FILE_SIZE}-byte file limit; refused"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.into())
    }
}

/// Refuses a storage URL that would carry the file over plain HTTP off this machine while
/// the API itself is reached over HTTPS: a downgrade the API never intends.
fn check_storage_url(client: &crate::Client, url: &str) -> Result<()> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| Error::Protocol("the API gave a storage URL that is not a URL".into()))?;
    let api_is_https = client.base_url().starts_with("https://");
    let plain = parsed.scheme() != "https" && !crate::http::connect::is_loopback(&parsed);
    if api_is_https && plain {
        return Err(Error::Protocol(format!(
            "the API gave a storage URL over {} to {}, while it is itself reached over https; \
             the transfer was refused",
            parsed.scheme(),
            parsed.host_str().unwrap_or("?")
        )));
    }
    Ok(())
}

/// A transfer to or from the storage host that failed. The URL is signed (it is a
/// credential), so the error leaves it out.
fn storage_failure(source: reqwest::Error) -> Error {
    Error::Network {
        source: Box::new(source.without_url()),
        attempts: 1,
    }
}

/// A refusal by the storage host, not the API: at most a few KiB of its body are read,
/// however much it sends.
async fn storage_refusal(response: reqwest::Response, what: &str) -> Error {
    let status = response.status().as_u16();
    let mut headers = response.headers().clone();
    // A redirect's Location can carry a signature (S3's region redirects do): only where it
    // points, by scheme and host, is kept to show.
    if let Some(location) = headers.get(http::header::LOCATION) {
        let shown = std::str::from_utf8(location.as_bytes())
            .ok()
            .and_then(|l| reqwest::Url::parse(l).ok())
            .map_or("another address".to_string(), |u| {
                format!("{}://{}", u.scheme(), u.host_str().unwrap_or_default())
            });
        if let Ok(value) = http::HeaderValue::from_str(&shown) {
            headers.insert(http::header::LOCATION, value);
        }
    }
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(Ok(chunk)) = chunks.next().await {
        let room = CLIP.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= CLIP {
            break;
        }
    }
    let mut refusal = ApiError::from_parts(status, headers, &body, 1);
    // Not the API's refusal: its advice (a key's scope, a record's id) would mislead.
    refusal.kind = ErrorKind::Other;
    refusal.message = format!(
        "the storage host refused the {what} with {status} ({}); its signed URL may have \
         expired: {}",
        refusal.message,
        if what == "upload" {
            "upload the file again"
        } else {
            "download it again for a fresh URL"
        }
    );
    Error::Api(Box::new(refusal))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Upload {
    /// What the file is for.
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = Some(purpose);
        self
    }

    /// Uploads and completes the file.
    pub async fn send(self) -> Result<FileInfo> {
        let (size, chunks) = self.source.open().await?;
        let pending = self
            .files
            .create(self.filename, self.mime_type, size, self.purpose)
            .send()
            .await?;
        let id = pending.file.id.clone();
        match put(&self.files, pending, size, chunks).await {
            Ok(md5) => self.files.complete(&id, Some(md5)).send().await,
            Err(e) => {
                // Leave nothing half done; the first error is the one worth reporting.
                let _ = self.files.cancel(&id).send().await;
                Err(e)
            }
        }
    }
}

/// PUTs `size` bytes to the storage URL; answers their MD5 (hex).
async fn put(
    files: &Files,
    pending: PendingUpload,
    size: u64,
    chunks: BoxStream<'static, std::io::Result<Bytes>>,
) -> Result<String> {
    let hasher = Arc::new(Mutex::new((Md5::new(), 0u64)));
    let seen = hasher.clone();
    let counted = chunks.inspect_ok(move |chunk| {
        if let Ok(mut state) = seen.lock() {
            state.0.update(chunk);
            state.1 += chunk.len() as u64;
        }
    });
    check_storage_url(&files.client, &pending.upload_url)?;
    let mut request = files
        .client
        .transport
        .storage
        .put(&pending.upload_url)
        .header(http::header::CONTENT_LENGTH, size)
        .body(reqwest::Body::wrap_stream(counted));
    for (name, value) in &pending.upload_headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(deadline) = files.client.transport.policy.deadline {
        request = request.timeout(deadline);
    }
    let response = request.send().await.map_err(storage_failure)?;
    if !response.status().is_success() {
        return Err(storage_refusal(response, "upload").await);
    }
    // The body stream may not be dropped yet; read the state it left rather than owning it.
    let (digest, sent) = match hasher.lock() {
        Ok(state) => (hex(&state.0.clone().finalize()), state.1),
        Err(_) => return Err(Error::invalid("the upload's checksum was lost")),
    };
    if sent != size {
        return Err(Error::invalid(format!(
            "the upload source gave {sent} bytes but declared {size}"
        )));
    }
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_url_that_drops_https_is_refused() {
        let client = crate::Client::builder()
            .api_key("sk_lf_unit")
            .base_url("https://api.lightfield.app")
            .build()
            .expect("client");
        let refused = check_storage_url(&client, "http://storage.example/fil_1?sig=x");
        assert!(matches!(refused, Err(Error::Protocol(_))), "{refused:?}");
        assert!(check_storage_url(&client, "https://storage.example/fil_1").is_ok());
        assert!(check_storage_url(&client, "http://127.0.0.1:9000/fil_1").is_ok());
    }
}
