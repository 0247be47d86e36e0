//! The storage host's side of uploads and downloads: no API key, a token per file instead.
//! The token is checked before an upload's body is read (a request with no right to store
//! costs no memory), the body is then read up to the API's file limit plus headroom, and
//! the uploads held together are bounded (`resources::files::MAX_STORED`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;

use crate::Shared;
use crate::log::LoggedRequest;

/// The largest upload body read: the API's 512 MiB file limit plus headroom.
const MAX_UPLOAD_BODY: usize = 600 * 1024 * 1024;

pub(crate) async fn handle(shared: Arc<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str();
    let id = parts.uri.path().strip_prefix("/storage/").unwrap_or("");
    let token = match method {
        "PUT" => parts
            .headers
            .get("x-upload-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        _ => form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned()),
    };
    let checked = shared.lock().store.files.check_token(id, token.as_deref());
    let (status, answer, read) = match checked {
        Err((status, answer)) => (status, answer, Default::default()),
        Ok(()) => match axum::body::to_bytes(body, MAX_UPLOAD_BODY).await {
            Err(_) => (
                413,
                b"the body is larger than an upload may be".to_vec(),
                Default::default(),
            ),
            Ok(bytes) => {
                let mut state = shared.lock();
                let (status, answer) =
                    state
                        .store
                        .files
                        .storage(method, id, token.as_deref(), &bytes);
                (status, answer, bytes)
            }
        },
    };
    // Logged once answered, with the body read (none when refused before reading it).
    let mut logged = LoggedRequest::of(&parts.method, &parts.uri, &parts.headers, &read);
    logged.status = Some(status);
    shared.lock().log.push(logged);
    let mut response = Response::new(Body::from(answer));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/octet-stream"),
    );
    response
}
