//! Each list's members, replaced whole when they change.

use tokio_postgres::Client;

use super::failed;

pub(super) async fn set_members(
    db: &mut Client,
    list_id: &str,
    member_type: &str,
    ids: &[String],
) -> Result<(), String> {
    let tx = db.transaction().await.map_err(failed("list_members"))?;
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
