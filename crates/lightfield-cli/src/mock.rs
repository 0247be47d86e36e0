//! `lightfield mock`: the embedded local server, with the API's limits or others, added
//! latency, and demo records so the first `list` shows something.

use std::io::Write;
use std::time::Duration;

use lightfield::{Client, Ids};

use crate::args::MockArgs;
use crate::exit::Failure;

pub async fn run(args: MockArgs) -> Result<(), Failure> {
    let rate_limit = match args.rate_limit.as_deref() {
        None => lightfield_mock::MockConfig::default().rate_limit,
        Some("off") => None,
        Some(n) => Some(n.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
            Failure::Local(format!(
                "--rate-limit `{n}`: a number of requests per second (1 or more), or `off`"
            ))
        })?),
    };
    let config = lightfield_mock::MockConfig {
        port: args.port,
        rate_limit,
        latency: Duration::from_millis(args.latency_ms),
        listing: lightfield_mock::ListView {
            newest_first: args.newest_first,
            lag: Duration::from_millis(args.list_lag_ms),
            offset_cap: args.offset_cap,
        },
        // With --demo, nobody else is answered until every demo record is made: a `list`
        // sent meanwhile waits instead of seeing half of them.
        held_for: args.demo.then(|| DEMO_KEY.to_string()),
        ..Default::default()
    };
    let server = lightfield_mock::MockServer::start_with(config)
        .await
        .map_err(|e| Failure::Local(format!("cannot start the local server: {e}")))?;
    if args.demo {
        demo(server.url())
            .await
            .map_err(|e| Failure::Local(format!("cannot add the demo records: {e}")))?;
        server.open();
    }
    server.seed_records(
        "account",
        args.seed,
        |i| serde_json::json!({"$name": format!("Seeded account {i}")}),
    );
    let _churn = match args.churn {
        Some(rate) if rate.is_finite() && rate > 0.0 => {
            Some(server.churn(lightfield_mock::Churn::new("account", rate)))
        }
        Some(rate) => {
            return Err(Failure::Local(format!(
                "--churn `{rate}`: changes per second, more than 0"
            )));
        }
        None => None,
    };
    // A reader that goes away (`| head -1`) does not stop the server.
    let demo_note = if args.demo {
        "; demo records added"
    } else {
        ""
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "lightfield mock listening on {} (any API key works; Ctrl-C to stop){demo_note}\n  \
         export LIGHTFIELD_BASE_URL={} LIGHTFIELD_API_KEY=sk_lf_any",
        server.url(),
        server.url()
    );
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

/// The key the demo records are made with, while the server answers no one else.
const DEMO_KEY: &str = "sk_lf_demo_setup";

/// Demo accounts with contacts, opportunities, tasks and notes, made through the SDK as a
/// user would (so they are exactly what the API would hold).
async fn demo(url: &str) -> lightfield::Result<()> {
    let client = Client::builder()
        .api_key(DEMO_KEY)
        .base_url(url)
        .rate_limit(None)
        .build()?;
    let member = client
        .members()
        .list()
        .limit(1)
        .send()
        .await?
        .items
        .into_iter()
        .next()
        .map(|m| m.into_id());
    // Each company: name, site, contact, industry, headcount, tier, seats, deal stage.
    let companies = [
        (
            "Acme Rockets",
            "acme.example",
            ("Ada", "Lovelace"),
            "Software",
            "51-200",
            "Gold",
            120,
            "Proposal",
        ),
        (
            "Globex",
            "globex.example",
            ("Hank", "Scorpio"),
            "Financial Services",
            "1000+",
            "Silver",
            40,
            "Discovery",
        ),
        (
            "Initech",
            "initech.example",
            ("Peter", "Gibbons"),
            "Software",
            "201-1000",
            "Bronze",
            15,
            "Negotiation",
        ),
        (
            "Umbrella Health",
            "umbrella.example",
            ("Alice", "Abernathy"),
            "Healthcare",
            "1000+",
            "Gold",
            300,
            "Closed Won",
        ),
        (
            "株式会社テスト",
            "test.example.jp",
            ("Yuki", "Tanaka"),
            "Retail",
            "11-50",
            "Silver",
            25,
            "Discovery",
        ),
        (
            "Stark Industries",
            "stark.example",
            ("Pepper", "Potts"),
            "Software",
            "1000+",
            "Gold",
            500,
            "Closed Lost",
        ),
    ];
    let statuses = [
        lightfield::TaskStatus::Todo,
        lightfield::TaskStatus::InProgress,
        lightfield::TaskStatus::Complete,
    ];
    for (i, (name, site, (first, last), industry, headcount, tier, seats, stage)) in
        companies.into_iter().enumerate()
    {
        let mut account = client
            .accounts()
            .create(name)
            .website([format!("https://{site}")])
            .industry([industry])
            .headcount(headcount)
            .field("tier", tier)
            .field("seats", seats);
        if let Some(member) = &member {
            account = account.owner(member.as_str());
        }
        let account = account.send().await?;
        let contact = client
            .contacts()
            .create()
            .name(lightfield::FullName::new(first, last))
            .emails([format!("{}@{site}", first.to_lowercase())])
            .accounts(account.id.as_str())
            .send()
            .await?;
        client
            .opportunities()
            .create(format!("{name} renewal"), account.id.as_str())
            .stage(stage)
            .field("amount", seats * 1_200)
            .send()
            .await?;
        if let Some(member) = &member {
            client
                .tasks()
                .create(
                    format!("Call {first} at {name}"),
                    statuses[i % statuses.len()].clone(),
                    member.as_str(),
                )
                .send()
                .await?;
        }
        client
            .notes()
            .create(format!("Met {first} {last}"))
            .content(format!(
                "{first} wants to hear about **{tier}** pricing for {seats} seats."
            ))
            .relationship("$contact", Ids::One(contact.id.clone()))
            .send()
            .await?;
    }
    Ok(())
}
