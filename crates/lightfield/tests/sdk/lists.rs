//! Lists over HTTP against lightfield-mock: members typed by the list's type, membership
//! changes, member endpoints paged and streamed, delete without restore.

use crate::common::*;
use futures_util::TryStreamExt;
use lightfield::{ListMembers, ObjectType};
use serde_json::json;

#[tokio::test]
async fn a_list_holds_one_type_and_its_members_page_and_stream() {
    let (server, client) = setup().await;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(
            client
                .accounts()
                .create(format!("Member {i}"))
                .send()
                .await
                .unwrap()
                .into_record()
                .id,
        );
    }
    server.clear_requests();
    let list = client
        .lists()
        .create("Targets", ListMembers::Accounts(ids[..27].to_vec().into()))
        .description("Q3")
        .send()
        .await
        .unwrap();
    let sent = server.requests().pop().unwrap();
    assert_eq!(sent.path, "/v1/lists");
    assert_eq!(
        sent.json()["fields"],
        json!({"$name": "Targets", "$objectType": "$account", "$description": "Q3"})
    );
    assert_eq!(
        sent.json()["relationships"]["$accounts"]
            .as_array()
            .map(Vec::len),
        Some(27)
    );
    assert_eq!(
        (list.name(), list.member_type()),
        (Some("Targets"), Some("account"))
    );
    assert!(
        list.relationships.is_empty(),
        "lists come back without relationships"
    );

    let page = client
        .lists()
        .accounts(&list.id)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!((page.total_count, page.items.len()), (27, 10));
    assert_eq!(
        server.requests().pop().unwrap().path,
        format!("/v1/lists/{}/accounts", list.id)
    );
    let all: Vec<_> = client
        .lists()
        .accounts(&list.id)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        ids[..27].to_vec()
    );

    let list = client
        .lists()
        .update(&list.id)
        .name("Targets v2")
        .add_members(ListMembers::Accounts(ids[27..].to_vec().into()))
        .remove_members(ListMembers::Accounts(ids[0].as_str().into()))
        .send()
        .await
        .unwrap();
    assert_eq!(list.name(), Some("Targets v2"));
    assert_eq!(
        server.requests().pop().unwrap().json()["relationships"],
        json!({"$accounts": {"add": ids[27..].to_vec(), "remove": ids[0]}})
    );
    let exported: Vec<_> = client
        .lists()
        .accounts(&list.id)
        .export(4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(exported.len(), 29);
    assert!(exported.iter().all(|a| a.id != ids[0]));

    // A contact list refuses accounts, on the mock as on the API.
    let contacts = client
        .lists()
        .create("People", ListMembers::Contacts(Vec::<String>::new().into()))
        .send()
        .await
        .unwrap();
    let err = client
        .lists()
        .update(&contacts.id)
        .add_members(ListMembers::Accounts(ids[1].as_str().into()))
        .send()
        .await
        .expect_err("wrong member type");
    assert_eq!(
        err.as_api().and_then(|e| e.param.as_deref()),
        Some("relationships.$accounts")
    );

    client.lists().delete(&list.id).send().await.unwrap();
    assert_eq!(server.requests().pop().unwrap().method, "DELETE");
    assert_eq!(client.lists().list().send().await.unwrap().total_count, 1);
}

#[tokio::test]
async fn list_rules_hold_without_the_typed_facade() {
    let (server, client) = setup().await;
    let lists = client.records_of(ObjectType::List);
    refused(
        lists.create().field("$objectType", "account").send().await,
        "`$name` is required",
    );
    refused(
        lists
            .update("lst_1")
            .field("$objectType", "contact")
            .send()
            .await,
        "only be set when the record is created",
    );
    refused(
        lists
            .update("lst_1")
            .replace("$accounts", "acc_1")
            .send()
            .await,
        "use add or remove",
    );
    assert!(server.requests().is_empty());
    let err = client
        .raw(http::Method::POST, "/v1/lists")
        .json(json!({"fields": {"$name": "x", "$objectType": "$account"}, "relationships": {"$contacts": ["con_1"]}}))
        .send()
        .await
        .expect_err("members of another type");
    assert_eq!(err.status(), Some(400));
}

/// An export reads each page from the last item of the page before: a record deleted
/// before the page being read (the pages shift) is an error saying so, not a record
/// silently skipped; a quiet list exports whole, each record once.
#[tokio::test]
async fn an_export_whose_pages_shift_says_so_instead_of_skipping_a_record() {
    use lightfield_mock::Fault;
    let (server, client) = setup().await;
    let ids = server.seed_records("account", 60, |i| json!({"$name": format!("Row {i}")}));
    let quiet: Vec<_> = client
        .accounts()
        .list()
        .export(3)
        .try_collect()
        .await
        .unwrap();
    let quiet: Vec<String> = quiet.into_iter().map(|a| a.id).collect();
    assert_eq!(quiet, ids, "in order, each once");

    server.inject(
        Fault::delay(std::time::Duration::from_millis(300))
            .method("GET")
            .path("/v1/accounts")
            .after(1),
    );
    let purge = async {
        let started = std::time::Instant::now();
        while server
            .requests()
            .iter()
            .filter(|r| r.path == "/v1/accounts")
            .count()
            < 5
        {
            assert!(started.elapsed().as_secs() < 20, "no second page");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(server.purge_record("account", &ids[0]));
    };
    let export = client.accounts().list().export(1).try_collect::<Vec<_>>();
    let (exported, ()) = tokio::join!(export, purge);
    assert!(
        matches!(exported, Err(lightfield::Error::Shifted(_))),
        "{exported:?}"
    );
}

/// The export's overlap costs one item per page, no more: 49 records at 25 a page are two
/// pages (the second ends on the 49th), and pages of one item (no room to overlap) still
/// advance to the end.
#[tokio::test]
async fn an_export_asks_for_exactly_the_pages_it_needs() {
    let (server, client) = setup().await;
    let ids = server.seed_records("account", 49, |i| json!({"$name": format!("Row {i}")}));
    let from = server.requests().len();
    let all: Vec<_> = client
        .accounts()
        .list()
        .export(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.into_iter().map(|a| a.id).collect::<Vec<_>>(), ids);
    let pages = server.requests()[from..]
        .iter()
        .filter(|r| r.path == "/v1/accounts")
        .count();
    assert_eq!(pages, 2, "offsets 0 and 24");
    let one_by_one = client.accounts().list().limit(1).max_items(3).export(2);
    let three = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        one_by_one.try_collect::<Vec<_>>(),
    )
    .await
    .expect("pages of one item advance")
    .unwrap();
    assert_eq!(
        three.into_iter().map(|a| a.id).collect::<Vec<_>>(),
        ids[..3]
    );
}
