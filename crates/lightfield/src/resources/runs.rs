//! Work that goes on after the request that starts it, and the key's own description:
//! `client.validate()`, `client.workflow_runs()`, `client.enrichment_runs()` and
//! `client.merges()`. Each run can be waited for ([`Wait`]).

use std::collections::BTreeMap;

use lightfield_gen::types as wire;
use serde_json::Value;

use crate::ObjectType;
use crate::client::Client;
use crate::entity::MergeStatus;
use crate::entity::check_id;
use crate::error::Error;
use crate::open_enum::open_enum;
use crate::request::Call;
use crate::request::idempotency::Keyed;
use crate::wait::Wait;

open_enum!(
    /// Whom an API key belongs to.
    SubjectType {
        /// A user's key.
        User = "user",
        /// A workspace key.
        Workspace = "workspace",
    }
);

/// What an API key is and may do; see [`Client::validate`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct KeyInfo {
    /// Whether the key works.
    pub active: bool,
    /// What it may do, e.g. `accounts:read`.
    pub scopes: Vec<String>,
    /// Whom it belongs to.
    pub subject_type: Option<SubjectType>,
    /// The kind of token (`api_key`).
    pub token_type: Option<String>,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: BTreeMap<String, Value>,
}

impl KeyInfo {
    /// Whether the key has `scope` (`"accounts:read"`).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

impl Client {
    /// Checks the API key: whether it is active, its scopes and its owner. What an
    /// integration calls to test a key before using it.
    pub fn validate(&self) -> Call<KeyInfo> {
        Call::new(
            self,
            "auth_validate",
            |c, _| async move { c.auth_validate().await },
            |k: wire::KeyInfo, _| KeyInfo {
                active: k.active,
                scopes: k.scopes,
                subject_type: k.subject_type.as_deref().map(SubjectType::from_api),
                token_type: k.token_type,
                extra: k.extra.into_iter().collect(),
            },
        )
    }

    /// Workflow runs: their status, and waiting for them to finish.
    pub fn workflow_runs(&self) -> WorkflowRuns {
        WorkflowRuns {
            client: self.clone(),
        }
    }

    /// Enrichment runs: their status, and waiting for them to finish (start one with
    /// `client.accounts().enrich(id)` or `client.contacts().enrich(id)`).
    pub fn enrichment_runs(&self) -> EnrichmentRuns {
        EnrichmentRuns {
            client: self.clone(),
        }
    }

    /// Merges: their status, and waiting for them to finish (start one with
    /// `client.accounts().merge(primary, duplicate)` and its siblings).
    pub fn merges(&self) -> Merges {
        Merges {
            client: self.clone(),
        }
    }
}

fn run_id(what: &str, id: String) -> Result<String, Error> {
    check_id(&ObjectType::Custom(what.into()), &id, "read")
        .map_err(|_| Error::invalid(format!("`{id}` is not a {what} id")))
}

open_enum!(
    /// Where a workflow run stands.
    RunStatus {
        /// Still going.
        Running = "running",
        /// Finished well.
        Completed = "completed",
        /// Finished badly.
        Failed = "failed",
    }
);

impl RunStatus {
    /// Whether the run has finished (completed or failed; also any status the SDK does not
    /// know that is not `running` or `queued`).
    pub fn is_final(&self) -> bool {
        match self {
            Self::Running => false,
            Self::Other(name) => !matches!(name.as_str(), "queued" | "pending" | "started"),
            _ => true,
        }
    }
}

/// The workflow run operations of a client.
#[derive(Debug, Clone)]
pub struct WorkflowRuns {
    client: Client,
}

impl WorkflowRuns {
    /// The status of run `id`.
    pub fn status(&self, id: impl Into<String>) -> Call<RunStatus> {
        match run_id("workflow run", id.into()) {
            Err(e) => Call::refused(&self.client, "workflow_run_status", e),
            Ok(id) => Call::new(
                &self.client,
                "workflow_run_status",
                move |c, _| async move { c.workflow_run_status(&id).await },
                |s: wire::WorkflowRunStatus, _| RunStatus::from_api(&s.status),
            ),
        }
    }

    /// Polls run `id` until it has finished.
    pub fn wait(&self, id: impl Into<String>) -> Wait<RunStatus> {
        let (runs, id) = (self.clone(), id.into());
        Wait::new(
            format!("workflow run {id}"),
            move || runs.status(id.clone()).send(),
            RunStatus::is_final,
        )
    }
}

open_enum!(
    /// Where an enrichment run stands.
    EnrichmentStatus {
        /// Waiting to start.
        Queued = "queued",
        /// Going.
        Running = "running",
        /// Finished well.
        Completed = "completed",
        /// Finished badly.
        Failed = "failed",
        /// Took too long.
        TimedOut = "timed_out",
    }
);

impl EnrichmentStatus {
    /// Whether the run has finished.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

/// An enrichment run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EnrichmentRun {
    /// The run's id.
    pub id: String,
    /// The enriched record.
    pub entity_id: String,
    /// `account` or `contact`.
    pub entity_type: Option<String>,
    /// Where it stands.
    pub status: EnrichmentStatus,
    /// The fields it fills.
    pub target_fields: Vec<String>,
    /// What started it (`creation`, `manual`, `update`).
    pub trigger: Option<String>,
    /// When it started, if it has.
    pub started_at: Option<String>,
    /// When it finished, if it has.
    pub completed_at: Option<String>,
    /// When it was queued.
    pub created_at: Option<String>,
    /// When it last changed.
    pub updated_at: Option<String>,
    /// Keys a newer server sent beside the known ones, kept as received.
    pub extra: BTreeMap<String, Value>,
}

impl EnrichmentRun {
    pub(crate) fn from_wire(r: wire::EnrichmentRun) -> Self {
        Self {
            id: r.id,
            entity_id: r.entity_id,
            entity_type: r.entity_type,
            status: EnrichmentStatus::from_api(&r.status),
            target_fields: r.target_fields,
            trigger: r.trigger,
            started_at: r.started_at,
            completed_at: r.completed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            extra: r.extra.into_iter().collect(),
        }
    }
}

/// The enrichment run operations of a client.
#[derive(Debug, Clone)]
pub struct EnrichmentRuns {
    client: Client,
}

impl EnrichmentRuns {
    /// Run `id`.
    pub fn retrieve(&self, id: impl Into<String>) -> Call<EnrichmentRun> {
        match run_id("enrichment run", id.into()) {
            Err(e) => Call::refused(&self.client, "enrichment_retrieve", e),
            Ok(id) => Call::new(
                &self.client,
                "enrichment_retrieve",
                move |c, _| async move { c.enrichment_retrieve(&id).await },
                |r, _| EnrichmentRun::from_wire(r),
            ),
        }
    }

    /// Polls run `id` until it has finished.
    pub fn wait(&self, id: impl Into<String>) -> Wait<EnrichmentRun> {
        let (runs, id) = (self.clone(), id.into());
        Wait::new(
            format!("enrichment run {id}"),
            move || runs.retrieve(id.clone()).send(),
            |run| run.status.is_final(),
        )
    }
}

/// A merge and where it stands.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MergeInfo {
    /// The merge's id.
    pub id: String,
    /// The type of the merged records.
    pub entity_type: Option<String>,
    /// The record that stayed.
    pub primary_id: String,
    /// The record folded into it.
    pub duplicate_id: String,
    /// Where it stands.
    pub status: MergeStatus,
    /// When it started.
    pub created_at: Option<String>,
    /// When it last changed.
    pub updated_at: Option<String>,
    /// Keys a newer server sent beside the known ones, kept as received.
    pub extra: BTreeMap<String, Value>,
}

/// The merge operations of a client.
#[derive(Debug, Clone)]
pub struct Merges {
    client: Client,
}

impl Merges {
    /// Merge `id`.
    pub fn retrieve(&self, id: impl Into<String>) -> Call<MergeInfo> {
        match run_id("merge", id.into()) {
            Err(e) => Call::refused(&self.client, "merge_retrieve", e),
            Ok(id) => Call::new(
                &self.client,
                "merge_retrieve",
                move |c, _| async move { c.merge_retrieve(&id).await },
                |m: wire::Merge, _| MergeInfo {
                    id: m.id,
                    entity_type: m.entity_type,
                    primary_id: m.primary_id,
                    duplicate_id: m.duplicate_id,
                    status: MergeStatus::from_api(&m.status),
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                    extra: m.extra.into_iter().collect(),
                },
            ),
        }
    }

    /// Polls merge `id` until it has finished.
    pub fn wait(&self, id: impl Into<String>) -> Wait<MergeInfo> {
        let (merges, id) = (self.clone(), id.into());
        Wait::new(
            format!("merge {id}"),
            move || merges.retrieve(id.clone()).send(),
            |m| m.status.is_final(),
        )
    }
}

open_enum!(
    /// What an enrichment request did.
    EnrichmentStartStatus {
        /// A run started.
        Started = "started",
        /// A run for the record was already going.
        AlreadyRunning = "already_running",
        /// Nothing to do (see the reason).
        Skipped = "skipped",
    }
);

/// The answer to an enrichment request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EnrichmentStart {
    /// What happened.
    pub status: EnrichmentStartStatus,
    /// Why it was skipped (`no_targets`, `no_operations`).
    pub reason: Option<String>,
    /// The run, when one started or was already going.
    pub run: Option<EnrichmentRun>,
}

/// A request to enrich one account or contact; see `client.accounts().enrich(id)`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Enrich {
    client: Client,
    collection: &'static str,
    id: String,
    fields: Option<Vec<String>>,
}

impl Enrich {
    pub(crate) fn new(client: &Client, collection: &'static str, id: String) -> Self {
        Self {
            client: client.clone(),
            collection,
            id,
            fields: None,
        }
    }

    /// Only these fields (all that can be filled, by default).
    pub fn fields(mut self, keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.fields = Some(keys.into_iter().map(Into::into).collect());
        self
    }

    /// Starts the run (or learns that one is going). A 409 — a concurrent claim on the
    /// record — is retried like any conflict.
    pub async fn send(self) -> crate::Result<EnrichmentStart> {
        let id = run_id("record", self.id)?;
        if self.fields.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::invalid(
                "nothing to enrich: name at least one field, or leave `fields` out for all",
            ));
        }
        let (collection, body) = (
            self.collection,
            wire::EnrichmentStartBody {
                fields: self.fields.unwrap_or_default(),
            },
        );
        Call::<_, Keyed>::new(
            &self.client,
            "enrichment_start",
            move |c, key| async move { c.enrichment_start(collection, &id, Some(&key), &body).await },
            |s: wire::EnrichmentStart, _| EnrichmentStart {
                status: EnrichmentStartStatus::from_api(&s.status),
                reason: s.reason,
                run: s.enrichment_run.map(EnrichmentRun::from_wire),
            },
        )
        .send()
        .await
    }
}
