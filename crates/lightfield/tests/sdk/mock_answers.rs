//! The mock answers as the API documents it, where review 4 found it did not (M3–M5, M8,
//! M9, links from one end only, made-up workflow runs: `runs.rs`). Each over HTTP through
//! the reference proxy, so the answers are held to the reference's shapes as well.

use crate::common::*;

/// M9 and links: a link made from one end shows from the other, and a relationship from a
/// type to itself says which records link from each end.
#[tokio::test]
async fn links_read_from_both_ends() {
    let (_server, client) = setup().await;
    let acme = client.accounts().create("Acme").send().await.unwrap();
    let ada = client
        .contacts()
        .create()
        .name(lightfield::FullName::new("Ada", "Lovelace"))
        .relationship("$account", acme.id.as_str())
        .send()
        .await
        .unwrap();
    let account = client.accounts().retrieve(&acme.id).send().await.unwrap();
    assert_eq!(account.related("$contact"), std::slice::from_ref(&ada.id));

    let partner = client.accounts().create("Partner").send().await.unwrap();
    client
        .accounts()
        .update(&acme.id)
        .add("partners", [partner.id.as_str()])
        .send()
        .await
        .unwrap();
    let from = client.accounts().retrieve(&acme.id).send().await.unwrap();
    let to = client
        .accounts()
        .retrieve(&partner.id)
        .send()
        .await
        .unwrap();
    let directions = |record: &lightfield::Account| {
        record.relationships["partners"]
            .directions
            .clone()
            .expect("a relationship to its own type has directions")
    };
    assert_eq!(
        directions(&from).source_ids(),
        std::slice::from_ref(&partner.id)
    );
    assert!(directions(&from).destination_ids().is_empty());
    assert_eq!(
        directions(&to).destination_ids(),
        std::slice::from_ref(&acme.id)
    );
    // Contact-less unlinking shows from the other end too.
    client
        .contacts()
        .update(&ada.id)
        .remove("$account", [acme.id.as_str()])
        .send()
        .await
        .unwrap();
    let account = client.accounts().retrieve(&acme.id).send().await.unwrap();
    assert!(account.related("$contact").is_empty());
    let definitions = client.accounts().definitions().send().await.unwrap();
    let partners = definitions.relationship("partners").unwrap();
    assert!(partners.directions.is_some(), "{partners:?}");
}

/// M8: a pending upload says when it expires; a completed file no longer does.
#[tokio::test]
async fn a_pending_upload_says_when_it_expires() {
    let (_server, client) = setup().await;
    let pending = client
        .files()
        .create("a.txt", "text/plain", 3, None)
        .send()
        .await
        .unwrap();
    let expires = pending
        .file
        .expires_at
        .clone()
        .expect("a pending upload expires");
    let expires =
        time::OffsetDateTime::parse(&expires, &time::format_description::well_known::Rfc3339)
            .unwrap();
    assert!(expires > time::OffsetDateTime::now_utc());
    let done = client
        .files()
        .upload("b.txt", "text/plain", b"abc".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(done.expires_at, None);
}

#[cfg(feature = "preview")]
mod outreach {
    use super::*;
    use lightfield::ErrorKind;
    use lightfield::preview::{Pacing, View};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn pacing(
        step: &str,
        daily: i64,
        min_gap: i64,
        max_gap: Option<i64>,
    ) -> BTreeMap<String, Pacing> {
        BTreeMap::from([(
            step.to_string(),
            Pacing {
                daily_limit: daily,
                min_gap_seconds: min_gap,
                max_gap_seconds: max_gap,
            },
        )])
    }

    /// M5: pacing outside the sender's ceilings, or for a step type it does not send, is
    /// refused with the key at fault.
    #[tokio::test]
    async fn pacing_outside_the_ceilings_is_refused() {
        let (_server, client) = setup().await;
        let senders = client.senders();
        for (bad, param) in [
            (pacing("EMAIL", 10, 5, None), "pacing.EMAIL.minGapSeconds"),
            (
                pacing("EMAIL", 10, 120, Some(60)),
                "pacing.EMAIL.maxGapSeconds",
            ),
            (pacing("EMAIL", 0, 120, None), "pacing.EMAIL.dailyLimit"),
            (
                pacing("LINKEDIN_INVITE", 10, 300, None),
                "pacing.LINKEDIN_INVITE",
            ),
        ] {
            let err = senders
                .update_pacing("snd_0000000001", bad)
                .send()
                .await
                .expect_err(param);
            let api = err.as_api().expect("an API refusal");
            assert_eq!((api.status, api.param.as_deref()), (400, Some(param)));
        }
        // An SMTP sender sends at most 100 a day.
        let err = senders
            .update_pacing("snd_0000000003", pacing("EMAIL", 101, 120, None))
            .send()
            .await
            .expect_err("SMTP ceiling");
        assert_eq!(err.kind(), Some(&ErrorKind::BadRequest));
        let ok = senders
            .update_pacing("snd_0000000003", pacing("EMAIL", 100, 60, Some(3600)))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.pacing["EMAIL"].map(|p| p.daily_limit), Some(100));
    }

    /// M3: a test runs the open draft when there is one or nothing was published, else the
    /// published sequence; an unknown contact is `invalid_configuration`, named.
    #[tokio::test]
    async fn a_test_targets_the_open_draft_or_the_published_sequence() {
        let (_server, client) = setup().await;
        let ada = client
            .contacts()
            .create()
            .name(lightfield::FullName::new("Ada", "Lovelace"))
            .emails(["ada@example.com"])
            .send()
            .await
            .unwrap();
        let steps = json!({"description": "Intro", "steps": [{"type": "EMAIL", "name": "Intro", "prompt": "hi", "deliveryMode": "AUTO"}]});
        let s = client.sequences();
        let draft = s
            .create("Outbound", steps.as_object().cloned().unwrap())
            .senders(["snd_0000000001"])
            .send()
            .await
            .unwrap();
        let id = draft.sequence_id().to_string();
        let target = |t: &lightfield::preview::SequenceTest| t.raw()["target"].clone();
        let first = s.start_test(&id, &ada.id, None).send().await.unwrap();
        assert_eq!(target(&first), json!("DRAFT"), "never published");
        s.publish(&id, draft.version().unwrap())
            .send()
            .await
            .unwrap();
        let published = s.start_test(&id, &ada.id, None).send().await.unwrap();
        assert_eq!(target(&published), json!("PUBLISHED"), "no draft open");
        let reopened = s.update_draft(&id).name("Outbound 2").send().await.unwrap();
        let again = s.start_test(&id, &ada.id, None).send().await.unwrap();
        assert_eq!(target(&again), json!("DRAFT"), "a draft is open");
        let stale = s
            .start_test(&id, &ada.id, Some("v0".into()))
            .send()
            .await
            .expect_err("stale version");
        assert_eq!(stale.kind(), Some(&ErrorKind::Conflict));
        assert!(reopened.version().is_some());
        let unknown = s
            .start_test(&id, "con_0000009999", None)
            .send()
            .await
            .expect_err("unknown contact");
        let api = unknown.as_api().expect("an API refusal");
        assert_eq!(api.code.as_deref(), Some("invalid_configuration"));
        assert_eq!(api.details["invalidContacts"], json!(["con_0000009999"]));
    }
}
