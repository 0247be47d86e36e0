//! What a mirror must survive: a list order that shifts under the scan, lists that lag
//! behind writes, an offset cap, server faults, scans that never settle. Each scenario runs
//! on SQLite and on Postgres (`on_each_backend!`).

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use serde_json::json;

async fn records_deleted_before_the_offset_during_a_scan_skip_nothing_and_delete_nothing(
    backend: Backend,
) {
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 200, |i| json!({"$name": format!("Vendor {i}")}));
    // Each page takes a while, and meanwhile records at the start of the order are purged:
    // every record after them moves up by a few places between two pages.
    server.set_latency(Duration::from_millis(15));
    let purger = {
        let ids = ids.clone();
        let server = &server;
        async move {
            for id in ids.iter().take(30) {
                tokio::time::sleep(Duration::from_millis(7)).await;
                server.purge_record("vendor", id);
            }
        }
    };
    let mut store = backend.mirror().await;
    let options = options().only(["vendor"]);
    let (run, ()) = tokio::join!(
        lightfield_sync::sync(&client, store.as_mut(), &options),
        purger
    );
    let run = run.unwrap();
    server.set_latency(Duration::ZERO);
    let mirrored_ids = active_in(&mut *store, "obj_vendor").await;
    // Every record that existed through the whole scan is there: none slipped between pages.
    for id in &ids[30..] {
        assert!(mirrored_ids.contains(id), "{id} was skipped; {run:?}");
    }
    let shifts = shifts_in(&mut *store, run.run, "vendor:active").await;
    assert!(shifts > 0, "the scan saw the order shift");
    // The purged ones are found gone by their 404, never by their absence alone.
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(run.counts.trashed, 0, "{run:?}");
    assert_eq!(active_in(&mut *store, "obj_vendor").await.len(), 170);
}

async fn records_created_at_the_head_of_a_newest_first_order_during_a_scan_skip_nothing(
    backend: Backend,
) {
    let server = server_with(lightfield_mock::ListView {
        newest_first: true,
        ..Default::default()
    })
    .await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 150, |i| json!({"$name": format!("Vendor {i}")}));
    server.set_latency(Duration::from_millis(10));
    let creator = async {
        for i in 0..20 {
            tokio::time::sleep(Duration::from_millis(6)).await;
            server.seed_records("vendor", 1, |_| json!({"$name": format!("New {i}")}));
        }
    };
    let mut store = backend.mirror().await;
    let options = options().only(["vendor"]);
    let (run, ()) = tokio::join!(
        lightfield_sync::sync(&client, store.as_mut(), &options),
        creator
    );
    run.unwrap();
    server.set_latency(Duration::ZERO);
    let mirrored = active_in(&mut *store, "obj_vendor").await;
    for id in &ids {
        assert!(mirrored.contains(id), "{id} was skipped");
    }
    // The next quiet run has the newcomers too, and deletes nothing.
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    assert_eq!(active_in(&mut *store, "obj_vendor").await.len(), 170);
    assert_eq!(
        held_links(&mut *store).await.len(),
        served_links(&server).len()
    );
}

async fn lists_lagging_behind_writes_cause_no_false_delete_and_the_next_quiet_run_is_exact(
    backend: Backend,
) {
    let server = server_with(lightfield_mock::ListView {
        lag: Duration::from_millis(400),
        ..Default::default()
    })
    .await;
    let client = client(&server);
    let vendors = server.seed_records("vendor", 30, |i| json!({"$name": format!("Vendor {i}")}));
    let accounts = server.seed_records("account", 30, |i| json!({"$name": format!("Account {i}")}));
    tokio::time::sleep(Duration::from_millis(450)).await;
    let mut store = backend.mirror().await;
    let options = options().only(["vendor", "account"]);
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    // Trashed and created just now: the lists do not show it yet.
    client
        .object("vendor")
        .delete(&vendors[0])
        .send()
        .await
        .unwrap();
    client.accounts().delete(&accounts[0]).send().await.unwrap();
    let fresh = client.accounts().create("Fresh").send().await.unwrap();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(
        standing_in(&mut *store, "accounts", &accounts[0]).await.0,
        "trashed",
        "{run:?}"
    );
    assert!(active_in(&mut *store, "accounts").await.contains(&fresh.id));
    // The custom record needs a second run that misses it: two strikes.
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(
        standing_in(&mut *store, "obj_vendor", &vendors[0]).await.0,
        "trashed"
    );
    let expected: BTreeSet<_> = served(&server)
        .into_iter()
        .filter(|(t, ..)| t == "vendor" || t == "account")
        .collect();
    assert_eq!(held(&mut *store).await, expected);
}

async fn an_offset_cap_is_reported_and_infers_no_delete(backend: Backend) {
    let server = server_with(lightfield_mock::ListView {
        offset_cap: Some(48),
        ..Default::default()
    })
    .await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 100, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = backend.mirror().await;
    let options = options().only(["vendor"]);
    let first = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(first.capped, ["vendor"], "{first:?}");
    // Even a record the mirror holds that is now beyond reach is not judged.
    server.set_listing(lightfield_mock::ListView::default());
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    server.set_listing(lightfield_mock::ListView {
        offset_cap: Some(48),
        ..Default::default()
    });
    for _ in 0..2 {
        let run = lightfield_sync::sync(&client, store.as_mut(), &options)
            .await
            .unwrap();
        assert_eq!(run.capped, ["vendor"]);
        assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    }
    assert_eq!(active_in(&mut *store, "obj_vendor").await.len(), ids.len());
}

async fn server_faults_end_in_a_finished_run_or_a_stop_the_next_run_completes(backend: Backend) {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    // Passing faults: a 503 and a burst of 429s the SDK's retries ride out.
    server.inject(Fault::status(503).path("/v1/accounts").times(2));
    server.inject(Fault::rate_limited(0).path("/v1/contacts").times(2));
    server.inject(
        Fault::drop_before_handling()
            .path("/v1/objects/vendor")
            .times(1),
    );
    let mut store = backend.mirror().await;
    let options = options();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert!(!run.resumed);
    assert_eq!(held(&mut *store).await, served(&server));
    // A dropped connection on every call of one type: a clean stop, then a finished run.
    server.inject(Fault::drop_before_handling().path("/v1/notes").times(100));
    assert!(
        lightfield_sync::sync(&client, store.as_mut(), &options)
            .await
            .is_err()
    );
    server.clear_faults();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert!(run.resumed);
    assert_eq!(held(&mut *store).await, served(&server));
}

async fn a_scan_that_keeps_shifting_is_unstable_and_judges_nothing(backend: Backend) {
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 120, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = backend.mirror().await;
    let options = options().only(["vendor"]).max_shifts(0);
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    // A vendor gone from the list (trashed), and records purged under the scan.
    client
        .object("vendor")
        .delete(&ids[100])
        .send()
        .await
        .unwrap();
    server.set_latency(Duration::from_millis(10));
    let purger = async {
        for id in ids.iter().take(6) {
            tokio::time::sleep(Duration::from_millis(8)).await;
            server.purge_record("vendor", id);
        }
    };
    let (run, ()) = tokio::join!(
        lightfield_sync::sync(&client, store.as_mut(), &options),
        purger
    );
    let run = run.unwrap();
    server.set_latency(Duration::ZERO);
    assert_eq!(run.unstable, ["vendor"], "{run:?}");
    assert_eq!((run.counts.trashed, run.counts.deleted), (0, 0), "{run:?}");
    assert_eq!(
        standing_in(&mut *store, "obj_vendor", &ids[100]).await.0,
        "active"
    );
}

async fn a_stream_left_unstable_stays_unstable_when_its_run_is_continued(backend: Backend) {
    use lightfield_sync::{PageWrite, StreamState};
    let Vendors {
        server,
        client,
        ids,
        mut store,
        options,
    } = vendors_mirrored(&backend, 10).await;
    client
        .object("vendor")
        .delete(&ids[3])
        .send()
        .await
        .unwrap();
    // A run that was cut short after the vendor scan went unstable, as a crash leaves it.
    let run = store.open_run("2026-12-07T00:00:00Z").await.unwrap();
    let unstable = StreamState {
        state: "unstable".into(),
        ..StreamState::default()
    };
    store
        .write_page(&PageWrite {
            run: run.id,
            stream: "vendor:active",
            table: "obj_vendor",
            object_type: "vendor",
            status: "active",
            records: &[],
            next: &unstable,
        })
        .await
        .unwrap();
    let from = server.requests().len();
    let continued = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert!(continued.resumed);
    assert_eq!(continued.unstable, ["vendor"], "{continued:?}");
    assert_eq!(retrieves(&server, from), 0, "nothing is judged");
}

async fn only_a_refused_offset_caps_a_stream_any_other_failure_stops_the_run(backend: Backend) {
    use lightfield_mock::Fault;
    for status in [503, 400] {
        let server = server().await;
        let client = client(&server);
        server.seed_records("vendor", 60, |i| json!({"$name": format!("Vendor {i}")}));
        let mut store = backend.mirror().await;
        let options = options().only(["vendor"]);
        for after in [0, 1] {
            server.clear_faults();
            server.inject(
                Fault::status(status)
                    .exactly("/v1/objects/vendor")
                    .after(after)
                    .always(),
            );
            let run = lightfield_sync::sync(&client, store.as_mut(), &options).await;
            assert!(
                run.is_err(),
                "a {status} on page {} is a failure: {run:?}",
                after + 1
            );
        }
    }
}

async fn one_shift_within_the_tolerance_leaves_the_scan_complete(backend: Backend) {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 60, |i| json!({"$name": format!("Vendor {i}")}));
    // The second page waits 150 ms in the server; a record before it goes meanwhile.
    server.inject(
        Fault::delay(Duration::from_millis(150))
            .exactly("/v1/objects/vendor")
            .after(1),
    );
    let purge = async {
        tokio::time::sleep(Duration::from_millis(60)).await;
        server.purge_record("vendor", &ids[0]);
    };
    let mut store = backend.mirror().await;
    let options = options().only(["vendor"]).max_shifts(1);
    let (run, ()) = tokio::join!(
        lightfield_sync::sync(&client, store.as_mut(), &options),
        purge
    );
    let run = run.unwrap();
    let shifts = shifts_in(&mut *store, run.run, "vendor:active").await;
    assert_eq!(shifts, 1, "{run:?}");
    assert!(run.unstable.is_empty(), "{run:?}");
    assert_eq!(
        active_in(&mut *store, "obj_vendor").await.len(),
        60,
        "the purged one is judged next run"
    );
}

async fn a_record_missing_only_while_the_lists_catch_up_is_not_trashed(backend: Backend) {
    let lag = Duration::from_millis(60);
    let server = server_with(lightfield_mock::ListView {
        lag,
        ..Default::default()
    })
    .await;
    let client = client(&server);
    let ids = server.seed_records("vendor", 5, |i| json!({"$name": format!("Vendor {i}")}));
    let mut store = backend.mirror().await;
    let vendor = client.object("vendor");
    // Trashed and restored at once (an undo), twice, each time just before a run: the
    // lagging list misses the record in both runs, yet it never left.
    let flicker_then_sync = |options: lightfield_sync::Options| {
        let (vendor, id) = (vendor.clone(), ids[1].clone());
        async move {
            vendor.delete(&id).send().await.unwrap();
            vendor.restore(&id).send().await.unwrap();
            options
        }
    };
    let careful = lightfield_sync::Options::default().only(["vendor"]);
    lightfield_sync::sync(&client, store.as_mut(), &careful)
        .await
        .unwrap();
    for _ in 0..2 {
        let options = flicker_then_sync(careful.clone()).await;
        lightfield_sync::sync(&client, store.as_mut(), &options)
            .await
            .unwrap();
    }
    let row =
        |rows: Vec<lightfield_sync::DumpRow>| rows.into_iter().find(|r| r.id == ids[1]).unwrap();
    assert_eq!(
        row(store.dump("obj_vendor").await.unwrap()).status,
        "active",
        "the default gap waits"
    );
    // Without the gap, the same two misses would trash it: the gap is what guards it.
    let hasty = careful.clone().absence_gap(Duration::ZERO);
    let mut hasty_store = backend.mirror().await;
    tokio::time::sleep(lag * 2).await;
    lightfield_sync::sync(&client, hasty_store.as_mut(), &hasty)
        .await
        .unwrap();
    for _ in 0..2 {
        let options = flicker_then_sync(hasty.clone()).await;
        lightfield_sync::sync(&client, hasty_store.as_mut(), &options)
            .await
            .unwrap();
    }
    assert_eq!(
        row(hasty_store.dump("obj_vendor").await.unwrap()).status,
        "trashed"
    );
}

/// Pages asked for ahead line up with the pages the scan reads and stop at the count: a
/// long stream whose size is a whole number of steps (the last step's offset is the count
/// itself) sends exactly the calls the plan said, no page twice.
async fn pages_in_flight_send_exactly_the_planned_calls_on_a_long_stream(backend: Backend) {
    let server = server().await;
    let client = client(&server);
    server.seed_records(
        "vendor",
        24 * 12,
        |i| json!({"$name": format!("Vendor {i}")}),
    );
    server.set_latency(Duration::from_millis(3));
    let options = options().only(["vendor"]);
    let plan = lightfield_sync::plan(&client, &options).await.unwrap();
    let mut store = backend.mirror().await;
    let from = server.requests().len();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    let pages: Vec<String> = server.requests()[from..]
        .iter()
        .filter(|r| r.query.contains("limit=25"))
        .map(|r| r.query.clone())
        .collect();
    let planned: u64 = plan.streams.iter().map(|s| s.calls).sum();
    assert_eq!(pages.len() as u64, planned, "{pages:?}");
    let distinct: BTreeSet<&String> = pages.iter().collect();
    assert_eq!(
        distinct.len(),
        pages.len(),
        "a page asked for twice: {pages:?}"
    );
    assert_eq!(run.counts.written, 24 * 12);
}

on_each_backend!(
    records_deleted_before_the_offset_during_a_scan_skip_nothing_and_delete_nothing,
    records_created_at_the_head_of_a_newest_first_order_during_a_scan_skip_nothing,
    lists_lagging_behind_writes_cause_no_false_delete_and_the_next_quiet_run_is_exact,
    an_offset_cap_is_reported_and_infers_no_delete,
    server_faults_end_in_a_finished_run_or_a_stop_the_next_run_completes,
    a_scan_that_keeps_shifting_is_unstable_and_judges_nothing,
    a_stream_left_unstable_stays_unstable_when_its_run_is_continued,
    only_a_refused_offset_caps_a_stream_any_other_failure_stops_the_run,
    one_shift_within_the_tolerance_leaves_the_scan_complete,
    a_record_missing_only_while_the_lists_catch_up_is_not_trashed,
    pages_in_flight_send_exactly_the_planned_calls_on_a_long_stream,
);
