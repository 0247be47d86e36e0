//! Field history, custom objects, the read-only types, the keys newer servers send, and
//! typed records as plain structs, over HTTP against lightfield-mock.

use crate::common::*;
use futures_util::TryStreamExt;
use lightfield::{Cardinality, ErrorKind, FieldValue, RecordStatus, ValueType};
use serde_json::json;

#[tokio::test]
async fn field_history_pages_by_cursor() {
    let (server, client) = setup().await;
    server.insert_linkable(&["acc_1"]);
    let deal = client
        .opportunities()
        .create("Deal", "acc_1")
        .stage("Discovery")
        .send()
        .await
        .unwrap();
    for stage in [
        "Proposal",
        "Negotiation",
        "Closed Won",
        "Proposal",
        "Closed Lost",
    ] {
        client
            .opportunities()
            .update(&deal.id)
            .stage(stage)
            .send()
            .await
            .unwrap();
    }
    let first = client
        .opportunities()
        .history(&deal.id, "$stage")
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(first.entries.len(), 2);
    assert!(first.has_more);
    assert_eq!(first.entries[0].value.as_str(), Some("Closed Lost"));
    let cursor = first.next_cursor.clone().expect("a cursor");
    let second = client
        .opportunities()
        .history(&deal.id, "$stage")
        .limit(2)
        .after(&cursor)
        .send()
        .await
        .unwrap();
    assert_eq!(second.entries[0].value.as_str(), Some("Closed Won"));
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        sent.path,
        format!("/v1/opportunities/{}/fields/$stage/history", deal.id)
    );
    assert!(sent.query_pairs().contains(&("after".into(), cursor)));
    let stream: Vec<_> = client
        .opportunities()
        .history(&deal.id, "$stage")
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let values: Vec<_> = stream
        .iter()
        .map(|e| e.value.as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        values,
        [
            "Closed Lost",
            "Proposal",
            "Closed Won",
            "Negotiation",
            "Proposal",
            "Discovery"
        ]
    );
    assert!(stream.last().unwrap().is_create);
    refused(
        client
            .opportunities()
            .history(&deal.id, "$stage")
            .limit(101)
            .send()
            .await,
        "1 to 100",
    );
}

#[tokio::test]
async fn custom_objects_are_discovered_and_used_by_slug() {
    let (server, client) = setup().await;
    let types = client.objects().send().await.unwrap();
    assert!(
        types
            .iter()
            .any(|t| t.slug == "vendor" && t.label == "Vendor"),
        "{types:?}"
    );
    let vendors = client.object("vendor");
    let definitions = vendors.definitions().send().await.unwrap();
    assert_eq!(definitions.object_type.as_deref(), Some("vendor"));
    assert!(
        definitions
            .field("category")
            .is_some_and(|f| f.option("Hardware").is_some())
    );
    let v = vendors
        .create()
        .field("$name", "Parts Co")
        .field("category", "opt_cat_hw")
        .send()
        .await
        .unwrap();
    assert_eq!(v.text("category"), Some("Hardware"));
    refused(
        vendors.list().status(RecordStatus::Trashed).send().await,
        "no status filter",
    );
    let missing = client
        .object("nope")
        .list()
        .send()
        .await
        .expect_err("unknown slug");
    assert_eq!(missing.kind(), Some(&ErrorKind::NotFound));
    assert_eq!(server.record_count_of("vendor"), 1);
}

#[tokio::test]
async fn read_only_types_decode_with_typed_getters() {
    let (_server, client) = setup().await;
    let members = client.members().list().send().await.unwrap();
    assert_eq!(members.total_count, 3);
    let ada = client
        .members()
        .retrieve(&members.items[0].id)
        .send()
        .await
        .unwrap();
    // A member's `$name` is a FULL_NAME (it was read as text, and so always `None`).
    assert_eq!(
        (ada.name(), ada.email(), ada.role()),
        (
            Some(&lightfield::FullName::new("Ada", "Lovelace")),
            Some("ada@example.com"),
            Some("Admin")
        )
    );
    // Members do not say their type (the API's member answers have no `objectType`).
    assert_eq!(ada.object_type.as_deref(), None);
    let emails = client.emails().list().send().await.unwrap();
    let email = &emails.items[0];
    assert_eq!(email.subject(), Some("Welcome aboard"));
    assert_eq!(email.to(), ["ada@example.com"]);
    assert!(email.sent_at().is_some());
    assert_eq!(email.access_level.as_deref(), Some("FULL"));
    client.emails().delete(&email.id).send().await.unwrap();
    assert_eq!(client.emails().list().send().await.unwrap().total_count, 1);
    client.emails().restore(&email.id).send().await.unwrap();
    assert_eq!(
        client.channels().list().send().await.unwrap().total_count,
        1
    );
    assert_eq!(
        client.messages().list().send().await.unwrap().total_count,
        1
    );
}

#[tokio::test]
async fn keys_of_newer_servers_are_decoded_where_documented_and_kept_otherwise() {
    let (server, client) = setup_direct().await;
    let record = json!({
        "id": "con_new",
        "createdAt": "2026-03-01T10:00:00Z",
        "objectType": "contact",
        "accessLevel": "METADATA",
        "lifecycle": {"stage": "lead"},
        "fields": {
            "$name": {"value": {"firstName": "Ada", "lastName": null}, "valueType": "FULL_NAME", "source": "enrichment"}
        },
        "relationships": {
            "$account": {
                "cardinality": "HAS_MANY",
                "objectType": "account",
                "values": ["acc_1"],
                "directions": {
                    "asSource": {"cardinality": "HAS_MANY", "values": ["acc_1"]},
                    "asDestination": {"cardinality": "HAS_ONE", "values": ["acc_9"]}
                }
            }
        }
    });
    let id = server.insert_record_json_of("contact", record.clone());
    let contact = client.contacts().retrieve(&id).send().await.unwrap();
    assert_eq!(contact.access_level.as_deref(), Some("METADATA"));
    assert_eq!(contact.object_type.as_deref(), Some("contact"));
    let directions = contact.relationships["$account"]
        .directions
        .clone()
        .expect("decoded");
    // A record's directions carry the ids linked from each end (they were dropped).
    assert_eq!(directions.source_ids(), ["acc_1"]);
    assert_eq!(directions.destination_ids(), ["acc_9"]);
    assert_eq!(
        directions.as_destination.and_then(|d| d.cardinality),
        Some(lightfield::Cardinality::HasOne)
    );
    assert_eq!(contact.extra["lifecycle"], json!({"stage": "lead"}));
    assert_eq!(contact.fields["$name"].extra["source"], json!("enrichment"));
    assert_eq!(
        contact.to_json(),
        record,
        "nothing is lost on the way back out"
    );
}

#[tokio::test]
async fn unknown_and_malformed_values_from_a_newer_server_do_not_break_records() {
    let (server, client) = setup_direct().await;
    let id = server.insert_record_json(json!({
        "id": "acc_new",
        "createdAt": "2026-03-01T00:00:00Z",
        "somethingNew": {"nested": true},
        "fields": {
            "$name": {"value": "New", "valueType": "TEXT"},
            "$about": {"value": "<b>hi</b>", "valueType": "HTML", "confidence": 0.5},
            "seats": {"value": "lots", "valueType": "NUMBER"},
            "$primaryAddress": {"value": {"city": "Oslo", "planet": "Earth"}, "valueType": "ADDRESS"}
        },
        "relationships": {
            "$partner": {"cardinality": "HAS_SOME", "objectType": "partner", "values": ["p1"], "since": "2026"}
        }
    }));
    let decoded = client
        .accounts()
        .retrieve(&id)
        .send()
        .await
        .expect("a newer record still decodes");
    assert_eq!(decoded.name(), Some("New"));
    assert_eq!(
        decoded.field("$about"),
        Some(&FieldValue::Unknown {
            value_type: "HTML".into(),
            raw: json!("<b>hi</b>")
        })
    );
    assert_eq!(
        decoded.fields["$about"].value_type,
        ValueType::Other("HTML".into())
    );
    assert_eq!(
        decoded.malformed_fields().collect::<Vec<_>>(),
        vec![("seats", &json!("lots"))]
    );
    let address = decoded.primary_address().expect("address");
    assert_eq!(
        (address.city.as_deref(), &address.extra["planet"]),
        (Some("Oslo"), &json!("Earth"))
    );
    assert_eq!(
        decoded.relationships["$partner"].cardinality,
        Cardinality::Other("HAS_SOME".into())
    );
    assert_eq!(decoded.related("$partner"), ["p1"]);
    assert_eq!(
        decoded.extra["somethingNew"],
        json!({"nested": true}),
        "unknown keys are kept"
    );
    assert_eq!(decoded.to_json()["somethingNew"], json!({"nested": true}));
    assert_eq!(
        decoded.fields["$about"].extra["confidence"],
        json!(0.5),
        "unknown keys in a field entry are kept"
    );
    assert_eq!(
        decoded.to_json()["fields"]["$about"]["confidence"],
        json!(0.5)
    );
    assert_eq!(
        decoded.relationships["$partner"].extra["since"],
        json!("2026")
    );
    assert_eq!(
        decoded.to_json()["relationships"]["$partner"]["since"],
        json!("2026")
    );
    assert!(decoded.fields["$name"].extra.is_empty());
    // Unknown values encode back to exactly what came in.
    assert_eq!(
        decoded.to_json()["fields"]["$about"]["value"],
        json!("<b>hi</b>")
    );
    assert_eq!(
        decoded.to_json()["fields"]["$primaryAddress"]["value"],
        json!({"city": "Oslo", "planet": "Earth"})
    );
    let listed = client
        .accounts()
        .list()
        .send()
        .await
        .expect("lists decode too");
    assert_eq!(listed.items, vec![decoded]);
}

/// A typed record is a plain struct that owns its fields: its id moves out, and it converts
/// to the record of any type and back with nothing lost.
#[tokio::test]
async fn a_typed_record_owns_its_id_and_converts_to_a_record_of_any_type() {
    let (_server, client) = setup().await;
    let id: String = client
        .accounts()
        .create("Owned")
        .send()
        .await
        .map(|a| a.id)
        .unwrap();
    let account = client.accounts().retrieve(&id).send().await.unwrap();
    assert_eq!(account.text("$name"), Some("Owned"));
    let json = account.to_json();
    let record = lightfield::Record::from(account.clone());
    assert_eq!(record.to_json(), json, "the same record, as any type");
    assert_eq!(lightfield::Account::from(record), account, "and back");
    let lightfield::Account {
        id: owned, fields, ..
    } = account;
    assert_eq!((owned, fields.contains_key("$name")), (id, true));
}
