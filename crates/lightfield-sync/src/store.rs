//! Where the mirror keeps its data and its state: the [`Store`] trait, small enough for a
//! second backend, and the rows that cross it. Every method that writes commits on its
//! own, and [`Store::write_page`] writes a page of records together with the progress it
//! stands for, so a crash between two calls loses nothing and doubles nothing.

/// A value as a column keeps it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Null,
    /// A whole number (checkboxes as 0/1).
    Integer(i64),
    /// A number.
    Real(f64),
    /// Text, or JSON text for lists and objects.
    Text(String),
}

/// A field's column: which field, of which value type, under which name.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldColumn {
    /// The field's key (`$name`, `tier`).
    pub key: String,
    /// The value type the column holds; a field whose type changes gets a second column.
    pub value_type: String,
    /// The column's name in the record table.
    pub column: String,
}

/// One link of a record: `rel_key` of `src_id` points at `dst_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// The relationship's key on the source record (`$contact`).
    pub rel_key: String,
    /// The linked record's type (`contact`).
    pub dst_type: String,
    /// The linked record.
    pub dst_id: String,
    /// `source` or `destination` for a relationship from a type to itself (from the
    /// record's `directions`); `None` otherwise.
    pub direction: Option<String>,
}

/// A record as the mirror writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    /// The record's id.
    pub id: String,
    /// The fixed columns after `id`: created, updated, external id, link.
    pub fixed: [Cell; 4],
    /// Its field values, by column.
    pub cells: Vec<(String, Cell)>,
    /// The record as received, canonical JSON text: what decides whether it changed.
    pub raw: String,
    /// Its links.
    pub edges: Vec<Edge>,
}

/// How far a stream got in a run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StreamState {
    /// The offset of the next page to read.
    pub next_offset: u64,
    /// The id the next page must start with (the last of the page before), if known.
    pub boundary: Option<String>,
    /// `running`, `complete`, `unstable` or `capped`.
    pub state: String,
    /// Pages read again because the order shifted under the scan.
    pub shifts: u32,
}

/// A page of one stream, written at once with the stream's new state.
#[derive(Debug)]
pub struct PageWrite<'a> {
    /// The run.
    pub run: i64,
    /// The stream (`account:active`).
    pub stream: &'a str,
    /// The record table.
    pub table: &'a str,
    /// The record type's API name, for the edges.
    pub object_type: &'a str,
    /// `active` or `trashed`: what being listed in this stream says of a record.
    pub status: &'a str,
    /// The records of the page.
    pub records: &'a [RecordRow],
    /// The stream's state after this page.
    pub next: &'a StreamState,
}

impl Run {
    /// The run that follows the last one (`(number, status)`, `None` for a new mirror): the
    /// same run when it never finished, else the next number. Every backend opens runs so.
    pub fn after(last: Option<(i64, &str)>) -> Self {
        match last {
            Some((run, "running")) => Self {
                id: run,
                resumed: true,
            },
            last => Self {
                id: last.map_or(1, |(run, _)| run + 1),
                resumed: false,
            },
        }
    }
}

/// What writing a page did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PageCounts {
    /// Records written: new, changed, or with a new status.
    pub written: u64,
    /// Records found as stored.
    pub unchanged: u64,
    /// Records that went into the trash.
    pub trashed: u64,
    /// Records that came back from the trash.
    pub restored: u64,
}

/// Why a record listed in a stream of `new` status (stored as `old`, `None` when new to
/// the mirror) changed status: `restored` out of the trash, `listed` in it; `None` when it
/// did not. Every backend writes it as `_status_reason`.
pub fn status_change(old: Option<&str>, new: &str) -> Option<&'static str> {
    match (old, new) {
        (Some("trashed" | "deleted"), "active") => Some("restored"),
        (Some("active") | None, "trashed") => Some("listed"),
        _ => None,
    }
}

/// A stored record's standing.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    /// Its id.
    pub id: String,
    /// `active`, `trashed` or `deleted`.
    pub status: String,
    /// Consecutive complete scans that did not list it (types without a trash listing).
    pub absent_runs: i64,
    /// The run that gave the last of those strikes.
    pub absent_run: Option<i64>,
    /// When the first of them was given (RFC 3339).
    pub absent_since: Option<String>,
}

/// One field or relationship of a type, as the organisation defines it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DefinitionRow {
    /// `field` or `relationship`.
    pub kind: String,
    /// Its key (`$name`, `tier`, `$contact`).
    pub key: String,
    /// Its label.
    pub label: String,
    /// A field's value type, or a relationship's target type.
    pub of: String,
    /// The definition as received (JSON text).
    pub raw: String,
}

/// One past value of a field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// The record's type.
    pub object_type: String,
    /// The record.
    pub record_id: String,
    /// The field.
    pub field_key: String,
    /// When the value was written (RFC 3339).
    pub recorded_at: String,
    /// Whether it is the value the record was created with.
    pub is_create: bool,
    /// The value's type.
    pub value_type: String,
    /// The value, as JSON text.
    pub value: String,
    /// The value as the app shows it.
    pub display_value: Option<String>,
}

/// A record as the mirror holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DumpRow {
    /// Its id.
    pub id: String,
    /// `active`, `trashed` or `deleted`.
    pub status: String,
    /// Why it has that status (`listed`, `absent`, `gone`, `restored`), when it changed.
    pub reason: Option<String>,
    /// The record as received.
    pub raw: String,
}

/// What a reconciliation decides about a record no stream listed.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Gone from the API (a retrieve answered 404): its edges go too.
    Deleted,
    /// In the trash, by complete scans that missed it in two runs, far enough apart for
    /// the lists to have caught up with the writes.
    TrashedByAbsence,
    /// Missed by a complete scan at this time (RFC 3339): one strike.
    Absent(String),
}

/// One file's metadata, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub filename: String,
    /// Its media type.
    pub mime_type: String,
    /// Its size in bytes (none when past what a signed 64-bit column holds).
    pub size_bytes: Option<i64>,
    /// `PENDING`, `COMPLETED`, … as the API says.
    pub status: String,
    /// When the upload started.
    pub created_at: String,
    /// When it completed.
    pub completed_at: Option<String>,
    /// When a pending upload expires.
    pub expires_at: Option<String>,
    /// The file's metadata as the API sent it (JSON).
    pub raw: String,
}

/// Counts a run leaves behind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Records written because they were new or changed.
    pub written: u64,
    /// Records read and found unchanged.
    pub unchanged: u64,
    /// Records marked trashed in this run.
    pub trashed: u64,
    /// Records marked deleted in this run.
    pub deleted: u64,
    /// Records that came back from the trash in this run.
    pub restored: u64,
    /// Requests sent to the API.
    pub requests: u64,
    /// Time spent writing pages into the mirror and asking it what a run missed: the
    /// database's share of a run (not kept in the mirror).
    pub database: std::time::Duration,
}

/// A run: its number, and whether it continues one a crash or Ctrl-C cut short.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Its number, increasing.
    pub id: i64,
    /// Whether an unfinished run is being continued.
    pub resumed: bool,
}

/// A mirror's storage. Errors are text: what failed and on which table.
///
/// Its methods are async (through `async-trait`, so a mirror can hold any store as
/// `Box<dyn Store>`): a server database answers over the network.
#[async_trait::async_trait]
pub trait Store: Send {
    /// A value of the mirror's own settings (`format`, `organisation`).
    async fn meta(&mut self, key: &str) -> Result<Option<String>, String>;
    /// Sets one.
    async fn set_meta(&mut self, key: &str, value: &str) -> Result<(), String>;
    /// The unfinished run to continue, or a new one.
    async fn open_run(&mut self, now: &str) -> Result<Run, String>;
    /// Ends a run with its status and counts.
    async fn close_run(
        &mut self,
        run: i64,
        status: &str,
        counts: &Counts,
        now: &str,
    ) -> Result<(), String>;
    /// The columns the fields of `object_type` have (all of them, past ones included).
    async fn columns(&mut self, object_type: &str) -> Result<Vec<FieldColumn>, String>;
    /// Creates `table` when missing and adds `new` columns to it, remembering them.
    async fn add_columns(
        &mut self,
        object_type: &str,
        table: &str,
        new: &[(FieldColumn, &'static str)],
        run: i64,
    ) -> Result<(), String>;
    /// Remembers a relationship and makes its view.
    async fn relationship(
        &mut self,
        object_type: &str,
        key: &str,
        target: &str,
        cardinality: &str,
        view: &str,
    ) -> Result<(), String>;
    /// How far `stream` got in `run`.
    async fn stream(&mut self, run: i64, stream: &str) -> Result<Option<StreamState>, String>;
    /// Writes a page: records whose JSON changed (or whose status did), their edges, that
    /// they were seen, and the stream's new state; all or nothing.
    async fn write_page(&mut self, page: &PageWrite<'_>) -> Result<PageCounts, String>;
    /// The records of `table` that `run` has yet to account for: neither deleted nor
    /// judged in this run, and listed by none of `streams` in it. (Asked of the database,
    /// so a run holds only these in memory, however large the type.)
    async fn unlisted(
        &mut self,
        table: &str,
        run: i64,
        streams: &[String],
    ) -> Result<Vec<StoredRow>, String>;
    /// The record tables the mirror has.
    async fn tables(&mut self) -> Result<Vec<String>, String>;
    /// Every row of record table `table`, by id: what a mirror holds, for checks and
    /// reports.
    async fn dump(&mut self, table: &str) -> Result<Vec<DumpRow>, String>;
    /// Every link, read from its source end: `(source id, key, target id)`.
    async fn links(&mut self) -> Result<Vec<(String, String, String)>, String>;
    /// Replaces the definitions of `object_type` (its fields and relationships, each as the
    /// API sent it) with `rows`, when they changed.
    async fn set_definitions(
        &mut self,
        object_type: &str,
        rows: &[DefinitionRow],
    ) -> Result<(), String>;
    /// The records of `table` that run `run` wrote (new or changed) and that are in use.
    async fn changed_ids(&mut self, table: &str, run: i64) -> Result<Vec<String>, String>;
    /// When the newest stored history entry of field `key` of record `id` was recorded.
    async fn newest_history(&mut self, id: &str, key: &str) -> Result<Option<String>, String>;
    /// Stores history entries (one already stored is left as it is).
    async fn add_history(&mut self, rows: &[HistoryRow]) -> Result<(), String>;
    /// The members of list `list_id`, as mirrored.
    async fn list_members(&mut self, list_id: &str) -> Result<Vec<String>, String>;
    /// Replaces the members of list `list_id` (of type `member_type`); none removes them.
    async fn set_list_members(
        &mut self,
        list_id: &str,
        member_type: &str,
        ids: &[String],
    ) -> Result<(), String>;
    /// Writes files listed in `run` (a row rewritten only when its metadata changed);
    /// answers how many were written.
    async fn write_files(&mut self, run: i64, files: &[FileRow]) -> Result<u64, String>;
    /// The files in use that `run` has not listed.
    async fn unlisted_files(&mut self, run: i64) -> Result<Vec<String>, String>;
    /// Marks file `id` deleted (the API answered 404 for it) in `run`.
    async fn delete_file(&mut self, id: &str, run: i64) -> Result<(), String>;
    /// Records what reconciliation decided about record `id`.
    async fn judge(
        &mut self,
        table: &str,
        id: &str,
        verdict: Verdict,
        run: i64,
    ) -> Result<(), String>;
}
