//! Settings: flags and environment variables first, then the chosen profile of the config
//! file, then the defaults.
//!
//! The config file is `$LIGHTFIELD_CONFIG`, else `$XDG_CONFIG_HOME/lightfield/config.toml`,
//! else `~/.config/lightfield/config.toml`:
//!
//! ```toml
//! default_profile = "staging"
//!
//! [profiles.staging]
//! base_url = "https://staging.example.com"
//! api_key_env = "LIGHTFIELD_STAGING_KEY"   # the key is read from this variable
//! format = "json"
//!
//! [profiles.prod]
//! api_key_file = "~/.lightfield/prod.key"  # or from this file (first line)
//! ```
//!
//! A profile never holds the key itself: a config file is easily shared or committed.
//! `lightfield auth login` (`account.rs`) writes such a profile, its key in a file of its own.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lightfield::Client;

use crate::args::{Cli, Format};
use crate::exit::Failure;

/// The settings a command runs with, and where they came from.
#[derive(Debug, Default)]
pub struct Settings {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub format: Option<Format>,
    /// The profile in use, if any.
    pub profile: Option<String>,
    /// Where the key came from, in words (never the key).
    pub key_source: String,
}

/// Where the config file is looked for: `LIGHTFIELD_CONFIG`, else the one in
/// [`user_dir`].
pub fn config_path() -> Option<PathBuf> {
    match std::env::var_os("LIGHTFIELD_CONFIG").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => user_dir().map(|dir| dir.join("config.toml")),
    }
}

/// The user's own lightfield directory, `$XDG_CONFIG_HOME/lightfield` else
/// `~/.config/lightfield`, whatever `LIGHTFIELD_CONFIG` names: keys saved by `auth login`
/// live here, never beside a config file that may sit in a project and be committed.
pub fn user_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("XDG_CONFIG_HOME") {
        return Some(Path::new(&dir).join("lightfield"));
    }
    var("HOME").map(|home| Path::new(&home).join(".config/lightfield"))
}

/// A variable of the environment, when set and not empty.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A format by name, as `--format` takes it.
fn format_named(name: &str, from: &str) -> Result<Format, Failure> {
    <Format as clap::ValueEnum>::from_str(name.trim(), true).map_err(|_| {
        Failure::Local(format!(
            "{from}: format `{name}` is not table, json, jsonl, yaml or csv"
        ))
    })
}

/// Whether plain http to another machine is allowed (`--allow-http`, or
/// `LIGHTFIELD_ALLOW_HTTP` set to `1` or `true`).
pub fn allow_http(cli: &Cli) -> bool {
    cli.allow_http
        || env("LIGHTFIELD_ALLOW_HTTP").is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// The settings for `cli`: its flags, then the environment, then its profile.
pub fn settings(cli: &Cli) -> Result<Settings, Failure> {
    let format = match (cli.format, env("LIGHTFIELD_FORMAT")) {
        (Some(format), _) => Some(format),
        (None, Some(name)) => Some(format_named(&name, "LIGHTFIELD_FORMAT")?),
        (None, None) => None,
    };
    let (api_key, key_source) = match (&cli.api_key, env("LIGHTFIELD_API_KEY")) {
        (Some(key), _) => (Some(key.clone()), "--api-key"),
        (None, Some(key)) => (Some(key), "LIGHTFIELD_API_KEY"),
        (None, None) => (
            None,
            "nowhere (no --api-key, LIGHTFIELD_API_KEY or profile)",
        ),
    };
    let asked_url = match (&cli.base_url, env("LIGHTFIELD_BASE_URL")) {
        (Some(url), _) => Some((url.clone(), "--base-url")),
        (None, Some(url)) => Some((url, "LIGHTFIELD_BASE_URL")),
        (None, None) => None,
    };
    let mut settings = Settings {
        api_key,
        base_url: asked_url.as_ref().map(|(url, _)| url.clone()),
        format,
        profile: None,
        key_source: key_source.into(),
    };
    let file = config_path().filter(|p| p.exists());
    let table = match &file {
        Some(path) => Some(read(path)?),
        None => None,
    };
    let chosen = cli
        .profile
        .clone()
        .or_else(|| env("LIGHTFIELD_PROFILE"))
        .or_else(|| {
            table
                .as_ref()
                .and_then(|t| t.get("default_profile"))
                .and_then(|v| v.as_str().map(str::to_string))
        });
    let Some(name) = chosen else {
        return Ok(settings);
    };
    let shown = file
        .as_ref()
        .map_or_else(|| "no config file".to_string(), |p| p.display().to_string());
    let profile = table
        .as_ref()
        .and_then(|t| t.get("profiles"))
        .and_then(|p| p.get(&name))
        .and_then(|p| p.as_table())
        .ok_or_else(|| {
            Failure::Local(format!(
                "profile `{name}` is not in {shown}; add a [profiles.{name}] table, or leave \
                 out --profile and LIGHTFIELD_PROFILE"
            ))
        })?;
    let text = |key: &str| -> Option<String> {
        profile
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let key_from_outside = settings.api_key.is_some();
    if settings.base_url.is_none() {
        settings.base_url = text("base_url");
    }
    if settings.format.is_none()
        && let Some(format) = text("format")
    {
        settings.format = Some(format_named(&format, &format!("profile `{name}`"))?);
    }
    if settings.api_key.is_none() {
        if let Some(var) = text("api_key_env") {
            settings.api_key = std::env::var(&var).ok().filter(|k| !k.is_empty());
            settings.key_source = format!("${var} (profile `{name}`)");
        } else if let Some(path) = text("api_key_file") {
            let path = expand_home(&path);
            let key = std::fs::read_to_string(&path).map_err(|e| {
                Failure::Local(format!(
                    "profile `{name}`: cannot read the key file {}: {e}; `lightfield auth \
                     login --profile {name}` saves one",
                    path.display()
                ))
            })?;
            settings.api_key = key.lines().next().map(|k| k.trim().to_string());
            settings.key_source = format!("{} (profile `{name}`)", path.display());
        }
    }
    // A profile's key is for the profile's server: a URL from elsewhere (the mock's banner
    // suggests exporting one) must not carry it to another server.
    if !key_from_outside
        && settings.api_key.is_some()
        && let Some((url, from)) = &asked_url
        && !same_server(
            url,
            text("base_url")
                .as_deref()
                .unwrap_or(lightfield::DEFAULT_BASE_URL),
        )
    {
        return Err(Failure::Local(format!(
            "profile `{name}` holds a key for {}, and {from} names {url}: the key is not \
             sent there. Use a profile for that server (--profile), give its key with \
             LIGHTFIELD_API_KEY, or unset {from}",
            text("base_url")
                .as_deref()
                .unwrap_or(lightfield::DEFAULT_BASE_URL)
        )));
    }
    if profile.contains_key("api_key") {
        return Err(Failure::Local(format!(
            "profile `{name}` holds a key in {shown}; keep keys out of the config file: \
             use api_key_env (a variable's name) or api_key_file (a file's path)"
        )));
    }
    settings.profile = Some(name);
    Ok(settings)
}

/// Whether two base URLs name the same server (a trailing `/` aside, the scheme and host
/// in any case).
fn same_server(one: &str, other: &str) -> bool {
    let normal = |url: &str| {
        let url = url.trim().trim_end_matches('/');
        match url.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                format!(
                    "{}://{}/{path}",
                    scheme.to_ascii_lowercase(),
                    host.to_ascii_lowercase()
                )
            }
            None => url.to_string(),
        }
    };
    normal(one) == normal(other)
}

fn read(path: &Path) -> Result<toml::Table, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Local(format!("cannot read {}: {e}", path.display())))?;
    text.parse::<toml::Table>()
        .map_err(|e| Failure::Local(format!("{} is not valid TOML: {e}", path.display())))
}

/// `path` with a leading `~/` read as the home directory.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The client `settings` and the command line's request flags describe.
pub fn client(cli: &Cli, settings: &Settings) -> Result<Client, Failure> {
    let key = settings.api_key.clone().ok_or_else(|| {
        Failure::Local(format!(
            "no API key: set LIGHTFIELD_API_KEY, pass --api-key, choose a profile with a key \
             (--profile), or save one with `lightfield auth login`{}",
            settings
                .profile
                .as_ref()
                .map(|p| format!("; profile `{p}` found none in {}", settings.key_source))
                .unwrap_or_default()
        ))
    })?;
    let mut builder = Client::builder()
        .api_key(key)
        .user_agent("lightfield-cli")
        .allow_insecure_http(allow_http(cli));
    if cli.no_rate_limit {
        builder = builder.rate_limit(None);
    }
    if let Some(url) = &settings.base_url {
        builder = builder.base_url(url);
    }
    if let Some(retries) = cli.max_retries {
        builder = builder.max_retries(retries);
    }
    if let Some(seconds) = cli.timeout {
        builder = builder.timeout(Duration::from_secs(seconds.max(1)));
    }
    Ok(builder.build()?)
}
