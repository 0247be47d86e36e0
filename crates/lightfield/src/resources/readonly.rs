//! The record types the API only lets you read: members, channels and messages, plus
//! emails (which logged ones can also be trashed and restored).
//! `client.members()`, `client.emails()`, `client.channels()`, `client.messages()`.

use crate::entity::{ObjectType, typed_record};
use crate::value::{FieldValue, FullName};

use super::facade;

typed_record!(
    /// A member of the workspace.
    Member
);
typed_record!(
    /// An email synced or logged into the CRM. With `METADATA` access
    /// ([`Record::access_level`](crate::Record::access_level)) the subject is left out.
    Email: Deletable, Trashable
);
typed_record!(
    /// A messaging channel.
    Channel
);
typed_record!(
    /// A message in a channel.
    Message
);

facade!(
    /// The member operations: retrieve and list.
    Members(Member, ObjectType::Member),
    members
);
facade!(
    /// The email operations: retrieve, list, delete and restore (the last two for logged
    /// emails only).
    Emails(Email, ObjectType::Email),
    emails
);
facade!(
    /// The channel operations: retrieve and list.
    Channels(Channel, ObjectType::Channel),
    channels
);
facade!(
    /// The message operations: retrieve and list.
    Messages(Message, ObjectType::Message),
    messages
);

impl Member {
    /// `$name`: the member's first and last name.
    pub fn name(&self) -> Option<&FullName> {
        self.field("$name").and_then(FieldValue::as_full_name)
    }

    /// `$email`.
    pub fn email(&self) -> Option<&str> {
        self.text("$email")
    }

    /// `$profileImage`: a URL.
    pub fn profile_image(&self) -> Option<&str> {
        self.text("$profileImage")
    }

    /// `$role` in the workspace, as text.
    pub fn role(&self) -> Option<&str> {
        self.text("$role")
    }
}

impl Email {
    /// `$from`.
    pub fn from_address(&self) -> Option<&str> {
        self.text("$from")
    }

    /// `$to`.
    pub fn to(&self) -> Vec<&str> {
        self.texts("$to")
    }

    /// `$cc`.
    pub fn cc(&self) -> Vec<&str> {
        self.texts("$cc")
    }

    /// `$bcc`.
    pub fn bcc(&self) -> Vec<&str> {
        self.texts("$bcc")
    }

    /// `$subject` (absent with `METADATA` access).
    pub fn subject(&self) -> Option<&str> {
        self.text("$subject")
    }

    /// `$sentAt`, parsed.
    pub fn sent_at(&self) -> Option<time::OffsetDateTime> {
        super::parse_datetime(self.text("$sentAt"))
    }

    /// `$threadId`.
    pub fn thread_id(&self) -> Option<&str> {
        self.text("$threadId")
    }
}
