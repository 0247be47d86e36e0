//! Exit codes by kind of error, so scripts can tell them apart.
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | anything else (a file that cannot be written…) |
//! | 2 | the command line itself is wrong (clap) |
//! | 3 | the API refused the request (4xx) |
//! | 4 | the server failed or could not be reached (5xx, network, timeout), or a write may or may not have been carried out |
//! | 5 | the input was refused before sending (a bad value, a missing setting) |
//! | 5 | … or a sync refused its database (another organisation, a newer mirror, another sync running) |
//! | 6 | an import finished, but some rows were rejected (or, with `--dry-run`, have problems); a sync finished with problems |
//! | 130 | stopped by Ctrl-C (an import says how to continue) |
//!
//! A reader that closes the output early (`| head`) ends the command quietly, with 0.

use std::process::ExitCode;

use lightfield::Error;

/// What the CLI can fail with: an SDK error, or a local one.
#[derive(Debug)]
pub enum Failure {
    /// From the SDK.
    Sdk(Error),
    /// Reading or writing a local file, or a value the CLI could not parse.
    Local(String),
    /// An import ran to the end, but some rows were refused; they are in `file` (empty for
    /// a dry run, which lists them on stdout).
    Rejected { rows: u64, file: std::path::PathBuf },
    /// Standard output was closed by its reader (`| head`): nothing more to say.
    ClosedPipe,
    /// Stopped by Ctrl-C; the message says how to continue.
    Interrupted(String),
    /// Refused before anything was sent or written (a mirror of another organisation, or
    /// one another sync holds).
    Refused(String),
    /// Done, with problems the message names (a type the key may not read…).
    Problems(String),
    /// A command on several ids went on past the ones that failed: `failed` holds each
    /// with why, `of` how many ids there were. Its exit code is the first failure's.
    Partial {
        failed: Vec<(String, Failure)>,
        of: usize,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sdk(e) => f.write_str(&in_cli_words(e)),
            Self::ClosedPipe => f.write_str("the output was closed by its reader"),
            Self::Interrupted(how) => write!(f, "interrupted; {how}"),
            Self::Refused(why) => f.write_str(why),
            Self::Problems(what) => write!(f, "done, but {what}"),
            Self::Local(message) => f.write_str(message),
            Self::Partial { failed, of } if failed.len() == *of => {
                write!(f, "all {of} ids failed")
            }
            Self::Partial { failed, of } => write!(
                f,
                "{} of {of} ids failed (the others were done, and are shown)",
                failed.len()
            ),
            Self::Rejected { rows, file } if file.as_os_str().is_empty() => {
                let rows = crate::view::counted(*rows, "row has", "rows have");
                write!(f, "{rows} problems")
            }
            Self::Rejected { rows, file } => write!(
                f,
                "{}; they are in {} with their row \
                 number in `_row` and the reason in `_error`. Fix them there or in the input \
                 and import either file: rows already written are never written again",
                crate::view::counted(
                    *rows,
                    "row was rejected for its data",
                    "rows were rejected for their data"
                ),
                file.display()
            ),
        }
    }
}

impl Failure {
    /// What to print, a line each: one, or for [`Failure::Partial`] a line per failed id.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.to_string()];
        if let Self::Partial { failed, .. } = self {
            lines.extend(failed.iter().map(|(id, why)| format!("  {id}: {why}")));
        }
        lines
    }
}

/// An SDK error as the command line says it: what went wrong, and what to do with the
/// CLI's own flags and variables (the SDK's own wording names builder methods).
fn in_cli_words(error: &Error) -> String {
    use lightfield::ErrorKind as K;
    match error {
        Error::Api(api) => {
            let mut text = format!("{} {}", api.status, api.message);
            if let Some(param) = &api.param {
                text.push_str(&format!(" (`{param}`)"));
            }
            if let Some(id) = &api.request_id {
                text.push_str(&format!(" [request {id}]"));
            }
            let issues = api
                .details
                .iter()
                .filter(|(_, v)| v.is_array() || v.is_object())
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>();
            if !issues.is_empty() {
                text.push_str(&format!("; {}", issues.join("; ")));
            }
            if api.attempts > 1 {
                text.push_str(&format!(" (after {} attempts)", api.attempts));
            }
            let hint = match api.kind {
                K::NotFound => return format!("{text}; {}", not_found(api)),
                K::Unauthorized => Some(
                    "check the key: LIGHTFIELD_API_KEY, --api-key or your profile \
                     (`lightfield auth status` shows which is in use)",
                ),
                K::Forbidden => Some(
                    "the key lacks a scope for this; `lightfield auth status` lists its scopes",
                ),
                K::RateLimited => Some(
                    "the rate limit was reached; the CLI already waits as the server asks \
                     (--max-retries N waits longer)",
                ),
                K::Server => {
                    Some("the server failed; try again later (--max-retries N retries more)")
                }
                K::Redirect => Some("check --base-url / LIGHTFIELD_BASE_URL and any proxy"),
                K::IdempotencyConflict => {
                    Some("the same write is still running; wait a moment and run the command again")
                }
                _ => None,
            };
            match hint {
                Some(hint) => format!("{text}; {hint}"),
                None => text,
            }
        }
        Error::Network { source, attempts } => format!(
            "cannot reach the server ({source}) after {attempts} attempt{}; check the connection \
             and --base-url / LIGHTFIELD_BASE_URL, or retry more with --max-retries N",
            if *attempts == 1 { "" } else { "s" }
        ),
        Error::Timeout { attempts, .. } => format!(
            "no answer in time after {attempts} attempt{}; try again, or allow more with \
             --timeout SECONDS",
            if *attempts == 1 { "" } else { "s" }
        ),
        Error::InvalidInput { reason, .. } => {
            // The SDK names its builder methods; the CLI has flags for them.
            let reason = reason
                .replace(
                    "with `relationship` on a create, `add` or `replace` on an update",
                    "with --rel on create, --add or --replace on update",
                )
                .replace(
                    "`add` cannot link a second beside it; `replace` links another in its place",
                    "--add cannot link a second beside it; --replace links another in its place",
                );
            if reason.contains("nothing was sent") {
                reason
            } else {
                format!("{reason} (nothing was sent)")
            }
        }
        Error::Config(reason) => reason.clone(),
        Error::OutcomeUnknown(unknown) => {
            let how = in_cli_words(&unknown.source);
            match (&unknown.idempotency_key, unknown.deduplicated) {
                (Some(key), true) => format!(
                    "{how}. The write may or may not have been carried out: run the same \
                     command again with --idempotency-key {key} within 24 hours, and the API \
                     answers the first write instead of writing twice"
                ),
                _ => format!(
                    "{how}. The write may or may not have been carried out, and the API does \
                     not deduplicate it, so it was not sent again: check whether it took \
                     effect before running the command again"
                ),
            }
        }
        other => other.to_string(),
    }
}

/// What a 404 was an answer to, and what to do: a server that is not the API (no API
/// error in the body) is named as such; a type name close to a built-in one gets a "did
/// you mean".
fn not_found(api: &lightfield::ApiError) -> String {
    let request = api.request.as_deref().unwrap_or_default();
    let url = request.split_once(' ').map_or(request, |(_, url)| url);
    let asked = if request.is_empty() {
        String::new()
    } else {
        format!(" (asked: {request})")
    };
    if api.error_type.is_empty() {
        let server = url
            .split_once("://")
            .map(|(scheme, rest)| format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest)))
            .unwrap_or_else(|| "the server".into());
        return format!(
            "{server} answered with no API error in the body, as a server that is not the \
             Lightfield API would: check --base-url / LIGHTFIELD_BASE_URL{asked}"
        );
    }
    let slug = url
        .split("/v1/objects/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|slug| !slug.is_empty());
    let builtin = slug.and_then(|slug| {
        const TYPES: [&str; 9] = [
            "account",
            "contact",
            "opportunity",
            "task",
            "note",
            "meeting",
            "member",
            "email",
            "list",
        ];
        TYPES
            .iter()
            .flat_map(|t| [t.to_string(), format!("{t}s"), "opportunities".to_string()])
            .map(|t| (strsim::levenshtein(&slug.to_lowercase(), &t), t))
            .filter(|(distance, _)| *distance <= 2)
            .min()
    });
    match (slug, builtin) {
        (Some(slug), Some((_, name))) => format!(
            "`{slug}` is no type of this organisation; did you mean `{name}`? (`lightfield \
             objects list` shows the custom ones){asked}"
        ),
        _ => format!(
            "check the id, and the type (`lightfield objects list` shows the custom ones){asked}"
        ),
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Sdk(e)
    }
}

/// The exit code for `failure`.
pub fn code(failure: &Failure) -> ExitCode {
    ExitCode::from(match failure {
        Failure::Sdk(Error::Api(api)) if api.status < 500 => 3,
        Failure::Sdk(
            Error::Api(_)
            | Error::Network { .. }
            | Error::Timeout { .. }
            | Error::OutcomeUnknown(_)
            | Error::Shifted(_),
        ) => 4,
        Failure::Sdk(Error::InvalidInput { .. } | Error::Config(_)) => 5,
        Failure::Local(_) => 5,
        Failure::Rejected { .. } | Failure::Problems(_) => 6,
        Failure::Refused(_) => 5,
        Failure::ClosedPipe => 0,
        Failure::Interrupted(_) => 130,
        Failure::Partial { failed, .. } => {
            return failed
                .first()
                .map_or(ExitCode::FAILURE, |(_, first)| code(first));
        }
        Failure::Sdk(_) => 1,
    })
}
