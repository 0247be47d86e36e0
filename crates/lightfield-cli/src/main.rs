//! `lightfield`: the Lightfield API from the shell.
//!
//! ```text
//! lightfield accounts list --filter '$name[startsWith]=Ac' --limit 10
//! lightfield contacts get con_0000000001
//! lightfield accounts create --field '$name=Acme' --field tier=Gold --rel '$owner=mem_0000000001'
//! lightfield object vendor list
//! lightfield schema account --rust Account
//! lightfield export contact -o contacts.csv
//! lightfield import contact contacts.csv
//! lightfield sync lightfield.db
//! lightfield mock --port 4010
//! ```
//!
//! Settings come from `--api-key`/`--base-url`, then `LIGHTFIELD_API_KEY` /
//! `LIGHTFIELD_BASE_URL`; the key is never printed. Errors go to stderr with the API's
//! message and `param`; the exit code says what kind of error it was (see [`exit`]).
//!
//! - `args`: the command line as clap reads it;
//! - records: `records` (`lightfield accounts list` …), `values` (what the user types, read
//!   by each field's type), `resources` (lists, files, mail, runs, schemas, Preview);
//! - bulk: `export`, `import`, `sync`, moves at the rate limit (`sync` fronts the
//!   lightfield-sync mirror; `import` keeps a journal that makes it resumable);
//!   `progress`: the bars;
//! - account: `config` (profiles and settings), `account` (`auth login|logout|status`);
//! - output: `output` (tables, JSON, YAML, CSV), `view` (one record), `safe` (CSV cells
//!   that cannot run as formulas, text that cannot drive a terminal);
//! - `mock`: the embedded local server; `exit`: exit codes by kind of error.

mod account;
mod args;
mod config;
mod exit;
mod export;
mod import;
mod mock;
mod output;
mod progress;
mod records;
mod resources;
mod safe;
mod sync;
mod values;
mod view;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use serde_json::Value;

use args::{AuthAction, Cli, Command, ObjectsAction};
use exit::Failure;
use lightfield::ObjectType;
use output::Out;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        // The SDK's request spans and events: method, path, status, attempts. The API key
        // is never part of them.
        // Only the SDK's own: the HTTP library's connection-pool lines say nothing a user
        // needs.
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        let only_the_sdk = tracing_subscriber::filter::Targets::new()
            .with_target("lightfield", tracing_subscriber::filter::LevelFilter::DEBUG);
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_target(false),
            )
            .with(only_the_sdk)
            .init();
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(error) => {
            // API messages and ids are server text: shown, never obeyed by the terminal,
            // each line escaped on its own so server text cannot start a line of its own.
            let mut lines = error.lines().into_iter();
            let first = lines.next().unwrap_or_default();
            eprintln!("error: {}", safe::for_terminal(&first));
            for line in lines {
                eprintln!("{}", safe::for_terminal(&line));
            }
            exit::code(&error)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    // Logging in makes the profile the settings would otherwise insist on finding.
    match &cli.command {
        Command::Auth {
            action: AuthAction::Login { no_check },
        } => return account::run(&cli, *no_check).await,
        Command::Auth {
            action: AuthAction::Logout,
        } => return account::logout(&cli),
        _ => {}
    }
    let cli = match cli.command {
        Command::Mock(args) => return mock::run(args).await,
        // Reads the local database only: no key needed.
        Command::Sync {
            action: Some(args::SyncAction::Status { database }),
            ..
        } => {
            let out = Out::new(cli.format, cli.query.as_deref())?;
            return sync::status(&database, &out);
        }
        Command::Completions { shell } => {
            // Written whole from memory: clap_complete panics on a failed write, and a
            // reader that goes away (`| head -1`) is no failure.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "lightfield", &mut script);
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), &script);
            return Ok(());
        }
        _ => cli,
    };
    let settings = config::settings(&cli)?;
    let out = Out::new(settings.format, cli.query.as_deref())?;
    let client = config::client(&cli, &settings)?;
    let target =
        import::target::Target::new(client.base_url(), settings.api_key.as_deref().unwrap_or(""));
    let (object, action): (ObjectType, args::Action) = match cli.command {
        Command::Accounts { action } => (ObjectType::Account, action.into()),
        Command::Contacts { action } => (ObjectType::Contact, action.into()),
        Command::Opportunities { action } => (ObjectType::Opportunity, action.into()),
        Command::Tasks { action } => (ObjectType::Task, action.into()),
        Command::Notes { action } => (ObjectType::Note, action.into()),
        Command::Meetings { action } => (ObjectType::Meeting, action.into()),
        Command::Members { action } => (ObjectType::Member, args::Action::Read(action)),
        Command::Channels { action } => (ObjectType::Channel, args::Action::Read(action)),
        Command::Messages { action } => (ObjectType::Message, args::Action::Read(action)),
        Command::Object { slug, action } => (ObjectType::Custom(slug), action.into()),
        other => return other_command(&client, &settings, other, &out, target).await,
    };
    records::run(&client, object, action, &out).await
}

/// Commands that are not about one record type's records.
async fn other_command(
    client: &lightfield::Client,
    settings: &config::Settings,
    command: Command,
    out: &Out,
    target: import::target::Target,
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
            out.value(&Value::Array(data))
        }
        Command::Emails { action } => resources::emails(client, action, out).await,
        Command::Lists { action } => resources::lists(client, action, out).await,
        Command::Schema(args) => resources::schema(client, args, out).await,
        Command::Open { id, browser } => records::open_by_id(client, id, browser).await,
        Command::Files { action } => resources::files(client, action, out).await,
        Command::Runs { action } => resources::runs(client, action, out).await,
        Command::Auth { action } => account::status(client, settings, action, out).await,
        #[cfg(feature = "preview")]
        command @ (Command::Senders { .. } | Command::Sequences { .. }) => {
            resources::preview(client, command, out).await
        }
        Command::Export {
            object,
            filter,
            output,
            concurrency,
            raw_csv,
        } => {
            let export = export::Export {
                object: records::object_type(&object),
                filters: filter,
                csv: export::wants_csv(output.as_deref(), settings.format)?,
                output,
                concurrency,
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
            yes,
            match_key,
        } => {
            let import = import::Import {
                yes,
                concurrency: concurrency.unwrap_or(if match_key.is_some() { 16 } else { 8 }),
                match_key,
                object: records::object_type(&object),
                file,
                dry_run,
                as_new,
                raw_csv,
                target,
                new_journal,
            };
            import::run(client, import).await
        }
        Command::Sync {
            database,
            schema,
            only,
            skip,
            plan,
            watch,
            history,
            ..
        } => {
            let run = sync::Sync {
                history,
                watch: watch.as_deref().map(sync::interval).transpose()?,
                database,
                schema,
                only,
                skip,
                plan,
            };
            sync::run(client, run, out).await
        }
        // Handled before a client is built, or by the caller.
        _ => Ok(()),
    }
}
