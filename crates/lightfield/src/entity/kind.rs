//! Which record type a request is about ([`ObjectType`]), and what the spec's table says
//! about it.

use std::fmt;

use lightfield_gen::tables::{self, ObjectSchema};

/// A record type of the API: one of the built-in types, or a custom object by slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ObjectType {
    /// Companies.
    Account,
    /// People.
    Contact,
    /// Deals.
    Opportunity,
    /// To-dos assigned to members.
    Task,
    /// Free-form notes.
    Note,
    /// Past meetings.
    Meeting,
    /// People of the workspace (read-only).
    Member,
    /// Synced or logged emails.
    Email,
    /// Messaging channels (read-only).
    Channel,
    /// Messages in channels (read-only).
    Message,
    /// Saved lists of accounts, contacts or opportunities.
    List,
    /// A custom object type, by its slug (`vendor`).
    Custom(String),
}

impl ObjectType {
    /// The record type named by `name`: a built-in type's API name (`account`), or else a
    /// custom object's slug.
    pub fn from_api(name: &str) -> ObjectType {
        match name {
            "account" => Self::Account,
            "contact" => Self::Contact,
            "opportunity" => Self::Opportunity,
            "task" => Self::Task,
            "note" => Self::Note,
            "meeting" => Self::Meeting,
            "member" => Self::Member,
            "email" => Self::Email,
            "channel" => Self::Channel,
            "message" => Self::Message,
            "list" => Self::List,
            slug => Self::Custom(slug.to_string()),
        }
    }

    /// The API's name of the type (`account`), or the custom object's slug.
    pub fn as_api(&self) -> &str {
        match self {
            Self::Account => "account",
            Self::Contact => "contact",
            Self::Opportunity => "opportunity",
            Self::Task => "task",
            Self::Note => "note",
            Self::Meeting => "meeting",
            Self::Member => "member",
            Self::Email => "email",
            Self::Channel => "channel",
            Self::Message => "message",
            Self::List => "list",
            Self::Custom(slug) => slug,
        }
    }

    /// What the spec's table knows about a built-in type: system fields, required,
    /// read-only and create-only keys. `None` for custom objects, whose schema lives only in
    /// the organisation's definitions. Crate-private: the table's types belong to
    /// lightfield-gen, which is not part of the public API.
    pub(crate) fn schema(&self) -> Option<&'static ObjectSchema> {
        match self {
            Self::Custom(_) => None,
            builtin => tables::object_schema(builtin.as_api()),
        }
    }

    /// The built-in type whose ids start as `id` does (`acc_…` is an account), from the
    /// spec's table; `None` for anything else (custom objects' ids say no type).
    ///
    /// ```
    /// use lightfield::ObjectType;
    /// assert_eq!(ObjectType::of_id("acc_0000000001"), Some(ObjectType::Account));
    /// assert_eq!(ObjectType::of_id("vendor_1"), None);
    /// ```
    pub fn of_id(id: &str) -> Option<ObjectType> {
        tables::OBJECT_TYPES
            .iter()
            .find(|s| !s.id_prefix.is_empty() && id.starts_with(s.id_prefix))
            .map(|s| Self::from_api(s.object_type))
            .filter(|o| !matches!(o, ObjectType::Custom(_)))
    }

    /// The keys a create of this type must set (system fields and relationships), from the
    /// spec's table; empty for custom objects, whose rules live in the organisation's
    /// definitions.
    pub fn required_keys(&self) -> Vec<&'static str> {
        self.schema().map_or_else(Vec::new, |schema| {
            let fields = schema.fields.iter().filter(|f| f.required).map(|f| f.key);
            let links = schema
                .relationships
                .iter()
                .filter(|r| r.required)
                .map(|r| r.key);
            fields.chain(links).collect()
        })
    }

    /// Whether the API deduplicates creates and updates of this type by their idempotency
    /// key (the spec's table, after the API's `x-idempotency-key`): a create sent again with
    /// the same key within 24 hours answers the first one. Custom objects' writes are not
    /// deduplicated: one sent twice may make two records.
    ///
    /// ```
    /// use lightfield::ObjectType;
    /// assert!(ObjectType::Account.deduplicates_writes());
    /// assert!(!ObjectType::Custom("vendor".into()).deduplicates_writes());
    /// ```
    pub fn deduplicates_writes(&self) -> bool {
        let operation = match self {
            Self::Custom(_) => "object_create".to_string(),
            builtin => format!("{}_create", builtin.as_api()),
        };
        tables::operation(&operation).is_some_and(|op| op.retry == tables::Retry::Keyed)
    }

    /// How messages name a set of these records: `accounts`, or `` `vendor` records ``.
    /// Whether the API lists this type's trashed records (`status=trashed`): accounts,
    /// contacts, opportunities, tasks, notes and meetings do; custom objects, emails, lists
    /// and the read-only types do not.
    ///
    /// ```
    /// use lightfield::ObjectType;
    /// assert!(ObjectType::Note.lists_trash());
    /// assert!(!ObjectType::Custom("vendor".into()).lists_trash());
    /// ```
    pub fn lists_trash(&self) -> bool {
        matches!(
            self,
            Self::Account
                | Self::Contact
                | Self::Opportunity
                | Self::Task
                | Self::Note
                | Self::Meeting
        )
    }

    pub(crate) fn plural(&self) -> String {
        match (self, self.schema()) {
            (_, Some(schema)) => schema.collection.to_string(),
            (other, None) => format!("`{}` records", other.as_api()),
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api())
    }
}
