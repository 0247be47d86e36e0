//! A mirror of an organisation that keeps changing while it is read (lightfield-mock's
//! churn driver: creates, updates, trashes, restores, merges and new fields): no run ever
//! marks a record deleted that the API still has, and once the changes stop, the next
//! runs make the mirror exactly what the server holds.

mod common;

use std::time::Duration;

use common::*;
use lightfield_mock::Churn;
use serde_json::json;

async fn churned(backend: Backend, object: &str, table: &str, trash_listed: bool) {
    let server = server().await;
    let client = client(&server);
    server.seed_records(object, 150, |i| json!({"$name": format!("Seeded {i}")}));
    server.set_latency(Duration::from_millis(2));
    let churn = server.churn(Churn::new(object, 150.0).seed(7));
    let mut store = backend.mirror().await;
    let options = options().only([object]);
    for _ in 0..4 {
        let run = lightfield_sync::sync(&client, store.as_mut(), &options).await;
        let run = run.unwrap();
        let held: Vec<String> = server.record_ids_of(object);
        for row in store.dump(table).await.unwrap() {
            assert!(
                row.status != "deleted" || !held.contains(&row.id),
                "{} was marked deleted while the API has it; {run:?}",
                row.id
            );
        }
    }
    let changes = churn.stop().await;
    assert!(changes >= 50, "only {changes} changes were made");
    // Quiet now: the next runs settle what the busy ones could not judge (a type without
    // a trash listing needs two runs that miss a record).
    for _ in 0..2 {
        let run = lightfield_sync::sync(&client, store.as_mut(), &options)
            .await
            .unwrap();
        assert!(run.unstable.is_empty(), "{run:?}");
    }
    let of = |set: std::collections::BTreeSet<(String, String, String, String)>, status: &str| {
        set.into_iter()
            .filter(|(o, _, s, _)| o == object && s == status)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of(held(store.as_mut()).await, "active"),
        of(served(&server), "active"),
        "every record in use, exactly, after {changes} changes"
    );
    let ids = |rows: Vec<(String, String, String, String)>| {
        rows.into_iter()
            .map(|(_, id, ..)| id)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (mirror_trash, server_trash) = (
        ids(of(held(store.as_mut()).await, "trashed")),
        ids(of(served(&server), "trashed")),
    );
    if trash_listed {
        assert_eq!(
            of(held(store.as_mut()).await, "trashed"),
            of(served(&server), "trashed"),
            "the trash, exactly"
        );
    } else {
        // With no trash listing, a record is known to be in the trash only once it was
        // seen in use (one created and trashed between two runs never is), and it keeps
        // the content it had when last listed.
        assert!(mirror_trash.is_subset(&server_trash), "{mirror_trash:?}");
        assert!(
            !mirror_trash.is_empty(),
            "the churn trashed records the mirror saw"
        );
    }
}

async fn a_type_with_a_trash_listing_is_mirrored_exactly_after_churn(backend: Backend) {
    churned(backend, "account", "accounts", true).await;
}

async fn a_type_without_a_trash_listing_is_mirrored_exactly_after_churn(backend: Backend) {
    churned(backend, "vendor", "obj_vendor", false).await;
}

on_each_backend!(multi_thread:
    a_type_with_a_trash_listing_is_mirrored_exactly_after_churn,
    a_type_without_a_trash_listing_is_mirrored_exactly_after_churn,
);
