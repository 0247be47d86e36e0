//! `lightfield`: the Lightfield API from the shell.
//!
//! ```text
//! lightfield accounts list --filter '$name[startsWith]=Ac' --limit 10
//! lightfield contacts get con_1
//! lightfield accounts create --field '$name=Acme' --field tier=Gold --rel '$owner=mem_1'
//! lightfield object vendor list
//! lightfield schema account --rust Account
//! lightfield export contact -o contacts.csv
//! lightfield import contact contacts.csv
//! lightfield mock --port 4010
//! ```
//!
//! Settings come from `--api-key`/`--base-url`, then `LIGHTFIELD_API_KEY` /
//! `LIGHTFIELD_BASE_URL`; the key is never printed. Errors go to stderr with the API's
//! message and `param`; the exit code says what kind of error it was (see [`exit`]).
//!
//! - `args`: the command line as clap reads it;
//! - `records`: record operations (`lightfield accounts list` …);
//! - `output`: tables, JSON, YAML and CSV;
//! - `export`, `import`: bulk moves at the rate limit; `rows` reads import files,
//!   `journal` makes imports resumable; `progress`: the bars;
//! - `safe`: CSV cells that cannot run as formulas, text that cannot drive a terminal;
//! - `exit`: exit codes by kind of error.

mod args;
mod exit;
mod export;
mod import;
mod journal;
mod output;
mod progress;
mod records;
mod rows;
mod safe;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use serde_json::Value;

use args::{Cli, Command, ObjectsAction};
use exit::Failure;
use lightfield::ObjectType;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        // The SDK's request spans and events: method, path, status, attempts. The API key
        // is never part of them.
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with_target(false)
            .init();
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(error) => {
            // API messages and ids are server text: shown, never obeyed by the terminal.
            eprintln!("error: {}", safe::for_terminal(&error.to_string()));
            exit::code(&error)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let format = output::resolve(cli.format);
    match cli.command {
        Command::Mock { port } => return mock(port).await,
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "lightfield",
                &mut std::io::stdout(),
            );
            return Ok(());
        }
        _ => {}
    }
    let client = records::client(&cli)?;
    let target = journal::Target::new(client.base_url(), cli.api_key.as_deref().unwrap_or(""));
    let (object, command) = match cli.command {
        Command::Accounts(c) => (ObjectType::Account, c),
        Command::Contacts(c) => (ObjectType::Contact, c),
        Command::Opportunities(c) => (ObjectType::Opportunity, c),
        Command::Tasks(c) => (ObjectType::Task, c),
        Command::Notes(c) => (ObjectType::Note, c),
        Command::Meetings(c) => (ObjectType::Meeting, c),
        Command::Members(c) => (ObjectType::Member, c),
        Command::Emails(c) => (ObjectType::Email, c),
        Command::Channels(c) => (ObjectType::Channel, c),
        Command::Messages(c) => (ObjectType::Message, c),
        Command::Lists(c) => (ObjectType::List, c),
        Command::Object { slug, command } => (ObjectType::Custom(slug), command),
        other => return other_command(&client, other, format, cli.format, target).await,
    };
    records::record_command(&client, object, command, format).await
}

/// Commands that are not about one record type's records.
async fn other_command(
    client: &lightfield::Client,
    command: Command,
    format: args::Format,
    asked: Option<args::Format>,
    target: journal::Target,
) -> Result<(), Failure> {
    match command {
        Command::Objects {
            action: ObjectsAction::List,
        } => {
            let types = client.objects().send().await?;
            let data: Vec<Value> = types
                .iter()
                .map(|t| serde_json::json!({"slug": t.slug, "label": t.label}))
                .collect();
            output::value(format, &Value::Array(data))
        }
        Command::Schema { object, rust } => {
            records::schema(client, records::object_type(&object), rust, format).await
        }
        Command::Export {
            object,
            filter,
            output,
            concurrency,
            raw_csv,
        } => {
            let csv = export::is_csv(output.as_deref()) || asked == Some(args::Format::Csv);
            let export = export::Export {
                object: records::object_type(&object),
                filters: filter,
                output,
                concurrency,
                csv,
                raw_csv,
            };
            export::run(client, export).await
        }
        Command::Import {
            object,
            file,
            dry_run,
            as_new,
            concurrency,
            raw_csv,
            new_journal,
        } => {
            let import = import::Import {
                object: records::object_type(&object),
                file,
                dry_run,
                as_new,
                concurrency,
                raw_csv,
                target,
                new_journal,
            };
            import::run(client, import).await
        }
        // Handled before a client is built, or above.
        _ => Ok(()),
    }
}

async fn mock(port: u16) -> Result<(), Failure> {
    let config = lightfield_mock::MockConfig {
        port,
        ..Default::default()
    };
    let server = lightfield_mock::MockServer::start_with(config)
        .await
        .map_err(|e| Failure::Local(format!("cannot start the local server: {e}")))?;
    println!(
        "lightfield mock listening on {} (any API key works; Ctrl-C to stop)",
        server.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}
