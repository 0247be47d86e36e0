//! A sales flow across every record type: an account, a contact at it, an opportunity, a
//! task, a note, a meeting with an uploaded transcript, a custom-object record, the history
//! of the opportunity's stage, a note deleted and restored, and a duplicate account merged.
//!
//! With `LIGHTFIELD_API_KEY` set (and optionally `LIGHTFIELD_BASE_URL`) it talks to that
//! server and moves what it created to the trash at the end; otherwise it starts the
//! embedded mock server. It exits 0 only if every step worked.
//!
//! Run: `cargo run -p lightfield --example pipeline`

use std::process::ExitCode;

mod support;

use futures_util::TryStreamExt;
use lightfield::{FullName, Op, Privacy, RecordStatus, TaskStatus};
use time::{Duration, OffsetDateTime};

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => {
            println!("\npipeline finished: every step worked");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\npipeline failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(ok: bool, what: &str) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

async fn run() -> Result<(), Failure> {
    let target = support::connect().await?;
    let (client, on_mock) = (&target.client, target.on_mock());

    // Someone to own the work: the first member of the workspace.
    let members = client.members().list().limit(1).send().await?;
    let member = members
        .items
        .first()
        .ok_or("the workspace has no members")?;
    println!(
        "\n0. working as {} ({})",
        member.name().map_or("?".to_string(), ToString::to_string),
        member.id
    );

    // 1. An account.
    let account = client
        .accounts()
        .create("Pipeline Example Co")
        .website(["https://pipeline.example"])
        .send()
        .await?;
    println!("1. account   {} {:?}", account.id, account.name());

    // 2. A contact at it.
    let contact = client
        .contacts()
        .create()
        .name(FullName::new("Pat", "Pipeline"))
        .emails(["pat@pipeline.example"])
        .accounts(account.id.as_str())
        .send()
        .await?;
    println!("2. contact   {} {:?}", contact.id, contact.emails());
    check(
        contact.accounts().contains(&account.id),
        "the contact is linked to the account",
    )?;

    // 3. An opportunity, at the first two stages the organisation defines.
    let definitions = client.opportunities().definitions().send().await?;
    let stages: Vec<String> = definitions
        .field("$stage")
        .map(|f| f.options.iter().map(|o| o.label.clone()).collect())
        .unwrap_or_default();
    let (first, second) = match stages.as_slice() {
        [a, b, ..] => (a.clone(), b.clone()),
        _ => return Err("the organisation defines fewer than two opportunity stages".into()),
    };
    let deal = client
        .opportunities()
        .create("Pipeline Example deal", &account.id)
        .stage(&first)
        .champions([contact.id.as_str()])
        .send()
        .await?;
    println!("3. deal      {} at stage {:?}", deal.id, deal.stage());

    // 4. A task for the member.
    let task = client
        .tasks()
        .create("Send the proposal", TaskStatus::Todo, &member.id)
        .due_at(OffsetDateTime::now_utc() + Duration::days(3))
        .opportunity(&deal.id)
        .send()
        .await?;
    println!(
        "4. task      {} {:?} for {:?}",
        task.id,
        task.status(),
        task.assignee()
    );

    // 5. A note on the account and the deal.
    let note = client
        .notes()
        .create("Discovery call")
        .content("Budget confirmed; decision in Q3.")
        .accounts(account.id.as_str())
        .opportunities(deal.id.as_str())
        .send()
        .await?;
    println!("5. note      {} {:?}", note.id, note.title());

    // 6. Yesterday's meeting.
    let start = OffsetDateTime::now_utc() - Duration::days(1);
    let meeting = client
        .meetings()
        .create("Pipeline kickoff", start, start + Duration::hours(1))
        .privacy(Privacy::Full)
        .attendee_emails(["pat@pipeline.example"])
        .send()
        .await?;
    println!(
        "6. meeting   {} {:?} ({:?} access)",
        meeting.id,
        meeting.title(),
        meeting.access_level
    );

    // 6b. Its transcript: uploaded in one call (the bytes never carry the API key), then
    //     linked to the meeting.
    let transcript = b"Pat: we need it by Q3.\nAda: we can do that.\n".to_vec();
    let file = client
        .files()
        .upload("kickoff-transcript.txt", "text/plain", transcript)
        .purpose(lightfield::Purpose::MeetingTranscript)
        .send()
        .await?;
    let meeting = client
        .meetings()
        .update(&meeting.id)
        .transcript(&file.id)
        .send()
        .await?;
    println!(
        "   transcript {} ({} bytes, {:?}) linked: {:?}",
        file.id,
        file.size_bytes,
        file.status,
        meeting.transcript()
    );
    check(
        meeting.transcript() == Some(file.id.as_str()),
        "the transcript is linked",
    )?;

    // 7. A record of the first custom object type, if the organisation has one.
    let mut custom = None;
    match client.objects().send().await?.into_iter().next() {
        None => println!("7. (no custom object types in this organisation)"),
        Some(object) => {
            let records = client.object(&object.slug);
            let fields = records.definitions().send().await?;
            let mut create = records.create();
            if fields.field("$name").is_some() {
                create = create.field("$name", "Pipeline Example record");
            }
            let record = create.send().await?;
            println!(
                "7. {}  {} {:?}",
                object.slug,
                record.id,
                record.text("$name")
            );
            custom = Some((object.slug, record.id));
        }
    }

    // 8. Move the deal on, and read the stage's history.
    let moved = client
        .opportunities()
        .update(&deal.id)
        .stage(&second)
        .send()
        .await?;
    check(moved.stage() == Some(second.as_str()), "the stage changed")?;
    let history: Vec<_> = client
        .opportunities()
        .history(&deal.id, "$stage")
        .stream()
        .try_collect()
        .await?;
    println!("8. history of $stage, newest first:");
    for entry in &history {
        println!(
            "     {} {:?}{}",
            entry.recorded_at,
            entry.value.as_str(),
            if entry.is_create { " (create)" } else { "" }
        );
    }
    if on_mock {
        let values: Vec<_> = history.iter().filter_map(|e| e.value.as_str()).collect();
        check(
            values == [second.as_str(), first.as_str()],
            "history lists both stages, newest first",
        )?;
    }

    // 9. Delete the note, find it in the trash, restore it.
    client.notes().delete(&note.id).send().await?;
    if on_mock {
        // Lists come from a search index that lags writes on the real API; check on the mock.
        let trashed = client
            .notes()
            .list()
            .status(RecordStatus::Trashed)
            .send()
            .await?;
        check(
            trashed.items.iter().any(|n| n.id == note.id),
            "the note is in the trash",
        )?;
    }
    let restored = client.notes().restore(&note.id).send().await?;
    println!("9. note      {} deleted and restored", restored.id);
    let active = client
        .notes()
        .list()
        .filter("$title", Op::Equal, "Discovery call")
        .send()
        .await?;
    if on_mock {
        check(
            active.items.iter().any(|n| n.id == note.id),
            "the note is back in the default list",
        )?;
    }

    // 10. A duplicate of the account, merged into it: the duplicate's website is kept.
    let duplicate = client
        .accounts()
        .create("Pipeline Example Company")
        .website(["https://pipeline-example.example"])
        .send()
        .await?;
    let merged = client
        .accounts()
        .merge(&account.id, &duplicate.id)
        .keep_primary("$name")
        .keep_duplicate("$website")
        .send()
        .await?;
    let done = client
        .merges()
        .wait(&merged.merge_id)
        .deadline(std::time::Duration::from_secs(60))
        .send()
        .await?;
    println!(
        "10. merged    {} into {}: {:?}, website {:?}",
        duplicate.id,
        account.id,
        done.status,
        merged.primary.website()
    );
    check(
        merged.primary.name() == Some("Pipeline Example Co"),
        "the primary kept its name",
    )?;

    if !on_mock {
        // Leave a real workspace as it was: everything created goes to the trash.
        client.notes().delete(&note.id).send().await?;
        client.meetings().delete(&meeting.id).send().await?;
        client.tasks().delete(&task.id).send().await?;
        client.opportunities().delete(&deal.id).send().await?;
        client.contacts().delete(&contact.id).send().await?;
        client.accounts().delete(&account.id).send().await?;
        if let Some((slug, id)) = custom {
            client.object(slug).delete(id).send().await?;
        }
        println!("   (created records moved to the trash)");
    }
    Ok(())
}
