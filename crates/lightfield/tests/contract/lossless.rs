//! "Lossless": what the SDK decoded from an answer gives back what came in (records through
//! `to_json`, Preview views through `raw`, typed answers through their fields and `extra`),
//! and its getters read the values present.

use serde_json::{Value, json};

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

/// Typed records compare as the record of any type they convert to.
macro_rules! lossless_records {
    ($($ty:ty),+) => {$(
        impl Lossless for $ty {
            fn compare(&self, received: &Value) -> Result<usize, String> {
                lightfield::Record::from(self.clone()).compare(received)
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

/// Each key the SDK reads, compared with what was received there (`null` and absent read
/// the same), then every other key received must be kept in `extra`.
fn read_and_kept(
    what: &str,
    received: &Value,
    read: &[(&str, Value)],
    extra: &std::collections::BTreeMap<String, Value>,
) -> Result<usize, String> {
    for (key, ours) in read {
        let theirs = without_nulls(received.get(*key).unwrap_or(&Value::Null));
        if without_nulls(ours) != theirs {
            return Err(format!("{what} `{key}`: read {ours}, received {theirs}"));
        }
    }
    let known: Vec<&str> = read.iter().map(|(k, _)| *k).collect();
    covered(what, received, &known, extra)
}

/// A flag the SDK reads as `false` when absent: compared only when received.
fn flag(received: &Value, key: &str, ours: bool) -> Value {
    match received.get(key) {
        Some(Value::Bool(_)) => Value::Bool(ours),
        other => other.cloned().unwrap_or(Value::Null),
    }
}

fn text(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.to_string()))
}

impl Lossless for lightfield::KeyInfo {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        let read = [
            ("active", json!(self.active)),
            ("scopes", json!(self.scopes)),
            (
                "subjectType",
                text(self.subject_type.as_ref().map(|s| s.as_api())),
            ),
            ("tokenType", text(self.token_type.as_deref())),
        ];
        read_and_kept("key info", received, &read, &self.extra)
    }
}

impl Lossless for lightfield::DownloadUrl {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        let read = [
            ("url", json!(self.url)),
            ("expiresAt", json!(self.expires_at)),
        ];
        read_and_kept("download URL", received, &read, &self.extra)
    }
}

fn file_read(file: &lightfield::FileInfo) -> Vec<(&'static str, Value)> {
    vec![
        ("id", json!(file.id)),
        ("filename", json!(file.filename)),
        ("mimeType", json!(file.mime_type)),
        // A size the SDK cannot hold as a u64 is kept as received in `extra`.
        (
            "sizeBytes",
            file.extra
                .get("sizeBytes")
                .cloned()
                .unwrap_or(json!(file.size_bytes)),
        ),
        ("status", json!(file.status.as_api())),
        ("createdAt", json!(file.created_at)),
        ("completedAt", text(file.completed_at.as_deref())),
        ("expiresAt", text(file.expires_at.as_deref())),
    ]
}

impl Lossless for lightfield::FileInfo {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        read_and_kept("file", received, &file_read(self), &self.extra)
    }
}

impl Lossless for lightfield::PendingUpload {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        let mut read = file_read(&self.file);
        read.push(("uploadUrl", json!(self.upload_url)));
        read.push(("uploadHeaders", json!(self.upload_headers)));
        read_and_kept("pending upload", received, &read, &self.file.extra)
    }
}

impl Lossless for lightfield::RunStatus {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        // A status is all the SDK keeps of this answer: anything more would be lost.
        same("run status", &json!({"status": self.as_api()}), received)?;
        Ok(0)
    }
}

/// Answers the SDK reads as one text (an email's `sentAt`): the answer must be that one
/// member and nothing more, or the rest would be lost.
impl Lossless for String {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        match received.as_object() {
            Some(map) if map.len() == 1 && map.values().next() == Some(&json!(self)) => Ok(0),
            _ => Err(format!(
                "the text `{self}` is all that was kept of {received}"
            )),
        }
    }
}

impl Lossless for Vec<lightfield::ObjectTypeInfo> {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        same_length("object types", self.len(), received)?;
        for (object, raw) in self
            .iter()
            .zip(received["data"].as_array().into_iter().flatten())
        {
            let read = [
                ("objectType", json!(object.slug)),
                ("label", json!(object.label)),
            ];
            read_and_kept("object type", raw, &read, &object.extra)?;
        }
        covered("object type list", received, &["data"], &Default::default())
    }
}

fn same_length(what: &str, kept: usize, received: &Value) -> Result<(), String> {
    let got = received["data"].as_array().map_or(0, Vec::len);
    if kept == got {
        Ok(())
    } else {
        Err(format!("{what}: {kept} kept of {got} received"))
    }
}

impl Lossless for lightfield::HistoryPage {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        same_length("history", self.entries.len(), received)?;
        for (entry, raw) in self
            .entries
            .iter()
            .zip(received["data"].as_array().into_iter().flatten())
        {
            let read = [
                ("value", entry.value.encode()),
                ("valueType", json!(entry.value_type.as_api())),
                ("displayValue", text(entry.display_value.as_deref())),
                ("isCreate", flag(raw, "isCreate", entry.is_create)),
                ("recordedAt", json!(entry.recorded_at)),
            ];
            read_and_kept("history entry", raw, &read, &entry.extra)?;
        }
        let read = [
            ("data", received["data"].clone()),
            ("hasMore", json!(self.has_more)),
            ("nextCursor", text(self.next_cursor.as_deref())),
        ];
        read_and_kept("history page", received, &read, &self.extra)
    }
}

impl Lossless for lightfield::Definitions {
    fn compare(&self, received: &Value) -> Result<usize, String> {
        let fields = received["fieldDefinitions"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let rels = received["relationshipDefinitions"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        if fields.len() != self.fields.len() || rels.len() != self.relationships.len() {
            return Err(format!(
                "definitions: {} fields and {} relationships kept of {} and {}",
                self.fields.len(),
                self.relationships.len(),
                fields.len(),
                rels.len()
            ));
        }
        for (key, raw) in &fields {
            let def = self
                .fields
                .get(key)
                .ok_or(format!("field `{key}` dropped"))?;
            compare_field(key, def, raw)?;
        }
        for (key, raw) in &rels {
            let def = self
                .relationships
                .get(key)
                .ok_or(format!("relationship `{key}` dropped"))?;
            let read = [
                ("id", text(def.id.as_deref())),
                ("label", json!(def.label)),
                ("description", text(def.description.as_deref())),
                ("cardinality", json!(def.cardinality.as_api())),
                ("objectType", json!(def.object_type)),
                ("readOnly", flag(raw, "readOnly", def.read_only)),
                (
                    "directions",
                    def.directions.as_ref().map_or(Value::Null, |d| d.to_json()),
                ),
            ];
            read_and_kept(&format!("relationship `{key}`"), raw, &read, &def.extra)?;
        }
        let read = [
            ("objectType", text(self.object_type.as_deref())),
            ("fieldDefinitions", received["fieldDefinitions"].clone()),
            (
                "relationshipDefinitions",
                received["relationshipDefinitions"].clone(),
            ),
        ];
        read_and_kept("definitions", received, &read, &self.extra)?;
        Ok(0)
    }
}

fn compare_field(key: &str, def: &lightfield::FieldDefinition, raw: &Value) -> Result<(), String> {
    let what = format!("field `{key}`");
    let read = [
        ("id", text(def.id.as_deref())),
        ("label", json!(def.label)),
        ("description", text(def.description.as_deref())),
        ("valueType", json!(def.value_type.as_api())),
        ("readOnly", flag(raw, "readOnly", def.read_only)),
        ("typeConfiguration", raw["typeConfiguration"].clone()),
    ];
    read_and_kept(&what, raw, &read, &def.extra)?;
    let Some(config) = raw.get("typeConfiguration").filter(|c| c.is_object()) else {
        return Ok(());
    };
    let options = config["options"].as_array().cloned().unwrap_or_default();
    if options.len() != def.options.len() {
        return Err(format!(
            "{what}: {} options kept of {}",
            def.options.len(),
            options.len()
        ));
    }
    for (option, raw) in def.options.iter().zip(&options) {
        let read = [
            ("id", json!(option.id)),
            ("label", json!(option.label)),
            ("description", text(option.description.as_deref())),
            ("parentId", text(option.parent_id.as_deref())),
        ];
        read_and_kept(&format!("{what} option"), raw, &read, &option.extra)?;
    }
    let read = [
        ("currency", text(def.currency.as_deref())),
        ("handleService", text(def.handle_service.as_deref())),
        (
            "multipleValues",
            flag(config, "multipleValues", def.multiple_values),
        ),
        ("unique", flag(config, "unique", def.unique)),
        ("parentFieldKey", text(def.parent_field_key.as_deref())),
        ("options", config["options"].clone()),
    ];
    read_and_kept(
        &format!("{what} typeConfiguration"),
        config,
        &read,
        &def.configuration_extra,
    )?;
    Ok(())
}

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

    use lightfield::preview::{
        Draft, Enrollment, Performance, Sequence, SequenceMessage, SequenceTest, Step,
        TemplateVariable,
    };
    use serde_json::json;

    use super::text;

    /// A view keeps the answer whole; what is compared is what its getters read from it.
    fn view(
        what: &str,
        raw: &serde_json::Map<String, Value>,
        received: &Value,
        read: &[(&str, Value)],
    ) -> Result<usize, String> {
        same(what, &Value::Object(raw.clone()), received)?;
        for (key, ours) in read {
            let theirs = received.get(*key).cloned().unwrap_or(Value::Null);
            if *ours != theirs {
                return Err(format!("{what}: `{key}` read {ours}, received {theirs}"));
            }
        }
        Ok(0)
    }

    /// The ids of `{id, objectType}` references, as the getters give them.
    fn refs(received: &Value, key: &str, ours: Vec<&str>) -> (String, Value, Value) {
        let theirs: Vec<&str> = received[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("id").and_then(Value::as_str).or(r.as_str()))
            .collect();
        (key.to_string(), json!(ours), json!(theirs))
    }

    fn same_refs(what: &str, pairs: &[(String, Value, Value)]) -> Result<(), String> {
        for (key, ours, theirs) in pairs {
            if ours != theirs {
                return Err(format!("{what}: `{key}` read {ours}, received {theirs}"));
            }
        }
        Ok(())
    }

    fn same_steps(what: &str, steps: Vec<Step>, received: &Value) -> Result<(), String> {
        let theirs = received["definition"]["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if steps.len() != theirs.len() {
            return Err(format!(
                "{what}: {} steps read of {}",
                steps.len(),
                theirs.len()
            ));
        }
        for (step, raw) in steps.iter().zip(&theirs) {
            let ours = json!({
                "type": step.step_type.as_ref().map(|t| t.as_api()),
                "name": step.name, "mode": step.mode,
            });
            let theirs =
                json!({"type": raw.get("type"), "name": raw.get("name"), "mode": raw.get("mode")});
            if ours != theirs || &step.raw != raw {
                return Err(format!("{what}: step read {ours}, received {theirs}"));
            }
        }
        Ok(())
    }

    impl Lossless for Sequence {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let read = [
                ("id", json!(self.id())),
                ("name", text(self.name())),
                ("status", text(self.status())),
                ("createdAt", text(self.created_at())),
            ];
            same_refs(
                "sequence",
                &[
                    refs(received, "reviewers", self.reviewers()),
                    refs(received, "senders", self.senders()),
                ],
            )?;
            same_steps("sequence", self.steps(), received)?;
            view("sequence", self.raw(), received, &read)
        }
    }

    impl Lossless for Draft {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let read = [
                ("sequenceId", json!(self.sequence_id())),
                ("version", text(self.version())),
                ("name", text(self.name())),
                ("updatedAt", text(self.updated_at())),
                (
                    "publishWarnings",
                    received
                        .get("publishWarnings")
                        .map(|_| json!(self.publish_warnings()))
                        .unwrap_or(Value::Null),
                ),
            ];
            same_refs(
                "draft",
                &[
                    refs(received, "reviewers", self.reviewers()),
                    refs(received, "senders", self.senders()),
                ],
            )?;
            same_steps("draft", self.steps(), received)?;
            view("draft", self.raw(), received, &read)
        }
    }

    impl Lossless for Enrollment {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let read = [
                ("id", json!(self.id())),
                ("contactId", text(self.contact_id())),
                ("status", text(self.status())),
            ];
            view("enrollment", self.raw(), received, &read)
        }
    }

    impl Lossless for SequenceMessage {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let read = [
                ("id", json!(self.id())),
                ("direction", text(self.direction())),
                ("contactId", text(self.contact_id())),
            ];
            view("sequence message", self.raw(), received, &read)
        }
    }

    impl Lossless for TemplateVariable {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let read = [("label", text(self.label())), ("group", text(self.group()))];
            view("template variable", self.raw(), received, &read)
        }
    }

    impl Lossless for SequenceTest {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            let read = [
                ("id", json!(self.id())),
                (
                    "status",
                    received
                        .get("status")
                        .map(|_| json!(self.status().as_api()))
                        .unwrap_or(Value::Null),
                ),
                (
                    "steps",
                    received
                        .get("steps")
                        .map(|_| json!(self.steps()))
                        .unwrap_or(Value::Null),
                ),
            ];
            view("sequence test", self.raw(), received, &read)
        }
    }

    impl Lossless for Performance {
        fn compare(&self, received: &Value) -> Result<usize, String> {
            // No getters: the whole answer is what it gives.
            view("performance", self.raw(), received, &[])
        }
    }

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
