//! Files over HTTP against lightfield-mock: the one-call upload (create, PUT to the
//! storage URL, complete with MD5) from bytes, a file on disk and a stream; the PUT never
//! carrying the API key; cancel on failure; the size limit; download; the lifecycle rules.

use futures_util::TryStreamExt;

use std::time::Duration;

use crate::common::*;
use bytes::Bytes;
use lightfield::resources::files::MAX_FILE_SIZE;
use lightfield::{ErrorKind, FileStatus, Purpose, UploadSource};
use lightfield_mock::{MockConfig, MockServer};
use md5::{Digest, Md5};
use serde_json::json;

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn an_upload_creates_puts_without_the_api_key_and_completes_with_the_md5() {
    let (server, client) = setup().await;
    let content = b"%PDF-1.7 pretend this is a transcript".to_vec();
    let file = client
        .files()
        .upload("call.pdf", "application/pdf", content.clone())
        .purpose(Purpose::MeetingTranscript)
        .send()
        .await
        .expect("upload");
    assert_eq!(file.status, FileStatus::Completed);
    assert_eq!(
        (file.filename.as_str(), file.size_bytes),
        ("call.pdf", content.len() as u64)
    );

    let log = server.requests();
    let paths: Vec<_> = log
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v1/files".to_string(),
            format!("PUT /storage/{}", file.id),
            format!("POST /v1/files/{}/complete", file.id),
        ]
    );
    assert_eq!(
        log[0].json(),
        json!({"filename": "call.pdf", "mimeType": "application/pdf", "sizeBytes": content.len(), "purpose": "meeting_transcript"})
    );
    let put = &log[1];
    for secret in ["authorization", "lightfield-version", "idempotency-key"] {
        assert!(
            put.header(secret).is_none(),
            "the storage PUT carried `{secret}`"
        );
    }
    assert!(
        put.header("x-upload-token").is_some(),
        "the upload headers were sent"
    );
    assert_eq!(put.header("content-type"), Some("application/pdf"));
    assert_eq!(put.body.as_bytes(), content.as_slice());
    assert_eq!(log[2].json(), json!({"md5": md5_hex(&content)}));
    assert!(log[2].header("authorization").is_some());

    let downloaded = client.files().download(&file.id).await.expect("download");
    assert_eq!(downloaded.as_ref(), content.as_slice());
    let get = server.requests().pop().unwrap();
    assert!(get.path.starts_with("/storage/") && get.header("authorization").is_none());
}

#[tokio::test]
async fn files_on_disk_and_streams_are_streamed() {
    let (server, client) = setup().await;
    let dir = std::env::temp_dir().join(format!("lightfield-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.bin");
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let file = client
        .files()
        .upload("big.bin", "application/octet-stream", path.as_path())
        .send()
        .await
        .unwrap();
    assert_eq!(file.size_bytes, 3_000_000);
    let complete = server.requests().pop().unwrap();
    assert_eq!(complete.json()["md5"], json!(md5_hex(&content)));
    std::fs::remove_dir_all(&dir).ok();

    let chunks = futures_util::stream::iter(vec![
        Ok(Bytes::from_static(b"hello ")),
        Ok(Bytes::from_static(b"world")),
    ]);
    let file = client
        .files()
        .upload("hi.txt", "text/plain", UploadSource::stream(chunks, 11))
        .send()
        .await
        .unwrap();
    assert_eq!(
        client.files().download(&file.id).await.unwrap().as_ref(),
        b"hello world"
    );
}

#[tokio::test]
async fn a_failed_upload_cancels_the_pending_file() {
    let (server, client) = setup().await;
    let broken = futures_util::stream::iter(vec![
        Ok(Bytes::from_static(b"part one")),
        Err(std::io::Error::other("disk unplugged")),
    ]);
    let err = client
        .files()
        .upload(
            "broken.bin",
            "application/octet-stream",
            UploadSource::stream(broken, 100),
        )
        .send()
        .await
        .expect_err("the upload fails");
    assert!(matches!(err, lightfield::Error::Network { .. }), "{err}");
    let cancel = server.requests().pop().unwrap();
    assert!(cancel.path.ends_with("/cancel"), "{}", cancel.path);
    assert_eq!(cancel.json(), json!({}));
    let id = cancel
        .path
        .trim_start_matches("/v1/files/")
        .trim_end_matches("/cancel")
        .to_string();
    assert_eq!(
        client.files().retrieve(&id).send().await.unwrap().status,
        FileStatus::Cancelled
    );
}

#[tokio::test]
async fn files_over_the_limit_are_refused_before_anything_is_sent() {
    let (server, client) = setup().await;
    let endless = futures_util::stream::empty();
    refused(
        client
            .files()
            .upload(
                "huge.bin",
                "application/octet-stream",
                UploadSource::stream(endless, MAX_FILE_SIZE + 1),
            )
            .send()
            .await,
        "at most 536870912",
    );
    refused(
        client
            .files()
            .create("x", "text/plain", MAX_FILE_SIZE + 1, None)
            .send()
            .await,
        "512 MiB",
    );
    refused(
        client.files().retrieve("../v1/accounts").send().await,
        "not a file id",
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_lifecycle_rules_hold() {
    let server = MockServer::start_with(MockConfig {
        rate_limit: None,
        upload_ttl: Duration::ZERO,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = fast_client(&server).build().unwrap();
    let pending = client
        .files()
        .create("late.txt", "text/plain", 3, None)
        .send()
        .await
        .unwrap();
    assert_eq!(pending.file.status, FileStatus::Pending);
    assert!(
        format!("{pending:?}").contains("<redacted>"),
        "upload URLs stay out of Debug"
    );
    let expired = client
        .files()
        .retrieve(&pending.file.id)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status, FileStatus::Expired);

    let (server, client) = setup().await;
    let pending = client
        .files()
        .create("a.txt", "text/plain", 3, None)
        .send()
        .await
        .unwrap();
    let err = client
        .files()
        .download_url(&pending.file.id)
        .send()
        .await
        .expect_err("not completed");
    assert_eq!(err.kind(), Some(&ErrorKind::Conflict));
    let err = client
        .files()
        .complete(&pending.file.id, None)
        .send()
        .await
        .expect_err("no bytes yet");
    assert_eq!(err.status(), Some(400));
    let done = client
        .files()
        .upload("b.txt", "text/plain", b"abc".as_slice())
        .send()
        .await
        .unwrap();
    let err = client
        .files()
        .cancel(&done.id)
        .send()
        .await
        .expect_err("completed files stay");
    assert_eq!(err.kind(), Some(&ErrorKind::Conflict));
    let url = client.files().download_url(&done.id).send().await.unwrap();
    assert!(url.url.contains("/storage/") && format!("{url:?}").contains("<redacted>"));
    let page = client.files().list().limit(25).send().await.unwrap();
    assert_eq!(page.total_count, 2);
    // Files list like every other list: a stream and an export walk the pages.
    let before = server.requests().len();
    let streamed: Vec<_> = client
        .files()
        .list()
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let exported: Vec<_> = client
        .files()
        .list()
        .limit(1)
        .export(2)
        .try_collect()
        .await
        .unwrap();
    let ids =
        |files: &[lightfield::FileInfo]| files.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&streamed), ids(&page.items));
    assert_eq!(ids(&exported), ids(&page.items));
    assert_eq!(
        server.requests().len() - before,
        4,
        "two pages of one, twice"
    );
    let err = client
        .files()
        .list()
        .limit(26)
        .send()
        .await
        .expect_err("too long a page");
    assert!(err.to_string().contains("1 to 25"), "{err}");
}
