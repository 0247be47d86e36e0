//! Notes: free-form notes linked to accounts and opportunities. `client.notes()`.
//!
//! An update changes a note's links with `add` and `remove` only; the API has no
//! `replace` for them, and the SDK refuses one before sending.

use crate::entity::{Create, Ids, ObjectType, Update, impl_for, typed_record};
use crate::value::InputValue;

use super::facade;

typed_record!(
    /// A note record: getters for its system fields beside the fields and methods of every
    /// [`Record`](struct@crate::Record).
    Note: Editable, Described, Deletable, Trashable
);

facade!(
    /// The note operations: create, update, retrieve, list, definitions, delete and
    /// restore.
    Notes(Note, ObjectType::Note),
    notes
);

impl Notes {
    /// Starts a create: `$title` is required. The author is the API key's owner.
    pub fn create(&self, title: impl Into<String>) -> Create<Note> {
        self.0
            .create()
            .field("$title", InputValue::Text(title.into()))
    }
}

impl_for!([Create<Note>, Update<Note>] {
    /// `$content`: the note's text (Markdown).
    pub fn content(self, markdown: impl Into<String>) -> Self {
        self.field("$content", InputValue::Text(markdown.into()))
    }
});

impl Create<Note> {
    /// `$account`: the accounts the note is about.
    pub fn accounts(self, account_ids: impl Into<Ids>) -> Self {
        self.relationship("$account", account_ids)
    }

    /// `$opportunity`: the opportunities the note is about.
    pub fn opportunities(self, opportunity_ids: impl Into<Ids>) -> Self {
        self.relationship("$opportunity", opportunity_ids)
    }
}

impl Update<Note> {
    /// `$title`.
    pub fn title(self, title: impl Into<String>) -> Self {
        self.field("$title", InputValue::Text(title.into()))
    }
}

impl Note {
    /// `$title`.
    pub fn title(&self) -> Option<&str> {
        self.text("$title")
    }

    /// `$content`.
    pub fn content(&self) -> Option<&str> {
        self.text("$content")
    }

    /// `$account`: ids of the linked accounts.
    pub fn accounts(&self) -> &[String] {
        self.related("$account")
    }

    /// `$opportunity`: ids of the linked opportunities.
    pub fn opportunities(&self) -> &[String] {
        self.related("$opportunity")
    }
}
