//! Work that finishes later: workflow runs, enrichment runs and merges, each moving to a
//! final state after a configurable number of polls; and key validation.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::Store;
use crate::error::ApiError;
use crate::now_rfc3339;

/// Runs and merges, and how many polls they take to finish.
#[derive(Debug)]
pub struct Runs {
    /// Polls a run takes to reach its final state.
    pub polls_to_finish: u32,
    /// Workflow runs by id: polls so far, and whether the run ends `failed`.
    workflows: HashMap<String, (u32, bool)>,
    enrichments: Vec<(Value, u32)>,
    merges: Vec<(Value, u32)>,
}

/// `GET /v1/auth/validate`: the mock accepts any bearer key, with every scope.
pub fn validate() -> Value {
    json!({
        "active": true,
        "scopes": ["accounts:read", "accounts:create", "contacts:read", "files:write"],
        "subjectType": "workspace",
        "tokenType": "api_key",
    })
}

impl Default for Runs {
    /// Two workflow runs the organisation already has: `wfr_0000000001` completes and
    /// `wfr_0000000002` fails.
    fn default() -> Self {
        let mut runs = Self {
            polls_to_finish: 0,
            workflows: HashMap::new(),
            enrichments: Vec::new(),
            merges: Vec::new(),
        };
        runs.start_workflow(false);
        runs.start_workflow(true);
        runs
    }
}

impl Runs {
    /// A workflow run started in the app (the API starts none); answers its id.
    pub fn start_workflow(&mut self, fails: bool) -> String {
        let id = format!("wfr_{:010}", self.workflows.len() + 1);
        self.workflows.insert(id.clone(), (0, fails));
        id
    }

    /// `GET /v1/workflowRun/{id}/status`: `running` until enough polls, then `completed`
    /// or `failed`; an id no run has is a 404, as the API answers.
    pub fn workflow_status(&mut self, id: &str) -> Result<Value, ApiError> {
        let (polls, fails) = self
            .workflows
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found(format!("no workflow run has id `{id}`")))?;
        *polls += 1;
        let status = match (*polls >= self.polls_to_finish, *fails) {
            (false, _) => "running",
            (true, false) => "completed",
            (true, true) => "failed",
        };
        Ok(json!({"status": status}))
    }

    /// `POST /v1/enrichmentRun/{slug}/{id}`.
    pub fn enrich(
        store: &mut Store,
        slug: &str,
        id: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let entity_type = match slug {
            "accounts" => "account",
            "contacts" => "contact",
            _ => {
                return Err(ApiError::not_found(format!(
                    "`{slug}` cannot be enriched; use accounts or contacts"
                )));
            }
        };
        store
            .collection(entity_type)
            .ok_or_else(|| ApiError::not_found("no such type"))?
            .get(id)?;
        let fields: Vec<Value> = body
            .and_then(|b| b["fields"].as_array().cloned())
            .unwrap_or_else(|| vec![json!("$industry"), json!("$headcount")]);
        if fields.is_empty() {
            return Ok(json!({"status": "skipped", "reason": "no_targets", "enrichmentRun": null}));
        }
        let runs = &mut store.runs;
        if let Some((run, _)) = runs.enrichments.iter().find(|(r, _)| {
            r["entityId"] == id
                && !matches!(
                    r["status"].as_str(),
                    Some("completed" | "failed" | "timed_out")
                )
        }) {
            return Ok(json!({"status": "already_running", "reason": null, "enrichmentRun": run}));
        }
        let now = now_rfc3339();
        let run = json!({
            "id": format!("enr_{:010}", runs.enrichments.len() + 1),
            "entityId": id,
            "entityType": entity_type,
            "status": "queued",
            "targetFields": fields,
            "trigger": "manual",
            "createdAt": now,
            "updatedAt": now,
            "startedAt": null,
            "completedAt": null,
        });
        runs.enrichments.push((run.clone(), 0));
        Ok(json!({"status": "started", "reason": null, "enrichmentRun": run}))
    }

    /// `GET /v1/enrichmentRun/{id}`: queued, then running, then completed.
    pub fn enrichment(&mut self, id: &str) -> Result<Value, ApiError> {
        let finish = self.polls_to_finish;
        let (run, polls) = self
            .enrichments
            .iter_mut()
            .find(|(r, _)| r["id"] == id)
            .ok_or_else(|| ApiError::not_found(format!("no enrichment run has id `{id}`")))?;
        *polls += 1;
        let now = now_rfc3339();
        if *polls >= finish {
            run["status"] = json!("completed");
            run["completedAt"] = json!(now);
        } else if *polls > 1 || finish <= 2 {
            run["status"] = json!("running");
            run["startedAt"] = json!(now);
        }
        run["updatedAt"] = json!(now);
        Ok(run.clone())
    }

    /// `POST /v1/{type}/merge`: folds the duplicate into the primary.
    pub fn merge(store: &mut Store, object_type: &str, body: &Value) -> Result<Value, ApiError> {
        let ids = |key: &str| {
            body[key].as_str().map(str::to_string).ok_or_else(|| {
                ApiError::bad_request("missing_field", key, format!("`{key}` is required"))
            })
        };
        let (primary, duplicate) = (ids("primaryId")?, ids("duplicateId")?);
        let empty = Map::new();
        let resolutions = body["fieldResolutions"].as_object().unwrap_or(&empty);
        let collection = store
            .collection_mut(object_type)
            .ok_or_else(|| ApiError::not_found(format!("no object type `{object_type}`")))?;
        let (record, writes) = collection.merge(&primary, &duplicate, resolutions)?;
        let runs = &mut store.runs;
        let now = now_rfc3339();
        let merge = json!({
            "id": format!("mrg_{:010}", runs.merges.len() + 1),
            "entityType": object_type,
            "primaryId": primary,
            "duplicateId": duplicate,
            "status": "cleanup_pending",
            "createdAt": now,
            "updatedAt": now,
        });
        runs.merges.push((merge.clone(), 0));
        Ok(json!({
            "merge": {"id": merge["id"], "status": "cleanup_pending"},
            "primary": record,
            "summary": {"fieldWriteCount": writes, "syncRepointedCount": 0, "warnings": []},
        }))
    }

    /// `GET /v1/merges/{id}`: `cleanup_pending` until enough polls, then `done`.
    pub fn merge_status(&mut self, id: &str) -> Result<Value, ApiError> {
        let finish = self.polls_to_finish;
        let (merge, polls) = self
            .merges
            .iter_mut()
            .find(|(m, _)| m["id"] == id)
            .ok_or_else(|| ApiError::not_found(format!("no merge has id `{id}`")))?;
        *polls += 1;
        if *polls >= finish {
            merge["status"] = json!("done");
            merge["updatedAt"] = json!(now_rfc3339());
        }
        Ok(merge.clone())
    }
}
