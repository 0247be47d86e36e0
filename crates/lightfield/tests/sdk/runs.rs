//! Key validation, workflow runs, enrichment runs and merges over HTTP against
//! lightfield-mock, each `wait()` under a deadline.

use std::time::Duration;

use crate::common::*;
use lightfield::resources::runs::EnrichmentStartStatus;
use lightfield::{EnrichmentStatus, Error, MergeStatus, RunStatus, SubjectType};
use lightfield_mock::{MockConfig, MockServer};
use serde_json::json;

const FAST: Duration = Duration::from_millis(5);

#[tokio::test]
async fn validate_describes_the_key() {
    let (server, client) = setup().await;
    let key = client.validate().send().await.unwrap();
    assert!(key.active && key.has_scope("accounts:read"));
    assert_eq!(key.subject_type, Some(SubjectType::Workspace));
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", "/v1/auth/validate")
    );
}

#[tokio::test]
async fn workflow_runs_are_waited_for_within_a_deadline() {
    let (server, client) = setup().await;
    let run = server.start_workflow_run(false);
    let status = client
        .workflow_runs()
        .wait(&run)
        .interval(FAST, FAST)
        .deadline(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(status, RunStatus::Completed);
    assert_eq!(
        server.requests().len(),
        3,
        "three polls with the mock's default"
    );
    assert_eq!(
        server.requests()[0].path,
        format!("/v1/workflowRun/{run}/status")
    );
    let failed = client
        .workflow_runs()
        .wait(server.start_workflow_run(true))
        .interval(FAST, FAST)
        .send()
        .await
        .unwrap();
    assert_eq!(failed, RunStatus::Failed);
    // A run id the organisation has no run for is refused, not made up.
    let unknown = client
        .workflow_runs()
        .status("wfr_0000009999")
        .send()
        .await
        .expect_err("no such run");
    assert_eq!(unknown.kind(), Some(&lightfield::ErrorKind::NotFound));

    let slow = MockServer::start_with(MockConfig {
        rate_limit: None,
        polls_to_finish: 1_000,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = fast_client(&slow).build().unwrap();
    let started = std::time::Instant::now();
    let err = client
        .workflow_runs()
        .wait(slow.start_workflow_run(false))
        .interval(Duration::from_millis(20), Duration::from_millis(40))
        .deadline(Duration::from_millis(300))
        .send()
        .await
        .expect_err("never finishes");
    assert!(
        matches!(err, Error::Timeout { attempts, .. } if attempts >= 2),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the deadline holds: {:?}",
        started.elapsed()
    );
    refused(
        client.workflow_runs().status("a/b").send().await,
        "not a workflow run id",
    );
}

#[tokio::test]
async fn enrichment_starts_once_and_is_followed_to_the_end() {
    let (server, client) = setup().await;
    let account = client.accounts().create("Enrich me").send().await.unwrap();
    let start = client
        .accounts()
        .enrich(&account.id)
        .fields(["$industry"])
        .send()
        .await
        .unwrap();
    assert_eq!(start.status, EnrichmentStartStatus::Started);
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        sent.path,
        format!("/v1/enrichmentRun/accounts/{}", account.id)
    );
    assert_eq!(sent.json(), json!({"fields": ["$industry"]}));
    let run = start.run.expect("a run");
    assert_eq!(run.status, EnrichmentStatus::Queued);
    let again = client.accounts().enrich(&account.id).send().await.unwrap();
    assert_eq!(again.status, EnrichmentStartStatus::AlreadyRunning);
    let done = client
        .enrichment_runs()
        .wait(&run.id)
        .interval(FAST, FAST)
        .deadline(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status, EnrichmentStatus::Completed);
    assert_eq!(done.target_fields, ["$industry"]);
    let contact = client
        .contacts()
        .create()
        .field("jobTitle", "CTO")
        .send()
        .await
        .unwrap();
    refused(
        client
            .contacts()
            .enrich(&contact.id)
            .fields(Vec::<String>::new())
            .send()
            .await,
        "nothing to enrich",
    );
    let skipped = client
        .raw(
            http::Method::POST,
            format!("/v1/enrichmentRun/contacts/{}", contact.id),
        )
        .json(json!({"fields": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(skipped.value()["reason"], json!("no_targets"));
}

#[tokio::test]
async fn merges_fold_the_duplicate_and_are_waited_for() {
    let (server, client) = setup().await;
    server.insert_linkable(&["con_1"]);
    let keep = client
        .accounts()
        .create("Acme")
        .field("seats", 3)
        .send()
        .await
        .unwrap();
    let dup = client
        .accounts()
        .create("ACME Inc")
        .field("tier", "Gold")
        .field("seats", 9)
        .website(["https://acme.example"])
        .contacts(["con_1"])
        .send()
        .await
        .unwrap();
    let outcome = client
        .accounts()
        .merge(&keep.id, &dup.id)
        .keep_primary("seats")
        .keep_duplicate("$website")
        .value("isStrategic", true)
        .multi_select_union(true)
        .send()
        .await
        .unwrap();
    let sent = server.requests().pop().unwrap();
    assert_eq!(sent.path, "/v1/accounts/merge");
    assert_eq!(
        sent.json(),
        json!({
            "primaryId": keep.id,
            "duplicateId": dup.id,
            "fieldResolutions": {"seats": "primary", "$website": "duplicate", "isStrategic": {"value": true}},
            "options": {"multiSelectUnion": true},
        })
    );
    assert_eq!(outcome.status, MergeStatus::CleanupPending);
    let merged = &outcome.primary;
    assert_eq!(merged.name(), Some("Acme"));
    assert_eq!(merged.field("seats").and_then(|v| v.as_i64()), Some(3));
    assert_eq!(merged.text("tier"), Some("Gold"));
    assert_eq!(merged.website(), ["https://acme.example"]);
    assert_eq!(merged.contacts(), ["con_1"]);
    assert!(outcome.summary.field_write_count >= 3);
    let done = client
        .merges()
        .wait(&outcome.merge_id)
        .interval(FAST, FAST)
        .deadline(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (done.status, done.primary_id.as_str()),
        (MergeStatus::Done, keep.id.as_str())
    );
    let trashed = client
        .accounts()
        .list()
        .status(lightfield::RecordStatus::Trashed)
        .send()
        .await
        .unwrap();
    assert_eq!(
        trashed.items[0].id, dup.id,
        "the duplicate went to the trash"
    );

    refused(
        client.accounts().merge(&keep.id, &keep.id).send().await,
        "merged into itself",
    );
    let v1 = client
        .object("vendor")
        .create()
        .field("$name", "A")
        .send()
        .await
        .unwrap();
    let v2 = client
        .object("vendor")
        .create()
        .field("$name", "B")
        .field("category", "Software")
        .send()
        .await
        .unwrap();
    let vendor = client
        .object("vendor")
        .merge(&v1.id, &v2.id)
        .send()
        .await
        .unwrap();
    assert_eq!(vendor.primary.text("category"), Some("Software"));
    assert_eq!(
        server.requests().pop().unwrap().path,
        "/v1/objects/vendor/merge"
    );
}

#[tokio::test]
async fn a_concurrent_claim_on_enrichment_is_retried() {
    let (server, client) = setup().await;
    let contact = client
        .contacts()
        .create()
        .field("jobTitle", "CTO")
        .send()
        .await
        .unwrap();
    server.inject(
        lightfield_mock::Fault::status(409)
            .path("/v1/enrichmentRun/contacts")
            .times(1),
    );
    server.clear_requests();
    let start = client.contacts().enrich(&contact.id).send().await.unwrap();
    assert_eq!(start.status, EnrichmentStartStatus::Started);
    let log = server.requests();
    assert_eq!(
        log.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Some(409), Some(200)]
    );
    assert_eq!(
        log[0].header("idempotency-key"),
        log[1].header("idempotency-key"),
        "the retry is the same logical request"
    );
}
