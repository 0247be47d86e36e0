//! The embedded backend: one SQLite file, written in WAL mode so readers (a BI tool,
//! Datasette, `sqlite3`) keep reading while a sync runs.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params, types::Value as Sql};

mod definitions;
mod files;
mod history;
mod page;
mod read;

use crate::store::{
    Cell, Counts, DefinitionRow, DumpRow, FieldColumn, FileRow, PageCounts, PageWrite, Run, Store,
    StoredRow, StreamState, Verdict,
};
use page::{STATE, write_record};

/// A mirror in one SQLite file.
pub struct Sqlite {
    db: Connection,
}

fn failed(what: &str) -> impl Fn(rusqlite::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn sql(cell: &Cell) -> Sql {
    match cell {
        Cell::Null => Sql::Null,
        Cell::Integer(i) => Sql::Integer(*i),
        Cell::Real(r) => Sql::Real(*r),
        Cell::Text(t) => Sql::Text(t.clone()),
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Sqlite {
    /// Opens (or creates) the mirror at `path`.
    pub fn open(path: &Path) -> Result<Self, String> {
        let db = Connection::open(path).map_err(failed("cannot open the database"))?;
        Self::init(db)
    }

    /// A mirror in memory, for tests and trials.
    pub fn in_memory() -> Result<Self, String> {
        Self::init(Connection::open_in_memory().map_err(failed("cannot open a database"))?)
    }

    fn init(db: Connection) -> Result<Self, String> {
        // WAL: readers go on reading during a sync; NORMAL: a commit survives a crash of
        // this process (a power cut may lose the last pages, which the next run reads again).
        db.pragma_update(None, "journal_mode", "WAL")
            .map_err(failed("cannot switch to WAL"))?;
        db.pragma_update(None, "synchronous", "NORMAL")
            .map_err(failed("cannot set synchronous"))?;
        // Room for the insert of each shape of record a type has (which fields are set).
        db.set_prepared_statement_cache_capacity(64);
        db.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed("cannot set a busy timeout"))?;
        db.execute_batch(STATE)
            .map_err(failed("cannot create the mirror's tables"))?;
        Ok(Self { db })
    }

    /// The connection, for queries of one's own (tests, `sync status`).
    pub fn connection(&self) -> &Connection {
        &self.db
    }

    fn table_exists(&self, table: &str) -> Result<bool, String> {
        self.db
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(failed("cannot read the schema"))
    }
}

#[async_trait::async_trait]
impl Store for Sqlite {
    async fn meta(&mut self, key: &str) -> Result<Option<String>, String> {
        self.db
            .query_row("SELECT value FROM _lf_meta WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(failed("_lf_meta"))
    }

    async fn set_meta(&mut self, key: &str, value: &str) -> Result<(), String> {
        self.db
            .execute(
                "INSERT INTO _lf_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(drop)
            .map_err(failed("_lf_meta"))
    }

    async fn open_run(&mut self, now: &str) -> Result<Run, String> {
        let last: Option<(i64, String)> = self
            .db
            .query_row(
                "SELECT run, status FROM _lf_runs ORDER BY run DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(failed("_lf_runs"))?;
        let run = Run::after(last.as_ref().map(|(run, status)| (*run, status.as_str())));
        if !run.resumed {
            self.db
                .execute(
                    "INSERT INTO _lf_runs (run, started_at, status) VALUES (?1, ?2, 'running')",
                    params![run.id, now],
                )
                .map_err(failed("_lf_runs"))?;
        }
        Ok(run)
    }

    async fn close_run(
        &mut self,
        run: i64,
        status: &str,
        counts: &Counts,
        now: &str,
    ) -> Result<(), String> {
        let tx = self.db.transaction().map_err(failed("_lf_runs"))?;
        tx.execute(
            "UPDATE _lf_runs SET finished_at = ?2, status = ?3, written = ?4, unchanged = ?5,
             trashed = ?6, deleted = ?7, restored = ?8, requests = ?9 WHERE run = ?1",
            params![
                run,
                now,
                status,
                counts.written as i64,
                counts.unchanged as i64,
                counts.trashed as i64,
                counts.deleted as i64,
                counts.restored as i64,
                counts.requests as i64
            ],
        )
        .map_err(failed("_lf_runs"))?;
        // What the runs before this one saw is no longer needed to judge absences.
        tx.execute("DELETE FROM _lf_seen WHERE run < ?1", [run])
            .map_err(failed("_lf_seen"))?;
        tx.commit().map_err(failed("_lf_runs"))
    }

    async fn columns(&mut self, object_type: &str) -> Result<Vec<FieldColumn>, String> {
        let mut statement = self
            .db
            .prepare(
                "SELECT field_key, value_type, column_name FROM _lf_fields
                 WHERE object_type = ?1 ORDER BY first_seen_run, column_name",
            )
            .map_err(failed("_lf_fields"))?;
        let rows = statement
            .query_map([object_type], |r| {
                Ok(FieldColumn {
                    key: r.get(0)?,
                    value_type: r.get(1)?,
                    column: r.get(2)?,
                })
            })
            .map_err(failed("_lf_fields"))?;
        rows.collect::<Result<_, _>>().map_err(failed("_lf_fields"))
    }

    async fn add_columns(
        &mut self,
        object_type: &str,
        table: &str,
        new: &[(FieldColumn, &'static str)],
        run: i64,
    ) -> Result<(), String> {
        let exists = self.table_exists(table)?;
        let tx = self.db.transaction().map_err(failed(table))?;
        if !exists {
            tx.execute_batch(&format!(
                "CREATE TABLE {} (id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT,
                 external_id TEXT, http_link TEXT, _raw TEXT NOT NULL, _status TEXT NOT NULL,
                 _status_reason TEXT, _first_seen_run INTEGER NOT NULL,
                 _changed_run INTEGER NOT NULL, _absent_runs INTEGER NOT NULL DEFAULT 0,
                 _absent_run INTEGER, _absent_since TEXT);
                 CREATE INDEX {} ON {} (_changed_run);",
                quoted(table),
                quoted(&format!("{table}__changed")),
                quoted(table)
            ))
            .map_err(failed(table))?;
        }
        for (column, sql_type) in new {
            tx.execute(
                &format!(
                    "ALTER TABLE {} ADD COLUMN {} {sql_type}",
                    quoted(table),
                    quoted(&column.column)
                ),
                [],
            )
            .map_err(failed(table))?;
            tx.execute(
                "INSERT INTO _lf_fields (object_type, field_key, value_type, column_name, table_name,
                 first_seen_run) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![object_type, column.key, column.value_type, column.column, table, run],
            )
            .map_err(failed("_lf_fields"))?;
        }
        tx.commit().map_err(failed(table))
    }

    async fn relationship(
        &mut self,
        object_type: &str,
        key: &str,
        target: &str,
        cardinality: &str,
        view: &str,
    ) -> Result<(), String> {
        let (from, to) = crate::names::view_columns(object_type, target);
        let tx = self.db.transaction().map_err(failed("_lf_relationships"))?;
        tx.execute(
            "INSERT INTO _lf_relationships (object_type, rel_key, target_type, cardinality, view_name)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (object_type, rel_key) DO UPDATE SET
             target_type = excluded.target_type, cardinality = excluded.cardinality",
            params![object_type, key, target, cardinality, view],
        )
        .map_err(failed("_lf_relationships"))?;
        tx.execute_batch(&format!(
            "CREATE VIEW IF NOT EXISTS {} AS SELECT src_id AS {}, dst_id AS {} FROM _edges
             WHERE src_type = '{}' AND rel_key = '{}' AND direction IN ('', 'source')",
            quoted(view),
            quoted(&from),
            quoted(&to),
            object_type.replace('\'', "''"),
            key.replace('\'', "''")
        ))
        .map_err(failed(view))?;
        tx.commit().map_err(failed("_lf_relationships"))
    }

    async fn stream(&mut self, run: i64, stream: &str) -> Result<Option<StreamState>, String> {
        self.db
            .query_row(
                "SELECT next_offset, boundary, state, shifts FROM _lf_streams
                 WHERE run = ?1 AND stream = ?2",
                params![run, stream],
                |r| {
                    Ok(StreamState {
                        next_offset: r.get::<_, i64>(0)?.max(0) as u64,
                        boundary: r.get(1)?,
                        state: r.get(2)?,
                        shifts: r.get::<_, i64>(3)?.max(0) as u32,
                    })
                },
            )
            .optional()
            .map_err(failed("_lf_streams"))
    }

    async fn write_page(&mut self, page: &PageWrite<'_>) -> Result<PageCounts, String> {
        let tx = self.db.transaction().map_err(failed(page.table))?;
        let mut counts = PageCounts::default();
        for record in page.records {
            match write_record(&tx, page, record)? {
                (false, _) => counts.unchanged += 1,
                (true, change) => {
                    counts.written += 1;
                    match change {
                        Some("restored") => counts.restored += 1,
                        Some("listed") => counts.trashed += 1,
                        _ => {}
                    }
                }
            }
            tx.prepare_cached(
                "INSERT OR IGNORE INTO _lf_seen (run, stream, id) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![page.run, page.stream, record.id]))
            .map_err(failed("_lf_seen"))?;
        }
        tx.execute(
            "INSERT INTO _lf_streams (run, stream, next_offset, boundary, state, shifts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (run, stream) DO UPDATE SET
             next_offset = excluded.next_offset, boundary = excluded.boundary,
             state = excluded.state, shifts = excluded.shifts",
            params![
                page.run,
                page.stream,
                page.next.next_offset as i64,
                page.next.boundary,
                page.next.state,
                page.next.shifts
            ],
        )
        .map_err(failed("_lf_streams"))?;
        tx.commit().map_err(failed(page.table))?;
        Ok(counts)
    }

    async fn unlisted(
        &mut self,
        table: &str,
        run: i64,
        streams: &[String],
    ) -> Result<Vec<StoredRow>, String> {
        if !self.table_exists(table)? {
            return Ok(Vec::new());
        }
        // The streams as a list of parameters, so each row is one lookup in _lf_seen's
        // key (a joined list of them made this a scan per row: quadratic in the type).
        let marks: Vec<String> = (0..streams.len()).map(|i| format!("?{}", i + 2)).collect();
        let mut statement = self
            .db
            .prepare(&format!(
                "SELECT id, _status, _absent_runs, _absent_run, _absent_since FROM {} t
                 WHERE _status <> 'deleted' AND _absent_run IS NOT ?1
                 AND NOT EXISTS (SELECT 1 FROM _lf_seen s
                   WHERE s.run = ?1 AND s.stream IN ({}) AND s.id = t.id)",
                quoted(table),
                marks.join(", ")
            ))
            .map_err(failed(table))?;
        let mut values: Vec<Sql> = vec![Sql::Integer(run)];
        values.extend(streams.iter().map(|s| Sql::Text(s.clone())));
        let rows = statement
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok(StoredRow {
                    id: r.get(0)?,
                    status: r.get(1)?,
                    absent_runs: r.get(2)?,
                    absent_run: r.get(3)?,
                    absent_since: r.get(4)?,
                })
            })
            .map_err(failed(table))?;
        rows.collect::<Result<_, _>>().map_err(failed(table))
    }

    async fn tables(&mut self) -> Result<Vec<String>, String> {
        read::tables(&self.db)
    }

    async fn dump(&mut self, table: &str) -> Result<Vec<DumpRow>, String> {
        read::dump(&self.db, table)
    }

    async fn links(&mut self) -> Result<Vec<(String, String, String)>, String> {
        read::links(&self.db)
    }

    async fn set_definitions(
        &mut self,
        object_type: &str,
        rows: &[DefinitionRow],
    ) -> Result<(), String> {
        definitions::set(&mut self.db, object_type, rows)
    }

    async fn changed_ids(&mut self, table: &str, run: i64) -> Result<Vec<String>, String> {
        history::changed_ids(&self.db, table, run)
    }

    async fn newest_history(&mut self, id: &str, key: &str) -> Result<Option<String>, String> {
        history::newest(&self.db, id, key)
    }

    async fn add_history(&mut self, rows: &[crate::store::HistoryRow]) -> Result<(), String> {
        history::add(&mut self.db, rows)
    }

    async fn list_members(&mut self, list_id: &str) -> Result<Vec<String>, String> {
        let mut statement = self
            .db
            .prepare("SELECT member_id FROM list_members WHERE list_id = ?1 ORDER BY member_id")
            .map_err(failed("list_members"))?;
        let ids = statement
            .query_map([list_id], |r| r.get(0))
            .map_err(failed("list_members"))?;
        ids.collect::<Result<_, _>>()
            .map_err(failed("list_members"))
    }

    async fn set_list_members(
        &mut self,
        list_id: &str,
        member_type: &str,
        ids: &[String],
    ) -> Result<(), String> {
        let tx = self.db.transaction().map_err(failed("list_members"))?;
        tx.execute("DELETE FROM list_members WHERE list_id = ?1", [list_id])
            .map_err(failed("list_members"))?;
        for id in ids {
            tx.execute(
                "INSERT OR IGNORE INTO list_members (list_id, member_type, member_id)
                 VALUES (?1, ?2, ?3)",
                params![list_id, member_type, id],
            )
            .map_err(failed("list_members"))?;
        }
        tx.commit().map_err(failed("list_members"))
    }

    async fn write_files(&mut self, run: i64, files: &[FileRow]) -> Result<u64, String> {
        files::write(&mut self.db, run, files)
    }

    async fn unlisted_files(&mut self, run: i64) -> Result<Vec<String>, String> {
        files::unlisted(&self.db, run)
    }

    async fn delete_file(&mut self, id: &str, run: i64) -> Result<(), String> {
        files::delete(&self.db, id, run)
    }

    async fn judge(
        &mut self,
        table: &str,
        id: &str,
        verdict: Verdict,
        run: i64,
    ) -> Result<(), String> {
        let table_name = quoted(table);
        let tx = self.db.transaction().map_err(failed(table))?;
        match verdict {
            Verdict::Deleted => {
                tx.execute(
                    &format!(
                        "UPDATE {table_name} SET _status = 'deleted', _status_reason = 'gone',
                         _changed_run = ?2 WHERE id = ?1"
                    ),
                    params![id, run],
                )
                .map_err(failed(table))?;
                tx.execute("DELETE FROM _edges WHERE src_id = ?1 OR dst_id = ?1", [id])
                    .map_err(failed("_edges"))?;
            }
            Verdict::TrashedByAbsence => {
                tx.execute(
                    &format!(
                        "UPDATE {table_name} SET _status = 'trashed', _status_reason = 'absent',
                         _changed_run = ?2, _absent_runs = _absent_runs + 1, _absent_run = ?2
                         WHERE id = ?1"
                    ),
                    params![id, run],
                )
                .map_err(failed(table))?;
            }
            Verdict::Absent(now) => {
                tx.execute(
                    &format!(
                        "UPDATE {table_name} SET _absent_runs = _absent_runs + 1, _absent_run = ?2,
                         _absent_since = COALESCE(_absent_since, ?3)
                         WHERE id = ?1 AND COALESCE(_absent_run, 0) < ?2"
                    ),
                    params![id, run, now],
                )
                .map_err(failed(table))?;
            }
        }
        tx.commit().map_err(failed(table))
    }
}
