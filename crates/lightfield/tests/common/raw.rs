//! A raw-socket server (not lightfield-mock) that answers exactly the bytes a test
//! scripts: for servers that misbehave on purpose.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// What the server does with each request.
#[derive(Clone)]
pub enum Reply {
    /// Writes these bytes and closes.
    Bytes(Vec<u8>),
    /// Writes this head, then chunks of zeros forever (until the client goes away).
    Endless(Vec<u8>),
    /// Says nothing, and keeps the connection open for a minute.
    Silent,
}

/// A server on a free port answering every request with `reply(n)` (n counts from 0).
pub struct Raw {
    pub url: String,
    pub served: Arc<AtomicUsize>,
}

pub async fn raw(reply: impl Fn(usize, &str) -> Reply + Send + Sync + 'static) -> Raw {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let reply = Arc::new(reply);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (count, reply) = (count.clone(), reply.clone());
            tokio::spawn(async move {
                let Some(head) = super::read_request(&mut socket).await else {
                    return;
                };
                let n = count.fetch_add(1, Ordering::SeqCst);
                match reply(n, &head) {
                    Reply::Bytes(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                    }
                    Reply::Silent => {
                        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    }
                    Reply::Endless(head) => {
                        let _ = socket.write_all(&head).await;
                        let chunk = format!("{:x}\r\n{}\r\n", 65536, "0".repeat(65536));
                        while socket.write_all(chunk.as_bytes()).await.is_ok() {}
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    Raw { url, served }
}

pub fn answer(status: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    Reply::Bytes(out.into_bytes())
}
