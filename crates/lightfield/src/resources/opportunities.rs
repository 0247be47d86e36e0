//! Opportunities: deals in progress with an account. `client.opportunities()`.

use crate::entity::{Create, Ids, ObjectType, Update, impl_for, typed_record};
use crate::value::InputValue;

use super::facade;

typed_record!(
    /// An opportunity record: getters for its system fields beside the fields and methods of every
    /// [`Record`](struct@crate::Record).
    Opportunity: Editable, Described, Deletable, Trashable, WithHistory, Mergeable
);

facade!(
    /// The opportunity operations: create, update, retrieve, list, definitions, delete,
    /// restore and field history.
    Opportunities(Opportunity, ObjectType::Opportunity),
    opportunities
);

impl Opportunities {
    /// Starts a create: `$name` and the `$account` it belongs to are required.
    ///
    /// Whether `$stage` is required too is disputed between the API's references; set it
    /// with [`Create<Opportunity>::stage`] to be safe. The spec's table (`x-object-types`)
    /// decides what the SDK checks before sending.
    pub fn create(
        &self,
        name: impl Into<String>,
        account_id: impl Into<String>,
    ) -> Create<Opportunity> {
        self.0
            .create()
            .field("$name", InputValue::Text(name.into()))
            .relationship("$account", Ids::One(account_id.into()))
    }
}

impl_for!([Create<Opportunity>, Update<Opportunity>] {
    /// `$stage`: the pipeline stage, by option id or label.
    pub fn stage(self, stage: impl Into<String>) -> Self {
        self.field("$stage", InputValue::Text(stage.into()))
    }
});

impl Create<Opportunity> {
    /// `$owner`: the member who owns the deal.
    pub fn owner(self, member_id: impl Into<String>) -> Self {
        self.relationship("$owner", Ids::One(member_id.into()))
    }

    /// `$champion`: contacts championing the deal.
    pub fn champions(self, contact_ids: impl Into<Ids>) -> Self {
        self.relationship("$champion", contact_ids)
    }

    /// `$evaluator`: contacts evaluating the deal.
    pub fn evaluators(self, contact_ids: impl Into<Ids>) -> Self {
        self.relationship("$evaluator", contact_ids)
    }
}

impl Update<Opportunity> {
    /// `$name`.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.field("$name", InputValue::Text(name.into()))
    }

    /// `$owner`: replaces the owning member.
    pub fn owner(self, member_id: impl Into<String>) -> Self {
        self.replace("$owner", member_id)
    }
}

impl Opportunity {
    /// `$name`.
    pub fn name(&self) -> Option<&str> {
        self.text("$name")
    }

    /// `$stage`: the pipeline stage's label.
    pub fn stage(&self) -> Option<&str> {
        self.text("$stage")
    }

    /// `$opportunityStatus` (read-only): open, won, lost… as the organisation names it.
    pub fn status(&self) -> Option<&str> {
        self.text("$opportunityStatus")
    }

    /// `$account`: the id of the account, if linked.
    pub fn account(&self) -> Option<&str> {
        self.related_one("$account")
    }

    /// `$owner`: the id of the owning member, if any.
    pub fn owner(&self) -> Option<&str> {
        self.related_one("$owner")
    }

    /// `$champion`: ids of the champions.
    pub fn champions(&self) -> &[String] {
        self.related("$champion")
    }

    /// `$evaluator`: ids of the evaluators.
    pub fn evaluators(&self) -> &[String] {
        self.related("$evaluator")
    }
}
