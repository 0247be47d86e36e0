//! `#[derive(Record)]` and `#[derive(Select)]` over HTTP against lightfield-mock: typed
//! records of an account, a contact and a custom object round-trip create → retrieve →
//! stream; updates send only what changed; a missing or mistyped field is an error naming
//! it; `check` lists where a struct and the live definitions disagree; `rust_source`
//! writes a struct for a live schema.
#![cfg(feature = "derive")]

use crate::common::*;
use futures_util::TryStreamExt;
use lightfield::{FullName, ObjectType, Record, Select};
use serde_json::json;
use time::macros::datetime;

#[derive(Debug, Clone, PartialEq, Select)]
enum Tier {
    Gold,
    Silver,
    Bronze,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Record)]
#[lightfield(object = "account")]
struct Customer {
    #[lightfield(id)]
    id: String,
    #[lightfield(key = "$name")]
    name: String,
    tier: Option<Tier>,
    seats: Option<i64>,
    #[lightfield(key = "$website")]
    website: Vec<String>,
    renewal_date: Option<time::OffsetDateTime>,
    champion: Option<FullName>,
    #[lightfield(relationship = "$owner")]
    owner: Option<String>,
    #[lightfield(relationship = "$contact")]
    contacts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Record)]
#[lightfield(object = "contact")]
struct Person {
    #[lightfield(id)]
    id: String,
    #[lightfield(key = "$name")]
    name: FullName,
    #[lightfield(key = "$email")]
    emails: Vec<String>,
    job_title: Option<String>,
    #[lightfield(relationship = "$account")]
    accounts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Select)]
enum Category {
    Hardware,
    Software,
    #[lightfield(label = "Services")]
    Consulting,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Record)]
#[lightfield(object = "vendor")]
struct Vendor {
    #[lightfield(id)]
    id: String,
    #[lightfield(key = "$name")]
    name: String,
    category: Option<Category>,
    contract_value: Option<f64>,
    #[lightfield(relationship)]
    account: Option<String>,
}

#[tokio::test]
async fn derived_records_round_trip_for_an_account_a_contact_and_a_custom_object() {
    let (server, client) = setup().await;
    server.insert_linkable(&["mem_1", "con_1", "con_2"]);
    let customer = Customer {
        id: String::new(),
        name: "Acme".into(),
        tier: Some(Tier::Gold),
        seats: Some(12),
        website: vec!["https://acme.example".into()],
        renewal_date: Some(datetime!(2027-01-31 00:00 UTC)),
        champion: Some(FullName::new("Ada", "Lovelace")),
        owner: Some("mem_1".into()),
        contacts: vec!["con_1".into(), "con_2".into()],
    };
    let created = client
        .records::<Customer>()
        .create_from(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        Customer {
            id: created.id.clone(),
            ..customer.clone()
        },
        created
    );
    let sent = server.requests().pop().unwrap().json();
    assert_eq!(sent["fields"]["tier"], json!("Gold"));
    assert_eq!(sent["fields"]["renewalDate"], json!("2027-01-31T00:00:00Z"));
    assert_eq!(
        sent["relationships"],
        json!({"$owner": "mem_1", "$contact": ["con_1", "con_2"]})
    );
    assert_eq!(
        client
            .records::<Customer>()
            .retrieve(&created.id)
            .send()
            .await
            .unwrap(),
        created
    );
    let listed: Vec<Customer> = client
        .records::<Customer>()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&created));

    let person = Person {
        id: String::new(),
        name: FullName::new("Grace", "Hopper"),
        emails: vec!["grace@example.com".into()],
        job_title: None,
        accounts: vec![created.id.clone()],
    };
    let person = client
        .records::<Person>()
        .create_from(&person)
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .records::<Person>()
            .retrieve(&person.id)
            .send()
            .await
            .unwrap(),
        person
    );
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        sent.path,
        format!("/v1/contacts/{}", person.id),
        "the retrieve"
    );
    let create = server.requests().into_iter().rev().nth(1).unwrap().json();
    assert_eq!(
        create["fields"],
        json!({"$name": {"firstName": "Grace", "lastName": "Hopper"}, "$email": ["grace@example.com"]}),
        "a None is left out of a create"
    );

    let vendor = Vendor {
        id: String::new(),
        name: "Parts Co".into(),
        category: Some(Category::Consulting),
        contract_value: Some(1200.5),
        account: Some(created.id.clone()),
    };
    let vendor = client
        .records::<Vendor>()
        .create_from(&vendor)
        .send()
        .await
        .unwrap();
    assert_eq!(
        vendor.category,
        Some(Category::Consulting),
        "label `Services` maps to the variant"
    );
    let page = client
        .records::<Vendor>()
        .list()
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!((page.total_count, page.items.len()), (1, 1));
    let all: Vec<Vendor> = client
        .records::<Vendor>()
        .list()
        .max_items(10)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, [vendor]);
}

#[tokio::test]
async fn updates_send_only_what_changed_and_unknown_options_are_kept() {
    let (server, client) = setup().await;
    let records = client.records::<Customer>();
    let before = records
        .create_from(&Customer {
            id: String::new(),
            name: "Acme".into(),
            tier: Some(Tier::Silver),
            seats: Some(3),
            website: vec![],
            renewal_date: None,
            champion: None,
            owner: None,
            contacts: vec![],
        })
        .send()
        .await
        .unwrap();
    let after = Customer {
        seats: Some(4),
        tier: Some(Tier::Gold),
        ..before.clone()
    };
    let updated = records
        .update_changed(&before.id, &before, &after)
        .expect("seats and tier changed")
        .idempotency_key("grow-acme")
        .send()
        .await
        .unwrap();
    assert_eq!(updated, after);
    let sent = server.requests().pop().unwrap();
    assert_eq!(sent.header("idempotency-key"), Some("grow-acme"));
    assert!(
        records.update_changed(&before.id, &after, &after).is_none(),
        "nothing changed, nothing to send"
    );
    assert_eq!(
        server.requests().pop().unwrap().json(),
        json!({"fields": {"seats": 4, "tier": "Gold"}})
    );
    let other = client
        .records::<Vendor>()
        .create_from(&Vendor {
            id: String::new(),
            name: "V".into(),
            category: None,
            contract_value: None,
            account: None,
        })
        .send()
        .await
        .unwrap();
    client
        .object("vendor")
        .update(&other.id)
        .field("category", "Hardware")
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .records::<Vendor>()
            .retrieve(&other.id)
            .send()
            .await
            .unwrap()
            .category,
        Some(Category::Hardware)
    );
    use lightfield::schema::SelectValue;
    assert_eq!(
        Tier::from_label("Platinum"),
        Ok(Tier::Other("Platinum".into()))
    );
}

#[derive(Debug, Record)]
#[lightfield(object = "account")]
struct Strict {
    #[lightfield(key = "$name")]
    name: String,
    seats: i64,
}

#[tokio::test]
async fn a_missing_or_mistyped_field_is_an_error_that_names_it() {
    let (_server, client) = setup().await;
    let account = client.accounts().create("No seats").send().await.unwrap();
    let err = client
        .records::<Strict>()
        .retrieve(&account.id)
        .send()
        .await
        .expect_err("seats missing");
    // The error names the record and shows what it held.
    let shown = err.to_string();
    assert!(shown.contains("field `seats` (`seats`)"), "{shown}");
    assert!(
        shown.contains(&format!("record `{}`", account.id)),
        "{shown}"
    );
    match &err {
        lightfield::Error::Decode { body, .. } => assert!(body.contains("No seats"), "{body}"),
        other => panic!("a decode error, not {other:?}"),
    }
    // A list field that the record does not have is empty, not an error.
    let bare = client
        .records::<Customer>()
        .retrieve(&account.id)
        .send()
        .await
        .unwrap();
    assert!(
        bare.website.is_empty() && bare.contacts.is_empty(),
        "{bare:?}"
    );
    let account = client
        .accounts()
        .create("Text seats")
        .field("seats", 3)
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .records::<Strict>()
            .retrieve(&account.id)
            .send()
            .await
            .unwrap()
            .seats,
        3
    );
}

#[derive(Debug, Record)]
#[lightfield(object = "account")]
struct Drifted {
    #[lightfield(key = "$name")]
    name: String,
    /// Renamed in the organisation (it is `tier` there).
    level: Option<String>,
    /// The wrong Rust type for a NUMBER.
    seats: Option<bool>,
    /// An option the organisation does not have.
    #[lightfield(key = "tier")]
    tier: Option<Drift>,
    #[lightfield(relationship = "$owner")]
    owners: Vec<String>,
}

#[derive(Debug, Select)]
enum Drift {
    Gold,
    Platinum,
    Other(String),
}

#[tokio::test]
async fn check_lists_every_mismatch_with_the_live_schema() {
    let (_server, client) = setup().await;
    let mismatches = Drifted::check(&client).await.unwrap();
    let fields: Vec<&str> = mismatches.iter().map(|m| m.field).collect();
    assert_eq!(
        fields,
        ["level", "seats", "tier", "owners"],
        "{mismatches:#?}"
    );
    assert!(mismatches[0].problem.contains("no field `level`"));
    assert!(mismatches[1].problem.contains("NUMBER"));
    assert!(mismatches[2].problem.contains("Platinum"));
    assert!(
        Customer::check(&client).await.unwrap().is_empty(),
        "a matching struct has none"
    );
}

#[tokio::test]
async fn rust_source_writes_a_struct_for_a_live_schema() {
    let (_server, client) = setup().await;
    let definitions = client
        .schema(ObjectType::Custom("vendor".into()))
        .await
        .unwrap();
    let source = lightfield::schema::rust_source(&definitions, "Vendor");
    for line in [
        "#[derive(Debug, Clone, PartialEq, lightfield::Record)]",
        "#[lightfield(object = \"vendor\")]",
        "pub struct Vendor {",
        "#[lightfield(key = \"contractValue\")]",
        "pub contract_value: Option<f64>,",
        "/// Options: Hardware, Software, Services",
        "#[lightfield(relationship = \"account\")]",
        "pub account: Option<String>,",
    ] {
        assert!(source.contains(line), "missing {line:?} in\n{source}");
    }
}
