//! One suite run for every record type the API can write — accounts, contacts,
//! opportunities, tasks, notes, meetings and a custom object — over HTTP against
//! lightfield-mock: create → retrieve → list with a filter and as a stream → update (set,
//! clear, relate) → delete → list trashed → restore → field history, asserting the decoded
//! values and the exact requests on the wire.

use crate::common::*;
use futures_util::TryStreamExt;
use lightfield::entity::{Editable, Trashable};
use lightfield::{Client, InputValue, ObjectType, Op, Record, RecordStatus, Records};
use lightfield_mock::{LoggedRequest, MockServer};
use serde_json::{Value, json};

/// What differs between record types in the shared flow.
struct Case {
    object: &'static str,
    /// The collection path, e.g. `/v1/accounts`.
    path: &'static str,
    create_fields: Value,
    create_rels: Value,
    /// A `(key, operator, value)` filter that the created record matches.
    filter: (&'static str, Op, &'static str),
    /// A field to change (it is also set at create, so it has two history entries).
    update: (&'static str, Value),
    /// A field to clear.
    clear: &'static str,
    /// A relationship to add an id to.
    relate: Option<(&'static str, &'static str)>,
    history: bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            object: "account",
            path: "/v1/accounts",
            create_fields: json!({"$name": "Acme Flow", "seats": 3, "tier": "Gold"}),
            create_rels: json!({"$owner": "mem_1"}),
            filter: ("$name", Op::StartsWith, "Acme F"),
            update: ("seats", json!(7)),
            clear: "tier",
            relate: Some(("$contact", "con_9")),
            history: true,
        },
        Case {
            object: "contact",
            path: "/v1/contacts",
            create_fields: json!({"$name": {"firstName": "Ada", "lastName": "Flow"}, "jobTitle": "CTO", "$email": ["ada@flow.example"]}),
            create_rels: json!({"$account": ["acc_1"]}),
            filter: ("$name", Op::StartsWith, "Ada F"),
            update: ("jobTitle", json!("CEO")),
            clear: "$email",
            relate: Some(("$account", "acc_2")),
            history: true,
        },
        Case {
            object: "opportunity",
            path: "/v1/opportunities",
            create_fields: json!({"$name": "Flow deal", "$stage": "Discovery", "amount": 1000}),
            create_rels: json!({"$account": "acc_1"}),
            filter: ("$name", Op::Equal, "Flow deal"),
            update: ("$stage", json!("Proposal")),
            clear: "amount",
            relate: Some(("$champion", "con_1")),
            history: true,
        },
        Case {
            object: "task",
            path: "/v1/tasks",
            create_fields: json!({"$title": "Call Flow", "$status": "TODO", "$dueAt": "2027-02-01T09:00:00Z"}),
            create_rels: json!({"$assignedTo": "mem_1"}),
            filter: ("$title", Op::StartsWith, "Call"),
            update: ("$status", json!("IN_PROGRESS")),
            clear: "$dueAt",
            relate: Some(("$account", "acc_1")),
            history: false,
        },
        Case {
            object: "note",
            path: "/v1/notes",
            create_fields: json!({"$title": "Flow notes", "$content": "first"}),
            create_rels: json!({"$account": ["acc_1"]}),
            filter: ("$title", Op::StartsWith, "Flow no"),
            update: ("$title", json!("Flow notes v2")),
            clear: "$content",
            relate: Some(("$opportunity", "opp_1")),
            history: false,
        },
        Case {
            object: "meeting",
            path: "/v1/meetings",
            create_fields: json!({
                "$title": "Flow kickoff",
                "$startDate": "2026-01-10T09:00:00Z",
                "$endDate": "2026-01-10T10:00:00Z",
                "$privacySetting": "FULL"
            }),
            create_rels: json!({}),
            filter: ("$title", Op::StartsWith, "Flow"),
            update: ("$meetingPrep", json!("agenda v2")),
            clear: "$privacySetting",
            relate: None,
            history: false,
        },
        Case {
            object: "vendor",
            path: "/v1/objects/vendor",
            create_fields: json!({"$name": "Flow Supplies", "category": "Hardware", "contractValue": 500}),
            create_rels: json!({"account": "acc_1"}),
            filter: ("$name", Op::StartsWith, "Flow"),
            update: ("category", json!("Services")),
            clear: "contractValue",
            relate: None,
            history: true,
        },
    ]
}

fn records(client: &Client, object: &str) -> Records<Record> {
    match object {
        "account" => client.records_of(ObjectType::Account),
        "contact" => client.records_of(ObjectType::Contact),
        "opportunity" => client.records_of(ObjectType::Opportunity),
        "task" => client.records_of(ObjectType::Task),
        "note" => client.records_of(ObjectType::Note),
        "meeting" => client.records_of(ObjectType::Meeting),
        slug => client.object(slug),
    }
}

fn last(server: &MockServer) -> LoggedRequest {
    server.requests().pop().expect("a request was sent")
}

/// A typed record as the record of any type it converts to.
fn record<T: Into<Record> + Clone>(typed: &T) -> Record {
    typed.clone().into()
}

async fn run<T>(server: &MockServer, records: Records<T>, case: &Case)
where
    T: Editable + Trashable + Into<Record> + Clone,
{
    let object = case.object;
    // The records it links to exist, as the API requires.
    let mut linked: Vec<String> = case.relate.iter().map(|(_, id)| id.to_string()).collect();
    for ids in case.create_rels.as_object().unwrap().values() {
        match ids {
            Value::String(one) => linked.push(one.clone()),
            many => linked.extend(serde_json::from_value::<Vec<String>>(many.clone()).unwrap()),
        }
    }
    server.insert_linkable(&linked.iter().map(String::as_str).collect::<Vec<_>>());
    // create
    let mut create = records.create();
    for (key, value) in case.create_fields.as_object().unwrap() {
        create = create.field(key.clone(), InputValue::from(value.clone()));
    }
    for (key, ids) in case.create_rels.as_object().unwrap() {
        let ids: lightfield::Ids = match ids {
            Value::String(one) => one.as_str().into(),
            many => serde_json::from_value::<Vec<String>>(many.clone())
                .unwrap()
                .into(),
        };
        create = create.relationship(key.clone(), ids);
    }
    let created = create
        .send()
        .await
        .unwrap_or_else(|e| panic!("{object}: create: {e}"));
    let created: Record = created.into();
    let sent = last(server);
    assert_eq!(sent.method, "POST", "{object}");
    let create_path = if object == "vendor" {
        "/v1/objects/vendor/values"
    } else {
        case.path
    };
    assert_eq!(sent.path, create_path, "{object}");
    let mut expected = json!({"fields": case.create_fields});
    if !case.create_rels.as_object().unwrap().is_empty() {
        expected["relationships"] = case.create_rels.clone();
    }
    assert_eq!(sent.json(), expected, "{object}: create body");
    assert!(
        sent.header("idempotency-key")
            .is_some_and(|k| !k.is_empty()),
        "{object}"
    );
    for (key, value) in case.create_fields.as_object().unwrap() {
        assert_eq!(
            created.field(key).map(|v| v.encode()),
            Some(value.clone()),
            "{object}: {key} decoded"
        );
    }
    for (key, ids) in case.create_rels.as_object().unwrap() {
        let want: Vec<String> = match ids {
            Value::String(one) => vec![one.clone()],
            many => serde_json::from_value(many.clone()).unwrap(),
        };
        assert_eq!(created.related(key), want.as_slice(), "{object}: {key}");
    }
    let id = created.id.clone();

    // retrieve
    let fetched = records.retrieve(&id).send().await.expect("retrieve");
    assert_eq!(
        record(&fetched).to_json(),
        created.to_json(),
        "{object}: retrieve"
    );
    assert_eq!(last(server).path, format!("{}/{id}", create_path));

    // list with a filter, and as a stream
    let (key, op, value) = &case.filter;
    let page = records
        .list()
        .filter(*key, op.clone(), value)
        .send()
        .await
        .expect("list");
    assert_eq!(page.total_count, 1, "{object}: filter {key}");
    assert_eq!(record(&page.items[0]).id, id);
    let pairs = last(server).query_pairs();
    assert!(
        pairs.contains(&(format!("{key}[{}]", op.as_api()), value.to_string())),
        "{object}: {pairs:?}"
    );
    let all: Vec<T> = records
        .list()
        .limit(1)
        .stream()
        .try_collect()
        .await
        .expect("stream");
    assert!(all.iter().any(|r| record(r).id == id), "{object}: stream");

    // update: set, clear, relate
    let (update_key, update_value) = &case.update;
    let mut update = records
        .update(&id)
        .field(*update_key, InputValue::from(update_value.clone()))
        .clear(case.clear);
    if let Some((rel, target)) = case.relate {
        update = update.add(rel, target);
    }
    let updated = update
        .send()
        .await
        .unwrap_or_else(|e| panic!("{object}: update: {e}"));
    let updated = record(&updated);
    let mut fields = serde_json::Map::new();
    fields.insert(update_key.to_string(), update_value.clone());
    // Clearing a field that holds a list sends the empty list (some take no `null`).
    let multiple = lightfield_gen::tables::OBJECT_TYPES
        .iter()
        .find(|t| t.object_type == object)
        .and_then(|s| s.field(case.clear))
        .is_some_and(|f| f.multiple);
    let cleared = if multiple { json!([]) } else { Value::Null };
    fields.insert(case.clear.to_string(), cleared);
    let mut expected = json!({"fields": fields});
    if let Some((rel, target)) = case.relate {
        expected["relationships"] = json!({rel: {"add": target}});
    }
    let sent = last(server);
    assert_eq!(
        (sent.method.as_str(), sent.json()),
        ("POST", expected),
        "{object}: update body"
    );
    assert_eq!(
        updated.field(update_key).map(|v| v.encode()),
        Some(update_value.clone())
    );
    assert!(
        updated
            .field(case.clear)
            .is_none_or(|v| v.is_null() || v.as_list().is_some_and(|l| l.is_empty())),
        "{object}: cleared"
    );
    if let Some((rel, target)) = case.relate {
        assert!(
            updated.related(rel).iter().any(|i| i == target),
            "{object}: related"
        );
    }

    // delete → gone from the default list, present in the trashed one
    records.delete(&id).send().await.expect("delete");
    let sent = last(server);
    assert_eq!(
        (sent.method.as_str(), sent.path.clone()),
        ("DELETE", format!("{create_path}/{id}"))
    );
    let active = records
        .list()
        .filter(*key, op.clone(), value)
        .send()
        .await
        .expect("list");
    assert_eq!(
        active.total_count, 0,
        "{object}: trashed records leave default lists"
    );
    if object != "vendor" {
        let trashed = records
            .list()
            .status(RecordStatus::Trashed)
            .send()
            .await
            .expect("trashed");
        assert!(
            trashed.items.iter().any(|r| record(r).id == id),
            "{object}: trashed list"
        );
        assert!(
            last(server)
                .query_pairs()
                .contains(&("status".into(), "trashed".into()))
        );
    }

    // restore: a JSON write with an empty object
    records.restore(&id).send().await.expect("restore");
    let sent = last(server);
    assert_eq!(sent.path, format!("{create_path}/{id}/restore"));
    assert_eq!(sent.json(), json!({}), "{object}: restore body");
    assert!(
        sent.header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
    let back = records
        .list()
        .filter(*key, op.clone(), value)
        .send()
        .await
        .expect("list");
    assert_eq!(back.total_count, 1, "{object}: restored");
}

#[tokio::test]
async fn every_writable_type_goes_through_the_whole_lifecycle() {
    for case in cases() {
        let (server, client) = setup().await;
        run(&server, records(&client, case.object), &case).await;
        if case.history {
            let id = server.record_ids_of(case.object).pop().expect("a record");
            let entries: Vec<_> = records(&client, case.object)
                .history(&id, case.update.0)
                .stream()
                .try_collect()
                .await
                .expect("history");
            assert_eq!(entries.len(), 2, "{}: create and update", case.object);
            assert_eq!(entries[0].value.encode(), case.update.1, "newest first");
            assert!(entries[1].is_create && !entries[0].is_create);
            let path = last(&server).path;
            assert!(
                path.ends_with(&format!("/{id}/fields/{}/history", case.update.0)),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn typed_facades_reach_the_same_records() {
    let (server, client) = setup().await;
    let case = &cases()[0];
    run(&server, (*client.accounts()).clone(), case).await;
    let case = &cases()[3];
    run(&server, (*client.tasks()).clone(), case).await;
    let case = &cases()[5];
    run(&server, (*client.meetings()).clone(), case).await;
}
