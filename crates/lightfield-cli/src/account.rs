//! `lightfield auth`: `login` saves an API key as a profile, so later commands need neither
//! a variable nor a flag; `logout` forgets it; `status` says which key, profile and server
//! a command would use, and what the server makes of the key.
//!
//! The key goes to a file of its own, readable only by you, in your own config directory
//! (`~/.config/lightfield/NAME.key`) whatever `LIGHTFIELD_CONFIG` names: a config file in
//! a project may be shared or committed, and a key beside it would go with it. The profile
//! names that file, so the config file never holds a key. A new profile is added at the end
//! of the config file, whose other text is kept as it is; both files are written beside
//! their final name and renamed into place, so neither is ever left half-written, and a
//! lock in your config directory keeps two logins at once from losing one of the profiles.

use std::io::{BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};

use crate::args::{AuthAction, Cli};
use crate::config::{self, Settings};
use crate::exit::Failure;
use serde_json::json;

/// Saves the key typed (or piped in) as the profile `--profile` / `LIGHTFIELD_PROFILE`
/// names, `default` otherwise; unless `no_check`, only once the server has accepted it.
pub async fn run(cli: &Cli, no_check: bool) -> Result<(), Failure> {
    // Held from reading the config file to writing it back: another login waits.
    let _lock = lock()?;
    let Place {
        name,
        config_file,
        key_file,
        old_text,
        table,
    } = place(cli)?;
    let existing = profile(&table, &name);
    let asked_url = cli
        .base_url
        .clone()
        .or_else(|| config::env("LIGHTFIELD_BASE_URL"));
    let base_url = match existing {
        // The key of an existing profile may be replaced (a rotated key), as long as it is
        // the profile this command made: its key in its own file, for the same server.
        Some(profile) => {
            if !saved_by_login(profile, &key_file) {
                return Err(Failure::Local(format!(
                    "profile `{name}` in {} takes its key from elsewhere; log in under \
                     another --profile, or edit that file",
                    config_file.display()
                )));
            }
            let saved = profile
                .get("base_url")
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            if asked_url.is_some() && asked_url != saved {
                return Err(Failure::Local(format!(
                    "profile `{name}` in {} is for {}; log in to another server under \
                     another --profile",
                    config_file.display(),
                    saved.as_deref().unwrap_or("the default server")
                )));
            }
            saved
        }
        None => asked_url,
    };

    let key = match &cli.api_key {
        Some(key) => checked_key(key)?,
        None => read_key(&name)?,
    };
    let settings = Settings {
        api_key: Some(key.clone()),
        base_url: base_url.clone(),
        ..Settings::default()
    };
    let client = config::client(cli, &settings)?;
    let mut said = Vec::new();
    if !no_check {
        let checked = client.validate().send().await.inspect_err(|_| {
            eprintln!("the key was not saved: the server did not accept it");
        })?;
        if !checked.active {
            return Err(Failure::Local(
                "the server says this key is not active; the key was not saved".into(),
            ));
        }
        said.push(format!(
            "The key works at {}: {} key with {} scopes.",
            client.base_url(),
            checked.subject_type.as_ref().map_or("a", |s| s.as_api()),
            checked.scopes.len()
        ));
    }

    // The key's directory is the lock's, made already; the config file's may be new.
    if let Some(parent) = config_file.parent().filter(|p| !p.as_os_str().is_empty()) {
        make_dir(parent)?;
    }
    crate::output::write_whole(&key_file, format!("{key}\n").as_bytes())?;
    said.push(format!(
        "Saved the key in {} (readable only by you).",
        key_file.display()
    ));
    // With no default_profile, commands use no profile at all: the new one becomes the
    // default, as the message below says.
    let first = !table.contains_key("default_profile");
    if existing.is_none() {
        let text = with_profile(
            old_text.as_deref(),
            &name,
            base_url.as_deref(),
            &key_file,
            first,
        )?;
        crate::output::write_whole(&config_file, text.as_bytes())?;
        said.push(format!(
            "Added profile `{name}` to {}.",
            config_file.display()
        ));
    }
    let default = match table.get("default_profile").and_then(toml::Value::as_str) {
        Some(default) => default == name,
        None => existing.is_none(),
    };
    said.push(if default {
        format!("`{name}` is the default profile: commands use it unless told otherwise.")
    } else {
        format!("Use it with --profile {name} (or LIGHTFIELD_PROFILE={name}).")
    });
    if config::env("LIGHTFIELD_API_KEY").is_some() {
        said.push(
            "Note: LIGHTFIELD_API_KEY is set, and a variable comes before any profile; unset \
             it to use this one."
                .into(),
        );
    }
    crate::output::text(&format!("{}\n", said.join("\n")))
}

/// Forgets the key `auth login` saved for a profile: its key file goes; the profile stays.
pub fn logout(cli: &Cli) -> Result<(), Failure> {
    let Place {
        name,
        config_file,
        key_file,
        table,
        ..
    } = place(cli)?;
    if !profile(&table, &name).is_some_and(|p| saved_by_login(p, &key_file)) {
        return Err(Failure::Local(format!(
            "profile `{name}` in {} has no key saved by `auth login`; nothing was removed",
            config_file.display()
        )));
    }
    match std::fs::remove_file(&key_file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(cannot("remove", &key_file, e)),
    }
    crate::output::text(&format!(
        "Removed the key of profile `{name}` ({}); `lightfield auth login --profile {name}` \
         saves a new one.\n",
        key_file.display()
    ))
}

/// The profile `name` of the config file `table`, if it has one.
fn profile<'a>(table: &'a toml::Table, name: &str) -> Option<&'a toml::Table> {
    table
        .get("profiles")?
        .get(name)
        .and_then(toml::Value::as_table)
}

/// Whether `profile` takes its key from `key_file`, the file `auth login` writes for it.
fn saved_by_login(profile: &toml::Table, key_file: &Path) -> bool {
    profile
        .get("api_key_file")
        .and_then(toml::Value::as_str)
        .is_some_and(|file| config::expand_home(file) == key_file)
}

/// Where a profile's files are, and what the config file holds now.
struct Place {
    name: String,
    config_file: PathBuf,
    /// In the user's own config directory ([`key_file`]).
    key_file: PathBuf,
    old_text: Option<String>,
    table: toml::Table,
}

/// The file the key of profile `name` of `config_file` is saved in: `NAME.key` in the
/// user's config directory for its own config file, and for any other (a project's) a
/// name that tells the two apart, so profiles of the same name never share a key.
fn key_file(config_file: &Path, name: &str) -> Result<PathBuf, Failure> {
    let dir = user_dir()?;
    let own = dir.join("config.toml");
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if absolute(config_file) == absolute(&own) {
        return Ok(dir.join(format!("{name}.key")));
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(absolute(config_file).as_os_str().as_encoded_bytes());
    let tag: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    Ok(dir.join(format!("{name}-{tag}.key")))
}

/// The user's own config directory, where keys and the login lock are kept.
fn user_dir() -> Result<PathBuf, Failure> {
    config::user_dir().ok_or_else(|| {
        Failure::Local(
            "no place for the key: set HOME or XDG_CONFIG_HOME (keys are kept in your own \
             config directory, never beside a config file)"
                .into(),
        )
    })
}

/// An exclusive lock (`.login.lock` in the user's config directory), released when
/// dropped: two logins at once would each read the config file, and the second write would
/// drop the first one's profile. One lock for all of a user's logins: they are rare.
fn lock() -> Result<std::fs::File, Failure> {
    let dir = user_dir()?;
    make_dir(&dir)?;
    let path = dir.join(".login.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| cannot("open", &path, e))?;
    file.lock().map_err(|e| cannot("lock", &path, e))?;
    Ok(file)
}

/// The profile `--profile` or `LIGHTFIELD_PROFILE` names (else the config file's default,
/// else `default`), its key file and the config file beside it.
fn place(cli: &Cli) -> Result<Place, Failure> {
    let asked = cli
        .profile
        .clone()
        .or_else(|| config::env("LIGHTFIELD_PROFILE"));
    let config_file = config::config_path().ok_or_else(|| {
        Failure::Local(
            "no place for the config file: set HOME, XDG_CONFIG_HOME or LIGHTFIELD_CONFIG".into(),
        )
    })?;
    let old_text = match std::fs::read_to_string(&config_file) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(cannot("read", &config_file, e)),
    };
    let table = match &old_text {
        Some(text) => text.parse::<toml::Table>().map_err(|e| {
            Failure::Local(format!(
                "{} is not valid TOML ({e}); fix it first, nothing was changed",
                config_file.display()
            ))
        })?,
        None => toml::Table::new(),
    };
    let name = asked
        .or_else(|| {
            table
                .get("default_profile")
                .and_then(toml::Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "default".to_string());
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Failure::Local(format!(
            "profile name `{name}`: use letters, digits, `-` and `_`"
        )));
    }
    let key_file = key_file(&config_file, &name)?;
    Ok(Place {
        name,
        config_file,
        key_file,
        old_text,
        table,
    })
}

/// The key, typed without echo on a terminal or read from the first line piped in.
fn read_key(name: &str) -> Result<String, Failure> {
    let typed = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!(
            "API key for profile `{name}` (not shown as you type): "
        ))
        .map_err(|e| Failure::Local(format!("cannot read the key from the terminal: {e}")))?
    } else {
        let mut line = String::new();
        // A key is short: a line longer than this is not one.
        std::io::stdin()
            .lock()
            .take(4096)
            .read_line(&mut line)
            .map_err(|e| Failure::Local(format!("cannot read the key from stdin: {e}")))?;
        line
    };
    checked_key(&typed)
}

/// `typed` without the spaces around it, if it can be a key.
fn checked_key(typed: &str) -> Result<String, Failure> {
    let key = typed.trim();
    if key.is_empty() {
        return Err(Failure::Local(
            "no key given: type it at the prompt, or pipe it in (`printf '%s\\n' \"$KEY\" | \
             lightfield auth login`)"
                .into(),
        ));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::Local(
            "the key has spaces or control characters in it; paste the key alone".into(),
        ));
    }
    Ok(key.to_string())
}

/// The config file's text with profile `name` added at its end (and, for the first
/// profile, made the default at its top). Checked by reading it back before it is written.
fn with_profile(
    old: Option<&str>,
    name: &str,
    base_url: Option<&str>,
    key_file: &Path,
    first: bool,
) -> Result<String, Failure> {
    let key_path = key_file.to_str().ok_or_else(|| {
        Failure::Local(format!(
            "{} is not UTF-8, which a TOML file cannot name; set LIGHTFIELD_CONFIG to another place",
            key_file.display()
        ))
    })?;
    // A JSON string is a valid TOML basic string: both quote with `"` and escape `\`, `"`
    // and control characters the same way.
    let quoted = |s: &str| serde_json::Value::from(s).to_string();
    let mut text = String::new();
    if first {
        text.push_str(&format!("default_profile = {}\n\n", quoted(name)));
    }
    if let Some(old) = old.filter(|o| !o.trim().is_empty()) {
        text.push_str(old);
        if !old.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
    }
    text.push_str(&format!("[profiles.{name}]\n"));
    if let Some(url) = base_url {
        text.push_str(&format!("base_url = {}\n", quoted(url)));
    }
    text.push_str(&format!("api_key_file = {}\n", quoted(key_path)));
    let reads_back = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| {
            t.get("profiles")?
                .get(name)?
                .get("api_key_file")?
                .as_str()
                .map(str::to_string)
        })
        .is_some_and(|path| path == key_path);
    if !reads_back {
        return Err(Failure::Local(format!(
            "could not add profile `{name}` to the config file as it is; add it by hand: \
             [profiles.{name}] api_key_file = {}",
            quoted(key_path)
        )));
    }
    Ok(text)
}

/// Creates `dir` (only you may enter it, when it is new).
fn make_dir(dir: &Path) -> Result<(), Failure> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| cannot("create", dir, e))
}

fn cannot(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure::Local(format!("cannot {what} {}: {e}", path.display()))
}

/// `lightfield auth status`.
pub async fn status(
    client: &lightfield::Client,
    settings: &crate::config::Settings,
    action: crate::args::AuthAction,
    out: &crate::output::Out,
) -> Result<(), Failure> {
    match action {
        AuthAction::Status => {
            let key = client.validate().send().await.inspect_err(|_| {
                // What was tried, even when the check fails (as `gh auth status` does).
                eprintln!(
                    "profile: {}; key from: {}; server: {}",
                    settings.profile.as_deref().unwrap_or("(none)"),
                    settings.key_source,
                    client.base_url()
                );
            })?;
            out.value(&json!({
                "active": key.active,
                "subjectType": key.subject_type.as_ref().map(|s| s.as_api().to_string()),
                "tokenType": key.token_type,
                "scopes": key.scopes,
                "server": client.base_url(),
                "profile": settings.profile,
                "keyFrom": settings.key_source,
            }))
        }
        // Settled before any settings are read (the profile may not exist yet).
        AuthAction::Login { .. } | AuthAction::Logout => Err(Failure::Local(
            "`auth login` and `logout` run before a client is made".into(),
        )),
    }
}
