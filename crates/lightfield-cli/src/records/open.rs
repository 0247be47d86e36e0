//! `open`: a record's link in the app, printed or opened in the browser.

use lightfield::{Client, ObjectType, Record};

use crate::exit::Failure;
use crate::view;

use super::Outcome;

/// Prints a record's link in the app, or opens it in the browser.
pub fn open(record: &Record, browser: bool) -> Outcome {
    let link = record
        .http_link
        .clone()
        .ok_or_else(|| Failure::Local(format!("record `{}` has no httpLink", record.id)))?;
    if !browser {
        return crate::output::text(&format!("{}\n", view::one_line(&link)));
    }
    // The link is the server's text, handed to a program that opens anything: only a plain
    // https address goes (no other scheme, no option-like argument, no spaces or controls).
    let plain =
        link.starts_with("https://") && !link.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plain {
        return Err(Failure::Local(format!(
            "record `{}` has the link `{}`, which is not an https address; not opened",
            record.id,
            view::one_line(&link)
        )));
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = std::process::Command::new(opener)
        .arg(&link)
        .status()
        .map_err(|e| Failure::Local(format!("cannot run {opener} to open {link}: {e}")))?;
    if !status.success() {
        return Err(Failure::Local(format!(
            "{opener} could not open {link} ({status}); the link is printed without --browser"
        )));
    }
    Ok(())
}

/// `lightfield open ID`: the record's type from its id, then its link.
pub async fn open_by_id(client: &Client, id: String, browser: bool) -> Outcome {
    let object = ObjectType::of_id(&id).ok_or_else(|| {
        Failure::Local(format!(
            "`{id}` is not the id of a built-in type; for a custom object use \
             `lightfield object SLUG open {id}`"
        ))
    })?;
    let record: Record = client.records_of(object).retrieve(id).send().await?;
    open(&record, browser)
}
