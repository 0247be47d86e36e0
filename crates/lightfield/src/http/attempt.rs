//! One attempt on the wire: send, then read the whole answer, within the client's maximum
//! response size.
//!
//! Reading the body here (not later, in the generated code) makes a connection lost
//! mid-body an error of this attempt, which can be retried; and checking the size against
//! `Content-Length` and while reading means a hostile or broken server costs the caller an
//! error, never unbounded memory.

use std::future::Future;

use bytes::{Bytes, BytesMut};
use futures_util::FutureExt;

/// Why an attempt produced no usable answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The connection failed, timed out, or the body was cut short.
    Transport(reqwest::Error),
    /// The answer was larger than allowed.
    TooLarge { limit: u64 },
    /// No whole answer (headers and body) within the attempt's time.
    TimedOut,
}

impl Failure {
    /// Whether the request surely never reached the server: no connection could be made
    /// (refused, no route, a name that does not resolve), or it could not even be built.
    pub(crate) fn never_sent(&self) -> bool {
        matches!(self, Self::Transport(e) if e.is_connect() || e.is_builder())
    }
}

/// An answer read in full.
pub(crate) struct Answer {
    /// What the generated code decodes: the status, and the body as a `ReadBody`
    /// extension (the stream itself is consumed). Its headers are moved to `headers`
    /// rather than copied: the generated code never reads them.
    pub(crate) response: reqwest::Response,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

/// A copy of `request` to send as one attempt, keeping the original for a retry; `None`
/// for a streaming body, which cannot be sent twice.
///
/// `reqwest::Request::try_clone` also copies the request's extensions, and in doing so
/// allocates and drops a map even when there are none; the SDK's requests carry none (no
/// per-request timeout either: see [`send`]), so a request without a body is copied by
/// hand.
pub(crate) fn copy_of(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    Some(copy)
}

/// Sends `request` and reads at most `limit` bytes of its answer, all within `timeout`.
///
/// The time limit is a tokio timer around the whole exchange rather than reqwest's
/// per-request timeout, which lives in the request's extensions: setting it allocated a
/// map on every attempt, and cloning the request for a retry allocated another.
///
/// A plain function mapping the timer's output rather than an `async fn` awaiting it, so
/// the exchange's future (about a kilobyte) is moved once less on every attempt.
pub(crate) fn send<'a>(
    http: &'a reqwest::Client,
    request: reqwest::Request,
    limit: u64,
    timeout: std::time::Duration,
) -> impl Future<Output = Result<Answer, Failure>> + Send + 'a {
    tokio::time::timeout(timeout, exchange(http, request, limit))
        .map(|answer| answer.unwrap_or(Err(Failure::TimedOut)))
}

async fn exchange(
    http: &reqwest::Client,
    request: reqwest::Request,
    limit: u64,
) -> Result<Answer, Failure> {
    let mut response = http.execute(request).await.map_err(Failure::Transport)?;
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(Failure::TooLarge { limit });
    }
    let headers = std::mem::take(response.headers_mut());
    let body = read_body(&mut response, limit).await?;
    // The generated code takes the bytes from here: the body itself has been consumed.
    response
        .extensions_mut()
        .insert(lightfield_gen::ReadBody(body.clone()));
    Ok(Answer {
        response,
        headers,
        body,
    })
}

/// The whole body, at most `limit` bytes. A body that arrives as one chunk (most API
/// answers) is kept as it came, without a copy.
async fn read_body(response: &mut reqwest::Response, limit: u64) -> Result<Bytes, Failure> {
    let mut next = async || response.chunk().await.map_err(Failure::Transport);
    let too_large = |len: usize| len as u64 > limit;
    let Some(first) = next().await? else {
        return Ok(Bytes::new());
    };
    if too_large(first.len()) {
        return Err(Failure::TooLarge { limit });
    }
    let Some(second) = next().await? else {
        return Ok(first);
    };
    let mut body = BytesMut::from(first);
    let mut chunk = second;
    loop {
        if too_large(body.len() + chunk.len()) {
            return Err(Failure::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
        match next().await? {
            Some(more) => chunk = more,
            None => return Ok(body.freeze()),
        }
    }
}

/// The answer handed to the generated code in place of one that could not be read: its
/// status is never sent by a server, and the caller reads the real failure from the call's
/// report before looking at it.
pub(crate) fn stand_in() -> reqwest::Response {
    let mut response = http::Response::new(reqwest::Body::from(Bytes::new()));
    *response.status_mut() =
        http::StatusCode::from_u16(599).unwrap_or(http::StatusCode::BAD_GATEWAY);
    reqwest::Response::from(response)
}
