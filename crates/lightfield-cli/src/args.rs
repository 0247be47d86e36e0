//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The Lightfield CRM API from the shell.
#[derive(Debug, Parser)]
#[command(name = "lightfield", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// API key (`sk_lf_...`); never printed. Prefer LIGHTFIELD_API_KEY: a flag shows in
    /// the process list (`ps`) to other users of the machine.
    #[arg(
        long,
        env = "LIGHTFIELD_API_KEY",
        hide_env_values = true,
        global = true
    )]
    pub api_key: Option<String>,
    /// Where the API lives.
    #[arg(long, env = "LIGHTFIELD_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Allow a plain `http://` base URL to another machine (the key then travels
    /// unencrypted); plain http to this machine, as to `lightfield mock`, needs no flag.
    #[arg(long, env = "LIGHTFIELD_ALLOW_HTTP", global = true)]
    pub allow_http: bool,
    /// How to print answers [default: table on a terminal, json otherwise].
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,
    /// Show each request on stderr (method, path, status, attempts; never the key).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Turn off the client's own rate limiter (for a local server without limits); the
    /// server's 429s are still honoured.
    #[arg(long, global = true)]
    pub no_rate_limit: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  lightfield accounts list --filter '$name[startsWith]=Ac' --limit 10
  lightfield contacts get con_1
  lightfield accounts create --field '$name=Acme' --field tier=Gold --rel '$owner=mem_1'
  lightfield object vendor list
  lightfield schema account --rust Account
  lightfield export contact -o contacts.csv
  lightfield import contact contacts.csv --dry-run
  lightfield import contact contacts.csv
  lightfield completions bash > /etc/bash_completion.d/lightfield
  lightfield mock --port 4010";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Columns, one row per record, values as text.
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
    Accounts(RecordCommand),
    /// Contacts.
    Contacts(RecordCommand),
    /// Opportunities.
    Opportunities(RecordCommand),
    /// Tasks.
    Tasks(RecordCommand),
    /// Notes.
    Notes(RecordCommand),
    /// Meetings.
    Meetings(RecordCommand),
    /// Members (read-only).
    Members(RecordCommand),
    /// Emails.
    Emails(RecordCommand),
    /// Channels (read-only).
    Channels(RecordCommand),
    /// Messages (read-only).
    Messages(RecordCommand),
    /// Lists of accounts, contacts or opportunities.
    Lists(RecordCommand),
    /// The organisation's custom object types.
    Objects {
        /// `list`.
        #[command(subcommand)]
        action: ObjectsAction,
    },
    /// Records of one custom object type, e.g. `lightfield object vendor list`.
    Object {
        /// The object's slug.
        slug: String,
        /// The operation.
        #[command(flatten)]
        command: RecordCommand,
    },
    /// The schema of a record type: fields, types, options, relationships.
    Schema {
        /// `account`, `contact`…, or a custom object's slug.
        object: String,
        /// Print a `#[derive(Record)]` struct with this name instead.
        #[arg(long, value_name = "NAME")]
        rust: Option<String>,
    },
    /// Every record of a type, as JSON lines or CSV, fetched concurrently at the rate limit
    /// in constant memory, with a progress bar on a terminal.
    #[command(after_help = "Examples:
  lightfield export account -o accounts.jsonl
  lightfield export contact --filter '$email[contains]=@acme.com' -o contacts.csv")]
    Export {
        /// `account`, `contact`…, or a custom object's slug.
        object: String,
        /// Keep records matching `key[op]=value` (repeatable).
        #[arg(long)]
        filter: Vec<String>,
        /// Write here instead of standard output; a `.csv` name writes CSV.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Pages in flight at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        /// Write CSV cells exactly as stored. By default a cell a spreadsheet would run as a
        /// formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, which
        /// `import` takes off again.
        #[arg(long)]
        raw_csv: bool,
    },
    /// Create (or, for rows with an `id`, update) one record per row of a CSV or JSON-lines
    /// file, at the Write rate limit. Re-running after an interruption or an edit of the
    /// file continues where it stopped and never writes a row twice (a journal beside the
    /// file records finished rows, for one target); rows refused for their data go to a
    /// rejects file beside it, with their row number and the reason.
    #[command(after_help = "Examples:
  lightfield import account accounts.csv --dry-run
  lightfield import account accounts.csv
  lightfield import account accounts.jsonl --as-new   # exported records, as new ones

Exit codes: 0 every row written, 6 some rows rejected (see the rejects file).")]
    Import {
        /// `account`, `contact`…, or a custom object's slug.
        object: String,
        /// A `.csv` file (header row of keys) or JSON lines (records as exported, or flat objects).
        file: PathBuf,
        /// Check every row against the organisation's definitions; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Ignore `id` columns and create every row as a new record.
        #[arg(long)]
        as_new: bool,
        /// Rows in flight at once (the Write limiter sets the pace).
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Read CSV cells exactly as written: do not take off the `'` that `export` puts
        /// before a cell a spreadsheet would run as a formula.
        #[arg(long)]
        raw_csv: bool,
        /// The file's journal records an import into another target (base URL or API key):
        /// keep it aside and import into this target too. Not for resuming with a new key
        /// of the same organisation, where the rows already written would be written again.
        #[arg(long)]
        new_journal: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Run the embedded local Lightfield server, to try every command without an account.
    Mock {
        /// Port to listen on.
        #[arg(long, default_value_t = 4010)]
        port: u16,
    },
}

/// `objects` actions.
#[derive(Debug, Subcommand)]
pub enum ObjectsAction {
    /// The custom object types.
    List,
}

/// One record operation.
#[derive(Debug, Args)]
#[command(after_help = "Examples (the same for every record type):
  lightfield accounts list --filter '$name[startsWith]=Ac' --limit 10
  lightfield accounts list --all --format csv > accounts.csv
  lightfield accounts get acc_123
  lightfield accounts create --field '$name=Acme' --field seats=12 --rel '$owner=mem_1'
  echo '{\"fields\": {\"$name\": \"Acme\"}}' | lightfield accounts create --json -
  lightfield accounts update acc_123 --field tier=Gold --add '$contact=con_9'
  lightfield accounts delete acc_123
  lightfield accounts restore acc_123
  lightfield accounts definitions")]
pub struct RecordCommand {
    /// The operation.
    #[command(subcommand)]
    pub action: RecordAction,
}

/// Record operations.
#[derive(Debug, Subcommand)]
pub enum RecordAction {
    /// One page of records, or every record with `--all`.
    List {
        /// Keep records matching `key[op]=value`, `key[-op]=value` or `key=value` (repeatable).
        #[arg(long)]
        filter: Vec<String>,
        /// Page size, 1 to 25.
        #[arg(long, default_value_t = 25)]
        limit: u64,
        /// Records to skip.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// `active` (default) or `trashed`.
        #[arg(long)]
        status: Option<String>,
        /// Every matching record, page after page.
        #[arg(long)]
        all: bool,
    },
    /// One record by id.
    Get {
        /// The record's id.
        id: String,
    },
    /// Create a record.
    Create {
        /// The body as JSON (`{"fields": {..}, "relationships": {..}}`) from a file, or `-`
        /// for stdin; `--field` and `--rel` add to it.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// `key=value`; the value is read as JSON when it is JSON (`seats=3`, `tags=["a"]`),
        /// as text otherwise (repeatable).
        #[arg(long)]
        field: Vec<String>,
        /// `key=id` or `key=id1,id2` (repeatable).
        #[arg(long)]
        rel: Vec<String>,
        /// Check the write against the organisation's definitions first.
        #[arg(long)]
        check: bool,
    },
    /// Change a record: set fields, add relationships.
    Update {
        /// The record's id.
        id: String,
        /// `key=value` (`key=null` clears it; repeatable).
        #[arg(long)]
        field: Vec<String>,
        /// `key=id` to link more records (repeatable).
        #[arg(long)]
        add: Vec<String>,
        /// Check the write against the organisation's definitions first.
        #[arg(long)]
        check: bool,
    },
    /// Move a record to the trash.
    Delete {
        /// The record's id.
        id: String,
    },
    /// Bring a trashed record back.
    Restore {
        /// The record's id.
        id: String,
    },
    /// The type's definitions.
    Definitions,
}
