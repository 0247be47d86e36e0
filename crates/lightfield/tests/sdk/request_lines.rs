//! Property test: random ids, field keys, filter values and header values driven through
//! the request builders never move a request out of its collection or inject a header.
//! A raw-socket server records each request head exactly as it arrived.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lightfield::{Client, Error, ObjectType, Op};
use proptest::prelude::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// One answer that reads as a record, a list page and a history page alike, so the server
/// need not know which operation it serves.
const ANSWER: &str = r#"{"id":"x","createdAt":"2026-01-01T00:00:00Z","fields":{},"relationships":{},"object":"list","data":[],"totalCount":0,"hasMore":false}"#;

/// Starts a server that records every request head and answers a record or a page.
async fn recorder() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let heads = Arc::new(Mutex::new(Vec::new()));
    let log = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                loop {
                    let Some(text) = crate::common::read_request(&mut socket).await else {
                        return;
                    };
                    let answer = ANSWER;
                    if let Ok(mut l) = log.lock() {
                        l.push(text);
                    }
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if socket.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, heads)
}

fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = segment.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The request line's path, and whether the head has only the expected header names.
fn check_head(head: &str) -> (String, Vec<String>) {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let path = request_line
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let names = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(':').next().unwrap_or_default().to_ascii_lowercase())
        .collect();
    (path, names)
}

const ALLOWED_HEADERS: &[&str] = &[
    "host",
    "authorization",
    "lightfield-version",
    "user-agent",
    "accept",
    "content-type",
    "content-length",
    "idempotency-key",
    "accept-encoding",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,24}",
        "\\PC{0,12}",
        Just("..".to_string()),
        Just("a/../../b".to_string()),
        Just("x\r\nx-injected: 1".to_string()),
        Just("%2e%2e".to_string()),
        Just("a?b#c".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn requests_stay_in_their_collection(id in text(), key in text(), value in text(), idem in text()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let (url, heads) = recorder().await;
            let client = Client::builder().api_key("sk_lf_prop").base_url(&url).rate_limit(None).max_retries(0).timeout(Duration::from_secs(5)).build().expect("client");
            let records = [
                (client.records_of(ObjectType::Account), "/v1/accounts"),
                (client.records_of(ObjectType::Meeting), "/v1/meetings"),
                (client.object("vendor"), "/v1/objects/vendor/values"),
            ];
            for (records, collection) in records {
                let outcomes = [
                    records.retrieve(id.clone()).send().await.map(|_| ()),
                    records.update(id.clone()).field(key.clone(), value.clone()).idempotency_key(idem.clone()).send().await.map(|_| ()),
                    records.delete(id.clone()).send().await.map(|_| ()),
                    records.history(id.clone(), key.clone()).send().await.map(|_| ()),
                    records.list().filter(key.clone(), Op::Equal, value.clone()).send().await.map(|_| ()),
                ];
                for outcome in outcomes {
                    match outcome {
                        Ok(()) | Err(Error::InvalidInput { .. }) => {}
                        Err(other) => prop_assert!(false, "unexpected error for id {id:?}: {other}"),
                    }
                }
                for head in heads.lock().map(|h| h.clone()).unwrap_or_default() {
                    let (path, names) = check_head(&head);
                    let path_only = path.split('?').next().unwrap_or_default();
                    let list_root = collection.trim_end_matches("/values");
                    prop_assert!(path_only.starts_with(list_root), "{path} left {collection}");
                    let rest = path_only.strip_prefix(collection).unwrap_or_default();
                    if let Some(segments) = rest.strip_prefix('/') {
                        let parts: Vec<String> = segments.split('/').map(decode).collect();
                        prop_assert_eq!(&parts[0], &id, "the id arrives as one segment: {}", path);
                        // The only deeper path is the history: exactly id/fields/key/history.
                        if parts.len() > 1 {
                            prop_assert_eq!(parts, vec![id.clone(), "fields".into(), key.clone(), "history".into()], "{}", path);
                        }
                    }
                    for name in names {
                        prop_assert!(ALLOWED_HEADERS.contains(&name.as_str()), "unexpected header {name:?} in {head:?}");
                    }
                }
                if let Ok(mut h) = heads.lock() {
                    h.clear();
                }
            }
            // A custom object's slug is a path segment too.
            let listed = client.object(id.clone()).list().send().await;
            let refused = matches!(listed, Err(Error::InvalidInput { .. }));
            prop_assert!(listed.is_ok() || refused, "{:?}", listed.err());
            for head in heads.lock().map(|h| h.clone()).unwrap_or_default() {
                let (path, _) = check_head(&head);
                let path_only = path.split('?').next().unwrap_or_default();
                let slug = path_only.strip_prefix("/v1/objects/").unwrap_or_default();
                prop_assert_eq!(decode(slug), id.clone(), "the slug arrives as one segment: {}", path);
            }
            Ok(())
        })?;
    }
}
