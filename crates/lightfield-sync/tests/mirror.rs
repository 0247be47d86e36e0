//! The mirror against lightfield-mock over HTTP: what it holds equals what the server has,
//! a second run writes nothing and sends the calls the plan said, deletes are mirrored only
//! on evidence, a run cut short is continued. Each on SQLite and on Postgres.

mod common;

use common::*;
use serde_json::json;

async fn the_mirror_holds_what_the_server_has_and_a_second_run_writes_nothing(backend: Backend) {
    let server = server().await;
    let client = client(&server);
    let accounts = organisation(&server, &client).await;
    let mut store = backend.mirror().await;
    let options = options();
    let first = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert!(first.counts.written > 100, "{first:?}");
    let expected = served(&server);
    let trashed = expected.iter().filter(|r| r.2 == "trashed").count();
    assert!(
        expected.len() > 100 && trashed == 2,
        "{} records, {trashed} trashed",
        expected.len()
    );
    assert_eq!(
        held(store.as_mut()).await,
        expected,
        "the mirror is the server's records"
    );
    assert!(served_links(&server).len() >= 15, "links to compare");
    assert_eq!(
        held_links(store.as_mut()).await,
        served_links(&server),
        "and their links"
    );
    let second = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(second.counts.written, 0, "{second:?}");
    assert_eq!(
        second.counts.trashed + second.counts.deleted,
        0,
        "{second:?}"
    );
    assert_eq!(held(store.as_mut()).await, served(&server));

    // Links added, then one taken away: the mirror's edges follow, none left behind.
    let linked = client
        .accounts()
        .update(&accounts[1])
        .add("partners", [accounts[2].as_str(), accounts[3].as_str()]);
    linked.send().await.unwrap();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    let unlinked = client
        .accounts()
        .update(&accounts[1])
        .remove("partners", [accounts[2].as_str()]);
    unlinked.send().await.unwrap();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(run.counts.written, 2, "both ends of the link: {run:?}");
    assert_eq!(held_links(store.as_mut()).await, served_links(&server));
}

async fn trash_restore_and_purge_are_mirrored_and_deletes_need_evidence(backend: Backend) {
    let server = server().await;
    let client = client(&server);
    let accounts = organisation(&server, &client).await;
    let vendors = server.record_ids_of("vendor");
    let mut store = backend.mirror().await;
    let options = options();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();

    // An account trashed is listed in the trash: mirrored as trashed at once.
    client
        .accounts()
        .delete(&accounts[20])
        .send()
        .await
        .unwrap();
    // A custom record trashed is only missing (the API lists no trash of custom objects).
    client
        .object("vendor")
        .delete(&vendors[3])
        .send()
        .await
        .unwrap();
    // An account with links is purged: its retrieve answers 404.
    assert!(links_touching(store.as_mut(), &accounts[0]).await > 0);
    assert!(server.purge_record("account", &accounts[0]));
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(
        standing_in(store.as_mut(), "accounts", &accounts[20]).await,
        ("trashed".into(), Some("listed".into()))
    );
    assert_eq!(
        standing_in(store.as_mut(), "accounts", &accounts[0]).await,
        ("deleted".into(), Some("gone".into()))
    );
    assert_eq!(
        links_touching(store.as_mut(), &accounts[0]).await,
        0,
        "the edges of a deleted record go"
    );
    assert_eq!(
        standing_in(store.as_mut(), "obj_vendor", &vendors[3])
            .await
            .0,
        "active",
        "one scan that missed a record is no evidence"
    );
    assert_eq!((run.counts.trashed, run.counts.deleted), (1, 1), "{run:?}");

    let from = server.requests().len();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(
        standing_in(store.as_mut(), "obj_vendor", &vendors[3]).await,
        ("trashed".into(), Some("absent".into()))
    );
    assert_eq!((run.counts.trashed, run.counts.written), (1, 0), "{run:?}");
    assert_eq!(
        run.counts.deleted, 0,
        "a record deleted before is not judged again"
    );
    let sent = server.requests()[from..]
        .iter()
        .filter(|r| r.query.contains("limit=25"))
        .count()
        + retrieves(&server, from);
    assert_eq!(
        run.counts.requests, sent as u64,
        "lists and retrieves are counted"
    );

    client
        .accounts()
        .restore(&accounts[20])
        .send()
        .await
        .unwrap();
    client
        .object("vendor")
        .restore(&vendors[3])
        .send()
        .await
        .unwrap();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(
        standing_in(store.as_mut(), "accounts", &accounts[20]).await,
        ("active".into(), Some("restored".into()))
    );
    assert_eq!(
        standing_in(store.as_mut(), "obj_vendor", &vendors[3]).await,
        ("active".into(), Some("restored".into()))
    );
    assert_eq!(run.counts.restored, 2, "{run:?}");
    assert_eq!(held(store.as_mut()).await, served(&server));
}

async fn a_run_cut_short_is_continued_by_the_next_with_nothing_lost_or_doubled(backend: Backend) {
    use lightfield_mock::Fault;
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    // The server fails for good on the 4th page of vendors: the run stops there.
    server.inject(Fault::status(503).path("/v1/objects/vendor").times(1_000));
    let mut store = backend.mirror().await;
    let options = options();
    let cut = lightfield_sync::sync(&client, store.as_mut(), &options).await;
    assert!(cut.is_err(), "{cut:?}");
    let before = store.dump("accounts").await.unwrap().len();
    assert!(
        before >= 60,
        "the pages read before the failure were kept: {before}"
    );
    server.clear_faults();
    let requests_before = server.requests().len();
    let resumed = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert!(resumed.resumed, "the same run goes on");
    // The types finished before the failure are not read again.
    let accounts_read_again = server.requests()[requests_before..]
        .iter()
        .filter(|r| r.path == "/v1/accounts")
        .count();
    assert_eq!(accounts_read_again, 0);
    assert_eq!(held(store.as_mut()).await, served(&server));
    let again = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(again.counts.written, 0, "{again:?}");
}

async fn a_quiet_run_retrieves_nothing_and_counts_what_it_sent(backend: Backend) {
    let server = server().await;
    let client = client(&server);
    organisation(&server, &client).await;
    let mut store = backend.mirror().await;
    let options = options();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    let plan = lightfield_sync::plan(&client, &options).await.unwrap();
    let from = server.requests().len();
    let run = lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(retrieves(&server, from), 0, "nothing was missing");
    let pages = server.requests()[from..]
        .iter()
        .filter(|r| r.query.contains("limit=25"))
        .count() as u64;
    assert_eq!(run.counts.requests, pages, "{run:?}");
    // Pages asked for ahead stop at the count: a quiet run sends what the plan said.
    let planned: u64 = plan.streams.iter().map(|s| s.calls).sum();
    assert_eq!(pages, planned, "{plan:?}");
    assert!(
        run.counts.unchanged as usize >= served(&server).len(),
        "{run:?}"
    );
}

async fn a_failed_retrieve_is_no_evidence_of_a_delete(backend: Backend) {
    use lightfield_mock::Fault;
    let Vendors {
        server,
        client,
        ids: vendors,
        mut store,
        options,
    } = vendors_mirrored(&backend, 10).await;
    client
        .object("vendor")
        .delete(&vendors[4])
        .send()
        .await
        .unwrap();
    // The list answers; the retrieve of the missing record fails every time.
    server.inject(
        Fault::status(503)
            .path(format!("/v1/objects/vendor/values/{}", vendors[4]))
            .always(),
    );
    let failed = lightfield_sync::sync(&client, store.as_mut(), &options).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        standing_in(store.as_mut(), "obj_vendor", &vendors[4])
            .await
            .0,
        "active"
    );
    server.clear_faults();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(
        standing_in(store.as_mut(), "obj_vendor", &vendors[4])
            .await
            .0,
        "active",
        "one strike"
    );
}

async fn a_record_missing_in_runs_that_are_not_consecutive_is_not_trashed(backend: Backend) {
    let Vendors {
        server: _server,
        client,
        ids: vendors,
        mut store,
        options,
    } = vendors_mirrored(&backend, 10).await;
    let vendor = client.object("vendor");
    vendor.delete(&vendors[2]).send().await.unwrap();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap(); // strike one
    vendor.restore(&vendors[2]).send().await.unwrap();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap(); // seen: strikes reset
    vendor.delete(&vendors[2]).send().await.unwrap();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap(); // strike one again
    assert_eq!(
        standing_in(store.as_mut(), "obj_vendor", &vendors[2])
            .await
            .0,
        "active"
    );
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    assert_eq!(
        standing_in(store.as_mut(), "obj_vendor", &vendors[2])
            .await
            .0,
        "trashed"
    );
}

async fn the_members_of_each_list_are_mirrored_and_follow_it(backend: Backend) {
    use lightfield::ListMembers;
    let server = server().await;
    let client = client(&server);
    let accounts = server.seed_records("account", 30, |i| json!({"$name": format!("Account {i}")}));
    let members: Vec<&str> = accounts.iter().take(27).map(String::as_str).collect();
    let list = client
        .lists()
        .create("Targets", ListMembers::Accounts(members.clone().into()))
        .send()
        .await
        .unwrap();
    let mut store = backend.mirror().await;
    let options = options().only(["list"]);
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    let mut expected: Vec<String> = members.iter().map(|m| m.to_string()).collect();
    expected.sort();
    assert_eq!(
        store.list_members(&list.id).await.unwrap(),
        expected,
        "27 members, two pages"
    );

    client
        .lists()
        .update(&list.id)
        .remove_members(ListMembers::Accounts([accounts[0].as_str()].into()))
        .send()
        .await
        .unwrap();
    lightfield_sync::sync(&client, store.as_mut(), &options)
        .await
        .unwrap();
    expected.retain(|id| id != &accounts[0]);
    assert_eq!(store.list_members(&list.id).await.unwrap(), expected);

    client.lists().delete(&list.id).send().await.unwrap();
    for _ in 0..2 {
        lightfield_sync::sync(&client, store.as_mut(), &options)
            .await
            .unwrap();
    }
    assert!(
        store.list_members(&list.id).await.unwrap().is_empty(),
        "a list gone has no members"
    );
}

on_each_backend!(
    the_members_of_each_list_are_mirrored_and_follow_it,
    the_mirror_holds_what_the_server_has_and_a_second_run_writes_nothing,
    trash_restore_and_purge_are_mirrored_and_deletes_need_evidence,
    a_run_cut_short_is_continued_by_the_next_with_nothing_lost_or_doubled,
    a_quiet_run_retrieves_nothing_and_counts_what_it_sent,
    a_failed_retrieve_is_no_evidence_of_a_delete,
    a_record_missing_in_runs_that_are_not_consecutive_is_not_trashed,
);
