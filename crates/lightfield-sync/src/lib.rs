//! # lightfield-sync
//!
//! A mirror of a Lightfield organisation in SQL, kept current by running it again: every
//! record type in a table of its own (a column per field, the record as received beside
//! them), links as edges with a view per relationship, and the state of each run stored
//! with the data it describes, so a run cut short (Ctrl-C, `kill -9`, a network failure)
//! is continued by the next with nothing lost or written twice.
//!
//! ```no_run
//! # async fn demo(client: lightfield::Client) -> Result<(), lightfield_sync::Error> {
//! let mut mirror = lightfield_sync::Mirror::open("lightfield.db")?;
//! let summary = mirror.sync(&client, &lightfield_sync::Options::default()).await?;
//! println!("{} records written, {} unchanged", summary.counts.written, summary.counts.unchanged);
//! # Ok(()) }
//! ```
//!
//! The API has no change feed, so every run reads every record (at 25 a page, the most it
//! serves) and writes only those that changed. How a run goes:
//!
//! - `run`: refuses a mirror of another organisation or of a newer layout, then for each
//!   type reads its definitions (`rows` adds columns; `names` chooses them and never
//!   renames), its streams (`scan`: pages that overlap by one record, so a shift in the
//!   order is seen and the page read again) and settles what no stream listed
//!   (`reconcile`: deletes only on evidence); the members of each list follow its
//!   lists (`members`).
//! - `plan`: what a run would cost, from one call per stream.
//! - `store`: the [`Store`] trait the phases write through; `sqlite` is the embedded
//!   backend, `postgres` (the `postgres` feature) the one for teams.

mod files;
mod history;
mod members;
mod names;
mod plan;
#[cfg(feature = "postgres")]
mod postgres;
mod reconcile;
mod rows;
mod run;
mod scan;
mod sqlite;
mod store;

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The SQLite library the embedded backend uses, for queries of one's own on
/// [`Sqlite::connection`].
pub use rusqlite;

pub use plan::{Plan, StreamPlan, plan};
#[cfg(feature = "postgres")]
pub use postgres::Postgres;
pub use run::{FORMAT, OnProgress, Options, Progress, Summary, sync};
pub use sqlite::Sqlite;
pub use store::{
    Cell, Counts, DefinitionRow, DumpRow, Edge, FieldColumn, HistoryRow, PageCounts, PageWrite,
    RecordRow, Run, Store, StoredRow, StreamState, Verdict,
};

/// What can stop a sync.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Refused before anything was written: another organisation, a newer layout, or a
    /// mirror another sync is writing.
    Refused(String),
    /// The API refused or failed; what was written so far is kept and the next run goes on
    /// from there.
    Api(lightfield::Error),
    /// The database failed.
    Store(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(why) => write!(f, "{why}"),
            Self::Api(e) => write!(
                f,
                "{e}; what was read so far is kept: run the sync again to go on"
            ),
            Self::Store(e) => write!(f, "the mirror's database failed: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<lightfield::Error> for Error {
    fn from(e: lightfield::Error) -> Self {
        Self::Api(e)
    }
}

impl From<String> for Error {
    fn from(e: String) -> Self {
        Self::Store(e)
    }
}

/// A mirror: a store, and the lock that keeps a second sync off it.
pub struct Mirror {
    store: Box<dyn Store + Send>,
    // Held while the mirror is open: a second sync of the same file is refused.
    _lock: Option<File>,
}

impl fmt::Debug for Mirror {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mirror").finish_non_exhaustive()
    }
}

impl Mirror {
    /// Opens (or creates) the SQLite mirror at `path`, refusing it while another sync has
    /// it open.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let lock_path = PathBuf::from(format!("{}.lock", path.display()));
        let lock = File::create(&lock_path)
            .map_err(|e| Error::Store(format!("cannot create {}: {e}", lock_path.display())))?;
        if lock.try_lock().is_err() {
            return Err(Error::Refused(format!(
                "another sync is writing {} (it holds {}); wait for it to finish",
                path.display(),
                lock_path.display()
            )));
        }
        Ok(Self {
            store: Box::new(Sqlite::open(path)?),
            _lock: Some(lock),
        })
    }

    /// Opens (or creates) the mirror in schema `schema` of the Postgres database at `url`
    /// (`postgres://user@host/db`), refusing it while another sync holds that schema.
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str, schema: &str) -> Result<Self, Error> {
        Ok(Self {
            store: Box::new(Postgres::connect(url, schema).await?),
            _lock: None,
        })
    }

    /// A mirror in memory.
    pub fn in_memory() -> Result<Self, Error> {
        Ok(Self {
            store: Box::new(Sqlite::in_memory()?),
            _lock: None,
        })
    }

    /// A mirror in a store of one's own.
    pub fn with_store(store: Box<dyn Store + Send>) -> Self {
        Self { store, _lock: None }
    }

    /// Brings the mirror up to date with `client`'s organisation.
    pub async fn sync(
        &mut self,
        client: &lightfield::Client,
        options: &Options,
    ) -> Result<Summary, Error> {
        run::sync(client, self.store.as_mut(), options).await
    }

    /// The store, for reading what the mirror holds.
    pub fn store(&mut self) -> &mut dyn Store {
        self.store.as_mut()
    }
}
