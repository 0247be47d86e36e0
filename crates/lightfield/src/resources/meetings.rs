//! Meetings: past meetings with their attendees and transcripts. `client.meetings()`.
//!
//! Only what the API lets you change after the meeting is offered on an update: the
//! privacy setting, the attendee emails, the prep and summary notes, and the transcript.
//! Anything else (the title, the times…) is refused before sending.

use time::OffsetDateTime;

use crate::entity::{Create, Ids, ObjectType, Update, impl_for, typed_record};
use crate::open_enum::open_enum;
use crate::value::InputValue;

use super::{datetime, facade, parse_datetime, strings};

typed_record!(
    /// A meeting record: getters for its system fields beside the fields and methods of every
    /// [`Record`](struct@crate::Record) (`access_level` among them).
    Meeting: Editable, Described, Deletable, Trashable
);

facade!(
    /// The meeting operations: create, update, retrieve, list, definitions, delete and
    /// restore. Deleting a trashed meeting again answers 404.
    Meetings(Meeting, ObjectType::Meeting),
    meetings
);

open_enum!(
    /// Who may see a meeting's content (`$privacySetting`).
    Privacy {
        /// Everything is visible.
        Full = "FULL",
        /// Only who, when and where.
        Metadata = "METADATA",
    }
);

impl Meetings {
    /// Starts a create of a meeting that has taken place: a title and its start and end.
    pub fn create(
        &self,
        title: impl Into<String>,
        start: OffsetDateTime,
        end: OffsetDateTime,
    ) -> Create<Meeting> {
        self.0
            .create()
            .field("$title", InputValue::Text(title.into()))
            .field("$startDate", datetime(start))
            .field("$endDate", datetime(end))
    }
}

impl_for!([Create<Meeting>, Update<Meeting>] {
    /// `$privacySetting`.
    pub fn privacy(self, privacy: Privacy) -> Self {
        self.field("$privacySetting", InputValue::Text(privacy.as_api().to_string()))
    }

    /// `$attendeeEmails`: the whole list of attendees (an update replaces it).
    pub fn attendee_emails(self, emails: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.field("$attendeeEmails", strings(emails))
    }
});

impl Create<Meeting> {
    /// `$description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        self.field("$description", InputValue::Text(text.into()))
    }

    /// `$meetingUrl`: where the meeting was held.
    pub fn meeting_url(self, url: impl Into<String>) -> Self {
        self.field("$meetingUrl", InputValue::Text(url.into()))
    }

    /// `$organizerEmail`.
    pub fn organizer_email(self, email: impl Into<String>) -> Self {
        self.field("$organizerEmail", InputValue::Text(email.into()))
    }

    /// `$transcript`: the file holding the transcript.
    pub fn transcript(self, file_id: impl Into<String>) -> Self {
        self.relationship("$transcript", Ids::One(file_id.into()))
    }

    /// Creates accounts and contacts for the attendees the CRM does not know yet.
    pub fn auto_create_records(self, create: bool) -> Self {
        self.with_auto_create_records(create)
    }
}

impl Update<Meeting> {
    /// `$meetingPrep`: notes written before the meeting.
    pub fn meeting_prep(self, markdown: impl Into<String>) -> Self {
        self.field("$meetingPrep", InputValue::Text(markdown.into()))
    }

    /// `$postMeetingSummary`: the summary written after it.
    pub fn post_meeting_summary(self, markdown: impl Into<String>) -> Self {
        self.field("$postMeetingSummary", InputValue::Text(markdown.into()))
    }

    /// `$transcript`: replaces the transcript file.
    pub fn transcript(self, file_id: impl Into<String>) -> Self {
        self.replace("$transcript", file_id)
    }
}

impl Meeting {
    /// `$title`.
    pub fn title(&self) -> Option<&str> {
        self.text("$title")
    }

    /// `$startDate`, parsed.
    pub fn start(&self) -> Option<OffsetDateTime> {
        parse_datetime(self.text("$startDate"))
    }

    /// `$endDate`, parsed.
    pub fn end(&self) -> Option<OffsetDateTime> {
        parse_datetime(self.text("$endDate"))
    }

    /// `$description`.
    pub fn description(&self) -> Option<&str> {
        self.text("$description")
    }

    /// `$meetingUrl`.
    pub fn meeting_url(&self) -> Option<&str> {
        self.text("$meetingUrl")
    }

    /// `$organizerEmail`.
    pub fn organizer_email(&self) -> Option<&str> {
        self.text("$organizerEmail")
    }

    /// `$attendeeEmails`.
    pub fn attendee_emails(&self) -> Vec<&str> {
        self.texts("$attendeeEmails")
    }

    /// `$privacySetting`.
    pub fn privacy(&self) -> Option<Privacy> {
        self.text("$privacySetting").map(Privacy::from_api)
    }

    /// `$meetingPrep`.
    pub fn meeting_prep(&self) -> Option<&str> {
        self.text("$meetingPrep")
    }

    /// `$postMeetingSummary`.
    pub fn post_meeting_summary(&self) -> Option<&str> {
        self.text("$postMeetingSummary")
    }

    /// `$transcript`: the transcript file's id, if any.
    pub fn transcript(&self) -> Option<&str> {
        self.related_one("$transcript")
    }

    /// `$account`: accounts the meeting was with (derived by Lightfield).
    pub fn accounts(&self) -> &[String] {
        self.related("$account")
    }
}
