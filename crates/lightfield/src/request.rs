//! [`Call`]: one request to one generated operation, for the operations that are not
//! record operations (files, email sending, key validation, runs, merges…).
//!
//! Each resource method only says which generated method to call and how to read its
//! answer; the per-call settings, the idempotency key (one per logical call, resent on
//! every retry) and the send path are here, once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use lightfield_gen::types as wire;
use lightfield_gen::{Error as GenError, ResponseValue};

use crate::client::{Client, Response};
use crate::error::Result;
use crate::http::options::{RequestOptions, idempotency_setter, request_option_setters};

type Send<T> = Box<
    dyn FnOnce(
            Client,
            RequestOptions,
        ) -> Pin<Box<dyn Future<Output = Result<Response<T>>> + std::marker::Send>>
        + std::marker::Send,
>;

/// A request to one operation, answered as `T`; ends in `.send().await`.
#[must_use = "a request does nothing until `.send().await`"]
pub struct Call<T> {
    client: Client,
    options: RequestOptions,
    operation: &'static str,
    send: Send<T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T: std::marker::Send + 'static> Call<T> {
    /// A call of `operation` (its id, for `Debug`): `run` calls the generated method with
    /// this call's idempotency key, `read` turns the answer (and the raw body, for what the
    /// generated types do not model) into `T`.
    pub(crate) fn new<W, F, Fut, R>(
        client: &Client,
        operation: &'static str,
        run: F,
        read: R,
    ) -> Self
    where
        W: 'static,
        R: FnOnce(W, &[u8]) -> T + std::marker::Send + 'static,
        F: FnOnce(lightfield_gen::Client, String) -> Fut + std::marker::Send + 'static,
        Fut: Future<Output = std::result::Result<ResponseValue<W>, GenError<wire::ErrorBody>>>
            + std::marker::Send
            + 'static,
    {
        Self::decoding(client, operation, run, move |w, body| Ok(read(w, body)))
    }

    /// Like `new`, for an answer whose conversion can fail (one holding raw records): a
    /// failure is an [`Error::Decode`](crate::Error::Decode) with the body.
    pub(crate) fn decoding<W, F, Fut, R>(
        client: &Client,
        operation: &'static str,
        run: F,
        read: R,
    ) -> Self
    where
        W: 'static,
        R: FnOnce(W, &[u8]) -> std::result::Result<T, serde_json::Error>
            + std::marker::Send
            + 'static,
        F: FnOnce(lightfield_gen::Client, String) -> Fut + std::marker::Send + 'static,
        Fut: Future<Output = std::result::Result<ResponseValue<W>, GenError<wire::ErrorBody>>>
            + std::marker::Send
            + 'static,
    {
        Self {
            client: client.clone(),
            options: RequestOptions::default(),
            operation,
            send: Box::new(move |client, options| {
                Box::pin(async move {
                    let key = options.idempotency_key()?;
                    let call = options.for_policy(&client.transport.policy);
                    let response = client.call(call, move |c| run(c, key)).await?;
                    response.try_map_with_body(read)
                })
            }),
        }
    }

    /// A call whose input was refused before sending: `send` answers `error`.
    pub(crate) fn refused(client: &Client, operation: &'static str, error: crate::Error) -> Self {
        Self {
            client: client.clone(),
            options: RequestOptions::default(),
            operation,
            send: Box::new(move |_, _| Box::pin(async move { Err(error) })),
        }
    }

    request_option_setters!();
    idempotency_setter!();

    /// Sends the request; returns its answer.
    pub async fn send(self) -> Result<T> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the request; returns its answer with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<T>> {
        (self.send)(self.client, self.options).await
    }
}
