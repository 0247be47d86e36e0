//! Sequences: automated outreach with versioned drafts, enrollments, messages,
//! performance and test runs. `client.sequences()`.

use lightfield_gen::types as wire;
use serde_json::{Map, Value};

use super::drafts::{CreateSequence, UpdateDraft};
use super::page;
use super::views::{
    Draft, Enrollment, EnrollmentOutcome, EnrollmentResult, Performance, Sequence, SequenceMessage,
    SequenceTest, TemplateVariable, TestStatus,
};
use crate::ObjectType;
use crate::client::Client;
use crate::entity::check_id;
use crate::error::Error;
use crate::listing::{Listing, PageAt};
use crate::request::Call;
use crate::request::idempotency::Keyed;
use crate::wait::Wait;

/// The most contact ids one enrollment change may carry (added and removed together).
pub const MAX_ENROLLMENT_CHANGE: usize = 25;

/// The sequence operations of a client.
#[derive(Debug, Clone)]
pub struct Sequences {
    pub(super) client: Client,
}

impl Client {
    /// Sequences (Preview).
    pub fn sequences(&self) -> Sequences {
        Sequences {
            client: self.clone(),
        }
    }
}

pub(super) fn id_of(what: &str, id: String) -> Result<String, Error> {
    check_id(&ObjectType::Custom(what.into()), &id, "use")
}

/// A call about sequence `id`, refused before sending when the id is not one.
macro_rules! about {
    ($self:ident, $op:literal, [$($id:ident),+], |$c:ident, $key:ident| $call:expr, $read:expr) => {{
        let ids = ($(id_of("sequence", $id.into())),+,);
        #[allow(unused_parens)]
        let checked = (|| -> Result<_, Error> {
            let ($($id),+,) = ids;
            Ok(($($id?),+,))
        })();
        match checked {
            Err(e) => Call::refused(&$self.client, $op, e),
            Ok(($($id),+,)) => Call::new(
                &$self.client,
                $op,
                move |$c, $key| async move {
                    let _ = &$key;
                    $call.await
                },
                $read,
            ),
        }
    }};
}

pub(super) use about;

/// The body of a write with no data.
fn empty() -> wire::EmptyBody {
    wire::EmptyBody(Map::new())
}

impl Sequences {
    /// Starts a new sequence named `name` from a definition (steps, pacing, messaging) as
    /// the API takes it. The API opens its first draft and answers that draft: publish it
    /// (with the draft's [`version`](Draft::version)) to make the sequence live.
    pub fn create(
        &self,
        name: impl Into<String>,
        definition: Map<String, Value>,
    ) -> CreateSequence {
        CreateSequence {
            client: self.client.clone(),
            body: wire::SequenceCreateBody {
                name: name.into(),
                definition: wire::PreviewObject(definition),
                reviewers: Vec::new(),
                senders: Vec::new(),
            },
        }
    }

    /// Sequences, a page at a time (1 to 25 a page), as a stream or as an export.
    pub fn list(&self) -> Listing<Sequence> {
        Listing::new(
            &self.client,
            "sequence_list",
            |c, at: PageAt| async move { c.sequence_list(Some(at.limit), Some(at.offset)).await },
            page,
        )
    }

    /// Sequence `id`.
    pub fn retrieve(&self, id: impl Into<String>) -> Call<Sequence> {
        about!(
            self,
            "sequence_retrieve",
            [id],
            |c, key| c.sequence_retrieve(&id),
            |s, _| Sequence::from(s)
        )
    }

    /// Starts sending.
    pub fn activate(&self, id: impl Into<String>) -> Call<Sequence, Keyed> {
        about!(
            self,
            "sequence_activate",
            [id],
            |c, key| c.sequence_activate(&id, Some(&key), &empty()),
            |s, _| Sequence::from(s)
        )
    }

    /// Stops sending.
    pub fn deactivate(&self, id: impl Into<String>) -> Call<Sequence, Keyed> {
        about!(
            self,
            "sequence_deactivate",
            [id],
            |c, key| c.sequence_deactivate(&id, Some(&key), &empty()),
            |s, _| Sequence::from(s)
        )
    }

    /// The draft of sequence `id`, with its version.
    pub fn draft(&self, id: impl Into<String>) -> Call<Draft> {
        about!(
            self,
            "sequence_draft",
            [id],
            |c, key| c.sequence_draft(&id),
            |d, _| Draft::from(d)
        )
    }

    /// Starts a change of the draft of sequence `id`: name, definition, reviewers and
    /// senders. While a draft is open the API requires its version
    /// ([`UpdateDraft::expected_version`]); without one the change is for a sequence with
    /// no open draft. Answers the draft with its new version.
    pub fn update_draft(&self, id: impl Into<String>) -> UpdateDraft {
        UpdateDraft {
            sequences: self.clone(),
            id: id.into(),
            body: wire::SequenceDraftBody {
                expected_version: None,
                name: None,
                definition: None,
                reviewers: None,
                senders: None,
            },
        }
    }

    /// Publishes the draft at `expected_version`; a draft changed since is a 409 (reload
    /// the draft and decide again).
    pub fn publish(
        &self,
        id: impl Into<String>,
        expected_version: impl Into<String>,
    ) -> Call<Sequence, Keyed> {
        let body = wire::ExpectedVersionBody {
            expected_version: expected_version.into(),
        };
        about!(
            self,
            "sequence_publish",
            [id],
            |c, key| c.sequence_publish(&id, Some(&key), &body),
            |s, _| Sequence::from(s)
        )
    }

    /// Discards the draft at `expected_version` (a 409 when it changed since).
    pub fn discard(
        &self,
        id: impl Into<String>,
        expected_version: impl Into<String>,
    ) -> Call<Map<String, Value>, Keyed> {
        let body = wire::ExpectedVersionBody {
            expected_version: expected_version.into(),
        };
        about!(
            self,
            "sequence_discard",
            [id],
            |c, key| c.sequence_discard(&id, Some(&key), &body),
            |d: wire::PreviewObject, _| d.0
        )
    }

    /// Starts a change of the enrollments of sequence `id`.
    pub fn enroll(&self, id: impl Into<String>) -> Enroll {
        Enroll {
            sequences: self.clone(),
            id: id.into(),
            add: Vec::new(),
            remove: Vec::new(),
        }
    }

    /// The enrollments of sequence `id`, a page at a time, as a stream or as an export.
    pub fn enrollments(&self, id: impl Into<String>) -> Listing<Enrollment> {
        match id_of("sequence", id.into()) {
            Err(e) => Listing::refused(&self.client, "sequence_enrollments", e.to_string()),
            Ok(id) => Listing::new(
                &self.client,
                "sequence_enrollments",
                move |c, at: PageAt| {
                    let id = id.clone();
                    async move {
                        c.sequence_enrollments(&id, Some(at.limit), Some(at.offset))
                            .await
                    }
                },
                page,
            ),
        }
    }

    /// Enrollment `enrollment` of sequence `id`.
    pub fn enrollment(
        &self,
        id: impl Into<String>,
        enrollment: impl Into<String>,
    ) -> Call<Enrollment> {
        about!(
            self,
            "sequence_enrollment",
            [id, enrollment],
            |c, key| c.sequence_enrollment(&id, &enrollment),
            |e, _| Enrollment::from(e)
        )
    }

    /// The messages of sequence `id`, a page at a time, as a stream or as an export.
    pub fn messages(&self, id: impl Into<String>) -> Listing<SequenceMessage> {
        match id_of("sequence", id.into()) {
            Err(e) => Listing::refused(&self.client, "sequence_messages", e.to_string()),
            Ok(id) => Listing::new(
                &self.client,
                "sequence_messages",
                move |c, at: PageAt| {
                    let id = id.clone();
                    async move {
                        c.sequence_messages(&id, Some(at.limit), Some(at.offset))
                            .await
                    }
                },
                page,
            ),
        }
    }

    /// Message `message` of sequence `id`.
    pub fn message(
        &self,
        id: impl Into<String>,
        message: impl Into<String>,
    ) -> Call<SequenceMessage> {
        about!(
            self,
            "sequence_message",
            [id, message],
            |c, key| c.sequence_message(&id, &message),
            |m, _| SequenceMessage::from(m)
        )
    }

    /// How sequence `id` performs.
    pub fn performance(&self, id: impl Into<String>) -> Call<Performance> {
        about!(
            self,
            "sequence_performance",
            [id],
            |c, key| c.sequence_performance(&id),
            |p, _| Performance::from(p)
        )
    }

    /// Tests sequence `id` on contact `contact_id` without sending anything. The API tests
    /// the open draft when there is one (or nothing was published yet), else the published
    /// sequence; the answer's `target` says which. `expected_version` makes sure the draft
    /// tested is the one last read (a 409 otherwise).
    pub fn start_test(
        &self,
        id: impl Into<String>,
        contact_id: impl Into<String>,
        expected_version: Option<String>,
    ) -> Call<SequenceTest, Keyed> {
        let body = wire::SequenceTestBody {
            contact_id: contact_id.into(),
            expected_version,
        };
        about!(
            self,
            "sequence_start_test",
            [id],
            |c, key| c.sequence_start_test(&id, Some(&key), &body),
            |t, _| SequenceTest::from(t)
        )
    }

    /// Test `test` of sequence `id`.
    pub fn test(&self, id: impl Into<String>, test: impl Into<String>) -> Call<SequenceTest> {
        about!(
            self,
            "sequence_test",
            [id, test],
            |c, key| c.sequence_test(&id, &test),
            |t, _| SequenceTest::from(t)
        )
    }

    /// Polls test `test` of sequence `id` until it has finished.
    pub fn wait_test(&self, id: impl Into<String>, test: impl Into<String>) -> Wait<SequenceTest> {
        let (sequences, id, test) = (self.clone(), id.into(), test.into());
        Wait::new(
            format!("sequence test {test}"),
            move || sequences.test(id.clone(), test.clone()).send(),
            |t| t.status() != TestStatus::Running,
        )
    }

    /// The variables sequence templates may use.
    pub fn template_variables(&self) -> Call<Vec<TemplateVariable>> {
        Call::new(
            &self.client,
            "sequence_template_variables",
            |c, _| async move { c.sequence_template_variables().await },
            |p: wire::PreviewPage, _| p.data.into_iter().map(TemplateVariable::from).collect(),
        )
    }
}

/// A change of enrollments; see [`Sequences::enroll`]. All or nothing on the API's side.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Enroll {
    sequences: Sequences,
    id: String,
    add: Vec<String>,
    remove: Vec<String>,
}

impl Enroll {
    /// Contacts to enroll.
    // A builder step named after the API's `add`, not arithmetic.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, contact_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.add.extend(contact_ids.into_iter().map(Into::into));
        self
    }

    /// Contacts to unenroll.
    pub fn remove(mut self, contact_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.remove.extend(contact_ids.into_iter().map(Into::into));
        self
    }

    /// Sends the change; one result per contact.
    pub async fn send(self) -> crate::Result<Vec<EnrollmentResult>> {
        let count = self.add.len() + self.remove.len();
        if count == 0 || count > MAX_ENROLLMENT_CHANGE {
            return Err(Error::invalid(format!(
                "an enrollment change names 1 to {MAX_ENROLLMENT_CHANGE} contacts; {count} were given (split it)"
            )));
        }
        let body = wire::EnrollmentChangeBody {
            add: self.add,
            remove: self.remove,
        };
        let id = self.id;
        let sequences = self.sequences;
        let call: Call<_, Keyed> = about!(
            sequences,
            "sequence_enroll",
            [id],
            |c, key| c.sequence_enroll(&id, Some(&key), &body),
            |r: wire::PreviewObject, _| results(r.0)
        );
        call.send().await
    }
}

fn results(raw: Map<String, Value>) -> Vec<EnrollmentResult> {
    raw.get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| EnrollmentResult {
            contact_id: r["contactId"].as_str().unwrap_or_default().to_string(),
            enrollment_id: r["enrollmentId"].as_str().map(str::to_string),
            outcome: EnrollmentOutcome::from_api(r["outcome"].as_str().unwrap_or_default()),
        })
        .collect()
}
