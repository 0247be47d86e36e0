//! Running the binary as a user would: against a lightfield-mock, with the environment of
//! the machine running the tests kept out (no config file, format or profile of its own).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use lightfield_mock::{MockConfig, MockServer};
use serde_json::Value;

pub const KEY: &str = "sk_lf_harness_secret";

/// A mock without rate limits.
pub async fn server() -> MockServer {
    MockServer::start_with(MockConfig {
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

/// The SDK aimed at `server`, for setting up what the binary is then run against.
pub fn sdk(server: &MockServer) -> lightfield::Client {
    lightfield::Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .build()
        .expect("a client")
}

/// The binary with no settings from this machine: no config file, no profile, no format.
pub fn bare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lightfield"));
    for name in [
        "LIGHTFIELD_API_KEY",
        "LIGHTFIELD_BASE_URL",
        "LIGHTFIELD_FORMAT",
        "LIGHTFIELD_PROFILE",
        "LIGHTFIELD_ALLOW_HTTP",
        "NO_COLOR",
    ] {
        command.env_remove(name);
    }
    command.env(
        "LIGHTFIELD_CONFIG",
        "/nonexistent/lightfield-test-config.toml",
    );
    // Where `auth login` keeps keys: never the real home's.
    command.env("XDG_CONFIG_HOME", "/nonexistent/lightfield-test-home");
    command
}

/// The binary pointed at `server` with a key.
pub fn at(server: &MockServer) -> Command {
    let mut command = bare();
    command
        .env("LIGHTFIELD_API_KEY", KEY)
        .env("LIGHTFIELD_BASE_URL", server.url());
    command
}

/// Runs `command` with `args`, `input` on standard input.
pub fn run_with(mut command: Command, args: &[&str], input: &[u8]) -> Output {
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("stdin written");
    }
    child.wait_with_output().expect("the binary ends")
}

/// Runs the binary against `server` with `args`.
pub fn run(server: &MockServer, args: &[&str]) -> Output {
    run_with(at(server), args, b"")
}

/// Standard output (or error) as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Standard output as JSON, or a panic showing what it was.
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}

/// Asserts the run succeeded, showing its stderr when not.
pub fn ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        text(&output.stderr)
    );
}
