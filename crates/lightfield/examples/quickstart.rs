//! A tour of the SDK: definitions, create, list, update, retrieve.
//!
//! With `LIGHTFIELD_API_KEY` set (and optionally `LIGHTFIELD_BASE_URL`) it talks to that
//! server; otherwise it starts the embedded mock server and talks to it. Relationships are
//! linked to `LIGHTFIELD_MEMBER_ID` / `LIGHTFIELD_CONTACT_IDS` (comma separated) when given,
//! and on the mock to its first member and two contacts created for the purpose.
//!
//! Run: `cargo run -p lightfield --example quickstart`

use std::process::ExitCode;

mod support;

use futures_util::TryStreamExt;
use lightfield::{Account, Address, FieldValue, Op};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => {
            println!("\nquickstart finished: every step worked");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nquickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let target = support::connect().await?;
    let (client, on_mock) = (&target.client, target.on_mock());

    // 1. The schema: which fields exist, and the options of the select fields.
    let definitions = client.accounts().definitions().send().await?;
    println!(
        "\n1. definitions: {} fields, {} relationships",
        definitions.fields.len(),
        definitions.relationships.len()
    );
    for (key, def) in definitions.fields.iter().take(6) {
        println!(
            "   {key:<18} {:<14} {}{}",
            def.value_type,
            def.label,
            if def.read_only { " (read-only)" } else { "" }
        );
    }
    let first_option = |key: &str| {
        definitions
            .field(key)
            .and_then(|d| d.options.first())
            .map(|o| (o.id.clone(), o.label.clone()))
    };
    let headcount = first_option("$headcount").ok_or("no $headcount options in the definitions")?;
    let industry = first_option("$industry").ok_or("no $industry options in the definitions")?;
    let funding =
        first_option("$lastFundingType").ok_or("no $lastFundingType options in the definitions")?;
    println!(
        "   picked $headcount option {:?} (by id) and $industry {:?} (by label)",
        headcount.1, industry.1
    );

    // 2. Create, with every kind of system field, a custom field and relationships.
    // Links go to records that exist: the ids given, or on the local server its first
    // member and two contacts created here.
    let mut member = std::env::var("LIGHTFIELD_MEMBER_ID").ok();
    let mut contacts: Vec<String> = std::env::var("LIGHTFIELD_CONTACT_IDS")
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if on_mock {
        let members = client.members().list().limit(1).send().await?;
        member = member.or(members.items.first().map(|m| m.id.clone()));
        for email in ["ada@quickstart.example", "grace@quickstart.example"] {
            let contact = client.contacts().create().emails([email]).send().await?;
            contacts.push(contact.into_id());
        }
    }
    let mut create = client
        .accounts()
        .create(format!("Quickstart Co {}", std::process::id()))
        .website(["https://quickstart.example"])
        .industry([industry.1.as_str()])
        .headcount(headcount.0.as_str())
        .last_funding_type(funding.1.as_str())
        .primary_address(Address {
            street: Some("1 Rue de la République".into()),
            city: Some("Lyon".into()),
            postal_code: Some("69001".into()),
            country: Some("FR".into()),
            ..Address::default()
        })
        .linked_in("quickstart-co")
        .twitter("quickstartco")
        .facebook("quickstartco")
        .instagram("quickstart.co");
    if let Some((_, tier)) = first_option("tier") {
        create = create.field("tier", tier);
    }
    if let Some(member) = &member {
        create = create.owner(member.as_str());
    }
    if !contacts.is_empty() {
        create = create.contacts(contacts.clone());
    }
    let created = create.send_with_response().await?;
    let account = created.value().clone();
    println!(
        "\n2. created {} in {} attempt(s)",
        account.id,
        created.attempts()
    );
    print_account(&account);

    // 3. List with a filter, one page, then every matching record as a stream.
    let prefix = "Quickstart";
    let page = client
        .accounts()
        .list()
        .filter("$name", Op::StartsWith, prefix)
        .limit(2)
        .send()
        .await?;
    println!(
        "\n3. list `$name[startsWith]={prefix}`: page of {} of {} total",
        page.items.len(),
        page.total_count
    );
    let all: Vec<Account> = client
        .accounts()
        .list()
        .filter("$name", Op::StartsWith, prefix)
        .limit(2)
        .max_items(50)
        .stream()
        .try_collect()
        .await?;
    println!(
        "   streamed {} record(s); ours is among them: {}",
        all.len(),
        all.iter().any(|a| a.id == account.id)
    );
    if !all.iter().any(|a| a.id == account.id) {
        return Err("the account just created is missing from the list".into());
    }

    // 4. Update: set, clear, and relationship operations.
    let mut update = client
        .accounts()
        .update(&account.id)
        .twitter("quickstart_v2")
        .clear("$instagram");
    if let (Some(first), Some(last)) = (contacts.first(), contacts.last()) {
        // Drop the first contact and add the last one again: a remove and an add in one call.
        update = update
            .remove("$contact", first.as_str())
            .add("$contact", last.as_str());
    }
    let updated = update.send().await?;
    println!(
        "\n4. updated: $twitter={:?}, $instagram={:?}, contacts={:?}",
        updated.twitter(),
        updated.instagram(),
        updated.contacts()
    );
    if updated.twitter() != Some("quickstart_v2") || updated.instagram().is_some() {
        return Err("the update did not apply as sent".into());
    }

    // 5. Retrieve it again.
    let fetched = client
        .accounts()
        .retrieve(&account.id)
        .send_with_response()
        .await?;
    println!(
        "\n5. retrieved {} (status {}, rate limit {:?})",
        fetched.value().id,
        fetched.status(),
        fetched.rate_limit()
    );
    print_account(fetched.value());
    Ok(())
}

fn print_account(account: &Account) {
    println!("   name       {}", account.name().unwrap_or("-"));
    for (key, field) in &account.fields {
        let shown = match &field.value {
            FieldValue::Null => continue,
            FieldValue::Address(a) => format!(
                "{}, {}",
                a.city.as_deref().unwrap_or("?"),
                a.country.as_deref().unwrap_or("?")
            ),
            other => other.encode().to_string(),
        };
        println!("   {key:<18} {:<14} {shown}", field.value_type.to_string());
    }
    for (key, rel) in &account.relationships {
        if !rel.ids.is_empty() {
            println!(
                "   {key:<18} {:<14} {:?}",
                rel.cardinality.to_string(),
                rel.ids
            );
        }
    }
}
