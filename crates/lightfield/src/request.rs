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

/// Whether a request carries an `Idempotency-Key`: the second type parameter of
/// [`Call`] and [`RecordCall`](crate::RecordCall). Only a keyed request offers
/// `idempotency_key(..)`, so a key cannot be set where the API would ignore it.
pub mod idempotency {
    pub(crate) mod sealed {
        pub trait Sealed {}
    }

    /// How a request uses an idempotency key. Sealed: [`Keyed`] and [`NoKey`] are all.
    pub trait KeyUse: sealed::Sealed + Send + 'static {
        /// Whether the request sends a key.
        const KEYED: bool;
    }

    /// A write (a `POST`): every attempt sends the same `Idempotency-Key`, the caller's
    /// or one made for the call, so a retried write happens at most once.
    #[derive(Debug)]
    pub enum Keyed {}

    /// A request that takes no key: reads, and deletes (idempotent by nature).
    #[derive(Debug)]
    pub enum NoKey {}

    impl sealed::Sealed for Keyed {}
    impl sealed::Sealed for NoKey {}
    impl KeyUse for Keyed {
        const KEYED: bool = true;
    }
    impl KeyUse for NoKey {
        const KEYED: bool = false;
    }
}

use idempotency::{KeyUse, Keyed, NoKey};

type Send<T> = Box<
    dyn FnOnce(
            Client,
            RequestOptions,
        ) -> Pin<Box<dyn Future<Output = Result<Response<T>>> + std::marker::Send>>
        + std::marker::Send,
>;

/// A request to one operation, answered as `T`; ends in `.send().await`. `K` says whether
/// it is a write that carries an idempotency key ([`Keyed`]) or not ([`NoKey`]).
#[must_use = "a request does nothing until `.send().await`"]
pub struct Call<T, K = NoKey> {
    client: Client,
    options: RequestOptions,
    operation: &'static str,
    send: Send<T>,
    key_use: std::marker::PhantomData<fn() -> K>,
}

impl<T, K> fmt::Debug for Call<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T: std::marker::Send + 'static, K: KeyUse> Call<T, K> {
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
        debug_assert_eq!(
            K::KEYED,
            is_post(operation),
            "`{operation}`: a POST is keyed, anything else is not"
        );
        Self {
            client: client.clone(),
            options: RequestOptions::default(),
            operation,
            key_use: std::marker::PhantomData,
            send: Box::new(move |client, options| {
                Box::pin(async move {
                    // Only a keyed call makes (or checks) a key; the others never send one.
                    let key = match K::KEYED {
                        true => options.idempotency_key()?,
                        false => String::new(),
                    };
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
            key_use: std::marker::PhantomData,
            send: Box::new(move |_, _| Box::pin(async move { Err(error) })),
        }
    }

    request_option_setters!();

    /// Sends the request; returns its answer.
    pub async fn send(self) -> Result<T> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the request; returns its answer with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<T>> {
        (self.send)(self.client, self.options).await
    }
}

impl<T: std::marker::Send + 'static> Call<T, Keyed> {
    idempotency_setter!();
}

/// Whether the spec's table lists `operation` as a `POST` (the writes that take a key).
fn is_post(operation: &str) -> bool {
    lightfield_gen::tables::OPERATIONS
        .iter()
        .any(|op| op.id == operation && op.method == "POST")
}
