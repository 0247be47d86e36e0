//! What each record type offers: only the operations the API has for it (members cannot
//! be created, lists cannot be restored…), so `--help` shows what works.
//!
//! The per-type enums are made of the same pieces (`ReadAction`, `WriteAction`,
//! `DealAction`) and all become one [`Action`], which `crate::records` carries out.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Reading records: every type has these.
#[derive(Debug, Subcommand)]
pub enum ReadAction {
    /// Records, a page at a time or all of them.
    #[command(after_help = "Examples:
  lightfield accounts list --filter '$name[startsWith]=Ac' --limit 60
  lightfield accounts list --all --format csv > accounts.csv
  lightfield accounts list --columns '$name,tier,$owner'")]
    List(ListArgs),
    /// Records by id; `-` reads ids from standard input, one per line.
    Get(IdsArgs),
    /// Where a record is in the Lightfield app (its `httpLink`).
    Open {
        /// The record's id.
        id: String,
        /// Open it in the browser instead of printing it.
        #[arg(long)]
        browser: bool,
    },
}

/// Writing records: types the API creates, updates and keeps a trash for.
#[derive(Debug, Subcommand)]
pub enum WriteAction {
    /// Create a record.
    #[command(after_help = "Examples:
  lightfield accounts create --field '$name=Acme' --field seats=12 --field renewalDate=2027-01-31
  lightfield contacts create --field '$name=Ada Lovelace' --field '$email=ada@example.com'
  lightfield accounts get acc_0000000001 --format json | lightfield accounts create --json -")]
    Create(CreateArgs),
    /// Change a record: set or clear fields, link, unlink or relink records.
    #[command(after_help = "Examples:
  lightfield accounts update acc_0000000001 --field tier=Gold --clear notes
  lightfield accounts update acc_0000000001 --replace '$owner=mem_0000000002'
  lightfield accounts update acc_0000000001 --add '$contact=con_0000000002' --remove '$contact=con_0000000001'")]
    Update(UpdateArgs),
    /// Move records to the trash (`restore` brings them back); `-` reads ids from
    /// standard input.
    Delete(IdsArgs),
    /// Bring trashed records back; `-` reads ids from standard input.
    Restore(IdsArgs),
    /// The type's fields and relationships, as the API describes them.
    Definitions,
}

/// What accounts, contacts, opportunities and custom objects add: field history and merge.
#[derive(Debug, Subcommand)]
pub enum DealAction {
    /// The past values of one field of a record, newest first.
    History {
        /// The record's id.
        id: String,
        /// The field's key (`$name`, `tier`…).
        field: String,
        /// How many entries to show (paging handled).
        #[arg(long, default_value_t = 25)]
        limit: u64,
    },
    /// Fold a duplicate into a primary record (the duplicate is removed), and wait for the
    /// merge to finish. The primary's values win; a field the primary leaves empty takes
    /// the duplicate's; --keep-duplicate KEY keeps the duplicate's value of KEY instead.
    Merge(MergeArgs),
}

/// `merge`'s arguments.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The record that stays.
    pub primary: String,
    /// The record folded into it.
    pub duplicate: String,
    /// Keep the primary's value of this field (repeatable).
    #[arg(long, value_name = "KEY")]
    pub keep_primary: Vec<String>,
    /// Keep the duplicate's value of this field (repeatable).
    #[arg(long, value_name = "KEY")]
    pub keep_duplicate: Vec<String>,
    /// Join the options of multi-select fields instead of keeping one side's.
    #[arg(long)]
    pub union: bool,
    /// Return once the merge is accepted, without waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,
    /// Do not ask first (a merge cannot be undone); required without a terminal.
    #[arg(long, short)]
    pub yes: bool,
}

/// `list`'s arguments.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Keep records matching `key[op]=value`, `key[-op]=value` or `key=value` (repeatable).
    #[arg(long)]
    pub filter: Vec<String>,
    /// How many records to show; pages are fetched as needed.
    #[arg(long, default_value_t = 25)]
    pub limit: u64,
    /// Every matching record.
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Records to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    /// Records per request, 1 to 25.
    #[arg(long, default_value_t = 25)]
    pub page_size: u64,
    /// `active` (default) or `trashed`, for types with a trash.
    #[arg(long)]
    pub status: Option<String>,
    /// The columns to show, by key, in order (`id,$name,tier`): a table's or CSV's columns;
    /// JSON, JSON lines and YAML keep only these fields and relationships.
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
}

/// One or more record ids.
#[derive(Debug, Args)]
pub struct IdsArgs {
    /// Record ids; `-` reads them from standard input (one per line, or JSON lines with an
    /// `id`, as `list --format jsonl` prints).
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Do not ask before a change that cannot be undone.
    #[arg(long, short)]
    pub yes: bool,
}

/// What a create or an update writes, as JSON and as `--field`s.
#[derive(Debug, Args)]
pub struct WriteFields {
    /// The record as JSON, from a file or `-` for standard input: what `get` prints, or
    /// `{"fields": {..}, "relationships": {..}}`, or flat `{"$name": "Acme"}`. Read-only
    /// keys are left out and named; the flags below add to it.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// `key=value`, the value read by the field's type as `import` reads a CSV cell
    /// (`seats=12`, `renewalDate=2027-01-31`, `tier=Gold`, `$email=a@x.io; b@x.io`;
    /// `<clear>` clears it) (repeatable).
    #[arg(long, value_name = "KEY=VALUE", value_parser = field_with_value)]
    pub field: Vec<String>,
    /// Send without first checking the write against the organisation's definitions.
    #[arg(long)]
    pub no_check: bool,
    /// Check the write as it would be sent (required keys, read-only keys, the
    /// organisation's definitions) and print its body; send nothing.
    #[arg(long, conflicts_with = "no_check")]
    pub dry_run: bool,
    /// The idempotency key to send: the one an earlier attempt printed when its outcome was
    /// unknown, so that the API answers that attempt instead of writing twice (within 24
    /// hours; custom objects' writes are not deduplicated). Made afresh when left out.
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
}

/// A `--field` that has a value: `tier=` (a variable that expanded to nothing, say) would
/// otherwise clear the field without a word.
fn field_with_value(pair: &str) -> Result<String, String> {
    match pair.split_once('=') {
        Some((key, value)) if value.trim().is_empty() => Err(format!(
            "`{pair}` has no value: to clear the field, use --clear {key}"
        )),
        _ => Ok(pair.to_string()),
    }
}

/// `create`'s arguments.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub body: WriteFields,
    /// `key=id` or `key=id1,id2` (repeatable).
    #[arg(long, value_name = "KEY=IDS")]
    pub rel: Vec<String>,
}

/// `update`'s arguments.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The record's id.
    pub id: String,
    #[command(flatten)]
    pub body: WriteFields,
    /// Clear a field, or unlink every record of a relationship (repeatable).
    #[arg(long, value_name = "KEY")]
    pub clear: Vec<String>,
    /// `key=id[,id]`: link more records (repeatable).
    #[arg(long, value_name = "KEY=IDS")]
    pub add: Vec<String>,
    /// `key=id[,id]`: unlink these records (repeatable).
    #[arg(long, value_name = "KEY=IDS")]
    pub remove: Vec<String>,
    /// `key=id`: link this record in place of the current one (an owner, say) (repeatable).
    #[arg(long, value_name = "KEY=ID")]
    pub replace: Vec<String>,
}

/// Accounts and contacts: every operation, and enrichment.
#[derive(Debug, Subcommand)]
pub enum EnrichedAction {
    #[command(flatten)]
    Read(ReadAction),
    #[command(flatten)]
    Write(WriteAction),
    #[command(flatten)]
    Deal(DealAction),
    /// Start Lightfield's enrichment of a record (and wait for it, unless `--no-wait`).
    Enrich {
        /// The record's id.
        id: String,
        /// Only these fields (repeatable); all of them when left out.
        #[arg(long, value_name = "KEY")]
        field: Vec<String>,
        /// Return once the run is started.
        #[arg(long)]
        no_wait: bool,
    },
}

/// Opportunities and custom objects: every record operation, field history and merge.
#[derive(Debug, Subcommand)]
pub enum ObjectAction {
    #[command(flatten)]
    Read(ReadAction),
    #[command(flatten)]
    Write(WriteAction),
    #[command(flatten)]
    Deal(DealAction),
}

/// Tasks, notes and meetings: records with a trash, without history or merge.
#[derive(Debug, Subcommand)]
pub enum CoreAction {
    #[command(flatten)]
    Read(ReadAction),
    #[command(flatten)]
    Write(WriteAction),
}

/// Emails: read, trash and restore, and send, draft or log one.
#[derive(Debug, Subcommand)]
pub enum EmailAction {
    #[command(flatten)]
    Read(ReadAction),
    /// Move emails to the trash; `-` reads ids from standard input.
    Delete(IdsArgs),
    /// Bring trashed emails back.
    Restore(IdsArgs),
    /// Send an email from a connected mailbox.
    Send(super::MailArgs),
    /// Save an email as a draft in the sender's mailbox.
    Draft(super::MailArgs),
    /// Record an email sent elsewhere.
    Log {
        #[command(flatten)]
        mail: super::MailArgs,
        /// When it was sent: 2026-12-03T10:00:00Z, or 2026-12-03 for midnight UTC (dates
        /// read as everywhere in the CLI).
        #[arg(long)]
        sent_at: String,
        /// Its `Message-ID`, which makes logging it twice harmless.
        #[arg(long)]
        message_id: Option<String>,
    },
}

/// Lists: records whose members are accounts, contacts or opportunities. The API has no
/// trash for lists: `delete` cannot be undone, so it asks first on a terminal.
#[derive(Debug, Subcommand)]
pub enum ListAction {
    #[command(flatten)]
    Read(ReadAction),
    /// Create a list of `accounts`, `contacts` or `opportunities`.
    Create {
        /// The list's name.
        name: String,
        /// What it holds: `accounts`, `contacts` or `opportunities`.
        #[arg(long = "of", value_name = "TYPE")]
        member_type: String,
        /// Members to start with (repeatable, or comma-separated).
        #[arg(long, value_delimiter = ',')]
        member: Vec<String>,
        /// A description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Rename a list or change its description.
    Update {
        /// The list's id.
        id: String,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        /// A new description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete lists for good (there is no restore); asks first unless `--yes`.
    Delete(IdsArgs),
    /// The members of a list.
    Members {
        /// The list's id.
        id: String,
        /// What the list holds (`accounts`, `contacts` or `opportunities`); the list's own
        /// type when left out, and checked against it when given.
        #[arg(long = "of", value_name = "TYPE")]
        member_type: Option<String>,
        /// How many members to show; pages are fetched as needed.
        #[arg(long, default_value_t = 25)]
        limit: u64,
        /// Every member.
        #[arg(long, conflicts_with = "limit")]
        all: bool,
    },
    /// Add records to a list.
    Add {
        /// The list's id.
        id: String,
        /// What the list holds (`accounts`, `contacts` or `opportunities`); the list's own
        /// type when left out, and checked against it when given.
        #[arg(long = "of", value_name = "TYPE")]
        member_type: Option<String>,
        /// The records to add.
        #[arg(required = true, value_delimiter = ',')]
        members: Vec<String>,
    },
    /// Take records off a list.
    Remove {
        /// The list's id.
        id: String,
        /// What the list holds (`accounts`, `contacts` or `opportunities`); the list's own
        /// type when left out, and checked against it when given.
        #[arg(long = "of", value_name = "TYPE")]
        member_type: Option<String>,
        /// The records to take off.
        #[arg(required = true, value_delimiter = ',')]
        members: Vec<String>,
    },
}

/// Every record operation, whatever type offered it.
#[derive(Debug)]
pub enum Action {
    Read(ReadAction),
    Write(WriteAction),
    Deal(DealAction),
    Enrich {
        id: String,
        field: Vec<String>,
        no_wait: bool,
    },
}

impl From<EnrichedAction> for Action {
    fn from(action: EnrichedAction) -> Self {
        match action {
            EnrichedAction::Read(a) => Self::Read(a),
            EnrichedAction::Write(a) => Self::Write(a),
            EnrichedAction::Deal(a) => Self::Deal(a),
            EnrichedAction::Enrich { id, field, no_wait } => Self::Enrich { id, field, no_wait },
        }
    }
}

impl From<ObjectAction> for Action {
    fn from(action: ObjectAction) -> Self {
        match action {
            ObjectAction::Read(a) => Self::Read(a),
            ObjectAction::Write(a) => Self::Write(a),
            ObjectAction::Deal(a) => Self::Deal(a),
        }
    }
}

impl From<CoreAction> for Action {
    fn from(action: CoreAction) -> Self {
        match action {
            CoreAction::Read(a) => Self::Read(a),
            CoreAction::Write(a) => Self::Write(a),
        }
    }
}
