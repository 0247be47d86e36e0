//! `lightfield auth login`: a key saved as a profile that later commands use with no
//! variable set, the config file kept as it was around it, and nothing saved for a key the
//! server refuses. (Typing the key on a terminal is in `terminal.rs`.)

use std::path::Path;
use std::process::Command;

use lightfield_mock::Fault;

use super::harness::{bare, json, ok, run_with, server, text};

/// The binary with `config` as its config file and no key or server of its own.
fn with_config(config: &Path) -> Command {
    let mut command = bare();
    command.env("LIGHTFIELD_CONFIG", config);
    command
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_saved_by_login_is_used_by_later_commands() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lightfield/config.toml");
    let login = |key: &str, args: &[&str]| {
        let all = [&["auth", "login"][..], args].concat();
        run_with(with_config(&config), &all, format!("{key}\n").as_bytes())
    };
    let saved = login(
        "sk_lf_first_key",
        &["--profile", "staging", "--base-url", server.url()],
    );
    ok(&saved);
    let said = text(&saved.stdout);
    assert!(said.contains("The key works"), "{said}");
    let key_file = dir.path().join("lightfield/staging.key");
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        "sk_lf_first_key\n"
    );
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(
        !written.contains("sk_lf_"),
        "the config file holds no key: {written}"
    );
    #[cfg(unix)]
    assert_eq!(
        (mode(&key_file), mode(key_file.parent().unwrap())),
        (0o600, 0o700)
    );

    // The first profile is the default: a command with nothing set uses its server and key.
    let status = json(&run_with(
        with_config(&config),
        &["auth", "status", "--format", "json"],
        b"",
    ));
    assert_eq!(status["server"], server.url());
    assert_eq!(status["profile"], "staging");
    let seen = server.requests();
    let last = seen.last().expect("a request");
    assert_eq!(last.header("authorization"), Some("Bearer sk_lf_first_key"));

    // A rotated key replaces the file; the profile is not added twice.
    ok(&login("sk_lf_rotated", &["--profile", "staging"]));
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        "sk_lf_rotated\n"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);

    // A second profile goes at the end; what the file held before is kept as it was.
    let with_comment = format!("# kept\n{written}");
    std::fs::write(&config, &with_comment).unwrap();
    let second = login(
        "sk_lf_second",
        &["--profile", "prod", "--base-url", server.url()],
    );
    ok(&second);
    assert!(text(&second.stdout).contains("--profile prod"));
    let now = std::fs::read_to_string(&config).unwrap();
    assert!(now.starts_with(&with_comment), "{now}");
    assert!(now.contains("[profiles.prod]"), "{now}");

    // Logging out of the default profile removes its key and says how to get one back;
    // logging in again needs no flags (the profile keeps its server).
    ok(&run_with(with_config(&config), &["auth", "logout"], b""));
    assert!(!key_file.exists());
    let keyless = run_with(with_config(&config), &["auth", "status"], b"");
    assert_eq!(keyless.status.code(), Some(5));
    assert!(text(&keyless.stderr).contains("auth login --profile staging"));
    ok(&login("", &["--api-key", "sk_lf_back"]));
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), "sk_lf_back\n");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), now);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_the_server_refuses_or_a_profile_made_by_hand_is_left_alone() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    server.inject(Fault::status(401).path("/v1/auth/validate"));
    let refused = run_with(
        with_config(&config),
        &["auth", "login", "--base-url", server.url()],
        b"sk_lf_wrong\n",
    );
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("not saved"));
    assert!(!config.exists() && !dir.path().join("default.key").exists());

    let by_hand = "[profiles.ci]\napi_key_env = \"CI_KEY\"\n";
    std::fs::write(&config, by_hand).unwrap();
    let clash = run_with(
        with_config(&config),
        &[
            "auth",
            "login",
            "--profile",
            "ci",
            "--base-url",
            server.url(),
        ],
        b"sk_lf_other\n",
    );
    assert_eq!(clash.status.code(), Some(5));
    assert!(text(&clash.stderr).contains("takes its key from elsewhere"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), by_hand);
}
