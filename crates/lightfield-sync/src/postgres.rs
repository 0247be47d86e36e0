//! The backend for teams (`postgres` feature): one schema of a Postgres database, the same
//! tables as SQLite's with Postgres types, and an advisory lock that keeps a second sync
//! off the schema while this one holds the connection.

use std::collections::{HashMap, HashSet};

use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls};

use crate::names::sql_type;
use crate::store::{
    Cell, Counts, DumpRow, FieldColumn, PageCounts, PageWrite, RecordRow, Run, Store, StoredRow,
    StreamState, Verdict,
};

const STATE: &str = "
CREATE TABLE IF NOT EXISTS _lf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _lf_runs (run BIGINT PRIMARY KEY, started_at TEXT NOT NULL,
  finished_at TEXT, status TEXT NOT NULL, written BIGINT, unchanged BIGINT,
  trashed BIGINT, deleted BIGINT, restored BIGINT, requests BIGINT);
CREATE TABLE IF NOT EXISTS _lf_streams (run BIGINT NOT NULL, stream TEXT NOT NULL,
  next_offset BIGINT NOT NULL, boundary TEXT, state TEXT NOT NULL, shifts BIGINT NOT NULL,
  PRIMARY KEY (run, stream));
CREATE TABLE IF NOT EXISTS _lf_seen (run BIGINT NOT NULL, stream TEXT NOT NULL,
  id TEXT NOT NULL, PRIMARY KEY (run, stream, id));
CREATE TABLE IF NOT EXISTS _lf_fields (object_type TEXT NOT NULL, field_key TEXT NOT NULL,
  value_type TEXT NOT NULL, column_name TEXT NOT NULL, table_name TEXT NOT NULL,
  first_seen_run BIGINT NOT NULL, PRIMARY KEY (object_type, field_key, value_type));
CREATE TABLE IF NOT EXISTS _lf_relationships (object_type TEXT NOT NULL, rel_key TEXT NOT NULL,
  target_type TEXT NOT NULL, cardinality TEXT NOT NULL, view_name TEXT NOT NULL,
  PRIMARY KEY (object_type, rel_key));
CREATE TABLE IF NOT EXISTS _edges (src_type TEXT NOT NULL, src_id TEXT NOT NULL,
  rel_key TEXT NOT NULL, dst_type TEXT NOT NULL, dst_id TEXT NOT NULL,
  direction TEXT NOT NULL DEFAULT '', PRIMARY KEY (src_id, rel_key, dst_id, direction));
CREATE INDEX IF NOT EXISTS _edges_dst ON _edges (dst_id, rel_key);
CREATE TABLE IF NOT EXISTS list_members (list_id TEXT NOT NULL, member_type TEXT NOT NULL,
  member_id TEXT NOT NULL, PRIMARY KEY (list_id, member_id));
";

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

impl Postgres {
    /// Connects to `url` (`postgres://user@host/db`) and keeps the mirror in `schema`,
    /// created when missing; refused while another sync holds the same schema.
    pub async fn connect(url: &str, schema: &str) -> Result<Self, crate::Error> {
        let (db, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|e| crate::Error::Store(format!("cannot connect to Postgres: {e}")))?;
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
        let row = self
            .db
            .query_opt(
                "SELECT 1 FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = $1",
                &[&table],
            )
            .await
            .map_err(failed("the schema"))?;
        Ok(row.is_some())
    }
}

async fn write_record(
    tx: &tokio_postgres::Transaction<'_>,
    types: &HashMap<String, &'static str>,
    page: &PageWrite<'_>,
    record: &RecordRow,
) -> Result<(bool, Option<&'static str>), String> {
    let table = quoted(page.table);
    let stored = tx
        .query_opt(
            &format!("SELECT _raw, _status, _absent_runs FROM {table} WHERE id = $1"),
            &[&record.id],
        )
        .await
        .map_err(failed(page.table))?
        .map(|r| {
            (
                r.get::<_, String>(0),
                r.get::<_, String>(1),
                r.get::<_, i64>(2),
            )
        });
    if let Some((raw, status, absent)) = &stored
        && *raw == record.raw
        && status == page.status
    {
        if *absent != 0 {
            tx.execute(
                &format!("UPDATE {table} SET _absent_runs = 0, _absent_run = NULL, _absent_since = NULL WHERE id = $1"),
                &[&record.id],
            )
            .await
            .map_err(failed(page.table))?;
        }
        return Ok((false, None));
    }
    let change = match (stored.as_ref().map(|s| s.1.as_str()), page.status) {
        (Some("trashed" | "deleted"), "active") => Some("restored"),
        (Some("active") | None, "trashed") => Some("listed"),
        _ => None,
    };
    // Every value goes as text with a cast to its column's type.
    let mut columns: Vec<String> = ["id", "created_at", "updated_at", "external_id", "http_link"]
        .into_iter()
        .map(quoted)
        .collect();
    let mut values: Vec<(Option<String>, &'static str)> = vec![(Some(record.id.clone()), "TEXT")];
    values.extend(record.fixed.iter().map(|c| (text_for(c, "TEXT"), "TEXT")));
    for (column, cell) in &record.cells {
        let pg = types.get(column).copied().unwrap_or("TEXT");
        columns.push(quoted(column));
        values.push((text_for(cell, pg), pg));
    }
    for (name, value, pg) in [
        ("_raw", Some(record.raw.clone()), "TEXT"),
        ("_status", Some(page.status.to_string()), "TEXT"),
        ("_status_reason", change.map(str::to_string), "TEXT"),
        ("_changed_run", Some(page.run.to_string()), "BIGINT"),
        ("_absent_runs", Some("0".into()), "BIGINT"),
        ("_absent_run", None, "BIGINT"),
        ("_absent_since", None, "TEXT"),
    ] {
        columns.push(name.to_string());
        values.push((value, pg));
    }
    let updates: Vec<String> = columns
        .iter()
        .skip(1)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    columns.push("_first_seen_run".into());
    values.push((Some(page.run.to_string()), "BIGINT"));
    let marks: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, (_, pg))| format!("(${}::TEXT)::{pg}", i + 1))
        .collect();
    let statement = format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        columns.join(", "),
        marks.join(", "),
        updates.join(", ")
    );
    let params: Vec<&(dyn ToSql + Sync)> = values
        .iter()
        .map(|(v, _)| v as &(dyn ToSql + Sync))
        .collect();
    tx.execute(&statement, &params)
        .await
        .map_err(failed(page.table))?;
    tx.execute("DELETE FROM _edges WHERE src_id = $1", &[&record.id])
        .await
        .map_err(failed("_edges"))?;
    for edge in &record.edges {
        let direction = edge.direction.clone().unwrap_or_default();
        tx.execute(
            "INSERT INTO _edges (src_type, src_id, rel_key, dst_type, dst_id, direction)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &page.object_type,
                &record.id,
                &edge.rel_key,
                &edge.dst_type,
                &edge.dst_id,
                &direction,
            ],
        )
        .await
        .map_err(failed("_edges"))?;
    }
    Ok((true, change))
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
        match last {
            Some((run, status)) if status == "running" => Ok(Run {
                id: run,
                resumed: true,
            }),
            last => {
                let run = last.map_or(1, |(run, _)| run + 1);
                self.db
                    .execute(
                        "INSERT INTO _lf_runs (run, started_at, status) VALUES ($1, $2, 'running')",
                        &[&run, &now],
                    )
                    .await
                    .map_err(failed("_lf_runs"))?;
                Ok(Run {
                    id: run,
                    resumed: false,
                })
            }
        }
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
        let side = |t: &str| format!("{}_id", crate::names::identifier(t));
        let (from, to) = (side(object_type), side(target));
        let to = if to == from {
            format!("linked_{to}")
        } else {
            to
        };
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
        let mut counts = PageCounts::default();
        for record in page.records {
            match write_record(&tx, &types, page, record).await? {
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
            tx.execute(
                "INSERT INTO _lf_seen (run, stream, id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&page.run, &page.stream, &record.id],
            )
            .await
            .map_err(failed("_lf_seen"))?;
        }
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

    async fn rows(&mut self, table: &str) -> Result<Vec<StoredRow>, String> {
        if !self.table_exists(table).await? {
            return Ok(Vec::new());
        }
        let rows = self
            .db
            .query(
                &format!(
                    "SELECT id, _status, _absent_runs, _absent_run, _absent_since FROM {}",
                    quoted(table)
                ),
                &[],
            )
            .await
            .map_err(failed(table))?;
        Ok(rows
            .into_iter()
            .map(|r| StoredRow {
                id: r.get(0),
                status: r.get(1),
                absent_runs: r.get(2),
                absent_run: r.get(3),
                absent_since: r.get(4),
            })
            .collect())
    }

    async fn seen(&mut self, run: i64, stream: &str) -> Result<HashSet<String>, String> {
        let rows = self
            .db
            .query(
                "SELECT id FROM _lf_seen WHERE run = $1 AND stream = $2",
                &[&run, &stream],
            )
            .await
            .map_err(failed("_lf_seen"))?;
        Ok(rows.into_iter().map(|r| r.get(0)).collect())
    }

    async fn tables(&mut self) -> Result<Vec<String>, String> {
        let rows = self
            .db
            .query(
                "SELECT table_name FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                 AND table_name NOT LIKE '\\_%' ORDER BY table_name",
                &[],
            )
            .await
            .map_err(failed("the schema"))?;
        Ok(rows.into_iter().map(|r| r.get(0)).collect())
    }

    async fn dump(&mut self, table: &str) -> Result<Vec<DumpRow>, String> {
        let rows = self
            .db
            .query(
                &format!(
                    "SELECT id, _status, _status_reason, _raw FROM {} ORDER BY id",
                    quoted(table)
                ),
                &[],
            )
            .await
            .map_err(failed(table))?;
        Ok(rows
            .into_iter()
            .map(|r| DumpRow {
                id: r.get(0),
                status: r.get(1),
                reason: r.get(2),
                raw: r.get(3),
            })
            .collect())
    }

    async fn links(&mut self) -> Result<Vec<(String, String, String)>, String> {
        let rows = self
            .db
            .query(
                "SELECT src_id, rel_key, dst_id FROM _edges WHERE direction IN ('', 'source')
                 ORDER BY src_id, rel_key, dst_id",
                &[],
            )
            .await
            .map_err(failed("_edges"))?;
        Ok(rows
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    async fn list_members(&mut self, list_id: &str) -> Result<Vec<String>, String> {
        let rows = self
            .db
            .query(
                "SELECT member_id FROM list_members WHERE list_id = $1 ORDER BY member_id",
                &[&list_id],
            )
            .await
            .map_err(failed("list_members"))?;
        Ok(rows.into_iter().map(|r| r.get(0)).collect())
    }

    async fn set_list_members(
        &mut self,
        list_id: &str,
        member_type: &str,
        ids: &[String],
    ) -> Result<(), String> {
        let tx = self
            .db
            .transaction()
            .await
            .map_err(failed("list_members"))?;
        tx.execute("DELETE FROM list_members WHERE list_id = $1", &[&list_id])
            .await
            .map_err(failed("list_members"))?;
        for id in ids {
            tx.execute(
                "INSERT INTO list_members (list_id, member_type, member_id) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&list_id, &member_type, id],
            )
            .await
            .map_err(failed("list_members"))?;
        }
        tx.commit().await.map_err(failed("list_members"))
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
