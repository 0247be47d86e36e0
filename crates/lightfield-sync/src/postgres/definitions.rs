//! The organisation's definitions in a table of their own, replaced when they change.

use tokio_postgres::Client;

use super::failed;
use crate::store::DefinitionRow;

pub(super) async fn set(
    db: &mut Client,
    object_type: &str,
    rows: &[DefinitionRow],
) -> Result<(), String> {
    let stored: Vec<DefinitionRow> = db
        .query(
            "SELECT kind, key, label, of, raw FROM definitions WHERE object_type = $1
             ORDER BY kind, key",
            &[&object_type],
        )
        .await
        .map_err(failed("definitions"))?
        .into_iter()
        .map(|r| DefinitionRow {
            kind: r.get(0),
            key: r.get(1),
            label: r.get(2),
            of: r.get(3),
            raw: r.get(4),
        })
        .collect();
    let mut wanted = rows.to_vec();
    wanted.sort();
    if stored == wanted {
        return Ok(());
    }
    let tx = db.transaction().await.map_err(failed("definitions"))?;
    tx.execute(
        "DELETE FROM definitions WHERE object_type = $1",
        &[&object_type],
    )
    .await
    .map_err(failed("definitions"))?;
    for row in &wanted {
        tx.execute(
            "INSERT INTO definitions (object_type, kind, key, label, of, raw)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &object_type,
                &row.kind,
                &row.key,
                &row.label,
                &row.of,
                &row.raw,
            ],
        )
        .await
        .map_err(failed("definitions"))?;
    }
    tx.commit().await.map_err(failed("definitions"))
}
