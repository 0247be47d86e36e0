//! The operations that are not plain record operations.

use lightfield::Client;

use crate::harness::Seen;

/// The operations that are not plain record operations.
pub async fn rest_of_the_api(client: &Client, seen: &mut Seen) {
    use lightfield::resources::mail::{EmailMessage, LoggedEmail};
    use lightfield::{ListMembers, ObjectType};
    let lists = client.lists();
    // `$description` is in the newest SDK's shapes, not in the public spec's closed fields.
    let mut create = lists.create("Targets", ListMembers::Accounts(["acc_1", "acc_2"].into()));
    if !seen.2.enabled {
        create = create.description("Q3");
    }
    seen.check("list_create".into(), create.send_with_response().await);
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
        files.list().limit(10).send_with_response().await,
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
    seen.check_sent("enrichment_start", started);
}
