//! Writing emails: send and draft from a connected mailbox ([`EmailMessage`]), and log an
//! email sent elsewhere ([`LoggedEmail`]). Reading them is [`Emails`].
//!
//! The API's limits are checked before anything is sent: 1 to 500 recipients when sending,
//! at most 5 attachments, a sender, a log's time in the past.

use std::collections::BTreeMap;

use lightfield_gen::types as wire;
use time::OffsetDateTime;

use super::meetings::Privacy;
use super::readonly::{Email, Emails};
use crate::error::Error;
use crate::open_enum::open_enum;
use crate::request::Call;
use crate::request::idempotency::Keyed;
use crate::value::InputValue;

/// The most recipients an email may be sent to.
pub const MAX_RECIPIENTS: usize = 500;
/// The most attachments an email may carry.
pub const MAX_ATTACHMENTS: usize = 5;

open_enum!(
    /// How an email's body is written.
    ContentType {
        /// HTML.
        Html = "HTML",
        /// Plain text.
        Text = "TEXT",
    }
);

/// An email to send or to save as a draft.
///
/// ```no_run
/// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
/// use lightfield::resources::mail::EmailMessage;
/// let message = EmailMessage::new("me@acme.example")
///     .to(["ada@example.com"])
///     .subject("Proposal")
///     .text("Attached, as promised.")
///     .attachments(["fil_1"]);
/// let sent = client.emails().send(message).send().await?;
/// # let _ = sent; Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmailMessage {
    from: String,
    to: Vec<String>,
    cc: Vec<String>,
    bcc: Vec<String>,
    subject: Option<String>,
    body: Option<(ContentType, String)>,
    attachments: Vec<String>,
}

fn strings(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

impl EmailMessage {
    /// An email from the connected mailbox `from`.
    pub fn new(from: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            ..Self::default()
        }
    }

    /// Recipients.
    pub fn to(mut self, addresses: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.to.extend(strings(addresses));
        self
    }

    /// Copy recipients.
    pub fn cc(mut self, addresses: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.cc.extend(strings(addresses));
        self
    }

    /// Blind copy recipients.
    pub fn bcc(mut self, addresses: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.bcc.extend(strings(addresses));
        self
    }

    /// The subject line.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// A plain-text body.
    pub fn text(mut self, content: impl Into<String>) -> Self {
        self.body = Some((ContentType::Text, content.into()));
        self
    }

    /// An HTML body.
    pub fn html(mut self, content: impl Into<String>) -> Self {
        self.body = Some((ContentType::Html, content.into()));
        self
    }

    /// Completed files to attach, by id (at most 5).
    pub fn attachments(mut self, file_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.attachments.extend(strings(file_ids));
        self
    }

    /// What the API would refuse, checked here so nothing is sent.
    fn check(&self, sending: bool) -> Result<(), String> {
        if self.from.trim().is_empty() {
            return Err("an email needs `from`: the connected mailbox to send from".into());
        }
        if sending {
            if self.to.is_empty() || self.to.len() > MAX_RECIPIENTS {
                return Err(format!(
                    "an email is sent to 1 to {MAX_RECIPIENTS} `to` recipients; {} were given",
                    self.to.len()
                ));
            }
            if self.subject.is_none() || self.body.is_none() {
                return Err("sending an email needs a subject and a body".into());
            }
        } else if self.to.is_empty()
            && self.cc.is_empty()
            && self.bcc.is_empty()
            && self.subject.is_none()
            && self.body.is_none()
            && self.attachments.is_empty()
        {
            return Err("a draft needs something besides `from`".into());
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(format!(
                "an email carries at most {MAX_ATTACHMENTS} attachments; {} were given",
                self.attachments.len()
            ));
        }
        for (name, list) in [("to", &self.to), ("cc", &self.cc), ("bcc", &self.bcc)] {
            if list.len() > MAX_RECIPIENTS {
                return Err(format!(
                    "an email has at most {MAX_RECIPIENTS} `{name}` recipients; {} were given",
                    list.len()
                ));
            }
        }
        for address in std::iter::once(&self.from)
            .chain(&self.to)
            .chain(&self.cc)
            .chain(&self.bcc)
        {
            if !is_address(address) {
                return Err(format!(
                    "`{address}` is not an email address the API takes (name@example.com)"
                ));
            }
        }
        if sending && self.subject.as_deref().is_some_and(str::is_empty) {
            return Err("the subject of an email sent is not empty".into());
        }
        if sending && self.body.as_ref().is_some_and(|(_, text)| text.is_empty()) {
            return Err("the body of an email sent is not empty".into());
        }
        Ok(())
    }

    fn into_wire(self) -> wire::EmailSendBody {
        wire::EmailSendBody {
            from: self.from,
            to: self.to,
            cc: self.cc,
            bcc: self.bcc,
            subject: self.subject,
            message_body: self.body.map(|(kind, content)| wire::MessageBody {
                content_type: Some(kind.as_api().to_string()),
                content,
            }),
            attachments: self.attachments,
        }
    }
}

/// An email sent outside Lightfield, to record in the CRM.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedEmail {
    fields: BTreeMap<String, InputValue>,
    headers: BTreeMap<String, String>,
    auto_create_records: Option<bool>,
    sent_at: OffsetDateTime,
}

impl LoggedEmail {
    /// An email from `from`, sent at `sent_at` (in the past).
    pub fn new(from: impl Into<String>, sent_at: OffsetDateTime) -> Self {
        let mut fields = BTreeMap::new();
        fields.insert("$from".to_string(), InputValue::Text(from.into()));
        fields.insert("$sentAt".to_string(), super::datetime(sent_at));
        Self {
            fields,
            headers: BTreeMap::new(),
            auto_create_records: None,
            sent_at,
        }
    }

    fn list(mut self, key: &str, addresses: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.fields
            .insert(key.to_string(), super::strings(addresses));
        self
    }

    /// `$to`.
    pub fn to(self, addresses: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.list("$to", addresses)
    }

    /// `$cc`.
    pub fn cc(self, addresses: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.list("$cc", addresses)
    }

    /// `$bcc`.
    pub fn bcc(self, addresses: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.list("$bcc", addresses)
    }

    /// `$subject`.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.fields
            .insert("$subject".into(), InputValue::Text(subject.into()));
        self
    }

    /// `$threadId`.
    pub fn thread_id(mut self, thread: impl Into<String>) -> Self {
        self.fields
            .insert("$threadId".into(), InputValue::Text(thread.into()));
        self
    }

    /// `$body`: the HTML and/or text. Only the parts given are sent: the API takes a
    /// string for each part it receives, never `null`.
    pub fn body(mut self, html: Option<String>, text: Option<String>) -> Self {
        let mut body = serde_json::Map::new();
        if let Some(html) = html {
            body.insert("html".into(), html.into());
        }
        if let Some(text) = text {
            body.insert("text".into(), text.into());
        }
        self.fields.insert(
            "$body".into(),
            InputValue::from(serde_json::Value::Object(body)),
        );
        self
    }

    /// `$privacySetting`: who in the organisation sees the email's content.
    pub fn privacy(mut self, privacy: Privacy) -> Self {
        self.fields.insert(
            "$privacySetting".into(),
            InputValue::Text(privacy.as_api().to_string()),
        );
        self
    }

    /// The `Message-ID` header, by which the API refuses to log the same email twice.
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.headers.insert("Message-ID".into(), id.into());
        self
    }

    /// The `In-Reply-To` header: the `Message-ID` this email answers, for threading.
    pub fn in_reply_to(mut self, id: impl Into<String>) -> Self {
        self.headers.insert("In-Reply-To".into(), id.into());
        self
    }

    /// The `References` header: the `Message-ID`s of the thread, space-separated.
    pub fn references(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        self.headers.insert("References".into(), ids.join(" "));
        self
    }

    /// Creates contacts and accounts for addresses the CRM does not know.
    pub fn auto_create_records(mut self, create: bool) -> Self {
        self.auto_create_records = Some(create);
        self
    }

    fn check(&self) -> Result<(), String> {
        if self.sent_at > OffsetDateTime::now_utc() {
            return Err("`$sentAt` must be in the past: only sent emails are logged".into());
        }
        if !["$to", "$cc", "$bcc"]
            .iter()
            .any(|k| self.fields.contains_key(*k))
        {
            return Err("a logged email needs at least one of `$to`, `$cc` or `$bcc`".into());
        }
        Ok(())
    }
}

impl Emails {
    /// Sends `message` from its connected mailbox; answers when it was sent.
    pub fn send(&self, message: EmailMessage) -> Call<String, Keyed> {
        let client = self.client();
        if let Err(problem) = message.check(true) {
            return Call::refused(client, "email_send", Error::invalid(problem));
        }
        let body = message.into_wire();
        Call::new(
            client,
            "email_send",
            move |c, key| async move { c.email_send(Some(&key), &body).await },
            |sent: wire::EmailSent, _| sent.sent_at,
        )
    }

    /// Saves `message` as a draft in its mailbox; answers when.
    pub fn draft(&self, message: EmailMessage) -> Call<String, Keyed> {
        let client = self.client();
        if let Err(problem) = message.check(false) {
            return Call::refused(client, "email_draft", Error::invalid(problem));
        }
        let body = message.into_wire();
        Call::new(
            client,
            "email_draft",
            move |c, key| async move { c.email_draft(Some(&key), &body).await },
            |drafted: wire::EmailDrafted, _| drafted.drafted_at,
        )
    }

    /// Records `email`, sent elsewhere; answers the email record. Logging the same
    /// `Message-ID` twice is refused by the API with a 409.
    pub fn log(&self, email: LoggedEmail) -> Call<Email, Keyed> {
        let client = self.client();
        if let Err(problem) = email.check() {
            return Call::refused(client, "email_log", Error::invalid(problem));
        }
        let body = wire::EmailLogBody {
            fields: email
                .fields
                .into_iter()
                .map(|(k, v)| (k, wire::InputValue(v.to_json())))
                .collect(),
            auto_create_records: email.auto_create_records,
            headers: email.headers,
        };
        Call::decoding(
            client,
            "email_log",
            move |c, key| async move { c.email_log(Some(&key), &body).await },
            |raw, _| crate::entity::raw_record(&raw).map(Email::from),
        )
    }
}

/// Whether `address` is one the API takes, by the rule its public description states: a
/// local part of dot-separated atoms (or a quoted string), `@`, and a domain of labels
/// ending in a top-level name of two letters or more (or an IPv4 literal in brackets).
fn is_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let special = |c: char| "<>()[]\\.,;:@\"".contains(c) || c.is_whitespace();
    let local_ok = if local.len() >= 3 && local.starts_with('"') && local.ends_with('"') {
        true
    } else {
        !local.is_empty()
            && local
                .split('.')
                .all(|atom| !atom.is_empty() && !atom.chars().any(special))
    };
    let domain_ok = if let Some(ip) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        let parts: Vec<&str> = ip.split('.').collect();
        parts.len() == 4
            && parts
                .iter()
                .all(|p| (1..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
    } else {
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok =
            |l: &&str| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        labels.len() >= 2
            && labels.iter().all(label_ok)
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
    };
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::is_address;

    #[test]
    fn addresses_are_read_as_the_api_reads_them() {
        for good in [
            "ada@example.com",
            "a.b@mail.example.co",
            "\"a b\"@example.com",
            "x@[10.0.0.1]",
            "me@acme-corp.example",
        ] {
            assert!(is_address(good), "{good}");
        }
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "a..b@example.com",
            "ada@example",
            "ada@example.c0m",
            "a b@example.com",
            "ada@exa_mple.com",
            "x@[10.0.0]",
        ] {
            assert!(!is_address(bad), "{bad}");
        }
    }
}
