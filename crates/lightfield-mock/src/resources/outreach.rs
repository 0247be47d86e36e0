//! Senders and sequences (Preview): pacing, versioned drafts with publish and discard
//! checked against `expectedVersion`, enrollments (at most 25 ids, all or nothing),
//! messages, performance and test runs that finish after a number of polls.

use serde_json::{Value, json};

use crate::api::{Store, page_params};
use crate::error::ApiError;
use crate::now_rfc3339;

#[derive(Debug)]
struct Sequence {
    id: String,
    name: String,
    status: &'static str,
    published: Value,
    draft: Value,
    draft_version: u32,
    enrollments: Vec<Value>,
    messages: Vec<Value>,
    tests: Vec<(Value, u32)>,
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
        let pacing =
            json!({"EMAIL": {"dailyLimit": 50, "minGapSeconds": 60, "maxGapSeconds": null}});
        Self {
            senders: vec![
                json!({"id": "snd_0000000001", "objectType": "sender", "channel": "EMAIL", "health": "HEALTHY", "healthReason": null, "emailAddress": "sales@acme.example", "owner": "mem_0000000001", "archivedAt": null, "createdAt": "2026-01-01T00:00:00Z", "pacing": pacing}),
                json!({"id": "snd_0000000002", "objectType": "sender", "channel": "LINKEDIN", "health": "UNHEALTHY", "healthReason": "session expired", "emailAddress": null, "owner": "mem_0000000002", "archivedAt": "2026-02-01T00:00:00Z", "createdAt": "2026-01-01T00:00:00Z", "pacing": {}}),
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
    }
}

fn paged(items: &[Value], query: &[(String, String)]) -> Result<Value, ApiError> {
    let (offset, limit) = page_params(query)?;
    let data: Vec<&Value> = items.iter().skip(offset).take(limit).collect();
    Ok(json!({"object": "list", "data": data, "totalCount": items.len()}))
}

impl Sequence {
    fn render(&self) -> Value {
        json!({"id": self.id, "objectType": "sequence", "name": self.name, "status": self.status, "channels": ["EMAIL"], "definition": self.published, "createdAt": now_rfc3339()})
    }

    fn render_draft(&self) -> Value {
        json!({"sequenceId": self.id, "name": self.name, "version": format!("v{}", self.draft_version), "definition": self.draft, "channels": ["EMAIL"]})
    }

    fn check_version(&self, body: &Value) -> Result<(), ApiError> {
        let expected = body["expectedVersion"].as_str().unwrap_or("");
        let current = format!("v{}", self.draft_version);
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
        "sender_list" => paged(&out.senders, query),
        "sender_retrieve" => out.sender(id).map(|s| s.clone()),
        "sender_update" => out.sender(id).and_then(|s| {
            if !s["archivedAt"].is_null() {
                return Err(conflict("sender_archived", format!("sender `{id}` is archived and cannot change")));
            }
            s["pacing"] = body["pacing"].clone();
            Ok(s.clone())
        }),
        "sender_mark_healthy" => out.sender(id).map(|s| {
            s["health"] = json!("HEALTHY");
            s["healthReason"] = Value::Null;
            s.clone()
        }),
        "sequence_create" => {
            let Some(name) = body["name"].as_str().filter(|n| !n.is_empty()) else {
                return Some(Err(ApiError::bad_request("missing_field", "name", "`name` is required")));
            };
            let definition = body.get("definition").cloned().unwrap_or_else(|| json!({"steps": []}));
            let id = out.new_id("seq");
            let sequence = Sequence { id, name: name.to_string(), status: "INACTIVE", published: definition.clone(), draft: definition, draft_version: 1, enrollments: Vec::new(), messages: Vec::new(), tests: Vec::new() };
            let rendered = sequence.render();
            out.sequences.push(sequence);
            Ok(rendered)
        }
        "sequence_list" => paged(&out.sequences.iter().map(Sequence::render).collect::<Vec<_>>(), query),
        "sequence_retrieve" => out.sequence(id).map(|s| s.render()),
        "sequence_activate" | "sequence_deactivate" => out.sequence(id).map(|s| {
            s.status = if op == "sequence_activate" { "ACTIVE" } else { "INACTIVE" };
            s.render()
        }),
        "sequence_draft" => out.sequence(id).map(|s| s.render_draft()),
        "sequence_update_draft" => out.sequence(id).map(|s| {
            if let Some(definition) = body.get("definition") {
                s.draft = definition.clone();
            }
            if let Some(name) = body["name"].as_str() {
                s.name = name.to_string();
            }
            s.draft_version += 1;
            s.render_draft()
        }),
        "sequence_publish" => out.sequence(id).and_then(|s| {
            s.check_version(body)?;
            s.published = s.draft.clone();
            Ok(s.render())
        }),
        "sequence_discard" => out.sequence(id).and_then(|s| {
            s.check_version(body)?;
            s.draft = s.published.clone();
            s.draft_version += 1;
            Ok(json!({"sequenceId": s.id, "sequenceDeleted": false}))
        }),
        "sequence_enroll" => {
            let ids = |k: &str| -> Vec<String> {
                body[k].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
            };
            let (add, remove) = (ids("add"), ids("remove"));
            if add.len() + remove.len() > 25 || add.len() + remove.len() == 0 {
                return Some(Err(ApiError::bad_request("invalid_value", "add", "name 1 to 25 contact ids in all")));
            }
            // All or nothing: every id is checked before anything changes.
            if let Some(missing) = add.iter().find(|c| !known_contact(store, c)) {
                return Some(Err(ApiError::bad_request("unknown_contact", "add", format!("no contact has id `{missing}`; nothing was changed"))));
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
                s.messages.push(json!({"id": format!("sqm_{enrollment_id}"), "direction": "OUTBOUND", "channel": "EMAIL", "contactId": contact, "enrollmentId": enrollment_id, "createdAt": now_rfc3339(), "content": {"subject": "Hello", "body": "…"}}));
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
        "sequence_enrollments" => out.sequence(id).and_then(|s| paged(&s.enrollments, query)),
        "sequence_enrollment" => out.sequence(id).and_then(|s| {
            s.enrollments.iter().find(|e| e["id"] == sub).cloned().ok_or_else(|| ApiError::not_found(format!("no enrollment `{sub}`")))
        }),
        "sequence_messages" => out.sequence(id).and_then(|s| paged(&s.messages, query)),
        "sequence_message" => out.sequence(id).and_then(|s| {
            s.messages.iter().find(|m| m["id"] == sub).cloned().ok_or_else(|| ApiError::not_found(format!("no message `{sub}`")))
        }),
        "sequence_performance" => out.sequence(id).map(|s| {
            let active = s.enrollments.iter().filter(|e| e["status"] == "ACTIVE").count();
            json!({"byStepType": {"EMAIL": {"sent": s.messages.len(), "delivered": s.messages.len(), "opened": 0, "replied": 0, "bounced": 0, "currentEnrollments": active, "openRate": null, "replyRate": null, "bounceRate": null}}})
        }),
        "sequence_start_test" => {
            let contact = body["contactId"].as_str().unwrap_or("").to_string();
            if !known_contact(store, &contact) {
                return Some(Err(ApiError::bad_request("unknown_contact", "contactId", format!("no contact has id `{contact}`"))));
            }
            let out = &mut store.outreach;
            let test_id = out.new_id("sqt");
            out.sequence(id).and_then(|s| {
                let target = if body["expectedVersion"].is_string() { "DRAFT" } else { "PUBLISHED" };
                if target == "DRAFT" {
                    s.check_version(body)?;
                }
                let test = json!({"id": test_id, "contactId": contact, "status": "RUNNING", "target": target, "steps": []});
                s.tests.push((test.clone(), 0));
                Ok(test)
            })
        }
        "sequence_test" => out.sequence(id).and_then(|s| {
            let (test, polls) = s.tests.iter_mut().find(|(t, _)| t["id"] == sub).ok_or_else(|| ApiError::not_found(format!("no test `{sub}`")))?;
            *polls += 1;
            if *polls >= finish {
                test["status"] = json!("COMPLETED");
                test["steps"] = json!([{"message": {"subject": "Hello", "body": "Hi there"}, "error": null}]);
            }
            Ok(test.clone())
        }),
        "sequence_template_variables" => Ok(json!({"data": [
            {"label": "contact.firstName", "group": "contact", "field": {"id": "$name", "valueType": "FULL_NAME"}},
            {"label": "account.name", "group": "account", "field": {"id": "$name", "valueType": "TEXT"}},
            {"label": "sender.name", "group": "sender", "field": null},
        ]})),
        _ => return None,
    })
}
