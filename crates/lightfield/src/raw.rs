//! Requests to endpoints this crate does not wrap yet, through the same transport
//! (authentication, version header, rate limits, retries, idempotency keys).

use http::Method;
use serde_json::Value;

use crate::client::{Client, Response};
use crate::error::{ApiError, Error, Result};
use crate::http::options::{RequestOptions, idempotency_setter, request_option_setters};
use crate::http::transport::CallHooks;

impl Client {
    /// A request to any path of the API, e.g. `client.raw(Method::GET, "/v1/contacts")`.
    ///
    /// ```no_run
    /// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
    /// let contacts = client.raw(http::Method::GET, "/v1/contacts").query("limit", "5").send().await?;
    /// println!("{}", contacts.value()["totalCount"]);
    /// # Ok(()) }
    /// ```
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RawRequest {
        RawRequest {
            client: self.clone(),
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            options: RequestOptions::default(),
        }
    }
}

/// A request built by hand; see [`Client::raw`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct RawRequest {
    client: Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    options: RequestOptions,
}

impl RawRequest {
    request_option_setters!();
    idempotency_setter!();

    /// Adds a query pair.
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Sends the request; a non-2xx answer is an [`Error::Api`].
    pub async fn send(self) -> Result<Response<Value>> {
        if !self.path.starts_with('/') {
            return Err(Error::InvalidInput(format!(
                "the path `{}` must start with `/`",
                self.path
            )));
        }
        let transport = &self.client.transport;
        let url = format!("{}{}", transport.base_url, self.path);
        let mut builder = transport
            .http
            .request(self.method.clone(), url)
            .query(&self.query);
        if self.method == Method::POST {
            builder = builder.header("idempotency-key", self.options.idempotency_key()?);
        }
        if let Some(body) = &self.body {
            builder = builder.json(body);
        }
        let request = builder
            .build()
            .map_err(|e| Error::InvalidInput(format!("cannot build the request: {e}")))?;
        let hooks = CallHooks::new(
            transport.clone(),
            self.options.for_policy(&self.client.transport.policy),
        );
        let result = hooks.within_deadline(hooks.run(request, "raw")).await?;
        let mut report = hooks.take_report();
        if let Some(failure) = report.failure.take() {
            return Err(failure);
        }
        let attempts = report.attempts;
        let response = result.map_err(|source| hooks.transport_error(source, attempts))?;
        let status = response.status().as_u16();
        let headers = report.headers;
        // The transport already read the whole body; take it from there.
        let bytes = report.body;
        if !(200..300).contains(&status) {
            return Err(Error::Api(Box::new(ApiError::from_parts(
                status, headers, &bytes, attempts,
            ))));
        }
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(|e| Error::decode(e, &bytes))?
        };
        Ok(Response::new(value, status, headers, attempts, bytes))
    }
}
