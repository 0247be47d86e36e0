//! `cargo run -p lightfield-mock -- --port 4010`: serve the mock until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use lightfield_mock::{MockConfig, MockServer};

const USAGE: &str = "usage: lightfield-mock [--port N] [--rate-limit N|off] [--latency-ms N] \
                     [--list-lag-ms N] [--newest-first] [--offset-cap N]";

fn parse_args() -> Result<MockConfig, String> {
    let mut config = MockConfig {
        port: 4010,
        ..MockConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
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
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let server = match MockServer::start_with(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the mock server: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "lightfield-mock listening on {} (Ctrl-C to stop)",
        server.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}
