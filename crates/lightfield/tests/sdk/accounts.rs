//! Every account operation end to end over HTTP against lightfield-mock, asserting the
//! decoded values and the exact JSON and headers on the wire.

use crate::common::*;
use futures_util::TryStreamExt;
use lightfield::{
    Address, Cardinality, Client, Error, ErrorKind, FieldValue, FullName, Op, ValueType,
};
use serde_json::json;

#[tokio::test]
async fn create_sends_exactly_what_was_set_and_decodes_every_type() {
    let (server, client) = setup().await;
    server.insert_linkable(&["mem_1", "con_1", "con_2"]);
    let account = client
        .accounts()
        .create("Acme")
        .website(["https://acme.example", "https://acme.test"])
        .industry(["Software", "opt_ind_retail"])
        .headcount("opt_hc_3")
        .last_funding_type("Series A")
        .primary_address(Address {
            street: Some("1 Main St".into()),
            city: Some("Lyon".into()),
            country: Some("FR".into()),
            latitude: Some(45.76),
            ..Address::default()
        })
        .linked_in("acme-li")
        .twitter("acme_tw")
        .facebook("acme-fb")
        .instagram("acme.ig")
        .field("tier", "Gold")
        .field("arr", 1250.5)
        .field("seats", 42)
        .field("isStrategic", true)
        .field("renewalDate", "2027-01-31T00:00:00Z")
        .field("billingEmail", "ap@acme.example")
        .field("phone", "+33 1 23 45 67 89")
        .field("champion", FullName::new("Ada", "Lovelace"))
        .field("notes", "**key** account")
        .owner("mem_1")
        .contacts(["con_1", "con_2"])
        .idempotency_key("create-acme-1")
        .send()
        .await
        .expect("create succeeds");

    let log = server.requests();
    assert_eq!(log.len(), 1);
    let sent = &log[0];
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/v1/accounts")
    );
    assert_eq!(
        sent.json(),
        json!({
            "fields": {
                "$name": "Acme",
                "$website": ["https://acme.example", "https://acme.test"],
                "$industry": ["Software", "opt_ind_retail"],
                "$headcount": "opt_hc_3",
                "$lastFundingType": "Series A",
                "$primaryAddress": {"street": "1 Main St", "city": "Lyon", "country": "FR", "latitude": 45.76},
                "$linkedIn": "acme-li",
                "$twitter": "acme_tw",
                "$facebook": "acme-fb",
                "$instagram": "acme.ig",
                "tier": "Gold",
                "arr": 1250.5,
                "seats": 42,
                "isStrategic": true,
                "renewalDate": "2027-01-31T00:00:00Z",
                "billingEmail": "ap@acme.example",
                "phone": "+33 1 23 45 67 89",
                "champion": {"firstName": "Ada", "lastName": "Lovelace"},
                "notes": "**key** account"
            },
            "relationships": {"$owner": "mem_1", "$contact": ["con_1", "con_2"]}
        })
    );
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(sent.header("lightfield-version"), Some("2026-03-01"));
    assert_eq!(sent.header("idempotency-key"), Some("create-acme-1"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert!(
        sent.header("user-agent")
            .is_some_and(|ua| ua.starts_with("lightfield-rs/"))
    );
    assert_eq!(sent.header("api-version"), None, "no stray version header");

    assert_eq!(account.name(), Some("Acme"));
    assert_eq!(
        account.website(),
        vec!["https://acme.example", "https://acme.test"]
    );
    assert_eq!(account.industry(), vec!["Software", "Retail"]);
    assert_eq!(account.headcount(), Some("51-200"));
    assert_eq!(account.last_funding_type(), Some("Series A"));
    assert_eq!(
        account.primary_address().and_then(|a| a.city.as_deref()),
        Some("Lyon")
    );
    assert_eq!(
        account.primary_address().and_then(|a| a.latitude),
        Some(45.76)
    );
    assert_eq!(
        (
            account.linked_in(),
            account.twitter(),
            account.facebook(),
            account.instagram()
        ),
        (
            Some("acme-li"),
            Some("acme_tw"),
            Some("acme-fb"),
            Some("acme.ig")
        )
    );
    assert_eq!(account.how_they_make_money(), None);
    assert_eq!(
        account.field("tier"),
        Some(&FieldValue::SingleSelect("Gold".into()))
    );
    assert_eq!(
        account.field("arr").and_then(FieldValue::as_f64),
        Some(1250.5)
    );
    assert!(matches!(
        account.field("arr"),
        Some(FieldValue::Currency(_))
    ));
    assert_eq!(
        account.field("seats").and_then(FieldValue::as_i64),
        Some(42)
    );
    assert_eq!(
        account.field("isStrategic").and_then(FieldValue::as_bool),
        Some(true)
    );
    assert_eq!(
        account
            .field("renewalDate")
            .and_then(FieldValue::as_datetime)
            .map(|d| d.year()),
        Some(2027)
    );
    assert_eq!(
        account.field("billingEmail").and_then(FieldValue::as_str),
        Some("ap@acme.example")
    );
    assert!(matches!(
        account.field("phone"),
        Some(FieldValue::Telephone(_))
    ));
    assert_eq!(
        account
            .field("champion")
            .and_then(FieldValue::as_full_name)
            .and_then(|n| n.last_name.as_deref()),
        Some("Lovelace")
    );
    assert!(matches!(
        account.field("notes"),
        Some(FieldValue::Markdown(_))
    ));
    assert_eq!(
        account.fields["$primaryAddress"].value_type,
        ValueType::Address
    );
    assert_eq!(account.owner(), Some("mem_1"));
    assert_eq!(account.contacts(), ["con_1", "con_2"]);
    assert_eq!(
        account.relationships["$owner"].cardinality,
        Cardinality::HasOne
    );
    assert!(account.created_at_parsed().is_some());
    assert_eq!(account.malformed_fields().count(), 0);
    // What we decoded is what the server stored.
    assert_eq!(account.to_json()["fields"], server.records()[0]["fields"]);
}

#[tokio::test]
async fn read_only_and_invalid_input_are_refused_before_any_request() {
    let (server, client) = setup().await;
    let accounts = client.accounts();
    let refusals = [
        accounts
            .create("A")
            .field("$accountStatus", "Active")
            .send()
            .await,
        accounts
            .create("A")
            .field("$howTheyMakeMoney", "ads")
            .send()
            .await,
        accounts
            .create("A")
            .relationship("$opportunity", "opp_1")
            .send()
            .await,
        accounts
            .create("A")
            .relationship("$task", ["t1"])
            .send()
            .await,
        accounts
            .create("A")
            .relationship("$note", "n1")
            .send()
            .await,
        accounts
            .create("A")
            .relationship("$meeting", "m1")
            .send()
            .await,
        accounts.create("  ").send().await,
        accounts
            .create("A")
            .idempotency_key("k".repeat(256))
            .send()
            .await,
        accounts.create("A").owner("").send().await,
        accounts
            .update("acc_1")
            .clear("$accountStatus")
            .send()
            .await,
        accounts.update("acc_1").add("$note", "n1").send().await,
        accounts.update("acc_1").send().await,
    ];
    for (i, result) in refusals.into_iter().enumerate() {
        match result {
            Err(Error::InvalidInput {
                reason: message, ..
            }) => assert!(!message.is_empty(), "case {i}"),
            other => panic!("case {i}: expected InvalidInput, got {other:?}"),
        }
    }
    let err = accounts
        .create("A")
        .field("$accountStatus", "x")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    let err = accounts.list().limit(26).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn update_sends_only_what_was_set_keeping_null_apart_from_omitted() {
    let (server, client) = setup().await;
    server.insert_linkable(&["mem_1", "mem_2", "mem_3", "con_1", "con_2", "con_3"]);
    let created = client
        .accounts()
        .create("Acme")
        .twitter("acme")
        .instagram("acme.ig")
        .field("seats", 5)
        .contacts(["con_1", "con_2"])
        .owner("mem_1")
        .send()
        .await
        .unwrap();
    server.clear_requests();
    let updated = client
        .accounts()
        .update(&created.id)
        .field("seats", 6)
        .clear("$twitter")
        .add("$contact", "con_3")
        .remove("$contact", ["con_1"])
        .owner("mem_2")
        .send()
        .await
        .unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.path, format!("/v1/accounts/{}", created.id));
    assert_eq!(
        sent.json(),
        json!({
            "fields": {"seats": 6, "$twitter": null},
            "relationships": {
                "$contact": {"add": "con_3", "remove": ["con_1"]},
                "$owner": {"replace": "mem_2"}
            }
        })
    );
    assert!(
        sent.header("idempotency-key")
            .is_some_and(|k| k.len() == 36),
        "a UUID key is generated"
    );
    assert_eq!(updated.field("seats").and_then(FieldValue::as_i64), Some(6));
    assert_eq!(updated.field("$twitter"), Some(&FieldValue::Null));
    assert_eq!(
        updated.instagram(),
        Some("acme.ig"),
        "omitted fields keep their value"
    );
    assert_eq!(updated.contacts(), ["con_2", "con_3"]);
    assert_eq!(updated.owner(), Some("mem_2"));

    let cleared = client
        .accounts()
        .update(&created.id)
        .clear_relationship("$contact")
        .replace("$owner", "mem_3")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[1].json()["relationships"],
        json!({"$contact": {"replace": null}, "$owner": {"replace": "mem_3"}})
    );
    assert!(cleared.contacts().is_empty());
}

#[tokio::test]
async fn retrieve_definitions_and_api_errors() {
    let (server, client) = setup().await;
    let created = client.accounts().create("Findable").send().await.unwrap();
    let fetched = client
        .accounts()
        .retrieve(&created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched, created);
    assert_eq!(
        server.requests()[1].path,
        format!("/v1/accounts/{}", created.id)
    );

    let missing = client
        .accounts()
        .retrieve("acc_missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.kind(), Some(&ErrorKind::NotFound));
    assert_eq!(missing.attempts(), Some(1), "404 is not retried");
    assert!(missing.to_string().contains("check the id"), "{missing}");
    assert!(missing.is_not_found() && !missing.is_retryable());
    let request_id = missing.as_api().and_then(|e| e.request_id.clone());
    assert!(
        request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("req_")),
        "{missing}"
    );
    assert!(
        missing
            .to_string()
            .contains(&request_id.unwrap_or_default())
    );

    let bad = client
        .accounts()
        .create("X")
        .field("seats", "many")
        .send()
        .await
        .unwrap_err();
    let api = bad.as_api().expect("API error");
    assert_eq!((api.status, &api.kind), (400, &ErrorKind::BadRequest));
    assert_eq!(api.param.as_deref(), Some("fields.seats"));
    assert_eq!(api.code.as_deref(), Some("invalid_value"));
    assert!(bad.to_string().contains("fields.seats"));

    let defs = client.accounts().definitions().send().await.unwrap();
    assert_eq!(defs.object_type.as_deref(), Some("account"));
    let headcount = defs.field("$headcount").unwrap();
    assert_eq!(headcount.value_type, ValueType::SingleSelect);
    assert_eq!(
        headcount.option("11-50").map(|o| o.id.as_str()),
        Some("opt_hc_2")
    );
    assert_eq!(
        defs.field("arr").and_then(|d| d.currency.as_deref()),
        Some("USD")
    );
    assert!(defs.field("$accountStatus").unwrap().read_only);
    assert!(
        defs.writable_fields()
            .all(|(k, _)| k != "$howTheyMakeMoney")
    );
    assert_eq!(
        defs.relationships["$contact"].cardinality,
        Cardinality::HasMany
    );
    assert!(defs.relationships["$meeting"].read_only);

    let unauthorized = Client::builder()
        .api_key(" ")
        .base_url(server.url())
        .build()
        .expect_err("a blank key is refused");
    assert!(matches!(unauthorized, Error::Config(_)));
}

#[tokio::test]
async fn list_pages_filters_and_streams() {
    let (server, client) = setup().await;
    for i in 0..12 {
        client
            .accounts()
            .create(format!(
                "{} {i:02}",
                if i % 3 == 0 { "Globex" } else { "Acme" }
            ))
            .field("seats", i * 10)
            .send()
            .await
            .unwrap();
    }
    server.clear_requests();
    let page = client
        .accounts()
        .list()
        .filter("$name", Op::StartsWith, "Acme")
        .filter_not("seats", Op::GreaterThan, 80)
        .limit(3)
        .offset(1)
        .send_with_response()
        .await
        .unwrap();
    let sent = &server.requests()[0];
    assert_eq!(
        sent.query_pairs(),
        vec![
            ("limit".to_string(), "3".to_string()),
            ("offset".to_string(), "1".to_string()),
            ("$name[startsWith]".to_string(), "Acme".to_string()),
            ("seats[-greaterThan]".to_string(), "80".to_string()),
        ]
    );
    assert!(
        page.rate_limit().is_none(),
        "the mock runs without limits here"
    );
    let page = page.into_inner();
    // Acme with seats <= 80: 1,2,4,5,7,8 -> 6 in all; offset 1, limit 3.
    assert_eq!(page.total_count, 6);
    let names: Vec<_> = page.items.iter().filter_map(|a| a.name()).collect();
    assert_eq!(names, vec!["Acme 02", "Acme 04", "Acme 05"]);
    assert!(page.has_more());
    assert_eq!(page.next_offset(), Some(4));

    let default_op = client
        .accounts()
        .list()
        .filter_default("$name", "Globex 03")
        .send()
        .await
        .unwrap();
    assert_eq!(default_op.total_count, 1);

    server.clear_requests();
    let all: Vec<_> = client
        .accounts()
        .list()
        .limit(5)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 12);
    let expected: Vec<String> = server.record_ids();
    assert_eq!(
        all.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        expected,
        "in order, complete"
    );
    assert_eq!(server.requests().len(), 3, "three pages of 5");

    server.clear_requests();
    let capped: Vec<_> = client
        .accounts()
        .list()
        .limit(5)
        .max_items(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(capped.len(), 7);
    assert_eq!(server.requests().len(), 2, "no page fetched past the cap");

    let bad_filter = client
        .accounts()
        .list()
        .filter("$industry", Op::Equal, "x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(bad_filter.status(), Some(400));
}
