//! Merging duplicates: [`Merge`] folds one record into another, resolving each field by
//! keeping the primary's value, the duplicate's, or a given one.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use lightfield_gen::types as wire;

use super::decode::raw_record;
use super::kind::ObjectType;
use super::{Entity, check_id, dispatch};
use crate::client::{Client, Response};
use crate::error::Result;
use crate::http::options::{RequestOptions, idempotency_setter, request_option_setters};
use crate::open_enum::open_enum;
use crate::value::InputValue;

open_enum!(
    /// Where a merge stands.
    MergeStatus {
        /// Merged; references are still being moved.
        CleanupPending = "cleanup_pending",
        /// Done.
        Done = "done",
        /// Failed.
        Failed = "failed",
    }
);

impl MergeStatus {
    /// Whether the merge has finished.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::CleanupPending)
    }
}

/// How a merge settles one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Keep the primary record's value.
    Primary,
    /// Take the duplicate's value.
    Duplicate,
    /// Set this value.
    Value(InputValue),
}

impl Resolution {
    fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Primary => "primary".into(),
            Self::Duplicate => "duplicate".into(),
            Self::Value(v) => serde_json::json!({ "value": v.to_json() }),
        }
    }
}

/// What the API says a merge changed.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct MergeSummary {
    /// Fields written on the primary.
    pub field_write_count: u64,
    /// Synced items moved to the primary.
    pub sync_repointed_count: u64,
    /// Warnings, kept raw: their shape is not documented.
    pub warnings: Vec<serde_json::Value>,
}

/// The outcome of a merge request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MergeOutcome<T> {
    /// The merge's id (see `client.merges().wait(id)`).
    pub merge_id: String,
    /// Where it stands.
    pub status: MergeStatus,
    /// The primary record after the merge.
    pub primary: T,
    /// What changed.
    pub summary: MergeSummary,
}

/// A merge of two records; see `Records::merge`.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// let outcome = client
///     .accounts()
///     .merge("acc_keep", "acc_dup")
///     .keep_duplicate("$website")
///     .value("tier", "Gold")
///     .send()
///     .await?;
/// client.merges().wait(&outcome.merge_id).send().await?;
/// # Ok(()) }
/// ```
#[derive_where::derive_where(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Merge<T> {
    client: Client,
    object: ObjectType,
    primary: String,
    duplicate: String,
    resolutions: BTreeMap<String, Resolution>,
    multi_select_union: Option<bool>,
    options: RequestOptions,
    output: PhantomData<fn() -> T>,
}

impl<T: Entity> Merge<T> {
    pub(crate) fn new(
        client: Client,
        object: ObjectType,
        primary: String,
        duplicate: String,
    ) -> Self {
        Self {
            client,
            object,
            primary,
            duplicate,
            resolutions: BTreeMap::new(),
            multi_select_union: None,
            options: RequestOptions::default(),
            output: PhantomData,
        }
    }

    request_option_setters!();
    idempotency_setter!();

    /// Settles field `key` as `resolution`.
    pub fn resolve(mut self, key: impl Into<String>, resolution: Resolution) -> Self {
        self.resolutions.insert(key.into(), resolution);
        self
    }

    /// Keeps the primary's value of `key`.
    pub fn keep_primary(self, key: impl Into<String>) -> Self {
        self.resolve(key, Resolution::Primary)
    }

    /// Takes the duplicate's value of `key`.
    pub fn keep_duplicate(self, key: impl Into<String>) -> Self {
        self.resolve(key, Resolution::Duplicate)
    }

    /// Sets `key` to `value`.
    pub fn value(self, key: impl Into<String>, value: impl Into<InputValue>) -> Self {
        self.resolve(key, Resolution::Value(value.into()))
    }

    /// Keeps the union of both records' multi-select values.
    pub fn multi_select_union(mut self, union: bool) -> Self {
        self.multi_select_union = Some(union);
        self
    }

    /// The JSON body this request sends.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self.wire_body()).unwrap_or_default()
    }

    fn wire_body(&self) -> wire::MergeBody {
        wire::MergeBody {
            primary_id: self.primary.clone(),
            duplicate_id: self.duplicate.clone(),
            field_resolutions: self
                .resolutions
                .iter()
                .map(|(k, r)| (k.clone(), r.to_json()))
                .collect(),
            options: self.multi_select_union.map(|union| wire::MergeBodyOptions {
                multi_select_union: Some(union),
            }),
        }
    }

    /// Sends the merge.
    pub async fn send(self) -> Result<MergeOutcome<T>> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the merge; the outcome with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<MergeOutcome<T>>> {
        check_id(&self.object, &self.primary, "merge into")?;
        check_id(&self.object, &self.duplicate, "merge")?;
        if self.primary == self.duplicate {
            return Err(crate::Error::invalid(
                "a record cannot be merged into itself: the primary and duplicate ids are the same",
            ));
        }
        let key = self.options.idempotency_key()?;
        let body = self.wire_body();
        let object = self.object;
        let options = self.options.for_policy(&self.client.transport.policy);
        let response = self
            .client
            .call(options, move |c| async move {
                dispatch::merge(&c, &object, Some(&key), &body).await
            })
            .await?;
        response.try_map_decoded(|m, body| {
            let summary = m.summary.unwrap_or_default();
            let primary = raw_record(&m.primary).map_err(|e| crate::Error::decode(e, body))?;
            Ok(MergeOutcome {
                merge_id: m.merge.id,
                status: MergeStatus::from_api(&m.merge.status),
                primary: T::decode(primary)?,
                summary: MergeSummary {
                    field_write_count: summary
                        .field_write_count
                        .map_or(0, |n| u64::try_from(n).unwrap_or(0)),
                    sync_repointed_count: summary
                        .sync_repointed_count
                        .map_or(0, |n| u64::try_from(n).unwrap_or(0)),
                    warnings: summary.warnings,
                },
            })
        })
    }
}
