//! The backend for teams (`postgres` feature): one schema of a Postgres database, the same
//! tables as SQLite's with Postgres types, and an advisory lock that keeps a second sync
//! off the schema while this one holds the connection.

use std::collections::HashMap;

use tokio_postgres::Client;

mod definitions;
mod files;
mod history;
mod lists;
mod page;
mod read;
mod tls;

use crate::names::sql_type;
use crate::store::{
    Cell, Counts, DefinitionRow, DumpRow, FieldColumn, FileRow, PageCounts, PageWrite, Run, Store,
    StoredRow, StreamState, Verdict,
};
use page::{STATE, write_records};

/// A mirror in one schema of a Postgres database.
pub struct Postgres {
    db: Client,
    /// Each record table's field columns and their SQL types.
    types: HashMap<String, HashMap<String, &'static str>>,
}

fn failed(what: &str) -> impl Fn(tokio_postgres::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The Postgres type of a column of SQL type `sql` (as `names::sql_type` gives it).
fn pg_type(sql: &str) -> &'static str {
    match sql {
        "REAL" => "DOUBLE PRECISION",
        "INTEGER" => "BIGINT",
        _ => "TEXT",
    }
}

/// A cell as text for a column of `pg` type, or `None` (SQL null) when its kind does not
/// fit the column: the exact value is in `_raw` either way.
fn text_for(cell: &Cell, pg: &str) -> Option<String> {
    match (cell, pg) {
        (Cell::Null, _) => None,
        (Cell::Integer(i), _) => Some(i.to_string()),
        (Cell::Real(r), "DOUBLE PRECISION" | "TEXT") => Some(r.to_string()),
        (Cell::Text(t), "TEXT") => Some(t.clone()),
        _ => None,
    }
}

/// An error with its causes (`error performing TLS handshake: invalid peer certificate:
/// UnknownIssuer`): tokio-postgres keeps what went wrong in the source.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

impl Postgres {
    /// Connects to `url` (`postgres://user@host/db`) and keeps the mirror in `schema`,
    /// created when missing; refused while another sync holds the same schema.
    ///
    /// TLS as libpq does it: `sslmode=prefer` (the default) when the server offers it,
    /// `sslmode=require` to refuse a server that does not. The server's certificate is
    /// checked against the system's roots and those in the PEM file a `sslrootcert=`
    /// parameter names (`postgres://me@db.example/crm?sslmode=require&sslrootcert=ca.pem`).
    pub async fn connect(url: &str, schema: &str) -> Result<Self, crate::Error> {
        let (url, root) = tls::split_root_cert(url);
        let tls = tls::connector(root.as_deref().map(std::path::Path::new))
            .map_err(crate::Error::Store)?;
        let (db, connection) = tokio_postgres::connect(&url, tls).await.map_err(|e| {
            crate::Error::Store(format!("cannot connect to Postgres: {}", chain(&e)))
        })?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let locked: bool = db
            .query_one(
                "SELECT pg_try_advisory_lock(hashtext($1))",
                &[&format!("lightfield-sync {schema}")],
            )
            .await
            .map_err(|e| crate::Error::Store(format!("cannot take the lock: {e}")))?
            .get(0);
        if !locked {
            return Err(crate::Error::Refused(format!(
                "another sync is writing the schema `{schema}`; wait for it to finish"
            )));
        }
        let setup = format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}; {STATE}",
            schema = quoted(schema)
        );
        db.batch_execute(&setup)
            .await
            .map_err(|e| crate::Error::Store(format!("cannot create the mirror's tables: {e}")))?;
        let mut store = Self {
            db,
            types: HashMap::new(),
        };
        store.load_types().await?;
        Ok(store)
    }

    async fn load_types(&mut self) -> Result<(), String> {
        let rows = self
            .db
            .query(
                "SELECT table_name, column_name, value_type FROM _lf_fields",
                &[],
            )
            .await
            .map_err(failed("_lf_fields"))?;
        for row in rows {
            let (table, column, value_type): (String, String, String) =
                (row.get(0), row.get(1), row.get(2));
            self.types
                .entry(table)
                .or_default()
                .insert(column, pg_type(sql_type(&value_type)));
        }
        Ok(())
    }

    async fn table_exists(&self, table: &str) -> Result<bool, String> {
        read::table_exists(&self.db, table).await
    }
}

#[async_trait::async_trait]
impl Store for Postgres {
    async fn meta(&mut self, key: &str) -> Result<Option<String>, String> {
        let row = self
            .db
            .query_opt("SELECT value FROM _lf_meta WHERE key = $1", &[&key])
            .await
            .map_err(failed("_lf_meta"))?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn set_meta(&mut self, key: &str, value: &str) -> Result<(), String> {
        self.db
            .execute(
                "INSERT INTO _lf_meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .await
            .map(drop)
            .map_err(failed("_lf_meta"))
    }

    async fn open_run(&mut self, now: &str) -> Result<Run, String> {
        let last = self
            .db
            .query_opt(
                "SELECT run, status FROM _lf_runs ORDER BY run DESC LIMIT 1",
                &[],
            )
            .await
            .map_err(failed("_lf_runs"))?
            .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1)));
        let run = Run::after(last.as_ref().map(|(run, status)| (*run, status.as_str())));
        if !run.resumed {
            self.db
                .execute(
                    "INSERT INTO _lf_runs (run, started_at, status) VALUES ($1, $2, 'running')",
                    &[&run.id, &now],
                )
                .await
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
        let tx = self.db.transaction().await.map_err(failed("_lf_runs"))?;
        let n = |v: u64| v as i64;
        tx.execute(
            "UPDATE _lf_runs SET finished_at = $2, status = $3, written = $4, unchanged = $5,
             trashed = $6, deleted = $7, restored = $8, requests = $9 WHERE run = $1",
            &[
                &run,
                &now,
                &status,
                &n(counts.written),
                &n(counts.unchanged),
                &n(counts.trashed),
                &n(counts.deleted),
                &n(counts.restored),
                &n(counts.requests),
            ],
        )
        .await
        .map_err(failed("_lf_runs"))?;
        tx.execute("DELETE FROM _lf_seen WHERE run < $1", &[&run])
            .await
            .map_err(failed("_lf_seen"))?;
        tx.commit().await.map_err(failed("_lf_runs"))
    }

    async fn columns(&mut self, object_type: &str) -> Result<Vec<FieldColumn>, String> {
        let rows = self
            .db
            .query(
                "SELECT field_key, value_type, column_name FROM _lf_fields
                 WHERE object_type = $1 ORDER BY first_seen_run, column_name",
                &[&object_type],
            )
            .await
            .map_err(failed("_lf_fields"))?;
        Ok(rows
            .into_iter()
            .map(|r| FieldColumn {
                key: r.get(0),
                value_type: r.get(1),
                column: r.get(2),
            })
            .collect())
    }

    async fn add_columns(
        &mut self,
        object_type: &str,
        table: &str,
        new: &[(FieldColumn, &'static str)],
        run: i64,
    ) -> Result<(), String> {
        let exists = self.table_exists(table).await?;
        let tx = self.db.transaction().await.map_err(failed(table))?;
        if !exists {
            tx.batch_execute(&format!(
                "CREATE TABLE {t} (id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT,
                 external_id TEXT, http_link TEXT, _raw TEXT NOT NULL, _status TEXT NOT NULL,
                 _status_reason TEXT, _first_seen_run BIGINT NOT NULL,
                 _changed_run BIGINT NOT NULL, _absent_runs BIGINT NOT NULL DEFAULT 0,
                 _absent_run BIGINT, _absent_since TEXT);
                 CREATE INDEX {i} ON {t} (_changed_run);",
                t = quoted(table),
                i = quoted(&format!("{table}__changed"))
            ))
            .await
            .map_err(failed(table))?;
        }
        for (column, sql) in new {
            tx.batch_execute(&format!(
                "ALTER TABLE {} ADD COLUMN {} {}",
                quoted(table),
                quoted(&column.column),
                pg_type(sql)
            ))
            .await
            .map_err(failed(table))?;
            tx.execute(
                "INSERT INTO _lf_fields (object_type, field_key, value_type, column_name, table_name,
                 first_seen_run) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&object_type, &column.key, &column.value_type, &column.column, &table, &run],
            )
            .await
            .map_err(failed("_lf_fields"))?;
        }
        tx.commit().await.map_err(failed(table))?;
        let types = self.types.entry(table.to_string()).or_default();
        for (column, sql) in new {
            types.insert(column.column.clone(), pg_type(sql));
        }
        Ok(())
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
        let tx = self
            .db
            .transaction()
            .await
            .map_err(failed("_lf_relationships"))?;
        tx.execute(
            "INSERT INTO _lf_relationships (object_type, rel_key, target_type, cardinality, view_name)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (object_type, rel_key) DO UPDATE SET
             target_type = excluded.target_type, cardinality = excluded.cardinality",
            &[&object_type, &key, &target, &cardinality, &view],
        )
        .await
        .map_err(failed("_lf_relationships"))?;
        tx.batch_execute(&format!(
            "CREATE OR REPLACE VIEW {} AS SELECT src_id AS {}, dst_id AS {} FROM _edges
             WHERE src_type = '{}' AND rel_key = '{}' AND direction IN ('', 'source')",
            quoted(view),
            quoted(&from),
            quoted(&to),
            object_type.replace('\'', "''"),
            key.replace('\'', "''")
        ))
        .await
        .map_err(failed(view))?;
        tx.commit().await.map_err(failed("_lf_relationships"))
    }

    async fn stream(&mut self, run: i64, stream: &str) -> Result<Option<StreamState>, String> {
        let row = self
            .db
            .query_opt(
                "SELECT next_offset, boundary, state, shifts FROM _lf_streams
                 WHERE run = $1 AND stream = $2",
                &[&run, &stream],
            )
            .await
            .map_err(failed("_lf_streams"))?;
        Ok(row.map(|r| StreamState {
            next_offset: r.get::<_, i64>(0).max(0) as u64,
            boundary: r.get(1),
            state: r.get(2),
            shifts: r.get::<_, i64>(3).max(0) as u32,
        }))
    }

    async fn write_page(&mut self, page: &PageWrite<'_>) -> Result<PageCounts, String> {
        let types = self.types.get(page.table).cloned().unwrap_or_default();
        let tx = self.db.transaction().await.map_err(failed(page.table))?;
        let counts = write_records(&tx, &types, page).await?;
        let next = page.next;
        tx.execute(
            "INSERT INTO _lf_streams (run, stream, next_offset, boundary, state, shifts)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run, stream) DO UPDATE SET
             next_offset = excluded.next_offset, boundary = excluded.boundary,
             state = excluded.state, shifts = excluded.shifts",
            &[
                &page.run,
                &page.stream,
                &(next.next_offset as i64),
                &next.boundary,
                &next.state,
                &i64::from(next.shifts),
            ],
        )
        .await
        .map_err(failed("_lf_streams"))?;
        tx.commit().await.map_err(failed(page.table))?;
        Ok(counts)
    }

    async fn unlisted(
        &mut self,
        table: &str,
        run: i64,
        streams: &[String],
    ) -> Result<Vec<StoredRow>, String> {
        read::unlisted(&self.db, table, run, streams).await
    }

    async fn tables(&mut self) -> Result<Vec<String>, String> {
        read::tables(&self.db).await
    }

    async fn dump(&mut self, table: &str) -> Result<Vec<DumpRow>, String> {
        read::dump(&self.db, table).await
    }

    async fn links(&mut self) -> Result<Vec<(String, String, String)>, String> {
        read::links(&self.db).await
    }

    async fn set_definitions(
        &mut self,
        object_type: &str,
        rows: &[DefinitionRow],
    ) -> Result<(), String> {
        definitions::set(&mut self.db, object_type, rows).await
    }

    async fn changed_ids(&mut self, table: &str, run: i64) -> Result<Vec<String>, String> {
        history::changed_ids(&self.db, table, run).await
    }

    async fn newest_history(&mut self, id: &str, key: &str) -> Result<Option<String>, String> {
        history::newest(&self.db, id, key).await
    }

    async fn add_history(&mut self, rows: &[crate::store::HistoryRow]) -> Result<(), String> {
        history::add(&mut self.db, rows).await
    }

    async fn list_members(&mut self, list_id: &str) -> Result<Vec<String>, String> {
        read::list_members(&self.db, list_id).await
    }

    async fn set_list_members(
        &mut self,
        list_id: &str,
        member_type: &str,
        ids: &[String],
    ) -> Result<(), String> {
        lists::set_members(&mut self.db, list_id, member_type, ids).await
    }

    async fn write_files(&mut self, run: i64, files: &[FileRow]) -> Result<u64, String> {
        files::write(&mut self.db, run, files).await
    }

    async fn unlisted_files(&mut self, run: i64) -> Result<Vec<String>, String> {
        files::unlisted(&self.db, run).await
    }

    async fn delete_file(&mut self, id: &str, run: i64) -> Result<(), String> {
        files::delete(&self.db, id, run).await
    }

    async fn judge(
        &mut self,
        table: &str,
        id: &str,
        verdict: Verdict,
        run: i64,
    ) -> Result<(), String> {
        let t = quoted(table);
        let tx = self.db.transaction().await.map_err(failed(table))?;
        match verdict {
            Verdict::Deleted => {
                tx.execute(
                    &format!(
                        "UPDATE {t} SET _status = 'deleted', _status_reason = 'gone',
                         _changed_run = $2 WHERE id = $1"
                    ),
                    &[&id, &run],
                )
                .await
                .map_err(failed(table))?;
                tx.execute(
                    "DELETE FROM _edges WHERE src_id = $1 OR dst_id = $1",
                    &[&id],
                )
                .await
                .map_err(failed("_edges"))?;
            }
            Verdict::TrashedByAbsence => {
                tx.execute(
                    &format!(
                        "UPDATE {t} SET _status = 'trashed', _status_reason = 'absent',
                         _changed_run = $2, _absent_runs = _absent_runs + 1, _absent_run = $2
                         WHERE id = $1"
                    ),
                    &[&id, &run],
                )
                .await
                .map_err(failed(table))?;
            }
            Verdict::Absent(now) => {
                tx.execute(
                    &format!(
                        "UPDATE {t} SET _absent_runs = _absent_runs + 1, _absent_run = $2,
                         _absent_since = COALESCE(_absent_since, $3)
                         WHERE id = $1 AND COALESCE(_absent_run, 0) < $2"
                    ),
                    &[&id, &run, &now],
                )
                .await
                .map_err(failed(table))?;
            }
        }
        tx.commit().await.map_err(failed(table))
    }
}
