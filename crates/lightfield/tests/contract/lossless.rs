//! "Lossless": what the SDK decoded from an answer gives back what came in (records through
//! `to_json`, Preview views through `raw`, typed answers through their fields and `extra`),
//! and its getters read the values present.

use serde_json::Value;

/// Whether what the SDK decoded gives back what came in, and its getters read it.
pub trait Lossless {
    /// Compares with the JSON received; answers how many records were compared.
    fn compare(&self, received: &Value) -> Result<usize, String>;
}

/// JSON with `null` members left out: `"updatedAt": null` and no `updatedAt` say the same,
/// and the SDK gives back the second.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

pub(crate) fn same(what: &str, ours: &Value, received: &Value) -> Result<(), String> {
    let (mut ours, received) = (without_nulls(ours), without_nulls(received));
    // A record of a type whose relationships are read elsewhere (lists) comes without the
    // key; the SDK reads that as no relationships and gives back `{}`.
    if received.get("relationships").is_none()
        && ours["relationships"] == serde_json::json!({})
        && let Some(map) = ours.as_object_mut()
    {
        map.remove("relationships");
    }
    if ours == received {
        return Ok(());
    }
    Err(format!(
        "{what} lost or changed what was received:\n  received: {received}\n  kept:     {ours}"
    ))
}

impl Lossless for lightfield::Record {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        same("record", &self.to_json(), received)?;
        // The getters read what is there.
        for (key, entry) in received["relationships"].as_object().into_iter().flatten() {
            let Some(ids) = entry.get("values").and_then(Value::as_array) else {
                continue;
            };
            let ids: Vec<&str> = ids.iter().filter_map(Value::as_str).collect();
            let read: Vec<&str> = self.related(key).iter().map(String::as_str).collect();
            if read != ids {
                return Err(format!("related({key}) read {read:?}, received {ids:?}"));
            }
            for (end, getter) in [("asSource", true), ("asDestination", false)] {
                let sent = &entry["directions"][end]["values"];
                let Some(sent) = sent.as_array() else {
                    continue;
                };
                let sent: Vec<&str> = sent.iter().filter_map(Value::as_str).collect();
                let directions = self.relationships[key].directions.as_ref();
                let read: Vec<&str> = directions
                    .map(|d| {
                        if getter {
                            d.source_ids()
                        } else {
                            d.destination_ids()
                        }
                    })
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str)
                    .collect();
                if read != sent {
                    return Err(format!(
                        "{key}.directions.{end}: read {read:?}, received {sent:?}"
                    ));
                }
            }
        }
        for (key, entry) in received["fields"].as_object().into_iter().flatten() {
            let Some(value_type) = entry.get("valueType").and_then(Value::as_str) else {
                continue;
            };
            let read = self
                .fields
                .get(key)
                .map(|f| f.value_type.as_api().to_string());
            if read.as_deref() != Some(value_type) {
                return Err(format!(
                    "field {key}: valueType read {read:?}, received {value_type}"
                ));
            }
        }
        Ok(1)
    }
}

impl<T: Lossless> Lossless for lightfield::Page<T> {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        let data = received["data"].as_array().cloned().unwrap_or_default();
        if data.len() != self.items.len() {
            return Err(format!(
                "{} items kept of {} received",
                self.items.len(),
                data.len()
            ));
        }
        let mut n = 0;
        for (item, raw) in self.items.iter().zip(&data) {
            n += item.compare(raw)?;
        }
        Ok(n)
    }
}

/// Typed records compare as the record they wrap.
macro_rules! lossless_records {
    ($($ty:ty),+) => {$(
        impl Lossless for $ty {
            fn compare(&self, received: &Value) -> Result<usize, String> {
                AsRef::<lightfield::Record>::as_ref(self).compare(received)
            }
        }
    )+};
}
lossless_records!(
    lightfield::Account,
    lightfield::Contact,
    lightfield::Opportunity,
    lightfield::Task,
    lightfield::Note,
    lightfield::Meeting,
    lightfield::Member,
    lightfield::Email,
    lightfield::Channel,
    lightfield::Message,
    lightfield::ListRecord
);

/// Answers that are not records: decoded into typed structs; what they keep is checked by
/// `xtask/tests/drift.rs` (every answer property is declared or kept raw).
macro_rules! not_records {
    ($($ty:ty),+) => {$(
        impl Lossless for $ty {
            fn compare(&self, _: &Value) -> Result<usize, String> {
                Ok(0)
            }
        }
    )+};
}

not_records!(
    lightfield::Definitions,
    lightfield::HistoryPage,
    lightfield::KeyInfo,
    lightfield::DownloadUrl,
    lightfield::FileInfo,
    lightfield::PendingUpload,
    lightfield::RunStatus,
    Vec<lightfield::ObjectTypeInfo>,
    String
);

impl<T: Lossless> Lossless for lightfield::MergeOutcome<T> {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        self.primary.compare(&received["primary"])
    }
}

/// Every key received is one the type reads or one it keeps in `extra`.
pub(crate) fn covered(
    what: &str,
    received: &Value,
    known: &[&str],
    extra: &std::collections::BTreeMap<String, Value>,
) -> Result<usize, String> {
    for (key, value) in received.as_object().into_iter().flatten() {
        if known.contains(&key.as_str()) {
            continue;
        }
        if extra.get(key) != Some(value) {
            return Err(format!("{what} dropped `{key}`: {value}"));
        }
    }
    Ok(0)
}

impl Lossless for lightfield::EnrichmentRun {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        let known = [
            "id",
            "entityId",
            "entityType",
            "status",
            "targetFields",
            "trigger",
            "startedAt",
            "completedAt",
            "createdAt",
            "updatedAt",
        ];
        if received["createdAt"].as_str() != self.created_at.as_deref() {
            return Err(format!("createdAt read {:?}", self.created_at));
        }
        covered("enrichment run", received, &known, &self.extra)
    }
}

impl Lossless for lightfield::MergeInfo {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        let known = [
            "id",
            "entityType",
            "primaryId",
            "duplicateId",
            "status",
            "createdAt",
            "updatedAt",
        ];
        if received["updatedAt"].as_str() != self.updated_at.as_deref() {
            return Err(format!("updatedAt read {:?}", self.updated_at));
        }
        covered("merge", received, &known, &self.extra)
    }
}

#[cfg(feature = "preview")]
mod preview_views {
    use lightfield::preview::View;
    use serde_json::Value;

    use super::{Lossless, covered, same};

    macro_rules! views {
        ($($ty:ty),+) => {$(
            impl Lossless for $ty {
                fn compare(&self, received: &Value) -> Result<usize, String> {
                    same(stringify!($ty), &Value::Object(self.raw().clone()), received)?;
                    Ok(0)
                }
            }
        )+};
    }
    views!(
        lightfield::preview::Draft,
        lightfield::preview::Enrollment,
        lightfield::preview::Performance,
        lightfield::preview::Sequence,
        lightfield::preview::SequenceMessage,
        lightfield::preview::SequenceTest,
        lightfield::preview::TemplateVariable
    );

    impl Lossless for serde_json::Map<String, Value> {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            same("answer", &Value::Object(self.clone()), received)?;
            Ok(0)
        }
    }

    impl<T: Lossless> Lossless for Vec<T> {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let data = received["data"].as_array().cloned().unwrap_or_default();
            if data.len() != self.len() {
                return Err(format!(
                    "{} items kept of {} received",
                    self.len(),
                    data.len()
                ));
            }
            for (item, raw) in self.iter().zip(&data) {
                item.compare(raw)?;
            }
            Ok(0)
        }
    }

    impl Lossless for lightfield::preview::Sender {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let known = [
                "id",
                "channel",
                "health",
                "healthReason",
                "emailAddress",
                "owner",
                "archivedAt",
                "createdAt",
                "replyToAddress",
                "transport",
                "objectType",
                "pacing",
            ];
            for (key, read) in [
                ("replyToAddress", &self.reply_to_address),
                ("transport", &self.transport),
                ("objectType", &self.object_type),
                ("createdAt", &self.created_at),
            ] {
                if received[key].as_str() != read.as_deref() {
                    return Err(format!(
                        "sender `{key}` read {read:?}, received {}",
                        received[key]
                    ));
                }
            }
            let pacing = received["pacing"].as_object().map_or(0, |p| p.len());
            if pacing != self.pacing.len() {
                return Err(format!(
                    "sender pacing: {} kept of {pacing}",
                    self.pacing.len()
                ));
            }
            covered("sender", received, &known, &self.extra)
        }
    }
}

/// Checks that the SDK kept what it received; counts the records compared.
pub fn lossless<T: Lossless>(what: &str, response: &lightfield::Response<T>) -> usize {
    let received: Value = serde_json::from_slice(response.raw_body()).unwrap_or(Value::Null);
    match response.value().compare(&received) {
        Ok(n) => n,
        Err(e) => panic!("{what}: {e}"),
    }
}
