//! Random changes between runs, a property no run may break: a record the mirror calls
//! deleted is gone from the server, and one it calls trashed is in the server's trash. After
//! two quiet runs the mirror is exactly the server's records.

mod common;

use common::*;
use lightfield_sync::Store;
use proptest::prelude::*;
use serde_json::json;

/// One change to the organisation, or a run.
#[derive(Debug, Clone)]
enum Step {
    Create(bool),
    Update(usize),
    Trash(bool, usize),
    Restore(bool, usize),
    Purge(bool, usize),
    /// Trash and restore at once (an undo): the lagging lists show it trashed for a while.
    Flicker(bool, usize),
    /// Let the lists catch up with the writes.
    Wait,
    /// The next retrieves of single records fail with a 503.
    FailRetrieves,
    Sync,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<bool>().prop_map(Step::Create),
        (0..4usize).prop_map(Step::Update),
        (any::<bool>(), 0..4usize).prop_map(|(a, i)| Step::Trash(a, i)),
        (any::<bool>(), 0..4usize).prop_map(|(a, i)| Step::Restore(a, i)),
        (any::<bool>(), 0..4usize).prop_map(|(a, i)| Step::Purge(a, i)),
        (any::<bool>(), 0..4usize).prop_map(|(a, i)| Step::Flicker(a, i)),
        Just(Step::Wait),
        Just(Step::FailRetrieves),
        Just(Step::FailRetrieves),
        Just(Step::Sync),
        Just(Step::Sync),
    ]
}

/// Records the mirror judged wrongly: deleted but still on the server, or trashed by
/// absence but not in its trash. (Trashed because the trash listing said so is the API's
/// own word: a listing lagging behind a restore says it for a while.)
async fn false_judgements(
    server: &lightfield_mock::MockServer,
    store: &mut (dyn Store + Send),
) -> Vec<String> {
    let mut wrong = Vec::new();
    for (object, table) in [("account", "accounts"), ("vendor", "obj_vendor")] {
        let present = server.record_ids_of(object);
        let trashed = server.trashed_ids_of(object);
        for row in store.dump(table).await.unwrap_or_default() {
            match row.status.as_str() {
                "deleted" if present.contains(&row.id) => wrong.push(format!("{} deleted", row.id)),
                "trashed"
                    if row.reason.as_deref() == Some("absent")
                        && !trashed.contains(&row.id)
                        && present.contains(&row.id) =>
                {
                    wrong.push(format!("{} trashed", row.id))
                }
                _ => {}
            }
        }
    }
    wrong
}

async fn play(backend: &Backend, steps: Vec<Step>) -> Result<(), TestCaseError> {
    // Lists lag behind writes, as the API's search index does.
    let lag = std::time::Duration::from_millis(40);
    let server = server_with(lightfield_mock::ListView {
        lag,
        ..Default::default()
    })
    .await;
    let client = client(&server);
    server.seed_records("account", 30, |i| json!({"$name": format!("Account {i}")}));
    server.seed_records("vendor", 30, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = backend.mirror().await;
    // Two strikes count only when further apart than the lists can lag.
    let options = lightfield_sync::Options::default()
        .only(["account", "vendor"])
        .absence_gap(lag * 3);
    let pick = |account: bool, i: usize| {
        let ids = server.record_ids_of(if account { "account" } else { "vendor" });
        ids.get(i % ids.len().max(1)).cloned()
    };
    for step in steps {
        match step {
            Step::Create(account) => {
                let object = if account { "account" } else { "vendor" };
                server.seed_records(object, 1, |_| json!({"$name": "New"}));
            }
            Step::Update(i) => {
                if let Some(id) = pick(true, i) {
                    let _ = client
                        .accounts()
                        .update(&id)
                        .field("$name", format!("Renamed {i}"))
                        .send()
                        .await;
                }
            }
            Step::Trash(account, i) => {
                if let Some(id) = pick(account, i) {
                    let records = client.records_of(if account {
                        lightfield::ObjectType::Account
                    } else {
                        lightfield::ObjectType::Custom("vendor".into())
                    });
                    let _ = records.delete(&id).send().await;
                }
            }
            Step::Restore(account, i) => {
                if let Some(id) = pick(account, i) {
                    let records = client.records_of(if account {
                        lightfield::ObjectType::Account
                    } else {
                        lightfield::ObjectType::Custom("vendor".into())
                    });
                    let _ = records.restore(&id).send().await;
                }
            }
            Step::Purge(account, i) => {
                if let Some(id) = pick(account, i) {
                    server.purge_record(if account { "account" } else { "vendor" }, &id);
                }
            }
            Step::Flicker(account, i) => {
                if let Some(id) = pick(account, i) {
                    let object = if account {
                        lightfield::ObjectType::Account
                    } else {
                        lightfield::ObjectType::Custom("vendor".into())
                    };
                    let _ = client.records_of(object.clone()).delete(&id).send().await;
                    let _ = client.records_of(object).restore(&id).send().await;
                }
            }
            Step::Wait => tokio::time::sleep(lag * 2).await,
            Step::FailRetrieves => {
                use lightfield_mock::Fault;
                server.inject(
                    Fault::status(503)
                        .path("/v1/objects/vendor/values/")
                        .times(3),
                );
                server.inject(Fault::status(503).path("/v1/accounts/acc_").times(3));
            }
            Step::Sync => {
                // A run that stops on a failure is fine; what it judged must still be true.
                let _ = lightfield_sync::sync(&client, store.as_mut(), &options).await;
                let wrong = false_judgements(&server, store.as_mut()).await;
                prop_assert!(wrong.is_empty(), "false judgements: {wrong:?}");
            }
        }
    }
    server.clear_faults();
    // Two quiet runs further apart than the gap: the mirror is then exact.
    for _ in 0..2 {
        tokio::time::sleep(lag * 4).await;
        lightfield_sync::sync(&client, store.as_mut(), &options)
            .await
            .unwrap();
    }
    // The API lists no trash of custom objects: a vendor trashed before any run saw it is
    // one the mirror cannot know. Everything else must match exactly.
    let knowable = |(t, _, status, _): &(String, String, String, String)| {
        t == "account" || (t == "vendor" && status == "active")
    };
    let expected: std::collections::BTreeSet<_> =
        served(&server).into_iter().filter(knowable).collect();
    let held: std::collections::BTreeSet<_> = held(store.as_mut())
        .await
        .into_iter()
        .filter(knowable)
        .collect();
    let missing: Vec<&String> = expected.difference(&held).map(|r| &r.1).collect();
    let extra: Vec<&String> = held.difference(&expected).map(|r| &r.1).collect();
    prop_assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    Ok(())
}

/// Plays `cases` random sequences on `backend` (one mirror each), shrinking a failure to
/// its shortest sequence; failures are kept in `property.proptest-regressions` and played
/// first next time.
fn never_a_false_delete(backend: Backend, cases: u32) {
    let config = ProptestConfig {
        cases,
        source_file: Some(file!()),
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let steps = proptest::collection::vec(step(), 1..16);
    if let Err(failure) = runner.run(&steps, |steps| runtime.block_on(play(&backend, steps))) {
        panic!("{failure}");
    }
}

#[test]
fn random_changes_and_runs_never_show_a_false_delete_in_sqlite() {
    never_a_false_delete(Backend::Sqlite, 24);
}

/// Fewer cases: each run costs a Postgres transaction per page.
#[cfg(feature = "postgres")]
#[test]
fn random_changes_and_runs_never_show_a_false_delete_in_postgres() {
    if let Some(backend) = Backend::postgres() {
        never_a_false_delete(backend, 12);
    }
}
