//! `lightfield`: the Lightfield API from the shell.
//!
//! ```text
//! lightfield accounts list --filter '$name[startsWith]=Ac' --limit 10
//! lightfield contacts get con_1
//! lightfield accounts create --field '$name=Acme' --field tier=Gold --rel '$owner=mem_1'
//! lightfield object vendor list
//! lightfield schema account --rust Account
//! lightfield export contact -o contacts.jsonl
//! lightfield mock --port 4010
//! ```
//!
//! Settings come from `--api-key`/`--base-url`, then `LIGHTFIELD_API_KEY` /
//! `LIGHTFIELD_BASE_URL`; the key is never printed. Errors go to stderr with the API's
//! message and `param`; the exit code says what kind of error it was (see [`exit`]).

mod args;
mod exit;
mod records;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match records::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            exit::code(&error)
        }
    }
}
