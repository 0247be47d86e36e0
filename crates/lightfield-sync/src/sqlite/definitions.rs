//! The organisation's definitions in a table of their own, replaced when they change.

use rusqlite::{Connection, params};

use super::failed;
use crate::store::DefinitionRow;

pub(super) fn set(
    db: &mut Connection,
    object_type: &str,
    rows: &[DefinitionRow],
) -> Result<(), String> {
    let mut statement = db
        .prepare(
            "SELECT kind, key, label, of, raw FROM definitions WHERE object_type = ?1
             ORDER BY kind, key",
        )
        .map_err(failed("definitions"))?;
    let stored: Vec<DefinitionRow> = statement
        .query_map([object_type], |r| {
            Ok(DefinitionRow {
                kind: r.get(0)?,
                key: r.get(1)?,
                label: r.get(2)?,
                of: r.get(3)?,
                raw: r.get(4)?,
            })
        })
        .map_err(failed("definitions"))?
        .collect::<Result<_, _>>()
        .map_err(failed("definitions"))?;
    drop(statement);
    let mut wanted = rows.to_vec();
    wanted.sort();
    if stored == wanted {
        return Ok(());
    }
    let tx = db.transaction().map_err(failed("definitions"))?;
    tx.execute(
        "DELETE FROM definitions WHERE object_type = ?1",
        [object_type],
    )
    .map_err(failed("definitions"))?;
    for row in &wanted {
        tx.execute(
            "INSERT INTO definitions (object_type, kind, key, label, of, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![object_type, row.kind, row.key, row.label, row.of, row.raw],
        )
        .map_err(failed("definitions"))?;
    }
    tx.commit().map_err(failed("definitions"))
}
