//! The commands beyond records: schemas, files, mail, runs, auth, the Preview resources
//! and the local server.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `schema`'s arguments.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// `account`, `contacts`…, or a custom object's slug.
    pub object: String,
    /// Print a `#[derive(Record)]` struct with this name instead.
    #[arg(long, value_name = "NAME")]
    pub rust: Option<String>,
}

/// `objects` actions.
#[derive(Debug, Subcommand)]
pub enum ObjectsAction {
    /// The custom object types.
    List,
}

/// `files` actions.
#[derive(Debug, Subcommand)]
pub enum FilesAction {
    /// Files, newest pages first as the API orders them.
    List {
        /// How many files to show; pages are fetched as needed.
        #[arg(long, default_value_t = 25)]
        limit: u64,
        /// Every file.
        #[arg(long, conflicts_with = "limit")]
        all: bool,
    },
    /// One file's metadata.
    Get {
        /// The file's id.
        id: String,
    },
    /// Upload a file (create, send the bytes, complete, with an MD5 check).
    Upload {
        /// The file to upload.
        path: PathBuf,
        /// Its media type [default: guessed from the extension].
        #[arg(long)]
        mime_type: Option<String>,
        /// What it is for: `meeting_transcript`, `knowledge_user`, `knowledge_workspace`,
        /// `email_attachment`.
        #[arg(long)]
        purpose: Option<String>,
    },
    /// Download a completed file.
    Download {
        /// The file's id.
        id: String,
        /// Where to write it [default: its name, in this directory]; `-` for standard
        /// output. An existing file is replaced only when the download is complete.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Abandon a pending upload.
    Cancel {
        /// The file's id.
        id: String,
    },
}

/// `runs` actions.
#[derive(Debug, Subcommand)]
pub enum RunsAction {
    /// A workflow run's status.
    Status {
        /// The run's id.
        id: String,
        /// Wait until it has finished.
        #[arg(long)]
        wait: bool,
    },
}

/// `auth` actions.
#[derive(Debug, Subcommand)]
pub enum AuthAction {
    /// Whether the key works, whose it is and what it may do; which profile and server are
    /// in use.
    Status,
    /// Save an API key as a profile, so later commands need no variable.
    ///
    /// The key (typed without echo on a terminal, piped in, or given with --api-key) is
    /// checked with the server, written to a file only you can read in your own config
    /// directory (whatever LIGHTFIELD_CONFIG names), and the profile (`--profile`, else the default profile, else `default`) points at it.
    #[command(after_help = "Examples:
  lightfield auth login                                   # the `default` profile
  lightfield auth login --profile staging --base-url https://staging.example.com
  printf '%s\\n' \"$KEY\" | lightfield auth login --profile prod")]
    Login {
        /// Save the key without asking the server whether it works.
        #[arg(long)]
        no_check: bool,
    },
    /// Forget the key `auth login` saved for a profile.
    ///
    /// The profile is `--profile`, else the default one. Its key file is removed; the
    /// profile stays, so `auth login` for it again needs no flags.
    Logout,
}

/// An email to send or save as a draft.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// The sender's address (a connected mailbox).
    #[arg(long)]
    pub from: String,
    /// Recipients (repeatable, or comma-separated).
    #[arg(long, value_delimiter = ',', required = true)]
    pub to: Vec<String>,
    /// Copy recipients.
    #[arg(long, value_delimiter = ',')]
    pub cc: Vec<String>,
    /// Blind-copy recipients.
    #[arg(long, value_delimiter = ',')]
    pub bcc: Vec<String>,
    /// The subject.
    #[arg(long)]
    pub subject: Option<String>,
    /// The body as plain text; `-` reads it from standard input.
    #[arg(long)]
    pub text: Option<String>,
    /// The body as HTML, from a file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Files to attach, by file id (`lightfield files upload` gives one).
    #[arg(long, value_delimiter = ',')]
    pub attach: Vec<String>,
    /// The idempotency key to send: the one an earlier attempt printed when its outcome was
    /// unknown, so that the API answers that attempt instead of sending the email twice
    /// (within 24 hours). Made afresh when left out.
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
}

/// `mock`'s arguments.
#[derive(Debug, Args)]
pub struct MockArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 4010)]
    pub port: u16,
    /// Requests per second per category, or `off` [default: the API's limits].
    #[arg(long, value_name = "N|off")]
    pub rate_limit: Option<String>,
    /// Milliseconds added to every answer, to feel a remote server.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Start with demo records (accounts, contacts, opportunities, tasks, notes), so the
    /// first `list` shows something.
    #[arg(long)]
    pub demo: bool,
    /// Lists show a creation, trash or restore only this many milliseconds later, as the
    /// API's search index lags writes.
    #[arg(long, default_value_t = 0)]
    pub list_lag_ms: u64,
    /// Lists show the newest records first, so every creation shifts the pages after it.
    #[arg(long)]
    pub newest_first: bool,
    /// The largest `offset` a list takes.
    #[arg(long)]
    pub offset_cap: Option<usize>,
    /// Start with this many accounts besides (stored directly, in a moment even for
    /// 100,000): an organisation big enough to try `sync` or `export` on.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: usize,
    /// Keep changing accounts this many times a second (creates, updates, trashes,
    /// restores, merges, new fields), as a busy organisation does.
    #[arg(long, value_name = "PER_SECOND")]
    pub churn: Option<f64>,
}

/// `mock --help`: its own flags only (the client settings mean nothing to a server).
pub const MOCK_HELP: &str = "\
Run the embedded local Lightfield server, to try every command without an account.

Usage: lightfield mock [OPTIONS]

Options:
      --port <PORT>          Port to listen on [default: 4010]
      --rate-limit <N|off>   Requests per second per category, or `off` [default: the API's limits]
      --latency-ms <MS>      Milliseconds added to every answer [default: 0]
      --demo                 Start with demo accounts, contacts, opportunities, tasks and notes
      --list-lag-ms <MS>     Lists show writes this much later, like the API's index [default: 0]
      --newest-first         Lists show the newest records first
      --offset-cap <N>       The largest offset a list takes [default: none]
      --seed <N>             Start with N accounts besides (100,000 in a moment) [default: 0]
      --churn <PER_SECOND>   Keep changing accounts (creates, updates, trashes, restores,
                             merges, new fields) this many times a second
  -h, --help                 Print help

Then, in another shell:
  export LIGHTFIELD_BASE_URL=http://127.0.0.1:4010 LIGHTFIELD_API_KEY=sk_lf_any
  lightfield accounts list";

/// `senders` actions.
#[cfg(feature = "preview")]
#[derive(Debug, Subcommand)]
pub enum SendersAction {
    /// The senders.
    List {
        /// How many to show; pages are fetched as needed.
        #[arg(long, default_value_t = 25)]
        limit: u64,
    },
    /// One sender.
    Get {
        /// The sender's id.
        id: String,
    },
}

/// `sequences` actions.
#[cfg(feature = "preview")]
#[derive(Debug, Subcommand)]
pub enum SequencesAction {
    /// The sequences.
    List {
        /// How many to show; pages are fetched as needed.
        #[arg(long, default_value_t = 25)]
        limit: u64,
    },
    /// One sequence.
    Get {
        /// The sequence's id.
        id: String,
    },
    /// The contacts enrolled in a sequence.
    Enrollments {
        /// The sequence's id.
        id: String,
        /// How many to show; pages are fetched as needed.
        #[arg(long, default_value_t = 25)]
        limit: u64,
    },
}
