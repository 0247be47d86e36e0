//! Accounts: companies and organisations. `client.accounts()`.

use crate::entity::{Create, Ids, ObjectType, Update, impl_for, typed_record};
use crate::value::{Address, InputValue};

use super::{facade, strings};

typed_record!(
    /// An account record: getters for its system fields beside the fields and methods of every
    /// [`Record`](struct@crate::Record).
    Account: Editable, Described, Deletable, Trashable, WithHistory, Mergeable
);

facade!(
    /// The account operations: create, update, retrieve, list, definitions, delete,
    /// restore and field history.
    Accounts(Account, ObjectType::Account),
    accounts
);

impl Accounts {
    /// Starts Lightfield's enrichment of record `id` (see `client.enrichment_runs()` to
    /// follow it).
    pub fn enrich(&self, id: impl Into<String>) -> super::runs::Enrich {
        super::runs::Enrich::new(self.client(), "accounts", id.into())
    }

    /// Starts a create. `name` (`$name`) is the one required field.
    pub fn create(&self, name: impl Into<String>) -> Create<Account> {
        self.0
            .create()
            .field("$name", InputValue::Text(name.into()))
    }
}

impl_for!([Create<Account>, Update<Account>] {
    /// `$website`: the company's web addresses.
    pub fn website(self, urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.field("$website", strings(urls))
    }

    /// `$industry`: industries, by option id or label.
    pub fn industry(self, options: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.field("$industry", strings(options))
    }

    /// `$headcount`: the employee-count band, by option id or label.
    pub fn headcount(self, option: impl Into<String>) -> Self {
        self.field("$headcount", InputValue::Text(option.into()))
    }

    /// `$lastFundingType`: the latest funding round, by option id or label.
    pub fn last_funding_type(self, option: impl Into<String>) -> Self {
        self.field("$lastFundingType", InputValue::Text(option.into()))
    }

    /// `$primaryAddress`.
    pub fn primary_address(self, address: Address) -> Self {
        self.field("$primaryAddress", InputValue::Address(Box::new(address)))
    }

    /// `$linkedIn` handle.
    pub fn linked_in(self, handle: impl Into<String>) -> Self {
        self.field("$linkedIn", InputValue::Text(handle.into()))
    }

    /// `$twitter` handle.
    pub fn twitter(self, handle: impl Into<String>) -> Self {
        self.field("$twitter", InputValue::Text(handle.into()))
    }

    /// `$facebook` handle.
    pub fn facebook(self, handle: impl Into<String>) -> Self {
        self.field("$facebook", InputValue::Text(handle.into()))
    }

    /// `$instagram` handle.
    pub fn instagram(self, handle: impl Into<String>) -> Self {
        self.field("$instagram", InputValue::Text(handle.into()))
    }
});

impl Create<Account> {
    /// `$owner`: the member who owns the account.
    pub fn owner(self, member_id: impl Into<String>) -> Self {
        self.relationship("$owner", Ids::One(member_id.into()))
    }

    /// `$contact`: the account's contacts.
    pub fn contacts(self, contact_ids: impl Into<Ids>) -> Self {
        self.relationship("$contact", contact_ids)
    }

    /// Skips Lightfield's automatic enrichment of the new account.
    pub fn skip_enrichment(self, skip: bool) -> Self {
        self.with_skip_enrichment(skip)
    }
}

impl Update<Account> {
    /// `$name`.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.field("$name", InputValue::Text(name.into()))
    }

    /// `$owner`: replaces the owning member.
    pub fn owner(self, member_id: impl Into<String>) -> Self {
        self.replace("$owner", member_id)
    }
}

impl Account {
    /// `$name`: the account's display name.
    pub fn name(&self) -> Option<&str> {
        self.text("$name")
    }

    /// `$website`: the company's web addresses.
    pub fn website(&self) -> Vec<&str> {
        self.texts("$website")
    }

    /// `$industry`: the chosen industries.
    pub fn industry(&self) -> Vec<&str> {
        self.texts("$industry")
    }

    /// `$headcount`: the employee-count band.
    pub fn headcount(&self) -> Option<&str> {
        self.text("$headcount")
    }

    /// `$lastFundingType`: the latest funding round.
    pub fn last_funding_type(&self) -> Option<&str> {
        self.text("$lastFundingType")
    }

    /// `$primaryAddress`.
    pub fn primary_address(&self) -> Option<&Address> {
        self.field("$primaryAddress")
            .and_then(crate::FieldValue::as_address)
    }

    /// `$linkedIn` handle.
    pub fn linked_in(&self) -> Option<&str> {
        self.text("$linkedIn")
    }

    /// `$twitter` handle.
    pub fn twitter(&self) -> Option<&str> {
        self.text("$twitter")
    }

    /// `$facebook` handle.
    pub fn facebook(&self) -> Option<&str> {
        self.text("$facebook")
    }

    /// `$instagram` handle.
    pub fn instagram(&self) -> Option<&str> {
        self.text("$instagram")
    }

    /// `$howTheyMakeMoney` (read-only, written by Lightfield).
    pub fn how_they_make_money(&self) -> Option<&str> {
        self.text("$howTheyMakeMoney")
    }

    /// `$accountStatus` (read-only).
    pub fn account_status(&self) -> Option<&str> {
        self.text("$accountStatus")
    }

    /// `$owner`: the id of the owning member, if any.
    pub fn owner(&self) -> Option<&str> {
        self.related_one("$owner")
    }

    /// `$contact`: ids of the account's contacts.
    pub fn contacts(&self) -> &[String] {
        self.related("$contact")
    }
}
