//! Files: uploads and downloads. `client.files()`.
//!
//! An upload has three steps — create (the API answers where to PUT the bytes), PUT the
//! bytes to that storage URL with exactly the headers it gave, complete — and
//! [`Files::upload`] does all three (see [`upload`](super::upload)). The PUT goes to another
//! host with its own HTTP client: it never carries the API key or the version header.

use std::collections::BTreeMap;
use std::fmt;

use lightfield_gen::types as wire;
use serde_json::Value;

use crate::client::Client;
use crate::entity::check_id;
use crate::error::{Error, Result};
use crate::listing::{Listing, PageAt};
use crate::open_enum::open_enum;
use crate::request::Call;
use crate::request::idempotency::Keyed;

/// The largest file the API accepts: 512 MiB.
pub const MAX_FILE_SIZE: u64 = 536_870_912;

/// The longest file name the API takes, in characters.
pub const MAX_FILENAME_CHARS: usize = 255;

open_enum!(
    /// Where a file stands.
    FileStatus {
        /// Created; the bytes are not uploaded and completed yet.
        Pending = "PENDING",
        /// Uploaded and completed; downloadable.
        Completed = "COMPLETED",
        /// Abandoned while pending.
        Cancelled = "CANCELLED",
        /// Not completed in time.
        Expired = "EXPIRED",
    }
);

open_enum!(
    /// What a file is for; decides where the API files it.
    Purpose {
        /// A meeting's transcript.
        MeetingTranscript = "meeting_transcript",
        /// Knowledge for the uploading user.
        KnowledgeUser = "knowledge_user",
        /// Knowledge for the whole workspace.
        KnowledgeWorkspace = "knowledge_workspace",
        /// An attachment to an email.
        EmailAttachment = "email_attachment",
    }
);

/// A file's metadata.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FileInfo {
    /// Unique identifier (use it as an email attachment or a meeting transcript).
    pub id: String,
    /// The file's name.
    pub filename: String,
    /// Its media type.
    pub mime_type: String,
    /// Its size in bytes (0 when the server sent a size no `u64` holds; that value is
    /// then in `extra` under `sizeBytes`).
    pub size_bytes: u64,
    /// Where it stands.
    pub status: FileStatus,
    /// When the upload started.
    pub created_at: String,
    /// When it was completed.
    pub completed_at: Option<String>,
    /// When a pending upload expires.
    pub expires_at: Option<String>,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: BTreeMap<String, Value>,
}

impl FileInfo {
    fn from_wire(f: wire::File) -> Self {
        let mut extra: BTreeMap<String, Value> = f.extra.into_iter().collect();
        // A size no u64 holds (the API documents none) is kept as received, not changed.
        let size_bytes = u64::try_from(f.size_bytes).unwrap_or_else(|_| {
            extra.insert("sizeBytes".into(), Value::from(f.size_bytes));
            0
        });
        Self {
            id: f.id,
            filename: f.filename,
            mime_type: f.mime_type,
            size_bytes,
            status: FileStatus::from_api(&f.status),
            created_at: f.created_at,
            completed_at: f.completed_at,
            expires_at: f.expires_at,
            extra,
        }
    }
}

/// A pending file and where to PUT its bytes.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct PendingUpload {
    /// The pending file.
    pub file: FileInfo,
    /// Where to PUT the bytes.
    pub upload_url: String,
    /// The headers the PUT must carry, exactly.
    pub upload_headers: BTreeMap<String, String>,
}

impl fmt::Debug for PendingUpload {
    // The URL and headers are credentials for the storage host: keep them out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingUpload")
            .field("file", &self.file)
            .field("upload_url", &"<redacted>")
            .field(
                "upload_headers",
                &self.upload_headers.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PendingUpload {
    fn from_wire(u: wire::FileUpload) -> Self {
        let file = FileInfo::from_wire(wire::File {
            id: u.id,
            filename: u.filename,
            mime_type: u.mime_type,
            size_bytes: u.size_bytes,
            status: u.status,
            created_at: u.created_at,
            completed_at: u.completed_at,
            expires_at: u.expires_at,
            extra: u.extra,
        });
        Self {
            file,
            upload_url: u.upload_url,
            upload_headers: u.upload_headers,
        }
    }
}

/// A short-lived download URL.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct DownloadUrl {
    /// Where to GET the bytes.
    pub url: String,
    /// Until when it works.
    pub expires_at: String,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: BTreeMap<String, Value>,
}

impl fmt::Debug for DownloadUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadUrl")
            .field("url", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The file operations of a client.
#[derive(Debug, Clone)]
pub struct Files {
    pub(super) client: Client,
}

impl Client {
    /// The file operations: upload (in one call), create, retrieve, list, complete, cancel,
    /// download URL and download.
    pub fn files(&self) -> Files {
        Files {
            client: self.clone(),
        }
    }
}

fn file_id(id: &str, verb: &str) -> Result<String> {
    check_id(&crate::ObjectType::Custom("file".into()), id, verb)
        .map_err(|_| Error::invalid(format!("cannot {verb} file `{id}`: not a file id")))
}

/// Builds a [`Call`] about one file, refusing a bad id before anything is sent.
macro_rules! by_id {
    ($files:expr, $id:expr, $verb:literal, $op:literal, |$c:ident, $key:ident, $fid:ident| $call:expr, $read:expr) => {
        match file_id(&$id.into(), $verb) {
            Err(e) => Call::refused(&$files.client, $op, e),
            Ok($fid) => Call::new(
                &$files.client,
                $op,
                move |$c, $key| async move {
                    let _ = &$key;
                    $call.await
                },
                move |answer, _: &[u8]| ($read)(answer),
            ),
        }
    };
}

impl Files {
    /// Registers a file of `size_bytes` and answers where to PUT it. Most callers want
    /// [`Files::upload`], which does the whole upload.
    pub fn create(
        &self,
        filename: impl Into<String>,
        mime_type: impl Into<String>,
        size_bytes: u64,
        purpose: Option<Purpose>,
    ) -> Call<PendingUpload, Keyed> {
        let Some(size) = std::num::NonZeroU64::new(size_bytes) else {
            return Call::refused(
                &self.client,
                "file_create",
                Error::invalid("the file is empty; the API takes files of 1 byte or more"),
            );
        };
        if size_bytes > MAX_FILE_SIZE {
            return Call::refused(
                &self.client,
                "file_create",
                Error::invalid(format!(
                    "the file has {size_bytes} bytes; the API accepts at most {MAX_FILE_SIZE} (512 MiB)"
                )),
            );
        }
        let filename = filename.into();
        if !(1..=MAX_FILENAME_CHARS).contains(&filename.chars().count()) {
            return Call::refused(
                &self.client,
                "file_create",
                Error::invalid(format!(
                    "a file's name has 1 to {MAX_FILENAME_CHARS} characters; `{filename}` has {}",
                    filename.chars().count()
                )),
            );
        }
        let body = wire::FileCreateBody {
            filename,
            mime_type: mime_type.into(),
            size_bytes: size,
            purpose: purpose.map(|p| p.as_api().to_string()),
        };
        Call::new(
            &self.client,
            "file_create",
            move |c, key| async move { c.file_create(Some(&key), &body).await },
            |u, _| PendingUpload::from_wire(u),
        )
    }

    /// A file's metadata.
    pub fn retrieve(&self, id: impl Into<String>) -> Call<FileInfo> {
        by_id!(
            self,
            id,
            "retrieve",
            "file_retrieve",
            |c, key, id| c.file_retrieve(&id),
            FileInfo::from_wire
        )
    }

    /// Completes an upload whose bytes were PUT; `md5` (32 hex digits, any case) lets the
    /// server check them.
    pub fn complete(&self, id: impl Into<String>, md5: Option<String>) -> Call<FileInfo, Keyed> {
        // The API takes the digest in lower case only.
        let md5 = md5.map(|m| m.to_ascii_lowercase());
        if let Some(m) = md5.as_deref()
            && !(m.len() == 32 && m.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Call::refused(
                &self.client,
                "file_complete",
                Error::invalid(format!("`{m}` is not an MD5 digest: 32 hexadecimal digits")),
            );
        }
        let body = wire::FileCompleteBody { md5 };
        by_id!(
            self,
            id,
            "complete",
            "file_complete",
            |c, key, id| c.file_complete(&id, Some(&key), &body),
            FileInfo::from_wire
        )
    }

    /// Abandons a pending upload.
    pub fn cancel(&self, id: impl Into<String>) -> Call<FileInfo, Keyed> {
        let body = wire::EmptyBody(serde_json::Map::new());
        by_id!(
            self,
            id,
            "cancel",
            "file_cancel",
            |c, key, id| c.file_cancel(&id, Some(&key), &body),
            FileInfo::from_wire
        )
    }

    /// A short-lived URL to download a completed file from.
    pub fn download_url(&self, id: impl Into<String>) -> Call<DownloadUrl> {
        by_id!(
            self,
            id,
            "download",
            "file_url",
            |c, key, id| c.file_url(&id),
            |u: wire::FileUrl| DownloadUrl {
                url: u.url,
                expires_at: u.expires_at,
                extra: u.extra.into_iter().collect(),
            }
        )
    }

    /// Files, a page at a time (1 to 25 a page), as a stream or as a concurrent export.
    pub fn list(&self) -> Listing<FileInfo> {
        Listing::new(
            &self.client,
            "file_list",
            |c, at: PageAt| async move { c.file_list(Some(at.limit), Some(at.offset)).await },
            |page: wire::FileList, _: &[u8], at: &PageAt| {
                let items = page.data.into_iter().map(FileInfo::from_wire).collect();
                Ok(at.page(items, Some(page.total_count)))
            },
        )
        .with_identity(|file| Some(&file.id))
    }
}
