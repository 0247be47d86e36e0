//! `cargo run -p lightfield-mock -- --port 4010`: serve the mock until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use lightfield_mock::{Churn, MockConfig, MockServer};

const USAGE: &str = "usage: lightfield-mock [--port N] [--rate-limit N|off] [--latency-ms N] \
                     [--list-lag-ms N] [--newest-first] [--offset-cap N] [--seed N] \
                     [--churn PER_SECOND]";

const HELP: &str = "\
The in-memory Lightfield server, over HTTP, until Ctrl-C. Any bearer key works.

Usage: lightfield-mock [OPTIONS]

Options:
      --port <N>              Port to listen on [default: 4010; 0 for any free port]
      --rate-limit <N|off>    Requests per second per category [default: the API's 25]
      --latency-ms <N>        Milliseconds added to every answer [default: 0]
      --list-lag-ms <N>       Lists show writes this much later, like the API's index
      --newest-first          Lists show the newest records first
      --offset-cap <N>        The largest offset a list takes [default: none]
      --seed <N>              Start with N accounts besides the seeded records
      --churn <PER_SECOND>    Keep changing accounts (creates, updates, trashes, restores,
                              merges, new fields) this many times a second
  -h, --help                  Print this help";

/// What the command line asked for.
struct Asked {
    config: MockConfig,
    seed: usize,
    churn: Option<f64>,
}

/// The arguments, or what to print and the exit code: help is no failure (0), a wrong
/// command line is a usage error (2).
fn parse_args() -> Result<Asked, (String, u8)> {
    parse().map_err(|e| match e {
        Parsed::Usage(message) => (message, 2),
        Parsed::Help(text) => (text, 0),
    })
}

enum Parsed {
    Usage(String),
    Help(String),
}

impl From<String> for Parsed {
    fn from(message: String) -> Self {
        Self::Usage(message)
    }
}

fn parse() -> Result<Asked, Parsed> {
    let mut config = MockConfig {
        port: 4010,
        ..MockConfig::default()
    };
    let (mut seed, mut churn) = (0, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => config.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--rate-limit" => {
                let v = value()?;
                config.rate_limit = if v == "off" {
                    None
                } else {
                    Some(v.parse().map_err(|e| format!("--rate-limit: {e}"))?)
                };
            }
            "--latency-ms" => {
                config.latency = Duration::from_millis(
                    value()?.parse().map_err(|e| format!("--latency-ms: {e}"))?,
                )
            }
            "--list-lag-ms" => {
                config.listing.lag = Duration::from_millis(
                    value()?
                        .parse()
                        .map_err(|e| format!("--list-lag-ms: {e}"))?,
                )
            }
            "--newest-first" => config.listing.newest_first = true,
            "--offset-cap" => {
                config.listing.offset_cap =
                    Some(value()?.parse().map_err(|e| format!("--offset-cap: {e}"))?)
            }
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--churn" => {
                let rate: f64 = value()?.parse().map_err(|e| format!("--churn: {e}"))?;
                if !(rate.is_finite() && rate > 0.0) {
                    return Err(Parsed::Usage(
                        "--churn: changes per second, more than 0".into(),
                    ));
                }
                churn = Some(rate);
            }
            "-h" | "--help" => return Err(Parsed::Help(HELP.to_string())),
            other => return Err(Parsed::Usage(format!("unknown argument `{other}`"))),
        }
    }
    Ok(Asked {
        config,
        seed,
        churn,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let asked = match parse_args() {
        Ok(asked) => asked,
        Err((help, 0)) => {
            println!("{help}");
            return ExitCode::SUCCESS;
        }
        Err((message, code)) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(code);
        }
    };
    let server = match MockServer::start_with(asked.config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the mock server: {e}");
            return ExitCode::FAILURE;
        }
    };
    server.seed_records(
        "account",
        asked.seed,
        |i| serde_json::json!({"$name": format!("Seeded account {i}")}),
    );
    let _churn = asked
        .churn
        .map(|rate| server.churn(Churn::new("account", rate)));
    println!(
        "lightfield-mock listening on {} (Ctrl-C to stop)",
        server.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}
