//! `lightfield mock`: the embedded local server, with the API's limits or others, added
//! latency, and demo records so the first `list` shows something.

use std::io::Write;
use std::time::Duration;

use lightfield::{Client, Ids, InputValue};

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
        ..Default::default()
    };
    let server = lightfield_mock::MockServer::start_with(config)
        .await
        .map_err(|e| Failure::Local(format!("cannot start the local server: {e}")))?;
    if args.demo {
        demo(server.url())
            .await
            .map_err(|e| Failure::Local(format!("cannot add the demo records: {e}")))?;
    }
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

/// Demo accounts with contacts, opportunities, tasks and notes, made through the SDK as a
/// user would (so they are exactly what the API would hold).
async fn demo(url: &str) -> lightfield::Result<()> {
    let client = Client::builder()
        .api_key("sk_lf_demo")
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
    let companies = [
        ("Acme Rockets", "https://acme.example", "Ada", "Lovelace"),
        ("Globex", "https://globex.example", "Hank", "Scorpio"),
        ("Initech", "https://initech.example", "Peter", "Gibbons"),
        (
            "Umbrella Health",
            "https://umbrella.example",
            "Alice",
            "Abernathy",
        ),
        (
            "株式会社テスト",
            "https://test.example.jp",
            "Yuki",
            "Tanaka",
        ),
        (
            "Stark Industries",
            "https://stark.example",
            "Pepper",
            "Potts",
        ),
    ];
    for (i, (name, site, first, last)) in companies.into_iter().enumerate() {
        let account = client
            .accounts()
            .create(name)
            .website([site])
            .send()
            .await?;
        let email = format!(
            "{}@{}",
            first.to_lowercase(),
            site.trim_start_matches("https://")
        );
        let contact = client
            .contacts()
            .create()
            .field(
                "$name",
                InputValue::FullName(lightfield::FullName::new(first, last)),
            )
            .field("$email", InputValue::List(vec![email]))
            .relationship("$account", Ids::One(account.id.clone()))
            .send()
            .await?;
        if i % 2 == 0 {
            client
                .opportunities()
                .create(format!("{name} renewal"), account.id.clone())
                .send()
                .await?;
        }
        if let Some(member) = &member {
            client
                .tasks()
                .create(
                    format!("Call {first} at {name}"),
                    lightfield::TaskStatus::Todo,
                    member.clone(),
                )
                .send()
                .await?;
        }
        client
            .notes()
            .create(format!("Met {first} {last}"))
            .relationship("$contact", Ids::One(contact.id.clone()))
            .send()
            .await?;
    }
    Ok(())
}
