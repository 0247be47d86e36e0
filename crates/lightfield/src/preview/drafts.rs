//! The builders of a sequence's drafts: a new sequence (which opens its first draft), and a
//! change of the open draft at its version.

use lightfield_gen::types as wire;
use serde_json::{Map, Value};

use super::sequences::{Sequences, about, id_of};
use super::views::Draft;
use crate::client::Client;
use crate::error::Error;
use crate::request::Call;
use crate::request::idempotency::Keyed;

/// A new sequence; see [`Sequences::create`]. Ends in `.send().await`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct CreateSequence {
    pub(super) client: Client,
    pub(super) body: wire::SequenceCreateBody,
}

impl CreateSequence {
    /// Members who review the sequence's messages.
    pub fn reviewers(mut self, member_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.body
            .reviewers
            .extend(member_ids.into_iter().map(Into::into));
        self
    }

    /// Senders to send from; activating needs one for each channel the steps use.
    pub fn senders(mut self, sender_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.body
            .senders
            .extend(sender_ids.into_iter().map(Into::into));
        self
    }

    /// The request, with the per-call settings of every [`Call`].
    pub fn call(self) -> Call<Draft, Keyed> {
        let body = self.body;
        Call::new(
            &self.client,
            "sequence_create",
            move |c, key| async move { c.sequence_create(Some(&key), &body).await },
            |d, _| Draft::from(d),
        )
    }

    /// Sends it; answers the sequence's first draft.
    pub async fn send(self) -> crate::Result<Draft> {
        self.call().send().await
    }

    /// Sends it; answers the draft with status, headers and attempt count.
    pub async fn send_with_response(self) -> crate::Result<crate::Response<Draft>> {
        self.call().send_with_response().await
    }
}

/// A change of a sequence's draft; see [`Sequences::update_draft`]. Ends in `.send().await`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct UpdateDraft {
    pub(super) sequences: Sequences,
    pub(super) id: String,
    pub(super) body: wire::SequenceDraftBody,
}

/// Adds ids to one side of a set change, creating it on first use.
fn change(
    set: &mut Option<wire::IdChanges>,
    add: bool,
    ids: impl IntoIterator<Item = impl Into<String>>,
) {
    let set = set.get_or_insert_with(|| wire::IdChanges {
        add: Vec::new(),
        remove: Vec::new(),
    });
    let side = if add { &mut set.add } else { &mut set.remove };
    side.extend(ids.into_iter().map(Into::into));
}

impl UpdateDraft {
    /// The version of the open draft this change is based on (from [`Draft::version`]); a
    /// draft changed since is refused with a 409.
    pub fn expected_version(mut self, version: impl Into<String>) -> Self {
        self.body.expected_version = Some(version.into());
        self
    }

    /// A new name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }

    /// A new definition, replacing the draft's.
    pub fn definition(mut self, definition: Map<String, Value>) -> Self {
        self.body.definition = Some(wire::PreviewObject(definition));
        self
    }

    /// Members to add as reviewers.
    pub fn add_reviewers(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        change(&mut self.body.reviewers, true, ids);
        self
    }

    /// Members to take off the reviewers.
    pub fn remove_reviewers(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        change(&mut self.body.reviewers, false, ids);
        self
    }

    /// Senders to add.
    pub fn add_senders(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        change(&mut self.body.senders, true, ids);
        self
    }

    /// Senders to take off.
    pub fn remove_senders(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        change(&mut self.body.senders, false, ids);
        self
    }

    /// The request, with the per-call settings of every [`Call`].
    pub fn call(self) -> Call<Draft, Keyed> {
        let (sequences, id, body) = (self.sequences, self.id, self.body);
        about!(
            sequences,
            "sequence_update_draft",
            [id],
            |c, key| c.sequence_update_draft(&id, Some(&key), &body),
            |d, _| Draft::from(d)
        )
    }

    /// Sends it; answers the draft with its new version.
    pub async fn send(self) -> crate::Result<Draft> {
        self.call().send().await
    }

    /// Sends it; answers the draft with status, headers and attempt count.
    pub async fn send_with_response(self) -> crate::Result<crate::Response<Draft>> {
        self.call().send_with_response().await
    }
}
