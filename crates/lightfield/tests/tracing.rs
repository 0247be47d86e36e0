//! What the SDK tells a `tracing` subscriber about a call.
//!
//! In a test binary of its own: tracing caches per call site whether anyone listens, and a
//! test on another thread with no subscriber, reaching the SDK's call sites first, can
//! leave them cached as silent while this test's subscriber is being set.

mod common;

use common::*;
use lightfield_mock::Fault;

#[tokio::test]
async fn spans_carry_the_request_but_never_the_key() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (server, client) = setup().await;
    server.inject(Fault::status(503));
    client
        .accounts()
        .create("Traced")
        .idempotency_key("trace-key-1")
        .send()
        .await
        .unwrap();
    let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("lightfield.request"), "{out}");
    assert!(out.contains("account_create"), "{out}");
    assert!(out.contains("trace-key-1"), "{out}");
    assert!(out.contains("attempt=2"), "{out}");
    assert!(out.contains("retrying"), "{out}");
    assert!(!out.contains(KEY), "the API key leaked into traces");
    // A read shows its paging and filters, and no idempotency key.
    client
        .accounts()
        .list()
        .filter("$name", lightfield::Op::StartsWith, "Tra")
        .limit(5)
        .send()
        .await
        .unwrap();
    let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    let read = out
        .lines()
        .find(|l| l.contains("account_list"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        read.contains("query=") && read.contains("limit=5"),
        "{read}"
    );
    assert!(!read.contains("idempotency_key"), "{read}");
}
