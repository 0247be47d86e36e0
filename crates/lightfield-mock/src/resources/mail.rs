//! Email send, draft and log, with the API's limits; a logged email becomes an email
//! record, and a `Message-ID` logged twice is a 409.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Store;
use crate::error::ApiError;
use crate::now_rfc3339;

fn addresses(body: &Value, key: &str) -> Result<Vec<String>, ApiError> {
    match &body[key] {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .filter(|s| s.contains('@'))
                    .map(str::to_string)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_value",
                            key,
                            format!("`{key}` holds email addresses"),
                        )
                    })
            })
            .collect(),
        _ => Err(ApiError::bad_request(
            "invalid_type",
            key,
            format!("`{key}` is a list"),
        )),
    }
}

fn check_common(body: &Value) -> Result<usize, ApiError> {
    if body["from"].as_str().is_none_or(|f| !f.contains('@')) {
        return Err(ApiError::bad_request(
            "missing_field",
            "from",
            "`from` is the connected mailbox to send from",
        ));
    }
    let attachments = body["attachments"].as_array().map_or(0, Vec::len);
    if attachments > 5 {
        return Err(ApiError::bad_request(
            "too_many_values",
            "attachments",
            "at most 5 attachments",
        ));
    }
    let mut count = 0;
    for key in ["to", "cc", "bcc"] {
        count += addresses(body, key)?.len();
    }
    Ok(count)
}

/// `POST /v1/emails/send`.
pub fn send(body: &Value) -> Result<Value, ApiError> {
    check_common(body)?;
    let to = addresses(body, "to")?;
    if to.is_empty() || to.len() > 500 {
        return Err(ApiError::bad_request(
            "invalid_value",
            "to",
            "send to 1 to 500 recipients",
        ));
    }
    for key in ["subject", "messageBody"] {
        if body[key].is_null() {
            return Err(ApiError::bad_request(
                "missing_field",
                key,
                format!("`{key}` is required"),
            ));
        }
    }
    Ok(json!({"sentAt": now_rfc3339()}))
}

/// `POST /v1/emails/draft`.
pub fn draft(body: &Value) -> Result<Value, ApiError> {
    let recipients = check_common(body)?;
    let other = ["subject", "messageBody", "attachments"]
        .iter()
        .any(|k| !body[*k].is_null());
    if recipients == 0 && !other {
        return Err(ApiError::bad_request_plain(
            "missing_field",
            "a draft needs something besides `from`",
        ));
    }
    Ok(json!({"draftedAt": now_rfc3339()}))
}

/// `POST /v1/emails/log`.
pub fn log(store: &mut Store, body: &Value) -> Result<Value, ApiError> {
    let fields = body["fields"]
        .as_object()
        .ok_or_else(|| ApiError::bad_request("missing_field", "fields", "`fields` is required"))?;
    if fields.get("$from").and_then(Value::as_str).is_none() {
        return Err(ApiError::bad_request(
            "missing_field",
            "fields.$from",
            "`$from` is required",
        ));
    }
    let sent = fields
        .get("$sentAt")
        .and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_value",
                "fields.$sentAt",
                "`$sentAt` is an RFC 3339 time",
            )
        })?;
    if sent > OffsetDateTime::now_utc() {
        return Err(ApiError::bad_request(
            "invalid_value",
            "fields.$sentAt",
            "`$sentAt` must be in the past",
        ));
    }
    if !["$to", "$cc", "$bcc"]
        .iter()
        .any(|k| fields.contains_key(*k))
    {
        return Err(ApiError::bad_request(
            "missing_field",
            "fields.$to",
            "give at least one of `$to`, `$cc`, `$bcc`",
        ));
    }
    // Each body part given is a string: the API takes no `null` for `html` or `text`.
    for part in ["html", "text"] {
        let value = &fields.get("$body").cloned().unwrap_or(Value::Null)[part];
        if body["fields"]["$body"].get(part).is_some() && !value.is_string() {
            return Err(ApiError::bad_request(
                "invalid_type",
                format!("fields.$body.{part}"),
                format!("`$body.{part}` is a string; leave it out when there is none"),
            ));
        }
    }
    if let Some(privacy) = fields.get("$privacySetting").filter(|v| !v.is_null())
        && !matches!(privacy.as_str(), Some("FULL" | "METADATA"))
    {
        return Err(ApiError::bad_request(
            "invalid_option",
            "fields.$privacySetting",
            "`$privacySetting` is FULL or METADATA",
        ));
    }
    if let Some(message_id) = body["headers"]["Message-ID"].as_str()
        && let Some(existing) = store.logged_message_ids.get(message_id)
    {
        return Err(ApiError {
            status: 409,
            kind: "conflict",
            message: format!(
                "an email with Message-ID {message_id} is already logged as {existing}"
            ),
            code: Some("duplicate_message_id"),
            param: Some("headers.Message-ID".into()),
            details: serde_json::Map::new(),
        });
    }
    let emails = store
        .collection_mut("email")
        .ok_or_else(|| ApiError::not_found("no emails"))?;
    let kept: serde_json::Map<String, Value> = fields
        .iter()
        .filter(|(k, _)| emails.schema.field(k).is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let id = emails.seed(Value::Object(kept));
    let record = emails.get(&id)?;
    if let Some(message_id) = body["headers"]["Message-ID"].as_str() {
        store.logged_message_ids.insert(message_id.to_string(), id);
    }
    Ok(record)
}
