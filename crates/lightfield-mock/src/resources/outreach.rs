//! Senders and sequences (Preview): pacing, versioned drafts with publish and discard
//! checked against `expectedVersion`, enrollments (at most 25 ids, all or nothing),
//! messages, performance and test runs that finish after a number of polls.

use serde_json::{Value, json};

use super::Store;
use super::outreach_shapes::{change_set, channels, complete, filtered, ids_of, paged, refs};
use super::sender_rules;
use crate::error::ApiError;
use crate::now_rfc3339;

/// A sequence: its published state, and the draft when one is open.
#[derive(Debug)]
struct Sequence {
    id: String,
    name: String,
    /// `DRAFT` until first activated, then `ACTIVE` or `DEACTIVATED`.
    status: &'static str,
    created_at: String,
    first_activated_at: Option<String>,
    last_activated_at: Option<String>,
    /// The published definition; `None` until the first publish.
    published: Option<Value>,
    reviewers: Vec<String>,
    senders: Vec<String>,
    draft: Option<Draft>,
    /// Versions are never reused, even across drafts.
    last_version: u32,
    enrollments: Vec<Value>,
    messages: Vec<Value>,
    tests: Vec<(Value, u32)>,
}

#[derive(Debug, Clone)]
struct Draft {
    name: String,
    definition: Value,
    reviewers: Vec<String>,
    senders: Vec<String>,
    version: u32,
    updated_at: String,
}

/// Senders and sequences.
#[derive(Debug)]
pub struct Outreach {
    senders: Vec<Value>,
    sequences: Vec<Sequence>,
    next_id: u64,
}

impl Default for Outreach {
    fn default() -> Self {
        let pacing = json!({
            "EMAIL": {"dailyLimit": 50, "minGapSeconds": 60, "maxGapSeconds": null},
            "LINKEDIN_INVITE": null,
            "LINKEDIN_MESSAGE": null,
        });
        let linkedin = json!({
            "EMAIL": null,
            "LINKEDIN_INVITE": {"dailyLimit": 20, "minGapSeconds": 300},
            "LINKEDIN_MESSAGE": {"dailyLimit": 40, "minGapSeconds": 120},
        });
        Self {
            senders: vec![
                json!({"id": "snd_0000000001", "objectType": "sender", "channel": "EMAIL", "health": "HEALTHY", "healthReason": null, "emailAddress": "sales@acme.example", "replyToAddress": null, "transport": "OAUTH", "owner": "mem_0000000001", "archivedAt": null, "createdAt": "2026-01-01T00:00:00Z", "pacing": pacing}),
                json!({"id": "snd_0000000002", "objectType": "sender", "channel": "LINKEDIN", "health": "UNHEALTHY", "healthReason": "DISCONNECTED", "emailAddress": null, "replyToAddress": null, "transport": null, "owner": "mem_0000000002", "archivedAt": "2026-02-01T00:00:00Z", "createdAt": "2026-01-01T00:00:00Z", "pacing": linkedin}),
                json!({"id": "snd_0000000003", "objectType": "sender", "channel": "EMAIL", "health": "UNHEALTHY", "healthReason": "BOUNCE_THRESHOLD", "emailAddress": "outreach@acme.example", "replyToAddress": null, "transport": "SMTP", "owner": "mem_0000000001", "archivedAt": null, "createdAt": "2026-01-02T00:00:00Z", "pacing": {"EMAIL": {"dailyLimit": 50, "minGapSeconds": 120, "maxGapSeconds": 600}, "LINKEDIN_INVITE": null, "LINKEDIN_MESSAGE": null}}),
            ],
            sequences: Vec::new(),
            next_id: 1,
        }
    }
}

fn conflict(code: &'static str, message: String) -> ApiError {
    ApiError {
        status: 409,
        kind: "conflict",
        message,
        code: Some(code),
        param: None,
        details: serde_json::Map::new(),
    }
}

impl Sequence {
    fn render(&self) -> Value {
        json!({
            "id": self.id, "objectType": "sequence", "name": self.name, "status": self.status,
            "channels": channels(self.published.as_ref()), "definition": self.published,
            "createdAt": self.created_at, "firstActivatedAt": self.first_activated_at,
            "lastActivatedAt": self.last_activated_at,
            "reviewers": refs(&self.reviewers, "member"), "senders": refs(&self.senders, "sender"),
        })
    }

    fn open_draft(&mut self) -> Result<&mut Draft, ApiError> {
        let id = &self.id;
        self.draft
            .as_mut()
            .ok_or_else(|| ApiError::not_found(format!("sequence `{id}` has no open draft")))
    }

    fn render_draft(&self) -> Result<Value, ApiError> {
        let Some(d) = &self.draft else {
            return Err(ApiError::not_found(format!(
                "sequence `{}` has no open draft",
                self.id
            )));
        };
        Ok(json!({
            "sequenceId": self.id, "name": d.name, "version": format!("v{}", d.version),
            "definition": d.definition, "channels": channels(Some(&d.definition)),
            "reviewers": refs(&d.reviewers, "member"), "senders": refs(&d.senders, "sender"),
            "publishWarnings": [], "updatedAt": d.updated_at,
        }))
    }

    /// The open draft's version must be the one the caller names.
    fn check_version(&mut self, body: &Value) -> Result<(), ApiError> {
        let expected = body["expectedVersion"].as_str().unwrap_or("");
        let current = format!("v{}", self.open_draft()?.version);
        if expected != current {
            return Err(conflict(
                "stale_version",
                format!(
                    "the draft is at version {current}; the request expected {expected}: reload the draft"
                ),
            ));
        }
        Ok(())
    }

    fn next_version(&mut self) -> u32 {
        self.last_version += 1;
        self.last_version
    }
}

impl Outreach {
    fn sender(&mut self, id: &str) -> Result<&mut Value, ApiError> {
        self.senders
            .iter_mut()
            .find(|s| s["id"] == id)
            .ok_or_else(|| ApiError::not_found(format!("no sender has id `{id}`")))
    }

    fn sequence(&mut self, id: &str) -> Result<&mut Sequence, ApiError> {
        self.sequences
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| ApiError::not_found(format!("no sequence has id `{id}`")))
    }

    fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{:010}", self.next_id)
    }
}

/// Runs one sender or sequence operation; `None` when `op` is not one.
pub fn run(
    store: &mut Store,
    op: &str,
    params: (&str, &str),
    query: &[(String, String)],
    body: &Value,
) -> Option<Result<Value, ApiError>> {
    let (id, sub) = params;
    let finish = store.runs.polls_to_finish;
    let known_contact = |store: &Store, c: &str| {
        store
            .collection("contact")
            .is_some_and(|col| col.get(c).is_ok())
    };
    let out = &mut store.outreach;
    Some(match op {
        "sender_list" => filtered(&out.senders, query, &["channel", "health", "owner", "archived"]).and_then(|items| paged(&items, query)),
        "sender_retrieve" => out.sender(id).map(|s| s.clone()),
        "sender_update" => out.sender(id).and_then(|s| {
            if !s["archivedAt"].is_null() {
                return Err(conflict("sender_archived", format!("sender `{id}` is archived and cannot change")));
            }
            sender_rules::check_pacing(s, &body["pacing"])?;
            s["pacing"] = body["pacing"].clone();
            Ok(s.clone())
        }),
        "sender_mark_healthy" => out.sender(id).and_then(|s| {
            if !s["archivedAt"].is_null() {
                return Err(conflict("sender_archived", format!("sender `{id}` is archived")));
            }
            let Some(reason) = s["healthReason"].as_str() else {
                return Ok(s.clone());
            };
            if !sender_rules::clearable(s["channel"].as_str().unwrap_or(""), reason) {
                return Err(conflict("health_not_clearable", format!("`{reason}` clears only once its cause is fixed")));
            }
            s["health"] = json!("HEALTHY");
            s["healthReason"] = Value::Null;
            Ok(s.clone())
        }),
        "sequence_create" => {
            let Some(name) = body["name"].as_str().filter(|n| !n.is_empty()) else {
                return Some(Err(ApiError::bad_request("missing_field", "name", "`name` is required")));
            };
            let mut next_step = out.next_id;
            let definition = match complete(&body["definition"], &mut next_step) {
                Ok(d) => d,
                Err(e) => return Some(Err(e)),
            };
            out.next_id = next_step;
            let id = out.new_id("seq");
            let now = now_rfc3339();
            let (reviewers, senders) = (ids_of(body, "reviewers"), ids_of(body, "senders"));
            let draft = Draft { name: name.to_string(), definition, reviewers: reviewers.clone(), senders: senders.clone(), version: 1, updated_at: now.clone() };
            let sequence = Sequence {
                id, name: name.to_string(), status: "DRAFT", created_at: now, first_activated_at: None,
                last_activated_at: None, published: None, reviewers, senders, draft: Some(draft), last_version: 1,
                enrollments: Vec::new(), messages: Vec::new(), tests: Vec::new(),
            };
            // The API answers the first draft, not the sequence.
            let rendered = sequence.render_draft();
            out.sequences.push(sequence);
            rendered
        }
        "sequence_list" => {
            let all: Vec<Value> = out.sequences.iter().map(Sequence::render).collect();
            filtered(&all, query, &["status", "channels"]).and_then(|items| paged(&items, query))
        }
        "sequence_retrieve" => out.sequence(id).map(|s| s.render()),
        "sequence_activate" => out.sequence(id).and_then(|s| {
            // The API's documented refusals: 400 with these codes (not a conflict).
            if s.published.is_none() {
                return Err(ApiError::bad_request_plain("sequence_not_published", format!("sequence `{id}` has nothing published yet: publish its draft first")));
            }
            if s.senders.is_empty() {
                return Err(ApiError::bad_request_plain("no_selectable_sender", format!("sequence `{id}` has no sender it can use: add one for each channel before activating")));
            }
            let now = now_rfc3339();
            s.first_activated_at.get_or_insert_with(|| now.clone());
            s.last_activated_at = Some(now);
            s.status = "ACTIVE";
            Ok(s.render())
        }),
        "sequence_deactivate" => out.sequence(id).map(|s| {
            if s.status == "ACTIVE" {
                s.status = "DEACTIVATED";
            }
            s.render()
        }),
        "sequence_draft" => out.sequence(id).and_then(|s| s.render_draft()),
        "sequence_update_draft" => {
            let mut next_step = out.next_id;
            let result = out.sequence(id).and_then(|s| {
                let version = if s.draft.is_some() {
                    // Required while a draft is open.
                    s.check_version(body)?;
                    s.next_version()
                } else {
                    if body["expectedVersion"].is_string() {
                        return Err(conflict("no_open_draft", format!("sequence `{id}` has no open draft; leave out expectedVersion to open one")));
                    }
                    let version = s.next_version();
                    s.draft = Some(Draft {
                        name: s.name.clone(), definition: s.published.clone().unwrap_or(Value::Null),
                        reviewers: s.reviewers.clone(), senders: s.senders.clone(), version, updated_at: now_rfc3339(),
                    });
                    version
                };
                let definition = match body.get("definition") {
                    Some(d) => Some(complete(d, &mut next_step)?),
                    None => None,
                };
                let draft = s.open_draft()?;
                if let Some(definition) = definition {
                    draft.definition = definition;
                }
                if let Some(name) = body["name"].as_str() {
                    draft.name = name.to_string();
                }
                change_set(&mut draft.reviewers, &body["reviewers"]);
                change_set(&mut draft.senders, &body["senders"]);
                draft.version = version;
                draft.updated_at = now_rfc3339();
                s.render_draft()
            });
            out.next_id = next_step;
            result
        }
        "sequence_publish" => out.sequence(id).and_then(|s| {
            s.check_version(body)?;
            let draft = s.draft.take().ok_or_else(|| ApiError::not_found("no open draft"))?;
            s.published = Some(draft.definition);
            s.name = draft.name;
            s.reviewers = draft.reviewers;
            s.senders = draft.senders;
            Ok(s.render())
        }),
        "sequence_discard" => {
            let result = out.sequence(id).and_then(|s| {
                s.check_version(body)?;
                s.draft = None;
                // A sequence that was never published has nothing left: it goes too.
                Ok(s.published.is_none())
            });
            match result {
                Ok(deleted) => {
                    if deleted {
                        out.sequences.retain(|s| s.id != id);
                    }
                    Ok(json!({"sequenceId": id, "sequenceDeleted": deleted}))
                }
                Err(e) => Err(e),
            }
        }
        "sequence_enroll" => {
            let ids = |k: &str| -> Vec<String> {
                body[k].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
            };
            let (add, remove) = (ids("add"), ids("remove"));
            if add.len() + remove.len() > 25 || add.len() + remove.len() == 0 {
                return Some(Err(ApiError::bad_request("invalid_value", "add", "name 1 to 25 contact ids in all")));
            }
            // A sequence never published takes no enrollment (documented: 400
            // `sequence_not_published`).
            if store.outreach.sequence(id).is_ok_and(|s| s.published.is_none()) {
                return Some(Err(ApiError::bad_request_plain("sequence_not_published", format!("sequence `{id}` has nothing published yet: publish its draft before enrolling"))));
            }
            // All or nothing: every id is checked before anything changes.
            let unknown: Vec<&String> = add.iter().filter(|c| !known_contact(store, c)).collect();
            if let Some(missing) = unknown.first() {
                // The API lists every contact it could not take, as an invalid configuration.
                let error = ApiError::bad_request("invalid_configuration", "add", format!("no contact has id `{missing}`; nothing was changed"));
                return Some(Err(error.with_detail("invalidContacts", json!(unknown))));
            }
            let out = &mut store.outreach;
            let mut new_ids = Vec::new();
            for _ in &add {
                new_ids.push(out.new_id("enr"));
            }
            let Ok(s) = out.sequence(id) else {
                return Some(Err(ApiError::not_found(format!("no sequence has id `{id}`"))));
            };
            let mut results = Vec::new();
            for (contact, enrollment_id) in add.iter().zip(new_ids) {
                if let Some(e) = s.enrollments.iter().find(|e| e["contactId"] == contact.as_str() && e["status"] == "ACTIVE") {
                    results.push(json!({"contactId": contact, "enrollmentId": e["id"], "outcome": "already_enrolled"}));
                    continue;
                }
                s.enrollments.push(json!({"id": enrollment_id, "contactId": contact, "status": "ACTIVE", "enrolledAt": now_rfc3339()}));
                let first = s.published.as_ref().and_then(|d| d["steps"].get(0)).cloned().unwrap_or(Value::Null);
                let now = now_rfc3339();
                s.messages.push(json!({
                    "id": format!("sqm_{enrollment_id}"), "direction": "OUTBOUND", "channel": "EMAIL",
                    "contactId": contact, "enrollmentId": enrollment_id, "createdAt": now,
                    "sequenceStepId": first["id"].as_str().unwrap_or("stp_0000000000"),
                    "sequenceStepType": first["type"].as_str().filter(|t| !t.starts_with("WAIT")).unwrap_or("EMAIL"),
                    "status": "SCHEDULED", "statusChangedAt": now,
                    "content": {"subject": "Hello", "body": "…"},
                }));
                results.push(json!({"contactId": contact, "enrollmentId": enrollment_id, "outcome": "enrolled"}));
            }
            for contact in &remove {
                match s.enrollments.iter_mut().find(|e| e["contactId"] == contact.as_str() && e["status"] == "ACTIVE") {
                    Some(e) => {
                        e["status"] = json!("CANCELLED");
                        results.push(json!({"contactId": contact, "enrollmentId": e["id"], "outcome": "unenrolled"}));
                    }
                    None => results.push(json!({"contactId": contact, "enrollmentId": null, "outcome": "no_active_enrollment"})),
                }
            }
            Ok(json!({"results": results}))
        }
        "sequence_enrollments" => out.sequence(id).and_then(|s| {
            filtered(&s.enrollments, query, &["status", "contactId", "currentStepId"]).and_then(|items| paged(&items, query))
        }),
        "sequence_enrollment" => out.sequence(id).and_then(|s| {
            s.enrollments.iter().find(|e| e["id"] == sub).cloned().ok_or_else(|| ApiError::not_found(format!("no enrollment `{sub}`")))
        }),
        "sequence_messages" => out.sequence(id).and_then(|s| {
            let keys = ["contactId", "enrollmentId", "sequenceStepId", "direction", "channel", "status"];
            // A listed message comes without its content; retrieving one gives it.
            let listed: Vec<Value> = s.messages.iter().map(|m| without(m, "content")).collect();
            filtered(&listed, query, &keys).and_then(|items| paged(&items, query))
        }),
        "sequence_message" => out.sequence(id).and_then(|s| {
            s.messages.iter().find(|m| m["id"] == sub).cloned().ok_or_else(|| ApiError::not_found(format!("no message `{sub}`")))
        }),
        "sequence_performance" => out.sequence(id).map(|s| {
            let active = s.enrollments.iter().filter(|e| e["status"] == "ACTIVE").count();
            let sent = s.messages.len();
            json!({
                "byStepType": {
                    "EMAIL": {"sent": sent, "delivered": sent, "opened": 0, "replied": 0, "bounced": 0, "currentEnrollments": active, "openRate": null, "replyRate": null, "bounceRate": null},
                    "LINKEDIN_INVITE": {"sent": 0, "accepted": 0, "replied": 0, "currentEnrollments": 0, "acceptanceRate": null, "replyRate": null},
                    "LINKEDIN_MESSAGE": {"sent": 0, "read": 0, "replied": 0, "currentEnrollments": 0, "readRate": null, "replyRate": null},
                    "WAIT": {"currentEnrollments": 0},
                    "WAIT_FOR_CONNECTION": {"currentEnrollments": 0},
                },
                "perStep": [],
            })
        }),
        "sequence_start_test" => {
            let contact = body["contactId"].as_str().unwrap_or("").to_string();
            if !known_contact(store, &contact) {
                let error = ApiError::bad_request("invalid_configuration", "contactId", format!("no contact has id `{contact}`"));
                return Some(Err(error.with_detail("invalidContacts", json!([contact]))));
            }
            let out = &mut store.outreach;
            let test_id = out.new_id("sqt");
            out.sequence(id).and_then(|s| {
                // The open draft when there is one or nothing was ever published.
                let target = if s.draft.is_some() || s.published.is_none() { "DRAFT" } else { "PUBLISHED" };
                if body["expectedVersion"].is_string() {
                    s.check_version(body)?;
                }
                let test = json!({"id": test_id, "contactId": contact, "status": "RUNNING", "target": target, "steps": []});
                s.tests.push((test.clone(), 0));
                // The start answers without the steps, which come with the retrieve.
                Ok(json!({"id": test_id, "contactId": contact, "status": "RUNNING", "target": target}))
            })
        }
        "sequence_test" => out.sequence(id).and_then(|s| {
            let (test, polls) = s.tests.iter_mut().find(|(t, _)| t["id"] == sub).ok_or_else(|| ApiError::not_found(format!("no test `{sub}`")))?;
            *polls += 1;
            if *polls >= finish {
                test["status"] = json!("COMPLETED");
                test["steps"] = json!([{
                    "stepId": "stp_0000000001", "type": "EMAIL", "mode": "AGENT", "name": "Intro",
                    "outcome": "COMPOSED", "message": {"subject": "Hello", "body": "Hi there"}, "error": null,
                }]);
            }
            Ok(test.clone())
        }),
        "sequence_template_variables" => Ok(json!({"object": "list", "totalCount": 3, "data": [
            {"label": "First name", "ref": "contact.firstName", "group": "contact", "field": {"id": "$name", "valueType": "FULL_NAME"}},
            {"label": "Account name", "ref": "account.name", "group": "account", "field": {"id": "$name", "valueType": "TEXT"}},
            {"label": "Sender name", "ref": "sender.name", "group": "sender", "field": null},
        ]})),
        _ => return None,
    })
}

/// `value` without its key `key`.
fn without(value: &Value, key: &str) -> Value {
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove(key);
    }
    value
}
