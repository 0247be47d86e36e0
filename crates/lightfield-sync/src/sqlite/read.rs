//! Reading what a SQLite mirror holds: its record tables, their rows, its links.

use rusqlite::Connection;

use super::{failed, quoted};
use crate::store::DumpRow;

pub(super) fn tables(db: &Connection) -> Result<Vec<String>, String> {
    let mut statement = db
        .prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
             AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = '_raw')
             ORDER BY m.name",
        )
        .map_err(failed("the schema"))?;
    let names = statement
        .query_map([], |r| r.get(0))
        .map_err(failed("the schema"))?;
    names
        .collect::<Result<_, _>>()
        .map_err(failed("the schema"))
}

pub(super) fn dump(db: &Connection, table: &str) -> Result<Vec<DumpRow>, String> {
    let mut statement = db
        .prepare(&format!(
            "SELECT id, _status, _status_reason, _raw FROM {} ORDER BY id",
            quoted(table)
        ))
        .map_err(failed(table))?;
    let rows = statement
        .query_map([], |r| {
            Ok(DumpRow {
                id: r.get(0)?,
                status: r.get(1)?,
                reason: r.get(2)?,
                raw: r.get(3)?,
            })
        })
        .map_err(failed(table))?;
    rows.collect::<Result<_, _>>().map_err(failed(table))
}

pub(super) fn links(db: &Connection) -> Result<Vec<(String, String, String)>, String> {
    let mut statement = db
        .prepare(
            "SELECT src_id, rel_key, dst_id FROM _edges WHERE direction IN ('', 'source')
             ORDER BY src_id, rel_key, dst_id",
        )
        .map_err(failed("_edges"))?;
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(failed("_edges"))?;
    rows.collect::<Result<_, _>>().map_err(failed("_edges"))
}
