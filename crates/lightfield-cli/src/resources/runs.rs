//! `lightfield runs …`: a workflow run's status, waited for if asked.

use lightfield::Client;
use serde_json::json;

use crate::args::RunsAction;
use crate::output::Out;

use super::Outcome;

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
