//! The Preview resources (`preview` feature): senders and sequences.

use lightfield::Client;
use serde_json::{Value, json};

use crate::output::Out;
use crate::records::take;

use super::Outcome;

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
