//! Lists: saved sets of accounts, contacts or opportunities. `client.lists()`.
//!
//! A list holds records of one type. [`Lists::create`] takes the members as a
//! [`ListMembers`], which names the type and the ids together, so a list of accounts that
//! is sent contacts cannot be written. Members are read with [`Lists::accounts`],
//! [`Lists::contacts`] and [`Lists::opportunities`], which page, stream and export like
//! any list.

use crate::entity::{Create, Ids, Listing, ObjectType, Records, Update, typed_record};
use crate::resources::accounts::Account;
use crate::resources::contacts::Contact;
use crate::resources::opportunities::Opportunity;
use crate::value::InputValue;

use super::facade;

typed_record!(
    /// A list: its name, the type of its members, and its description. The members
    /// themselves are read through [`Lists::accounts`] and its siblings.
    ListRecord: Editable, Deletable
);

facade!(
    /// The list operations: create, update, retrieve, list, delete, and the members of a
    /// list by type. Lists have no restore.
    Lists(ListRecord, ObjectType::List),
    lists
);

/// The members of a list, with their type.
#[derive(Debug, Clone, PartialEq)]
pub enum ListMembers {
    /// Account ids.
    Accounts(Ids),
    /// Contact ids.
    Contacts(Ids),
    /// Opportunity ids.
    Opportunities(Ids),
}

impl ListMembers {
    /// The list's `$objectType` for these members.
    pub fn object_type(&self) -> &'static str {
        match self {
            Self::Accounts(_) => "account",
            Self::Contacts(_) => "contact",
            Self::Opportunities(_) => "opportunity",
        }
    }

    /// The relationship key the members go under.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Accounts(_) => "$accounts",
            Self::Contacts(_) => "$contacts",
            Self::Opportunities(_) => "$opportunities",
        }
    }

    fn into_parts(self) -> (&'static str, Ids) {
        let key = self.key();
        match self {
            Self::Accounts(ids) | Self::Contacts(ids) | Self::Opportunities(ids) => (key, ids),
        }
    }
}

impl Lists {
    /// Starts a create of a list named `name` holding `members`; the list's type follows
    /// from the members.
    ///
    /// ```no_run
    /// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
    /// use lightfield::resources::lists::ListMembers;
    /// let list = client.lists().create("Q3 targets", ListMembers::Accounts(["acc_1", "acc_2"].into())).send().await?;
    /// let members: Vec<_> = {
    ///     use futures_util::TryStreamExt;
    ///     client.lists().accounts(&list.id).stream().try_collect().await?
    /// };
    /// # let _ = members; Ok(()) }
    /// ```
    pub fn create(&self, name: impl Into<String>, members: ListMembers) -> Create<ListRecord> {
        let object_type = members.object_type();
        let (key, ids) = members.into_parts();
        self.0
            .create()
            .field("$name", InputValue::Text(name.into()))
            // The current form is `$account`; the bare slug is accepted but deprecated.
            .field("$objectType", InputValue::Text(format!("${object_type}")))
            .relationship(key, ids)
    }

    /// The accounts of list `list_id`.
    pub fn accounts(&self, list_id: impl Into<String>) -> Listing<Account> {
        Records::new(self.client(), ObjectType::Account).members_of(list_id.into())
    }

    /// The contacts of list `list_id`.
    pub fn contacts(&self, list_id: impl Into<String>) -> Listing<Contact> {
        Records::new(self.client(), ObjectType::Contact).members_of(list_id.into())
    }

    /// The opportunities of list `list_id`.
    pub fn opportunities(&self, list_id: impl Into<String>) -> Listing<Opportunity> {
        Records::new(self.client(), ObjectType::Opportunity).members_of(list_id.into())
    }
}

impl Create<ListRecord> {
    /// `$description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        self.field("$description", InputValue::Text(text.into()))
    }
}

impl Update<ListRecord> {
    /// `$name`.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.field("$name", InputValue::Text(name.into()))
    }

    /// `$description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        self.field("$description", InputValue::Text(text.into()))
    }

    /// Adds members (of the list's type; the API refuses others).
    pub fn add_members(self, members: ListMembers) -> Self {
        let (key, ids) = members.into_parts();
        self.add(key, ids)
    }

    /// Removes members.
    pub fn remove_members(self, members: ListMembers) -> Self {
        let (key, ids) = members.into_parts();
        self.remove(key, ids)
    }
}

impl ListRecord {
    /// `$name`.
    pub fn name(&self) -> Option<&str> {
        self.text("$name")
    }

    /// `$objectType`: the type of the members (`account`, `contact`, `opportunity`),
    /// without the `$` of the current form, whichever form the server sends.
    pub fn member_type(&self) -> Option<&str> {
        self.text("$objectType").map(|t| t.trim_start_matches('$'))
    }

    /// `$description`.
    pub fn description(&self) -> Option<&str> {
        self.text("$description")
    }
}
