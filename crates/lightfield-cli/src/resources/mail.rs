//! `lightfield emails …`: emails read, trashed and restored, and sent, drafted or logged.

use lightfield::{Client, ObjectType};
use serde_json::json;

use crate::args::MailArgs;
use crate::exit::Failure;
use crate::output::Out;
use crate::records::{self};

use super::{Outcome, read_only};

/// The message `args` describe.
fn message(args: MailArgs) -> Result<lightfield::EmailMessage, Failure> {
    let mut message = lightfield::EmailMessage::new(args.from).to(args.to);
    if !args.cc.is_empty() {
        message = message.cc(args.cc);
    }
    if !args.bcc.is_empty() {
        message = message.bcc(args.bcc);
    }
    if let Some(subject) = args.subject {
        message = message.subject(subject);
    }
    if let Some(text) = args.text {
        let text = if text == "-" {
            std::io::read_to_string(std::io::stdin())
                .map_err(|e| Failure::Local(format!("cannot read the body: {e}")))?
        } else {
            text
        };
        message = message.text(text);
    }
    if let Some(path) = args.html {
        let html = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Local(format!("cannot read {}: {e}", path.display())))?;
        message = message.html(html);
    }
    if !args.attach.is_empty() {
        message = message.attachments(args.attach);
    }
    Ok(message)
}

/// `lightfield emails …`.
pub async fn emails(client: &Client, action: crate::args::EmailAction, out: &Out) -> Outcome {
    use crate::args::EmailAction as E;
    let emails = client.emails();
    match action {
        E::Read(read) => read_only(client, ObjectType::Email, read, out).await,
        // The generic record path: emails trash and restore like any record.
        E::Delete(args) => {
            let delete = crate::args::Action::Write(crate::args::WriteAction::Delete(args));
            records::run(client, ObjectType::Email, delete, out).await
        }
        E::Restore(args) => {
            let restore = crate::args::Action::Write(crate::args::WriteAction::Restore(args));
            records::run(client, ObjectType::Email, restore, out).await
        }
        E::Send(args) => {
            let key = args.idempotency_key.clone();
            let mut send = emails.send(message(args)?);
            if let Some(key) = key {
                send = send.idempotency_key(key);
            }
            let sent_at = send.send().await?;
            out.value(&json!({ "sent": true, "at": sent_at }))
        }
        E::Draft(args) => {
            let key = args.idempotency_key.clone();
            let mut draft = emails.draft(message(args)?);
            if let Some(key) = key {
                draft = draft.idempotency_key(key);
            }
            let at = draft.send().await?;
            out.value(&json!({ "drafted": true, "at": at }))
        }
        E::Log {
            mail,
            sent_at,
            message_id,
        } => {
            // Read as every date the CLI takes (a field, a filter, a CSV cell).
            let at = lightfield::value::parse_moment(&sent_at)
                .map_err(|why| Failure::Local(format!("--sent-at: {why}")))?;
            let mut logged = lightfield::LoggedEmail::new(mail.from, at).to(mail.to);
            if !mail.cc.is_empty() {
                logged = logged.cc(mail.cc);
            }
            if let Some(subject) = mail.subject {
                logged = logged.subject(subject);
            }
            if let Some(id) = &message_id {
                logged = logged.message_id(id.clone());
            }
            logged = logged.body(None, mail.text);
            match emails.log(logged).send().await {
                Ok(email) => out.record(&email.into_record(), None),
                // Logged before under this Message-ID (a re-run): what the user asked for
                // is done. The email already logged is shown, as a first run shows it.
                Err(lightfield::Error::Api(api))
                    if api.status == 409 && message_id.is_some() && duplicate_message_id(&api) =>
                {
                    let earlier = api
                        .message
                        .split(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == ';')
                        .find(|word| word.starts_with("eml_"));
                    eprintln!(
                        "this Message-ID is already logged{}; nothing was logged twice",
                        earlier.map(|id| format!(" as {id}")).unwrap_or_default()
                    );
                    match earlier {
                        Some(id) => {
                            out.record(&emails.retrieve(id).send().await?.into_record(), None)
                        }
                        None => out.value(&json!({ "logged": true, "messageId": message_id })),
                    }
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// Whether a 409 says the Message-ID is logged already (its code, or the header at fault).
fn duplicate_message_id(api: &lightfield::ApiError) -> bool {
    api.code.as_deref() == Some("duplicate_message_id")
        || api
            .param
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("headers.Message-ID"))
}
