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
                    if let Some(problem) = &options.query_problem {
                        return Err(crate::Error::InvalidInput(problem.clone()));
                    }
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

/// Filters, on the calls that answer a page (the Preview lists: senders, sequences, their
/// enrollments and messages). Each operation's rustdoc names the keys the API filters on;
/// filters combine with AND.
impl<T: std::marker::Send + 'static> Call<crate::Page<T>> {
    fn push_filter(
        mut self,
        key: String,
        op: Option<crate::Op>,
        negate: bool,
        value: String,
    ) -> Self {
        let (pair, problem) = crate::paging::filter_pair(key, op, negate, value);
        if let Some(problem) = problem {
            self.options.query_problem.get_or_insert(problem);
        }
        self.options.extra_query.push(pair);
        self
    }

    /// Keeps items whose `key` satisfies `op` (`key[op]=value`), e.g.
    /// `.filter("status", Op::Equal, "ACTIVE")`.
    pub fn filter(self, key: impl Into<String>, op: crate::Op, value: impl ToString) -> Self {
        self.push_filter(key.into(), Some(op), false, value.to_string())
    }

    /// Keeps items whose `key` does not satisfy `op` (`key[-op]=value`).
    pub fn filter_not(self, key: impl Into<String>, op: crate::Op, value: impl ToString) -> Self {
        self.push_filter(key.into(), Some(op), true, value.to_string())
    }

    /// Filters with the key's default operator (`key=value`), e.g. `contactId`.
    pub fn filter_default(self, key: impl Into<String>, value: impl ToString) -> Self {
        self.push_filter(key.into(), None, false, value.to_string())
    }
}
