//! The commands beyond one type's records: lists and their members, files, mail, workflow
//! runs, the key in use, records found by id, schemas, and the Preview resources.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use lightfield::{Client, FileInfo, Ids, ListMembers, ObjectType, Purpose, Record};
use serde_json::{Value, json};

use crate::args::{
    AuthAction, FilesAction, ListAction, MailArgs, ReadAction, RunsAction, SchemaArgs,
};
use crate::config::Settings;
use crate::exit::Failure;
use crate::output::Out;
use crate::records::{self, take};
use crate::values;

type Outcome = Result<(), Failure>;

/// The members of a list of `kind` (`accounts`, `contacts`, `opportunities`), as ids.
fn members(kind: &str, ids: Vec<String>) -> Result<ListMembers, Failure> {
    let ids = match ids.len() {
        1 => Ids::One(ids.into_iter().next().unwrap_or_default()),
        _ => Ids::Many(ids),
    };
    match records::object_type(kind) {
        ObjectType::Account => Ok(ListMembers::Accounts(ids)),
        ObjectType::Contact => Ok(ListMembers::Contacts(ids)),
        ObjectType::Opportunity => Ok(ListMembers::Opportunities(ids)),
        _ => Err(Failure::Local(format!(
            "--of `{kind}`: a list holds accounts, contacts or opportunities"
        ))),
    }
}

/// `lightfield lists …`.
pub async fn lists(client: &Client, action: ListAction, out: &Out) -> Outcome {
    let lists = client.lists();
    match action {
        ListAction::Read(read) => {
            records::run(
                client,
                ObjectType::List,
                crate::args::Action::Read(read),
                out,
            )
            .await
        }
        ListAction::Create {
            name,
            member_type,
            member,
            description,
        } => {
            let mut create = lists.create(name, members(&member_type, member)?);
            if let Some(text) = description {
                create = create.description(text);
            }
            out.record(&create.send().await?.into_record(), None)
        }
        ListAction::Update {
            id,
            name,
            description,
        } => {
            let mut update = lists.update(id);
            if let Some(name) = name {
                update = update.name(name);
            }
            if let Some(text) = description {
                update = update.description(text);
            }
            out.record(&update.send().await?.into_record(), None)
        }
        ListAction::Delete(args) => {
            let ids = values::ids(&args.ids)?;
            let what = match ids.ids.as_slice() {
                [one] => format!("Delete list {one}"),
                many => format!("Delete {} lists", many.len()),
            };
            crate::output::confirm(&what, "nothing was deleted", args.yes)?;
            let delete = |id: String| {
                let call = lists.delete(id).send();
                async move { call.await.map(|list| list.into_record()) }
            };
            records::each(ids, out, || async { None }, delete).await
        }
        ListAction::Members {
            id,
            member_type,
            limit,
            all,
        } => {
            let (found, total) = match records::object_type(&member_type) {
                ObjectType::Account => as_records(take(lists.accounts(id), limit, all).await?),
                ObjectType::Contact => as_records(take(lists.contacts(id), limit, all).await?),
                ObjectType::Opportunity => {
                    as_records(take(lists.opportunities(id), limit, all).await?)
                }
                _ => {
                    return Err(Failure::Local(format!(
                        "--of `{member_type}`: a list holds accounts, contacts or opportunities"
                    )));
                }
            };
            out.records(&found, Some((total, 0)), &[], None)
        }
        ListAction::Add {
            id,
            member_type,
            members: ids,
        } => {
            let update = lists.update(id).add_members(members(&member_type, ids)?);
            out.record(&update.send().await?.into_record(), None)
        }
        ListAction::Remove {
            id,
            member_type,
            members: ids,
        } => {
            let update = lists.update(id).remove_members(members(&member_type, ids)?);
            out.record(&update.send().await?.into_record(), None)
        }
    }
}

/// Typed records as generic ones, with the count.
fn as_records<T: Into<Record>>((items, total): (Vec<T>, u64)) -> (Vec<Record>, u64) {
    (items.into_iter().map(Into::into).collect(), total)
}

/// A read-only type's commands.
pub async fn read_only(
    client: &Client,
    object: ObjectType,
    action: ReadAction,
    out: &Out,
) -> Outcome {
    records::run(client, object, crate::args::Action::Read(action), out).await
}

fn file_json(file: &FileInfo) -> Value {
    json!({
        "id": file.id, "filename": file.filename, "mimeType": file.mime_type,
        "sizeBytes": file.size_bytes, "status": file.status.as_api(),
        "createdAt": file.created_at, "completedAt": file.completed_at,
    })
}

/// A media type from a file name's extension, for the common kinds.
fn guess_mime(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "wav" => "audio/wav",
        "vtt" => "text/vtt",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// `lightfield files …`.
pub async fn files(client: &Client, action: FilesAction, out: &Out) -> Outcome {
    let files = client.files();
    match action {
        FilesAction::List { limit, all } => {
            let (found, _) = take(files.list(), limit, all).await?;
            out.value(&Value::Array(found.iter().map(file_json).collect()))
        }
        FilesAction::Get { id } => out.value(&file_json(&files.retrieve(id).send().await?)),
        FilesAction::Cancel { id } => out.value(&file_json(&files.cancel(id).send().await?)),
        FilesAction::Upload {
            path,
            mime_type,
            purpose,
        } => {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| Failure::Local(format!("{} has no file name", path.display())))?
                .to_string();
            let mime = mime_type.unwrap_or_else(|| guess_mime(&path).to_string());
            let mut upload = files.upload(name, mime, path.as_path());
            if let Some(purpose) = purpose {
                upload = upload.purpose(Purpose::from_api(&purpose));
            }
            out.value(&file_json(&upload.send().await?))
        }
        FilesAction::Download { id, output } => {
            let info = files.retrieve(&id).send().await?;
            let named = output.is_none();
            let target = match output {
                Some(path) => path,
                None => name_here(&info.filename)?,
            };
            if named && target.exists() {
                return Err(Failure::Local(format!(
                    "{} exists; pass `-o {}` to replace it, or `-o` another name",
                    target.display(),
                    target.display()
                )));
            }
            let bytes = files.download(&id).await?;
            if !named && target.as_os_str() == "-" {
                let mut stdout = std::io::stdout().lock();
                // The bytes are the uploader's: on a terminal, escape sequences in them
                // would be obeyed (as curl warns of binary output).
                let control = |b: &u8| b.is_ascii_control() && !matches!(b, b'\n' | b'\r' | b'\t');
                if stdout.is_terminal() && bytes.iter().any(control) {
                    return Err(Failure::Local(format!(
                        "{} holds control characters, which a terminal would obey; pipe it \
                         (`| less`) or write it to a file with `-o FILE`",
                        crate::view::one_line(&info.filename)
                    )));
                }
                return stdout
                    .write_all(&bytes)
                    .map_err(crate::output::write_failed);
            }
            // Complete or untouched: written beside the target, renamed into place.
            crate::output::write_whole(&target, &bytes)?;
            eprintln!("wrote {} ({} bytes)", target.display(), bytes.len());
            Ok(())
        }
    }
}

/// Where a download goes when no `-o` is given: the file's name, in this directory. The
/// name is text from whoever uploaded the file, so only its last part is used (never a folder,
/// an absolute path or standard output), and a name that is no file name is refused.
fn name_here(filename: &str) -> Result<PathBuf, Failure> {
    let last = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let usable = !matches!(last, "" | "." | ".." | "-") && !last.chars().any(char::is_control);
    if !usable {
        return Err(Failure::Local(format!(
            "the file's name `{}` cannot be used here; pass `-o` with a name",
            crate::view::one_line(filename)
        )));
    }
    if last != filename {
        eprintln!(
            "the file's name `{}` has folders; writing `{last}` in this directory",
            crate::view::one_line(filename)
        );
    }
    Ok(PathBuf::from(last))
}

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
            if let Some(id) = message_id {
                logged = logged.message_id(id);
            }
            logged = logged.body(None, mail.text);
            out.record(&emails.log(logged).send().await?.into_record(), None)
        }
    }
}

/// `lightfield runs …`.
pub async fn runs(client: &Client, action: RunsAction, out: &Out) -> Outcome {
    match action {
        RunsAction::Status { id, wait } => {
            let runs = client.workflow_runs();
            let status = if wait {
                runs.wait(&id).send().await?
            } else {
                runs.status(&id).send().await?
            };
            out.value(&json!({ "id": id, "status": status.as_api(), "final": status.is_final() }))
        }
    }
}

/// `lightfield auth status`.
pub async fn auth(client: &Client, settings: &Settings, action: AuthAction, out: &Out) -> Outcome {
    match action {
        AuthAction::Status => {
            let key = client.validate().send().await.inspect_err(|_| {
                // What was tried, even when the check fails (as `gh auth status` does).
                eprintln!(
                    "profile: {}; key from: {}; server: {}",
                    settings.profile.as_deref().unwrap_or("(none)"),
                    settings.key_source,
                    client.base_url()
                );
            })?;
            out.value(&json!({
                "active": key.active,
                "subjectType": key.subject_type.as_ref().map(|s| s.as_api().to_string()),
                "tokenType": key.token_type,
                "scopes": key.scopes,
                "server": client.base_url(),
                "profile": settings.profile,
                "keyFrom": settings.key_source,
            }))
        }
        // Settled before any settings are read (the profile may not exist yet).
        AuthAction::Login { .. } | AuthAction::Logout => Err(Failure::Local(
            "`auth login` and `logout` run before a client is made".into(),
        )),
    }
}

/// `lightfield open ID`: the record's type from its id, then its link.
pub async fn open(client: &Client, id: String, browser: bool) -> Outcome {
    let object = ObjectType::of_id(&id).ok_or_else(|| {
        Failure::Local(format!(
            "`{id}` is not the id of a built-in type; for a custom object use \
             `lightfield object SLUG open {id}`"
        ))
    })?;
    let record: Record = client.records_of(object).retrieve(id).send().await?;
    records::open(&record, browser)
}

/// `lightfield schema TYPE`: one row per field and relationship, with its key, label,
/// kind, value type, whether it is required or read-only, and its options.
pub async fn schema(client: &Client, args: SchemaArgs, out: &Out) -> Outcome {
    let object = records::object_type(&args.object);
    let required = object.required_keys();
    let definitions = client.schema(object).await?;
    if let Some(name) = args.rust {
        return crate::output::text(&lightfield::schema::rust_source(&definitions, &name));
    }
    let mut rows: Vec<Value> = definitions
        .fields
        .iter()
        .map(|(key, f)| {
            json!({
                "key": key, "label": f.label, "kind": "field",
                "valueType": f.value_type.as_api(), "required": required.contains(&key.as_str()),
                "readOnly": f.read_only,
                "options": f.options.iter().map(|o| o.label.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    rows.extend(definitions.relationships.iter().map(|(key, r)| {
        json!({
            "key": key, "label": r.label, "kind": "relationship",
            "valueType": format!("{} → {}", r.cardinality.as_api(), r.object_type),
            "required": required.contains(&key.as_str()), "readOnly": r.read_only, "options": [],
        })
    }));
    out.value(&Value::Array(rows))
}

/// A sender as JSON: what it is, its health, and every key the SDK does not model.
#[cfg(feature = "preview")]
fn sender(s: &lightfield::preview::Sender) -> Value {
    let mut out = json!({
        "id": s.id, "channel": s.channel.as_ref().map(|c| c.as_api().to_string()),
        "health": s.health.as_ref().map(|h| h.as_api().to_string()),
        "healthReason": s.health_reason, "emailAddress": s.email_address, "owner": s.owner,
        "createdAt": s.created_at,
    });
    for (key, value) in &s.extra {
        out[key.as_str()] = value.clone();
    }
    out
}

/// The Preview resources.
#[cfg(feature = "preview")]
pub async fn preview(client: &Client, command: crate::args::Command, out: &Out) -> Outcome {
    use crate::args::{Command, SendersAction, SequencesAction};
    use lightfield::preview::View;
    let raw = |v: &serde_json::Map<String, Value>| Value::Object(v.clone());
    match command {
        Command::Senders { action } => match action {
            SendersAction::List { limit } => {
                let (found, _) = take(client.senders().list(), limit, false).await?;
                out.value(&Value::Array(found.iter().map(sender).collect()))
            }
            SendersAction::Get { id } => {
                out.value(&sender(&client.senders().retrieve(id).send().await?))
            }
        },
        Command::Sequences { action } => match action {
            SequencesAction::List { limit } => {
                let (found, _) = take(client.sequences().list(), limit, false).await?;
                out.value(&Value::Array(found.iter().map(|s| raw(s.raw())).collect()))
            }
            SequencesAction::Get { id } => {
                out.value(&raw(client.sequences().retrieve(id).send().await?.raw()))
            }
            SequencesAction::Enrollments { id, limit } => {
                let (found, _) = take(client.sequences().enrollments(id), limit, false).await?;
                out.value(&Value::Array(found.iter().map(|s| raw(s.raw())).collect()))
            }
        },
        _ => Ok(()),
    }
}
