//! `lightfield auth login`: a key saved as a profile that later commands use with no
//! variable set, the config file kept as it was around it, and nothing saved for a key the
//! server refuses. (Typing the key on a terminal is in `terminal.rs`.)

use std::path::Path;
use std::process::Command;

use lightfield_mock::Fault;

use super::harness::{bare, json, ok, run_with, server, text};

/// The binary with `config` as its config file, `home` as the user's config home
/// (`XDG_CONFIG_HOME`), and no key or server of its own.
fn with_config(config: &Path, home: &Path) -> Command {
    let mut command = bare();
    command
        .env("LIGHTFIELD_CONFIG", config)
        .env("XDG_CONFIG_HOME", home);
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
        run_with(
            with_config(&config, dir.path()),
            &all,
            format!("{key}\n").as_bytes(),
        )
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
        with_config(&config, dir.path()),
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
    ok(&run_with(
        with_config(&config, dir.path()),
        &["auth", "logout"],
        b"",
    ));
    assert!(!key_file.exists());
    let keyless = run_with(with_config(&config, dir.path()), &["auth", "status"], b"");
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
        with_config(&config, dir.path()),
        &["auth", "login", "--base-url", server.url()],
        b"sk_lf_wrong\n",
    );
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("not saved"));
    assert!(!config.exists() && !dir.path().join("default.key").exists());

    let by_hand = "[profiles.ci]\napi_key_env = \"CI_KEY\"\n";
    std::fs::write(&config, by_hand).unwrap();
    let clash = run_with(
        with_config(&config, dir.path()),
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

/// A project's config file (`LIGHTFIELD_CONFIG` in a git work tree) gets the profile; the
/// key goes to the user's own config directory, never beside it.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_is_kept_in_the_users_own_directory_whatever_config_file_is_named() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let (repo, home) = (dir.path().join("repo"), dir.path().join("home"));
    std::fs::create_dir_all(&repo).unwrap();
    let config = repo.join("lightfield.toml");
    let saved = run_with(
        with_config(&config, &home),
        &["auth", "login", "--base-url", server.url()],
        b"sk_lf_project_key\n",
    );
    ok(&saved);
    let in_repo: Vec<_> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        in_repo,
        ["lightfield.toml"],
        "nothing but the config in the project"
    );
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(!written.contains("sk_lf_"), "{written}");
    let keys: Vec<_> = std::fs::read_dir(home.join("lightfield"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "key"))
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(
        std::fs::read_to_string(&keys[0]).unwrap(),
        "sk_lf_project_key\n"
    );
    assert!(written.contains(&*keys[0].to_string_lossy()), "{written}");
    // The user's own config's profile of the same name keeps a key of its own.
    let own = home.join("lightfield/config.toml");
    ok(&run_with(
        with_config(&own, &home),
        &["auth", "login", "--base-url", server.url()],
        b"sk_lf_own_key\n",
    ));
    assert_eq!(
        std::fs::read_to_string(&keys[0]).unwrap(),
        "sk_lf_project_key\n"
    );
    assert_eq!(
        std::fs::read_to_string(home.join("lightfield/default.key")).unwrap(),
        "sk_lf_own_key\n"
    );
}

/// A profile's key goes only to the profile's server: a LIGHTFIELD_BASE_URL left over from
/// another server (the mock's banner suggests one) is refused before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_profiles_key_is_not_sent_to_a_server_named_elsewhere() {
    let (ours, other) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    ok(&run_with(
        with_config(&config, dir.path()),
        &["auth", "login", "--base-url", ours.url()],
        b"sk_lf_profile_key\n",
    ));
    let mut elsewhere = with_config(&config, dir.path());
    elsewhere.env("LIGHTFIELD_BASE_URL", other.url());
    let refused = run_with(elsewhere, &["accounts", "list"], b"");
    assert_eq!(refused.status.code(), Some(5), "{}", text(&refused.stderr));
    let said = text(&refused.stderr);
    assert!(
        said.contains("LIGHTFIELD_BASE_URL") && said.contains("not sent"),
        "{said}"
    );
    assert!(
        other.requests().is_empty(),
        "the other server heard nothing"
    );
    // The same server named again (a trailing slash aside) is fine; so is a key given
    // with the URL.
    let mut same = with_config(&config, dir.path());
    same.env("LIGHTFIELD_BASE_URL", format!("{}/", ours.url()));
    ok(&run_with(same, &["accounts", "list"], b""));
    let mut both = with_config(&config, dir.path());
    both.env("LIGHTFIELD_BASE_URL", other.url())
        .env("LIGHTFIELD_API_KEY", "sk_lf_other_key");
    ok(&run_with(both, &["accounts", "list"], b""));
}

/// Two logins at once both keep their profile (the config is locked from read to write),
/// and a config with profiles but no default gets the new one as its default, as said.
#[tokio::test(flavor = "multi_thread")]
async fn logins_at_once_keep_both_profiles_and_the_default_said_is_written() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[profiles.ci]\napi_key_env = \"CI_KEY\"\n").unwrap();
    server.inject(
        Fault::delay(std::time::Duration::from_millis(600))
            .path("/v1/auth/validate")
            .times(2),
    );
    let login = |name: &str| {
        let mut command = with_config(&config, dir.path());
        command.args([
            "auth",
            "login",
            "--profile",
            name,
            "--base-url",
            server.url(),
        ]);
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("sk_lf_{name}\n").as_bytes())
            .unwrap();
        child
    };
    let (alpha, beta) = (login("alpha"), login("beta"));
    let (alpha, beta) = (
        alpha.wait_with_output().unwrap(),
        beta.wait_with_output().unwrap(),
    );
    ok(&alpha);
    ok(&beta);
    let table: toml::Table = std::fs::read_to_string(&config).unwrap().parse().unwrap();
    for name in ["ci", "alpha", "beta"] {
        assert!(
            table["profiles"].get(name).is_some(),
            "{name} lost: {table:?}"
        );
    }
    let default = table["default_profile"].as_str().unwrap().to_string();
    let said_default = [&alpha, &beta]
        .iter()
        .filter(|o| text(&o.stdout).contains("is the default profile"))
        .count();
    assert_eq!(said_default, 1, "one of them is the default, and says so");
    let status = json(&run_with(
        with_config(&config, dir.path()),
        &["auth", "status", "--format", "json"],
        b"",
    ));
    assert_eq!(status["profile"], default.as_str());
}
