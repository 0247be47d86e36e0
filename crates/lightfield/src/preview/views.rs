//! What sequences answer, read through typed views that keep the whole answer: steps,
//! drafts, enrollments, messages, performance, tests, template variables.

use serde_json::{Map, Value};

use super::{View, view};
use crate::open_enum::open_enum;

open_enum!(
    /// What a sequence step does.
    StepType {
        /// Sends an email.
        Email = "EMAIL",
        /// Sends a LinkedIn message.
        LinkedinMessage = "LINKEDIN_MESSAGE",
        /// Sends a LinkedIn invitation.
        LinkedinInvite = "LINKEDIN_INVITE",
    }
);

/// One step of a sequence. Steps have no single tag (the type and, for some, the mode
/// decide their shape), so the known parts are decoded and the whole step is kept.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Step {
    /// What the step does.
    pub step_type: Option<StepType>,
    /// How its content is made (`AGENT`, or absent for written templates).
    pub mode: Option<String>,
    /// The step's name.
    pub name: Option<String>,
    /// The step exactly as received.
    pub raw: Value,
}

impl Step {
    fn from_json(raw: Value) -> Self {
        let text = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_string);
        Self {
            step_type: text("type").as_deref().map(StepType::from_api),
            mode: text("mode"),
            name: text("name"),
            raw,
        }
    }
}

/// The ids of an array member: each item is `{"id": …, "objectType": …}` as the API sends
/// them (a bare id string is read too); anything else is skipped.
fn ids<'a>(raw: &'a Map<String, Value>, key: &str) -> Vec<&'a str> {
    raw.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().or_else(|| item.get("id")?.as_str()))
                .collect()
        })
        .unwrap_or_default()
}

fn steps_of(raw: &Map<String, Value>) -> Vec<Step> {
    raw.get("definition")
        .and_then(|d| d.get("steps"))
        .and_then(Value::as_array)
        .map(|steps| steps.iter().cloned().map(Step::from_json).collect())
        .unwrap_or_default()
}

view!(
    /// A sequence (published state).
    Sequence, id
);

impl Sequence {
    /// Its name.
    pub fn name(&self) -> Option<&str> {
        self.text("name")
    }

    /// Its status (`DRAFT`, `ACTIVE`, `DEACTIVATED`, or a newer value as sent).
    pub fn status(&self) -> Option<&str> {
        self.text("status")
    }

    /// Its steps.
    pub fn steps(&self) -> Vec<Step> {
        steps_of(self.raw())
    }

    /// Member ids who review its messages.
    pub fn reviewers(&self) -> Vec<&str> {
        ids(self.raw(), "reviewers")
    }

    /// Sender ids it sends from.
    pub fn senders(&self) -> Vec<&str> {
        ids(self.raw(), "senders")
    }

    /// When it was created.
    pub fn created_at(&self) -> Option<&str> {
        self.text("createdAt")
    }
}

view!(
    /// The draft of a sequence, with the version that publish and discard must name.
    Draft
);

impl Draft {
    /// The sequence this draft belongs to (a draft has no id of its own).
    pub fn sequence_id(&self) -> &str {
        self.text("sequenceId").unwrap_or_default()
    }

    /// The draft's version: what [`Sequences::update_draft`](super::Sequences::update_draft),
    /// [`Sequences::publish`](super::Sequences::publish) and
    /// [`Sequences::discard`](super::Sequences::discard) must name.
    pub fn version(&self) -> Option<&str> {
        self.text("version")
    }

    /// The draft's name.
    pub fn name(&self) -> Option<&str> {
        self.text("name")
    }

    /// Member ids who review the sequence's messages.
    pub fn reviewers(&self) -> Vec<&str> {
        ids(self.raw(), "reviewers")
    }

    /// Sender ids the sequence sends from.
    pub fn senders(&self) -> Vec<&str> {
        ids(self.raw(), "senders")
    }

    /// What would stop or spoil publishing this draft, as the server words it.
    pub fn publish_warnings(&self) -> &[Value] {
        self.raw()
            .get("publishWarnings")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// When the draft last changed.
    pub fn updated_at(&self) -> Option<&str> {
        self.text("updatedAt")
    }

    /// Its steps.
    pub fn steps(&self) -> Vec<Step> {
        steps_of(self.raw())
    }
}

view!(
    /// A contact's enrollment in a sequence.
    Enrollment, id
);

impl Enrollment {
    /// The enrolled contact.
    pub fn contact_id(&self) -> Option<&str> {
        self.text("contactId")
    }

    /// Its status.
    pub fn status(&self) -> Option<&str> {
        self.text("status")
    }
}

view!(
    /// A message of a sequence, outbound or inbound.
    SequenceMessage, id
);

impl SequenceMessage {
    /// `OUTBOUND` or `INBOUND`.
    pub fn direction(&self) -> Option<&str> {
        self.text("direction")
    }

    /// The contact it went to or came from.
    pub fn contact_id(&self) -> Option<&str> {
        self.text("contactId")
    }
}

view!(
    /// How a sequence performs: counts and rates by step type.
    Performance
);

view!(
    /// A variable a sequence template may use.
    TemplateVariable
);

impl TemplateVariable {
    /// What it is called in a template.
    pub fn label(&self) -> Option<&str> {
        self.text("label")
    }

    /// `contact`, `account` or `sender`.
    pub fn group(&self) -> Option<&str> {
        self.text("group")
    }
}

open_enum!(
    /// Where a test run stands.
    TestStatus {
        /// Going.
        Running = "RUNNING",
        /// Finished well.
        Completed = "COMPLETED",
        /// Finished badly.
        Failed = "FAILED",
    }
);

view!(
    /// A test run of a sequence for one contact.
    SequenceTest, id
);

impl SequenceTest {
    /// Where it stands.
    pub fn status(&self) -> TestStatus {
        TestStatus::from_api(self.text("status").unwrap_or_default())
    }

    /// The message each step would send, as received.
    pub fn steps(&self) -> &[Value] {
        self.raw()
            .get("steps")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

open_enum!(
    /// What an enrollment change did to one contact.
    EnrollmentOutcome {
        /// Now enrolled.
        Enrolled = "enrolled",
        /// Was enrolled already.
        AlreadyEnrolled = "already_enrolled",
        /// No longer enrolled.
        Unenrolled = "unenrolled",
        /// Was not enrolled, so nothing to remove.
        NoActiveEnrollment = "no_active_enrollment",
    }
);

/// The result of an enrollment change for one contact.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EnrollmentResult {
    /// The contact.
    pub contact_id: String,
    /// Its enrollment, when it has one.
    pub enrollment_id: Option<String>,
    /// What happened.
    pub outcome: EnrollmentOutcome,
}
