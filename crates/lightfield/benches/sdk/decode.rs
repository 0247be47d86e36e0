//! Rows 1 and 1b: what decoding costs against `serde_json::Value` of the same bytes.

use std::hint::black_box;

use lightfield::Client;
use lightfield_mock::{MockConfig, MockServer};
use serde_json::{Value, json};

use crate::{Row, compare};

/// A 25-record list page, 30 fields per record spanning every value type.
fn list_page() -> Vec<u8> {
    let record = |i: usize| {
        let mut fields = serde_json::Map::new();
        let typed = [
            ("TEXT", json!(format!("Company {i}"))),
            ("MARKDOWN", json!("**Enterprise** customer since 2021")),
            ("EMAIL", json!("billing@company.example")),
            ("TELEPHONE", json!("+33 1 23 45 67 89")),
            (
                "URL",
                json!(["https://company.example", "https://company.test"]),
            ),
            ("SOCIAL_HANDLE", json!("company")),
            ("NUMBER", json!(i * 7)),
            ("CURRENCY", json!(125000.5)),
            ("DATETIME", json!("2026-03-01T10:00:00Z")),
            ("CHECKBOX", json!(true)),
            ("SINGLE_SELECT", json!("Gold")),
            ("MULTI_SELECT", json!(["Software", "Retail"])),
            (
                "ADDRESS",
                json!({"street": "1 Main St", "city": "Lyon", "postalCode": "69001", "country": "FR", "latitude": 45.76, "longitude": 4.83}),
            ),
            (
                "FULL_NAME",
                json!({"firstName": "Ada", "lastName": "Lovelace"}),
            ),
            ("HTML", json!("<p>unknown type</p>")),
        ];
        for k in 0..30 {
            let (value_type, value) = &typed[k % typed.len()];
            let value = if k == 29 { Value::Null } else { value.clone() };
            fields.insert(
                format!("field{k:02}"),
                json!({"value": value, "valueType": value_type}),
            );
        }
        json!({
            "id": format!("acc_{i:08}"),
            "createdAt": "2026-03-01T10:00:00Z",
            "updatedAt": "2026-03-02T10:00:00Z",
            "httpLink": format!("https://app.lightfield.app/accounts/acc_{i:08}"),
            "lifecycleStage": "customer",
            "fields": fields,
            // As the API sends them: each direction with the ids linked from its end, and
            // a relationship from the type to itself, whose two ends differ.
            "relationships": {
                "$owner": {"cardinality": "HAS_ONE", "objectType": "member", "values": ["mem_1"],
                    "directions": {"asSource": {"cardinality": "HAS_ONE", "values": ["mem_1"]},
                                   "asDestination": {"cardinality": "HAS_MANY", "values": []}}},
                "$contact": {"cardinality": "HAS_MANY", "objectType": "contact", "values": ["con_1", "con_2", "con_3"],
                    "directions": {"asSource": {"cardinality": "HAS_MANY", "values": ["con_1", "con_2", "con_3"]},
                                   "asDestination": {"cardinality": "HAS_MANY", "values": []}}},
                "parentAccount": {"cardinality": "HAS_ONE", "objectType": "account", "values": ["acc_parent"],
                    "directions": {"asSource": {"cardinality": "HAS_ONE", "values": ["acc_parent"]},
                                   "asDestination": {"cardinality": "HAS_MANY", "values": ["acc_sub_1", "acc_sub_2"]}}}
            }
        })
    };
    let page = json!({"object": "list", "data": (0..25).map(record).collect::<Vec<_>>(), "totalCount": 25});
    serde_json::to_vec(&page).unwrap_or_default()
}

pub fn bench_decode() -> Row {
    let bytes = list_page();
    // Exactly the client's path: generated types, then field values by type and the
    // second pass that keeps unknown keys.
    let sdk = || {
        let records = lightfield::Account::page_from_json(black_box(&bytes)).unwrap_or_default();
        black_box(records);
    };
    let base = || {
        let value: Value = serde_json::from_slice(black_box(&bytes)).unwrap_or(Value::Null);
        black_box(value);
    };
    let (s, b) = compare(15, 40, sdk, base);
    let ratio = s.as_secs_f64() / b.as_secs_f64();
    Row {
        name: "1. decode 25-record page (30 fields each)",
        sdk: format!("{s:.2?}/page"),
        baseline: format!("{b:.2?}/page (serde_json::Value)"),
        ratio,
        target: "<= 1.5x time",
        pass: ratio <= 1.5,
        notes: format!("{} KiB page", bytes.len() / 1024),
    }
}

/// Decodes a list page the way the SDK does for one record type; answers the record count.
type Decoder = fn(&[u8]) -> usize;

/// A 25-record page of each record type, as lightfield-mock renders them after creates
/// through the SDK, and the decoder the SDK uses for that type.
async fn pages_per_type() -> Vec<(&'static str, Vec<u8>, Decoder)> {
    use lightfield::{Account, Contact, Meeting, Note, Opportunity, Record, Task, TaskStatus};
    use time::macros::datetime;
    let server = MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .unwrap_or_else(|_| std::process::abort());
    let client = Client::builder()
        .api_key("sk_lf_bench")
        .base_url(server.url())
        .rate_limit(None)
        .build()
        .unwrap_or_else(|_| std::process::abort());
    // Links go to records that exist, as the API requires: the member is stored directly.
    server.insert_linkable(&["mem_1"]);
    for i in 0..25 {
        let made = async {
            let account = client
                .accounts()
                .create(format!("Company {i}"))
                .website(["https://a.example"])
                .industry(["Software"])
                .field("tier", "Gold")
                .field("seats", i)
                .owner("mem_1")
                .send()
                .await?;
            let account = account.id.as_str();
            client
                .contacts()
                .create()
                .name(lightfield::FullName::new("Ada", format!("L{i}")))
                .emails(["ada@example.com"])
                .field("jobTitle", "CTO")
                .accounts(account)
                .send()
                .await?;
            client
                .opportunities()
                .create(format!("Deal {i}"), account)
                .stage("Discovery")
                .field("amount", 1000 + i)
                .send()
                .await?;
            client
                .tasks()
                .create(format!("Task {i}"), TaskStatus::Todo, "mem_1")
                .description("call back")
                .due_at(datetime!(2027-01-01 09:00 UTC))
                .send()
                .await?;
            client
                .notes()
                .create(format!("Note {i}"))
                .content("**notes** of the call")
                .accounts(account)
                .send()
                .await?;
            client
                .meetings()
                .create(
                    format!("Meeting {i}"),
                    datetime!(2026-01-01 09:00 UTC),
                    datetime!(2026-01-01 10:00 UTC),
                )
                .attendee_emails(["ada@example.com"])
                .send()
                .await?;
            client
                .object("vendor")
                .create()
                .field("$name", format!("Vendor {i}"))
                .field("category", "Hardware")
                .field("contractValue", 500)
                .send()
                .await?;
            lightfield::Result::Ok(())
        };
        made.await
            .unwrap_or_else(|_: lightfield::Error| std::process::abort());
    }
    let mut out: Vec<(&'static str, Vec<u8>, Decoder)> = Vec::new();
    let decoders: [(&'static str, &str, Decoder); 7] = [
        ("account", "/v1/accounts", |b| {
            Account::page_from_json(b).map_or(0, |v| v.len())
        }),
        ("contact", "/v1/contacts", |b| {
            Contact::page_from_json(b).map_or(0, |v| v.len())
        }),
        ("opportunity", "/v1/opportunities", |b| {
            Opportunity::page_from_json(b).map_or(0, |v| v.len())
        }),
        ("task", "/v1/tasks", |b| {
            Task::page_from_json(b).map_or(0, |v| v.len())
        }),
        ("note", "/v1/notes", |b| {
            Note::page_from_json(b).map_or(0, |v| v.len())
        }),
        ("meeting", "/v1/meetings", |b| {
            Meeting::page_from_json(b).map_or(0, |v| v.len())
        }),
        ("vendor", "/v1/objects/vendor", |b| {
            Record::page_from_json(b).map_or(0, |v| v.len())
        }),
    ];
    for (name, path, decode) in decoders {
        let page = client
            .raw(http::Method::GET, path)
            .send()
            .await
            .unwrap_or_else(|_| std::process::abort());
        out.push((name, page.raw_body().to_vec(), decode));
    }
    out
}

/// Row 1b: decoding a page of each record type, against `serde_json::Value`; the worst
/// type is the figure, every type is in the notes.
pub async fn bench_decode_per_type() -> Row {
    let pages = pages_per_type().await;
    let mut worst = 0.0f64;
    let mut notes = Vec::new();
    for (name, bytes, decode) in &pages {
        assert_eq!(decode(bytes), 25, "{name}: a full page decodes");
        let (s, b) = compare(
            15,
            40,
            || {
                black_box(decode(black_box(bytes)));
            },
            || {
                let value: Value = serde_json::from_slice(black_box(bytes)).unwrap_or(Value::Null);
                black_box(value);
            },
        );
        let ratio = s.as_secs_f64() / b.as_secs_f64();
        worst = worst.max(ratio);
        notes.push(format!("{name} {ratio:.2}"));
    }
    Row {
        name: "1b. decode a 25-record page of each record type (worst type)",
        sdk: format!("{worst:.2}x"),
        baseline: "serde_json::Value of the same page".into(),
        ratio: worst,
        target: "<= 1.5x time",
        pass: worst <= 1.5,
        notes: notes.join(", "),
    }
}
