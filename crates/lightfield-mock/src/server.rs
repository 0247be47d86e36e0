//! The HTTP side: one handler that logs, injects faults, limits, authenticates and routes.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use crate::error::ApiError;
use crate::faults::{self, FaultKind};
use crate::limits::{Claim, Verdict};
use crate::log::LoggedRequest;
use crate::routes::{self, Route};
use crate::{API_VERSION, Shared, api};

/// The largest API body the mock reads (a bulk of records is far smaller); the API's
/// own limit is not published, so this is a bound, not a promise.
pub const MAX_API_BODY: usize = 16 * 1024 * 1024;

pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    let storage_shared = shared.clone();
    let storage = move |request: axum::extract::Request| {
        let shared = storage_shared.clone();
        async move {
            if let Some(refused) = foreign_host(request.headers()) {
                return refused;
            }
            wait_until_open(&shared, request.headers()).await;
            crate::storage::handle(shared, request).await
        }
    };
    let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let shared = shared.clone();
        async move { handle(shared, method, uri, headers, body).await }
    };
    // API bodies are bounded far below an upload, so a client cannot make the mock hold
    // hundreds of MiB per request; the storage host reads its own (`storage.rs`).
    let api_limit = axum::extract::DefaultBodyLimit::max(MAX_API_BODY);
    axum::Router::new()
        .route("/storage/{*file}", axum::routing::any(storage))
        .fallback(handler)
        .layer(api_limit)
}

/// Waits, unless the server is open or the request carries the key it is held for.
pub(crate) async fn wait_until_open(shared: &Shared, headers: &HeaderMap) {
    let mut open = shared.open.subscribe();
    if *open.borrow() {
        return;
    }
    let held_for = shared.lock().config.held_for.clone();
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if held_for.is_some() && bearer == held_for.as_deref() {
        return;
    }
    let _ = open.wait_for(|open| *open).await;
}

/// The answer to a request for another host than this one (the mock listens on loopback
/// only, and is reached as `127.0.0.1`, `localhost` or `[::1]`): a page on another site
/// whose name was rebound to 127.0.0.1 (DNS rebinding) must not reach it.
fn foreign_host(headers: &HeaderMap) -> Option<Response> {
    let host = headers
        .get(axum::http::header::HOST)?
        .to_str()
        .unwrap_or("?");
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    let local = ["127.0.0.1", "localhost", "::1"].contains(&name.to_ascii_lowercase().as_str());
    if local {
        return None;
    }
    let mut response = Response::new(Body::from(format!(
        "this server answers requests for 127.0.0.1, localhost or [::1] only, not {host:?}"
    )));
    *response.status_mut() = StatusCode::MISDIRECTED_REQUEST;
    Some(response)
}

fn decode_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// A response to send, or a connection to drop.
enum Outcome {
    Answer {
        status: u16,
        body: Bytes,
        extra: Vec<(&'static str, String)>,
    },
    Drop,
}

impl Outcome {
    fn error(e: &ApiError) -> Self {
        Self::json(e.status, &e.body())
    }

    fn json(status: u16, body: &Value) -> Self {
        Self::Answer {
            status,
            body: Bytes::from(body.to_string()),
            extra: Vec::new(),
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = foreign_host(&headers) {
        return refused;
    }
    wait_until_open(&shared, &headers).await;
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let (log_index, fault, latency) = {
        let mut state = shared.lock();
        let index = state
            .log
            .push(LoggedRequest::of(&method, &uri, &headers, &body));
        let state = &mut *state;
        let fault = faults::take(&mut state.faults, &mut state.rng, method.as_str(), &path);
        (index, fault, state.config.latency)
    };
    let route = routes::resolve(method.as_str(), &path);
    let verdict = route.as_ref().and_then(|r| {
        let mut state = shared.lock();
        let limit = state.config.rate_limit?;
        Some(state.limiter.check(r.op.category, limit))
    });

    let outcome = match fault {
        Some(FaultKind::Status(status)) => Outcome::error(&ApiError::with_status(status)),
        Some(FaultKind::IdempotencyConflict) => Outcome::error(&ApiError::idempotency_conflict()),
        Some(FaultKind::RateLimited { retry_after_secs }) => Outcome::Answer {
            status: 429,
            body: Bytes::from(ApiError::too_many_requests().body().to_string()),
            extra: vec![("retry-after", retry_after_secs.to_string())],
        },
        Some(FaultKind::DropBeforeHandling) => Outcome::Drop,
        other => {
            // Handling runs in its own task, like a real server that finishes committing
            // even when the client has gone away.
            let shared2 = shared.clone();
            let delay = match other {
                Some(FaultKind::Delay(d)) => d,
                _ => std::time::Duration::ZERO,
            };
            let drop_after = other == Some(FaultKind::DropAfterCommit);
            let task = tokio::spawn(async move {
                process(
                    &shared2, route, verdict, &method, &query, &headers, &body, delay,
                )
                .await
            });
            let outcome = task
                .await
                .unwrap_or_else(|_| Outcome::error(&ApiError::with_status(500)));
            if drop_after { Outcome::Drop } else { outcome }
        }
    };

    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let status = match &outcome {
        Outcome::Answer { status, .. } => Some(*status),
        Outcome::Drop => None,
    };
    if let Some(entry) = shared.lock().log.get_mut(log_index) {
        entry.status = status;
    }
    respond(outcome, verdict, log_index)
}

#[allow(clippy::too_many_arguments)]
async fn process(
    shared: &Shared,
    route: Option<Route>,
    verdict: Option<Verdict>,
    method: &Method,
    query: &str,
    headers: &HeaderMap,
    body: &Bytes,
    delay: std::time::Duration,
) -> Outcome {
    let Some(route) = route else {
        return Outcome::error(&ApiError::not_found(format!(
            "no operation at {method} this path"
        )));
    };
    if let Some(v) = verdict.filter(|v| !v.allowed) {
        let mut outcome = Outcome::error(&ApiError::too_many_requests());
        if let Outcome::Answer { extra, .. } = &mut outcome {
            extra.push(("retry-after", v.retry_after.to_string()));
        }
        return outcome;
    }
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if bearer.is_empty() {
        return Outcome::error(&ApiError::unauthorized(
            "send your API key as `Authorization: Bearer <key>`",
        ));
    }
    match headers
        .get("lightfield-version")
        .and_then(|v| v.to_str().ok())
    {
        Some(API_VERSION) => {}
        other => {
            return Outcome::error(&ApiError::bad_request(
                "invalid_version",
                "Lightfield-Version",
                format!("send `Lightfield-Version: {API_VERSION}` (got {other:?})"),
            ));
        }
    }

    let payload = if method == Method::POST && body.is_empty() {
        // No body at all, as the official SDKs send restore, cancel, activate, deactivate
        // and mark-healthy: the API reads it as `{}` (a write that needs data then says
        // what is missing).
        Some(Value::Object(serde_json::Map::new()))
    } else if method == Method::POST {
        let json_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        if !json_type {
            return Outcome::error(&ApiError::unsupported_media_type());
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => Some(v),
            Err(e) => {
                return Outcome::error(&ApiError::bad_request_plain(
                    "invalid_json",
                    format!("the body is not valid JSON: {e}"),
                ));
            }
        }
    } else {
        None
    };

    // Keys are scoped per operation type (and per custom object type), and honoured only by
    // the writes the API deduplicates (`x-idempotency-key`): any other write sent twice
    // acts twice, key or no key, as the API's may.
    let scope = format!("{}:{}", route.op.id, route.param("entity_slug"));
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|_| route.op.retry == lightfield_gen::tables::Retry::Keyed)
        .map(str::to_string);
    if let (Some(key), Some(_)) = (&key, &payload) {
        if key.chars().count() > 255 {
            return Outcome::error(&ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key",
                "idempotency keys are at most 255 characters",
            ));
        }
        let claim = {
            let mut state = shared.lock();
            let ttl = state.config.idempotency_ttl;
            state.idempotency.claim(&scope, key, ttl)
        };
        match claim {
            Claim::Conflict => return Outcome::error(&ApiError::idempotency_conflict()),
            Claim::Replay { status, body } => {
                return Outcome::Answer {
                    status,
                    body,
                    extra: vec![("idempotent-replayed", "true".to_string())],
                };
            }
            Claim::Run => {}
        }
    }

    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let result = {
        let mut state = shared.lock();
        api::run(
            &mut state.store,
            &route,
            &decode_query(query),
            payload.as_ref(),
        )
    };
    let outcome = match &result {
        Ok(v) => Outcome::json(200, v),
        Err(e) => Outcome::error(e),
    };
    if let (Some(key), Some(_), Outcome::Answer { status, body, .. }) = (&key, &payload, &outcome) {
        shared
            .lock()
            .idempotency
            .finish(&scope, key, *status, body.clone());
    }
    outcome
}

/// The answer to request number `request` (its index in the log, which also makes its
/// `x-request-id`, as servers give one for support to find a request by).
fn respond(outcome: Outcome, verdict: Option<Verdict>, request: usize) -> Response {
    let (status, body, extra) = match outcome {
        Outcome::Answer {
            status,
            body,
            extra,
        } => (status, body, extra),
        Outcome::Drop => {
            // A body that fails as soon as it is read: hyper aborts the connection, and the
            // client sees a transport error instead of a response.
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "response dropped by fault injection",
                ))
            });
            let mut response = Response::new(Body::from_stream(failing));
            *response.status_mut() = StatusCode::OK;
            return response;
        }
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(&format!("req_{request:010}")) {
        headers.insert("x-request-id", id);
    }
    if let Some(v) = verdict {
        headers.insert("x-ratelimit-limit", HeaderValue::from(v.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(v.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(v.reset));
    }
    for (name, value) in extra {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}
