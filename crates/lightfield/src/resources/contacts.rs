//! Contacts: people, usually at an account. `client.contacts()`.

use crate::entity::{Create, Ids, ObjectType, Update, impl_for, typed_record};
use crate::value::{FieldValue, FullName, InputValue};

use super::{facade, strings};

typed_record!(
    /// A contact record: getters for its system fields beside the fields and methods of every
    /// [`Record`](struct@crate::Record).
    Contact: Editable, Described, Deletable, Trashable, WithHistory, Mergeable
);

facade!(
    /// The contact operations: create, update, retrieve, list, definitions, delete,
    /// restore and field history.
    Contacts(Contact, ObjectType::Contact),
    contacts
);

impl Contacts {
    /// Starts Lightfield's enrichment of record `id` (see `client.enrichment_runs()` to
    /// follow it).
    pub fn enrich(&self, id: impl Into<String>) -> super::runs::Enrich {
        super::runs::Enrich::new(self.client(), "contacts", id.into())
    }

    /// Starts a create. No field is required; set a name or an email at least to find the
    /// contact again.
    pub fn create(&self) -> Create<Contact> {
        self.0.create()
    }
}

impl_for!([Create<Contact>, Update<Contact>] {
    /// `$name`: first and last name.
    pub fn name(self, name: FullName) -> Self {
        self.field("$name", InputValue::FullName(name))
    }

    /// `$email`: email addresses (the whole list).
    pub fn emails(self, emails: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.field("$email", strings(emails))
    }

    /// `$profilePhotoUrl`.
    pub fn profile_photo_url(self, url: impl Into<String>) -> Self {
        self.field("$profilePhotoUrl", InputValue::Text(url.into()))
    }
});

impl Create<Contact> {
    /// `$account`: the accounts the contact belongs to.
    pub fn accounts(self, account_ids: impl Into<Ids>) -> Self {
        self.relationship("$account", account_ids)
    }

    /// Skips Lightfield's automatic enrichment of the new contact.
    pub fn skip_enrichment(self, skip: bool) -> Self {
        self.with_skip_enrichment(skip)
    }
}

impl Contact {
    /// `$name`.
    pub fn name(&self) -> Option<&FullName> {
        self.field("$name").and_then(FieldValue::as_full_name)
    }

    /// `$email`: the contact's email addresses.
    pub fn emails(&self) -> Vec<&str> {
        self.texts("$email")
    }

    /// `$profilePhotoUrl`.
    pub fn profile_photo_url(&self) -> Option<&str> {
        self.text("$profilePhotoUrl")
    }

    /// `$account`: ids of the contact's accounts.
    pub fn accounts(&self) -> &[String] {
        self.related("$account")
    }
}
