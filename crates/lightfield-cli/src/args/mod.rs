//! The command line, as clap reads it: the settings every command shares and the commands
//! (`records` holds what each record type offers, `resources` the rest of the API, auth and
//! the local server).

mod records;
mod resources;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use records::{
    Action, CoreAction, CreateArgs, DealAction, EmailAction, EnrichedAction, ListAction, ListArgs,
    MergeArgs, ObjectAction, ReadAction, UpdateArgs, WriteAction,
};
pub use resources::{
    AuthAction, FilesAction, MailArgs, MockArgs, ObjectsAction, RunsAction, SchemaArgs,
};
#[cfg(feature = "preview")]
pub use resources::{SendersAction, SequencesAction};

/// The Lightfield CRM API from the shell.
#[derive(Debug, Parser)]
#[command(name = "lightfield", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// API key (`sk_lf_...`) [env: LIGHTFIELD_API_KEY]; never printed. Prefer the variable
    /// or a profile: a flag shows in the process list (`ps`) to other users of the machine.
    // The variables are read by `config::settings`, not by clap: clap would show a setting
    // taken from the environment in every usage line as if it were a required argument.
    #[arg(long, global = true, value_name = "KEY", help_heading = "Settings")]
    pub api_key: Option<String>,
    /// Where the API lives [env: LIGHTFIELD_BASE_URL].
    #[arg(long, global = true, value_name = "URL", help_heading = "Settings")]
    pub base_url: Option<String>,
    /// A profile of ~/.config/lightfield/config.toml (base URL, where the key comes from,
    /// default format) [env: LIGHTFIELD_PROFILE]; `lightfield auth status` shows which one
    /// is in use.
    #[arg(long, global = true, value_name = "NAME", help_heading = "Settings")]
    pub profile: Option<String>,
    /// Allow a plain `http://` base URL to another machine (the key then travels
    /// unencrypted) [env: LIGHTFIELD_ALLOW_HTTP=1]; plain http to this machine, as to
    /// `lightfield mock`, needs no flag.
    #[arg(long, global = true, help_heading = "Settings")]
    pub allow_http: bool,
    /// How to print answers [env: LIGHTFIELD_FORMAT] [default: table on a terminal, json
    /// otherwise].
    #[arg(long, value_enum, global = true, help_heading = "Output")]
    pub format: Option<Format>,
    /// Print only what this JSONPath selects from the JSON answer (RFC 9535), one match
    /// per line: `--query '$.data[*].id'`, `--query "$.fields['\$name'].value"`.
    #[arg(long, global = true, value_name = "JSONPATH", help_heading = "Output")]
    pub query: Option<String>,
    /// Show each request on stderr (method, path, status, attempts; never the key).
    #[arg(short, long, global = true, help_heading = "Output")]
    pub verbose: bool,
    /// Turn off the client's own rate limiter (for a local server without limits); the
    /// server's 429s are still honoured.
    #[arg(long, global = true, help_heading = "Settings")]
    pub no_rate_limit: bool,
    /// Retries of a request that failed on the way (network, 429, 5xx) [default: 2].
    #[arg(long, global = true, value_name = "N", help_heading = "Settings")]
    pub max_retries: Option<u32>,
    /// Seconds allowed for each attempt of a request [default: 30].
    #[arg(long, global = true, value_name = "SECONDS", help_heading = "Settings")]
    pub timeout: Option<u64>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  lightfield accounts list --filter '$name[startsWith]=Ac' --limit 10
  lightfield contacts get con_0000000001
  lightfield accounts create --field '$name=Acme' --field tier=Gold --rel '$owner=mem_0000000001'
  lightfield accounts update acc_0000000001 --replace '$owner=mem_0000000002' --remove '$contact=con_0000000001'
  lightfield accounts get acc_0000000001 --format json | lightfield accounts create --json -
  lightfield object vendor list
  lightfield schema account --rust Account
  lightfield export contact -o contacts.csv
  lightfield import contact contacts.csv --dry-run
  lightfield auth login --profile staging --base-url https://staging.example.com
  lightfield auth status
  lightfield mock --demo

Keys such as `$name` start with `$`: quote them in single quotes, or the shell reads `$name`
as one of its own variables.";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: a record as key, label and value; lists as columns fitted to the
    /// terminal.
    Table,
    /// Pretty JSON.
    Json,
    /// One JSON value per line.
    Jsonl,
    /// YAML.
    Yaml,
    /// CSV with a header row: one column per field and relationship.
    Csv,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Accounts.
    Accounts {
        #[command(subcommand)]
        action: EnrichedAction,
    },
    /// Contacts.
    Contacts {
        #[command(subcommand)]
        action: EnrichedAction,
    },
    /// Opportunities.
    Opportunities {
        #[command(subcommand)]
        action: ObjectAction,
    },
    /// Tasks.
    Tasks {
        #[command(subcommand)]
        action: CoreAction,
    },
    /// Notes.
    Notes {
        #[command(subcommand)]
        action: CoreAction,
    },
    /// Meetings.
    Meetings {
        #[command(subcommand)]
        action: CoreAction,
    },
    /// Members of the workspace (read-only).
    Members {
        #[command(subcommand)]
        action: ReadAction,
    },
    /// Emails: read, trash and restore, send, draft and log.
    Emails {
        #[command(subcommand)]
        action: EmailAction,
    },
    /// Channels (read-only).
    Channels {
        #[command(subcommand)]
        action: ReadAction,
    },
    /// Messages in channels (read-only).
    Messages {
        #[command(subcommand)]
        action: ReadAction,
    },
    /// Lists of accounts, contacts or opportunities, and their members.
    Lists {
        #[command(subcommand)]
        action: ListAction,
    },
    /// The organisation's custom object types.
    Objects {
        #[command(subcommand)]
        action: ObjectsAction,
    },
    /// Records of one custom object type, e.g. `lightfield object vendor list`.
    Object {
        /// The object's slug.
        slug: String,
        #[command(subcommand)]
        action: ObjectAction,
    },
    /// The schema of a record type: fields, types, options, relationships.
    Schema(SchemaArgs),
    /// Where a record is in the Lightfield app (its `httpLink`), found by its id alone.
    Open {
        /// The record's id (`acc_…`, `con_…`…).
        id: String,
        /// Open it in the browser instead of printing it.
        #[arg(long)]
        browser: bool,
    },
    /// Every record of a type, as JSON lines or CSV, fetched concurrently at the rate limit
    /// in constant memory, with a progress bar on a terminal.
    #[command(after_help = "Examples:
  lightfield export account -o accounts.jsonl
  lightfield export opportunities -o deals.csv
  lightfield export contact --filter '$email[contains]=@acme.com' -o contacts.csv")]
    Export {
        /// `account`, `contacts`…, or a custom object's slug.
        object: String,
        /// Keep records matching `key[op]=value` (repeatable).
        #[arg(long)]
        filter: Vec<String>,
        /// Write here instead of standard output; a `.csv` name writes CSV, any other JSON
        /// lines.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Pages in flight at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        /// Write CSV cells exactly as stored. By default a cell a spreadsheet would run as a
        /// formula (starting with `=`, `+`, `-`, `@`, tab or CR), or one reading `<clear>`,
        /// gets a leading `'`, which `import` takes off again.
        #[arg(long)]
        raw_csv: bool,
    },
    /// Create (or, for rows with an `id`, update) one record per row of a CSV or JSON-lines
    /// file, at the Write rate limit, each exactly once. A journal beside the file records
    /// what each row became, so a re-run after an interruption, an edit of the file or a new
    /// key of the same organisation continues where it stopped. Rows refused for their data
    /// go to a rejects file beside it, with their row number and the reason. Rows are
    /// numbered as a spreadsheet shows a CSV (the header is row 1) and by line in JSON lines.
    #[command(after_help = "Examples:
  lightfield import account accounts.csv --dry-run
  lightfield import account accounts.csv
  lightfield import contact people.csv --match '$email'
  lightfield import account accounts.jsonl --as-new   # exported records, as new ones

What makes a row written once:
  - A row is known by the write it makes (its type, create or update, and its values),
    not by its bytes: reordering columns, adding an empty one or re-saving the file
    writes nothing again. Two identical rows are two records.
  - A row written earlier and then edited in the file (a corrected cell: most of its
    values unchanged, same row number) updates the record it made; --dry-run lists
    what changes. A written row that left the file is reported, never deleted.
  - A row whose write was under way when a run stopped is sent again with the same
    idempotency key within a day (the API answers the first write); past that, or for
    custom objects, whose writes the API does not deduplicate, it is held back
    unless --match can look it up.
  - --match KEY looks each new row up by that field before creating it: one record
    found is updated, two are a reject naming both. It finds what other tools or
    earlier imports made, beyond the journal; lists can lag a few seconds behind
    writes, so rows written moments ago are the journal's to know.

A CSV cell reading <clear> clears the field (on rows with an `id`); an empty cell leaves it
as it is (a JSON null clears, as <clear> does). A relationship cell on a row with an `id`
states the whole set: ids the record has and the cell does not are removed.

Exit codes: 0 every row written, 6 some rows rejected (see the rejects file), 5 some rows
held back (listed).")]
    Import {
        /// `account`, `contacts`…, or a custom object's slug.
        object: String,
        /// A `.csv` file (header row of keys) or JSON lines (records as exported, or flat objects).
        file: PathBuf,
        /// Check every row against the organisation's definitions and say what the import
        /// would create, update and skip; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Ignore `id` columns and create every row as a new record.
        #[arg(long)]
        as_new: bool,
        /// Look each row to create up by this field first (`$email`, `$name`, a custom
        /// field): a record found is updated instead.
        #[arg(long = "match", value_name = "KEY")]
        match_key: Option<String>,
        /// Update existing records without asking (asked only on a terminal).
        #[arg(long)]
        yes: bool,
        /// Rows in flight at once (the Write limiter sets the pace): 8, or 16 with --match,
        /// where each row also waits for its lookup.
        #[arg(long)]
        concurrency: Option<usize>,
        /// Read CSV cells exactly as written: do not take off the `'` that `export` puts
        /// before a cell a spreadsheet would run as a formula.
        #[arg(long)]
        raw_csv: bool,
        /// The file's journal records an import into another server or organisation: keep
        /// it aside (named by its target) and import into this one, resuming this one's
        /// journal if one was kept aside before. Every row not in that journal is written.
        /// Not needed for a new key of the same organisation, which resumes by itself.
        #[arg(long)]
        new_journal: bool,
    },
    /// Files: list, show, upload, download, cancel a pending upload.
    Files {
        #[command(subcommand)]
        action: FilesAction,
    },
    /// Workflow runs: their status, or wait for one to finish.
    Runs {
        #[command(subcommand)]
        action: RunsAction,
    },
    /// API keys: save one as a profile (`login`), check the one in use (`status`), forget one.
    Auth {
        #[command(subcommand)]
        action: AuthAction,
    },
    /// Senders (Preview: the API may change them without notice).
    #[cfg(feature = "preview")]
    Senders {
        #[command(subcommand)]
        action: SendersAction,
    },
    /// Sequences (Preview: the API may change them without notice).
    #[cfg(feature = "preview")]
    Sequences {
        #[command(subcommand)]
        action: SequencesAction,
    },
    /// Mirror the whole organisation into a SQL database (SQLite, created when missing) and
    /// keep it current by running this again: each run reads every record, writes only what
    /// changed, and marks records trashed or deleted only on evidence. A run cut short
    /// (Ctrl-C, a failure) is continued by the next.
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:
  lightfield sync                      # into ./lightfield.db
  lightfield sync crm.db --only account,opportunity
  lightfield sync postgres://me@db.internal/crm --schema lightfield
  lightfield sync 'postgres://me@db.example.com/crm?sslmode=require&sslrootcert=ca.pem'
  lightfield sync --plan               # what a run would cost, sending one call per stream
  lightfield sync status crm.db
  lightfield sync crm.db --watch 15m    # keep it current until Ctrl-C
  sqlite3 lightfield.db 'SELECT a.name, o.name FROM accounts a
    JOIN opportunities__account l ON l.account_id = a.id
    JOIN opportunities o ON o.id = l.opportunity_id'

Exit codes: 0 done, 3 the API refused, 4 the server failed (what was read is kept: run
again to go on), 5 refused before anything was written (another organisation, a newer
mirror, another sync running), 6 done with problems (a type the key may not read, a scan
that kept shifting), 130 Ctrl-C (run again to go on)."
    )]
    Sync {
        #[command(subcommand)]
        action: Option<SyncAction>,
        /// The database: a SQLite file, or a Postgres URL (`postgres://user@host/db`; TLS
        /// with `?sslmode=require`, a CA bundle with `&sslrootcert=FILE`).
        #[arg(default_value = "lightfield.db")]
        database: PathBuf,
        /// The Postgres schema the mirror lives in.
        #[arg(long, default_value = "lightfield")]
        schema: String,
        /// Only these types (`account,contacts,vendor`; `files` for files' metadata).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Not these types.
        #[arg(long, value_delimiter = ',')]
        skip: Vec<String>,
        /// Say what a run would cost (records, calls, time) from one call per stream, and
        /// write nothing.
        #[arg(long)]
        plan: bool,
        /// Keep the history of these fields (`opportunity.$stage,account.tier`): the past
        /// values of each record a run writes, read back to the newest one kept.
        #[arg(long, value_delimiter = ',', value_name = "TYPE.FIELD")]
        history: Vec<String>,
        /// Run again and again, this long apart (`30s`, `5m`, `1h`), until Ctrl-C; never
        /// closer than twice the last run's time, so a sync leaves room for others.
        #[arg(long, value_name = "INTERVAL")]
        watch: Option<String>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Run the embedded local Lightfield server, to try every command without an account.
    #[command(override_help = resources::MOCK_HELP)]
    Mock(MockArgs),
}

/// What `sync` can do besides a run.
#[derive(Subcommand, Debug)]
pub enum SyncAction {
    /// The mirror's last runs and what each table holds.
    Status {
        /// The database file.
        #[arg(default_value = "lightfield.db")]
        database: PathBuf,
    },
}
