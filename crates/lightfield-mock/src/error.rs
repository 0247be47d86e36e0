//! Error responses in the API's documented shape: `{type, message, code, param}`.

use serde_json::{Value, json};

/// An error the mock answers with.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The `type` of the body, e.g. `bad_request`.
    pub kind: &'static str,
    /// Human-readable explanation.
    pub message: String,
    /// Finer reason, when there is one.
    pub code: Option<&'static str>,
    /// The request key at fault, when there is one.
    pub param: Option<String>,
    /// More keys of the body, as the API adds them to some refusals (`invalidContacts`,
    /// `issues`).
    pub details: serde_json::Map<String, Value>,
}

impl ApiError {
    fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            code: None,
            param: None,
            details: serde_json::Map::new(),
        }
    }

    /// The same refusal with one more key in its body.
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.details.insert(key.to_string(), value);
        self
    }

    /// 400 with a code and the offending key.
    pub fn bad_request(
        code: &'static str,
        param: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code: Some(code),
            param: Some(param.into()),
            ..Self::new(400, "bad_request", message)
        }
    }

    /// 400 with a code and no particular key.
    pub fn bad_request_plain(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: Some(code),
            ..Self::new(400, "bad_request", message)
        }
    }

    /// 401.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "unauthorized", message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "not_found", message)
    }

    /// 409 `idempotency_conflict`.
    pub fn idempotency_conflict() -> Self {
        Self::new(
            409,
            "idempotency_conflict",
            "a request with this Idempotency-Key is still being processed; retry shortly",
        )
    }

    /// 415.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            415,
            "unsupported_media_type",
            "send the body as JSON with `Content-Type: application/json`",
        )
    }

    /// 429.
    pub fn too_many_requests() -> Self {
        Self::new(
            429,
            "too_many_requests",
            "rate limit exceeded; wait for Retry-After seconds",
        )
    }

    /// Any status with a type and message (used by fault injection).
    pub fn with_status(status: u16) -> Self {
        let kind = match status {
            400 => "bad_request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            409 => "conflict",
            415 => "unsupported_media_type",
            422 => "unprocessable_content",
            429 => "too_many_requests",
            500 => "internal_server_error",
            502 => "bad_gateway",
            503 => "service_unavailable",
            504 => "gateway_timeout",
            _ => "error",
        };
        Self::new(
            status,
            kind,
            format!("injected failure with status {status}"),
        )
    }

    /// The JSON body: `code` and `param` only when there is one (the public reference types
    /// them as strings, so a `null` would be outside its error schemas).
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": self.kind,
            "message": self.message,
        });
        if let Some(code) = &self.code {
            body["code"] = json!(code);
        }
        if let Some(param) = &self.param {
            body["param"] = json!(param);
        }
        for (key, value) in &self.details {
            body[key.as_str()] = value.clone();
        }
        body
    }
}
