//! Requests to endpoints this crate does not wrap yet, through the same transport
//! (authentication, version header, rate limits, retries, idempotency keys).

use http::Method;
use serde_json::Value;

use crate::client::{Client, Ended, Response, settle};
use crate::error::{Error, Result};
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
///
/// The SDK does not know which operation a raw request is, so it retries a `GET` or
/// `DELETE` after any transient failure but a `POST` only when it surely never reached the
/// server: a raw write whose answer is lost ends in
/// [`Error::OutcomeUnknown`].
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
            return Err(Error::invalid(format!(
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
            .map_err(|e| Error::invalid(format!("cannot build the request: {e}")))?;
        let hooks = CallHooks::new(
            transport.clone(),
            self.options.for_policy(&self.client.transport.policy),
        );
        let result = hooks.within_deadline(hooks.run(request, "raw")).await?;
        let ended = match result {
            Ok(response) => Ended::Answered(response.status().as_u16(), ()),
            Err(source) => Ended::Transport(source),
        };
        // The transport already read the whole body; the JSON is read from there.
        settle(&hooks, ended)?.try_map_with_body(|(), bytes| match bytes {
            [] => Ok(Value::Null),
            bytes => serde_json::from_slice(bytes),
        })
    }
}
