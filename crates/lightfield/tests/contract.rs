//! Contract tests: every SDK operation against Prism serving `spec/openapi.yaml` with
//! request validation. Prism answers 422 (with an `sl-violations` header) to any request
//! the spec does not allow, so each call succeeding proves the SDK speaks the spec.
//!
//! Prism is installed by `cargo xtask ci` (`npm ci` in `tools/prism`). Without it these
//! tests are skipped with a message, unless `LIGHTFIELD_REQUIRE_PRISM=1`, as CI sets.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lightfield::{Address, Client, FullName, Op};
use serde_json::json;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_prism() -> Option<Prism> {
    let bin = root().join("tools/prism/node_modules/.bin/prism");
    if !bin.exists() {
        let required = std::env::var("LIGHTFIELD_REQUIRE_PRISM").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "Prism is required but missing: run `npm ci --prefix tools/prism`"
        );
        eprintln!(
            "SKIPPED: Prism is not installed (run `npm ci --prefix tools/prism` or `cargo xtask ci`)"
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(bin)
        .args([
            "mock",
            "--errors",
            "--host",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(root().join("spec/openapi.yaml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prism starts");
    let prism = Prism {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    // Ready means answering HTTP, not just accepting connections.
    lightfield::install_crypto_provider();
    let probe = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let answer = probe
            .get(format!("{}/v1/accounts/definitions", prism.url))
            .bearer_auth("probe")
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if answer.is_ok() {
            return Some(prism);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("Prism did not start listening within 60 s");
}

fn client(prism: &Prism) -> Client {
    Client::builder()
        .api_key("sk_lf_contract")
        .base_url(&prism.url)
        .rate_limit(None)
        .max_retries(0)
        .build()
        .expect("client")
}

fn assert_valid<T>(what: &str, response: lightfield::Result<lightfield::Response<T>>) {
    match response {
        Ok(r) => {
            assert_eq!(r.status(), 200, "{what}");
            assert!(
                r.headers().get("sl-violations").is_none(),
                "{what}: {:?}",
                r.headers().get("sl-violations")
            );
        }
        Err(e) => panic!("{what} was not accepted by the spec: {e}"),
    }
}

#[tokio::test]
async fn every_operation_is_accepted_by_the_spec() {
    let Some(prism) = start_prism().await else {
        return;
    };
    let client = client(&prism);
    let accounts = client.accounts();
    assert_valid(
        "definitions",
        accounts.definitions().send_with_response().await,
    );
    assert_valid(
        "create",
        accounts
            .create("Acme")
            .website(["https://acme.example"])
            .industry(["Software"])
            .headcount("11-50")
            .last_funding_type("Seed")
            .primary_address(Address {
                city: Some("Lyon".into()),
                country: Some("FR".into()),
                latitude: Some(45.7),
                ..Address::default()
            })
            .linked_in("acme")
            .twitter("acme")
            .facebook("acme")
            .instagram("acme")
            .field("tier", "Gold")
            .field("seats", 3)
            .field("isStrategic", true)
            .field("champion", FullName::new("Ada", "Lovelace"))
            .owner("mem_1")
            .contacts(["con_1", "con_2"])
            .send_with_response()
            .await,
    );
    assert_valid(
        "update",
        accounts
            .update("acc_1")
            .name("Acme 2")
            .clear("$twitter")
            .add("$contact", "con_3")
            .remove("$contact", ["con_1"])
            .replace("$owner", "mem_2")
            .clear_relationship("partners")
            .idempotency_key("k".repeat(255))
            .send_with_response()
            .await,
    );
    assert_valid(
        "retrieve",
        accounts.retrieve("acc_1").send_with_response().await,
    );
    assert_valid(
        "list",
        accounts
            .list()
            .limit(25)
            .offset(50)
            .filter("$name", Op::StartsWith, "Ac")
            .filter_not("seats", Op::GreaterThan, 3)
            .send_with_response()
            .await,
    );
    assert_valid(
        "list with defaults",
        accounts.list().send_with_response().await,
    );
}

#[tokio::test]
async fn a_malformed_request_is_caught_by_the_harness() {
    let Some(prism) = start_prism().await else {
        return;
    };
    let client = client(&prism);
    // `fields` must be an object; Prism must refuse this, or the harness proves nothing.
    let err = client
        .raw(http::Method::POST, "/v1/accounts")
        .json(json!({"fields": "not an object"}))
        .send()
        .await
        .expect_err("the spec refuses it");
    assert_eq!(err.status(), Some(422), "{err}");
    let violations = err
        .as_api()
        .and_then(|e| e.headers.get("sl-violations"))
        .expect("violations listed");
    assert!(
        violations.to_str().unwrap_or("").contains("fields"),
        "{violations:?}"
    );
    let err = client
        .raw(http::Method::GET, "/v1/accounts")
        .query("limit", 26)
        .send()
        .await
        .expect_err("limit > 25");
    assert_eq!(err.status(), Some(422));
}

/// Records which operations a test exercised, to compare with the spec's table.
#[derive(Default)]
struct Seen(std::collections::BTreeSet<String>);

impl Seen {
    fn check<T>(&mut self, op: String, response: lightfield::Result<lightfield::Response<T>>) {
        assert_valid(&op, response);
        self.0.insert(op);
    }
}

#[tokio::test]
async fn every_operation_of_every_record_type_is_accepted_by_the_spec() {
    use lightfield::ObjectType;
    let Some(prism) = start_prism().await else {
        return;
    };
    let client = client(&prism);
    let mut seen = Seen::default();
    let writable = [
        (ObjectType::Account, "account"),
        (ObjectType::Contact, "contact"),
        (ObjectType::Opportunity, "opportunity"),
        (ObjectType::Task, "task"),
        (ObjectType::Note, "note"),
        (ObjectType::Meeting, "meeting"),
        (ObjectType::Custom("vendor".into()), "object"),
    ];
    for (object, prefix) in writable {
        let records = client.records_of(object.clone());
        let schema = object.schema();
        let mut create = records.create();
        let mut update = records.update("rec_1").idempotency_key("k-1");
        match schema {
            Some(schema) => {
                for f in schema.fields.iter().filter(|f| f.required) {
                    create = create.field(f.key, "2026-01-01T00:00:00Z");
                }
                for r in schema.relationships.iter().filter(|r| r.required) {
                    create = create.relationship(r.key, "rec_2");
                }
                let writable = schema
                    .fields
                    .iter()
                    .find(|f| !f.read_only && !f.create_only);
                if let Some(f) = writable {
                    update = update.field(f.key, "x").clear(f.key);
                }
                for r in schema
                    .relationships
                    .iter()
                    .filter(|r| !r.read_only && !r.create_only)
                {
                    if r.update_ops.add {
                        update = update.add(r.key, ["rec_3", "rec_4"]);
                    }
                    if r.update_ops.remove {
                        update = update.remove(r.key, "rec_5");
                    }
                    if r.update_ops.replace {
                        update = update.replace(r.key, "rec_6");
                    }
                }
            }
            None => {
                create = create
                    .field("$name", "Parts")
                    .relationship("account", "acc_1");
                update = update
                    .clear_relationship("account")
                    .field("category", "Hardware");
            }
        }
        if matches!(object, ObjectType::Account | ObjectType::Contact) {
            // Only the typed facades set it; the wire form is what matters here.
            let typed = client.accounts().create("Acme").skip_enrichment(true);
            seen.check("account_create".into(), typed.send_with_response().await);
        }
        seen.check(
            format!("{prefix}_create"),
            create.send_with_response().await,
        );
        seen.check(
            format!("{prefix}_update"),
            update.send_with_response().await,
        );
        seen.check(
            format!("{prefix}_retrieve"),
            records.retrieve("rec_1").send_with_response().await,
        );
        seen.check(
            format!("{prefix}_definitions"),
            records.definitions().send_with_response().await,
        );
        seen.check(
            format!("{prefix}_delete"),
            records.delete("rec_1").send_with_response().await,
        );
        seen.check(
            format!("{prefix}_restore"),
            records.restore("rec_1").send_with_response().await,
        );
        let mut list = records
            .list()
            .limit(10)
            .offset(5)
            .filter("$name", Op::StartsWith, "A");
        if prefix != "object" {
            list = list.status(lightfield::Status::Trashed);
        }
        seen.check(format!("{prefix}_list"), list.send_with_response().await);
        if prefix == "object" || schema.is_some_and(|s| s.history) {
            seen.check(
                format!("{prefix}_field_history"),
                records
                    .history("rec_1", "$name")
                    .limit(100)
                    .after("c1")
                    .send_with_response()
                    .await,
            );
        }
    }
    let read_only = [
        (ObjectType::Member, "member"),
        (ObjectType::Email, "email"),
        (ObjectType::Channel, "channel"),
        (ObjectType::Message, "message"),
    ];
    for (object, prefix) in read_only {
        let records = client.records_of(object);
        seen.check(
            format!("{prefix}_retrieve"),
            records.retrieve("rec_1").send_with_response().await,
        );
        seen.check(
            format!("{prefix}_list"),
            records.list().limit(1).send_with_response().await,
        );
    }
    seen.check(
        "email_delete".into(),
        client.emails().delete("eml_1").send_with_response().await,
    );
    seen.check(
        "email_restore".into(),
        client.emails().restore("eml_1").send_with_response().await,
    );
    seen.check(
        "object_types".into(),
        client.objects().send_with_response().await,
    );
    rest_of_the_api(&client, &mut seen).await;
    #[cfg(feature = "preview")]
    preview(&client, &mut seen).await;

    // Preview operations are exercised when the `preview` feature is on (CI runs both).
    let declared: std::collections::BTreeSet<String> = lightfield_gen::tables::OPERATIONS
        .iter()
        .filter(|op| cfg!(feature = "preview") || !op.preview)
        .map(|op| op.id.to_string())
        .collect();
    assert_eq!(seen.0, declared, "every operation of the spec is exercised");
    eprintln!("{} operations accepted by the spec", seen.0.len());
}

/// The operations that are not plain record operations.
async fn rest_of_the_api(client: &Client, seen: &mut Seen) {
    use lightfield::resources::mail::{EmailMessage, LoggedEmail};
    use lightfield::{ListMembers, ObjectType};
    let lists = client.lists();
    seen.check(
        "list_create".into(),
        lists
            .create("Targets", ListMembers::Accounts(["acc_1", "acc_2"].into()))
            .description("Q3")
            .send_with_response()
            .await,
    );
    seen.check(
        "list_update".into(),
        lists
            .update("lst_1")
            .name("Renamed")
            .add_members(ListMembers::Accounts("acc_3".into()))
            .remove_members(ListMembers::Accounts(["acc_1"].into()))
            .send_with_response()
            .await,
    );
    seen.check(
        "list_retrieve".into(),
        lists.retrieve("lst_1").send_with_response().await,
    );
    seen.check(
        "list_list".into(),
        lists.list().limit(5).send_with_response().await,
    );
    seen.check(
        "list_delete".into(),
        lists.delete("lst_1").send_with_response().await,
    );
    seen.check(
        "list_accounts".into(),
        lists.accounts("lst_1").limit(3).send_with_response().await,
    );
    seen.check(
        "list_contacts".into(),
        lists.contacts("lst_1").send_with_response().await,
    );
    seen.check(
        "list_opportunities".into(),
        lists.opportunities("lst_1").send_with_response().await,
    );
    let _ = client.records_of(ObjectType::List);

    let files = client.files();
    seen.check(
        "file_create".into(),
        files
            .create(
                "a.pdf",
                "application/pdf",
                10,
                Some(lightfield::Purpose::EmailAttachment),
            )
            .send_with_response()
            .await,
    );
    seen.check(
        "file_retrieve".into(),
        files.retrieve("fil_1").send_with_response().await,
    );
    seen.check(
        "file_list".into(),
        files.list(0, 10).send_with_response().await,
    );
    seen.check(
        "file_complete".into(),
        files
            .complete("fil_1", Some("0cc175b9c0f1b6a831c399e269772661".into()))
            .send_with_response()
            .await,
    );
    seen.check(
        "file_cancel".into(),
        files.cancel("fil_1").send_with_response().await,
    );
    seen.check(
        "file_url".into(),
        files.download_url("fil_1").send_with_response().await,
    );

    let message = || {
        EmailMessage::new("me@acme.example")
            .to(["a@b.example"])
            .subject("Hi")
            .text("Hello")
    };
    seen.check(
        "email_send".into(),
        client
            .emails()
            .send(message().attachments(["fil_1"]))
            .send_with_response()
            .await,
    );
    seen.check(
        "email_draft".into(),
        client.emails().draft(message()).send_with_response().await,
    );
    let sent_at = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    seen.check(
        "email_log".into(),
        client
            .emails()
            .log(
                LoggedEmail::new("a@b.example", sent_at)
                    .to(["me@acme.example"])
                    .body(Some("<p>x</p>".into()), None)
                    .message_id("<m@x>")
                    .auto_create_records(true),
            )
            .send_with_response()
            .await,
    );
    seen.check(
        "auth_validate".into(),
        client.validate().send_with_response().await,
    );
    seen.check(
        "workflow_run_status".into(),
        client
            .workflow_runs()
            .status("wfr_1")
            .send_with_response()
            .await,
    );
    seen.check(
        "merge_retrieve".into(),
        client.merges().retrieve("mrg_1").send_with_response().await,
    );
    seen.check(
        "enrichment_retrieve".into(),
        client
            .enrichment_runs()
            .retrieve("enr_1")
            .send_with_response()
            .await,
    );
    for (name, merge) in [
        (
            "merge_accounts",
            client
                .records_of(ObjectType::Account)
                .merge("acc_1", "acc_2"),
        ),
        (
            "merge_contacts",
            client
                .records_of(ObjectType::Contact)
                .merge("con_1", "con_2"),
        ),
        (
            "merge_opportunities",
            client
                .records_of(ObjectType::Opportunity)
                .merge("opp_1", "opp_2"),
        ),
        (
            "merge_objects",
            client.object("vendor").merge("obj_1", "obj_2"),
        ),
    ] {
        let merge = merge
            .keep_primary("$name")
            .keep_duplicate("tier")
            .value("seats", 3)
            .multi_select_union(true);
        seen.check(name.into(), merge.send_with_response().await);
    }
    // `enrichment_start` answers the start, not a Response: check the wire by hand.
    let started = client
        .accounts()
        .enrich("acc_1")
        .fields(["$industry"])
        .send()
        .await;
    assert!(
        started.is_ok(),
        "enrichment_start was not accepted by the spec: {started:?}"
    );
    seen.0.insert("enrichment_start".into());
}

/// Senders and sequences.
#[cfg(feature = "preview")]
async fn preview(client: &Client, seen: &mut Seen) {
    use lightfield::preview::Pacing;
    let senders = client.senders();
    seen.check(
        "sender_list".into(),
        senders.list(0, 5).send_with_response().await,
    );
    seen.check(
        "sender_retrieve".into(),
        senders.retrieve("snd_1").send_with_response().await,
    );
    let mut pacing = std::collections::BTreeMap::new();
    pacing.insert(
        "EMAIL".to_string(),
        Pacing {
            daily_limit: 10,
            min_gap_seconds: 5,
            max_gap_seconds: None,
        },
    );
    seen.check(
        "sender_update".into(),
        senders
            .update_pacing("snd_1", pacing)
            .send_with_response()
            .await,
    );
    seen.check(
        "sender_mark_healthy".into(),
        senders.mark_healthy("snd_1").send_with_response().await,
    );
    let s = client.sequences();
    let definition = json!({"steps": [{"type": "EMAIL", "name": "Intro", "prompt": "hi", "deliveryMode": "AUTO"}]});
    let definition = definition.as_object().cloned().unwrap_or_default();
    seen.check(
        "sequence_create".into(),
        s.create("Seq", definition.clone())
            .send_with_response()
            .await,
    );
    seen.check(
        "sequence_list".into(),
        s.list(0, 5).send_with_response().await,
    );
    seen.check(
        "sequence_retrieve".into(),
        s.retrieve("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_activate".into(),
        s.activate("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_deactivate".into(),
        s.deactivate("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_draft".into(),
        s.draft("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_update_draft".into(),
        s.update_draft("seq_1", definition)
            .send_with_response()
            .await,
    );
    seen.check(
        "sequence_publish".into(),
        s.publish("seq_1", "v2").send_with_response().await,
    );
    seen.check(
        "sequence_discard".into(),
        s.discard("seq_1", "v3").send_with_response().await,
    );
    seen.check(
        "sequence_enrollments".into(),
        s.enrollments("seq_1", 0, 10).send_with_response().await,
    );
    seen.check(
        "sequence_enrollment".into(),
        s.enrollment("seq_1", "enr_1").send_with_response().await,
    );
    seen.check(
        "sequence_messages".into(),
        s.messages("seq_1", 0, 10).send_with_response().await,
    );
    seen.check(
        "sequence_message".into(),
        s.message("seq_1", "sqm_1").send_with_response().await,
    );
    seen.check(
        "sequence_performance".into(),
        s.performance("seq_1").send_with_response().await,
    );
    seen.check(
        "sequence_start_test".into(),
        s.start_test("seq_1", "con_1", Some("v2".into()))
            .send_with_response()
            .await,
    );
    seen.check(
        "sequence_test".into(),
        s.test("seq_1", "sqt_1").send_with_response().await,
    );
    seen.check(
        "sequence_template_variables".into(),
        s.template_variables().send_with_response().await,
    );
    // `sequence_enroll` answers results, not a Response: a refusal by the spec is an error.
    let enrolled = s
        .enroll("seq_1")
        .add(["con_1"])
        .remove(["con_2"])
        .send()
        .await;
    assert!(
        enrolled.is_ok(),
        "sequence_enroll was not accepted by the spec: {enrolled:?}"
    );
    seen.0.insert("sequence_enroll".into());
}
