//! Lists of any record type: [`Records::list`](super::Records::list) and a list's members,
//! through the one [`Listing`] builder, with the record status only record lists have.

use super::decode::raw_records;
use super::kind::ObjectType;
use super::{Entity, dispatch, segment_problem};
use crate::client::Client;
use crate::error::Error;
use crate::listing::{Listing, PageAt};
use crate::open_enum::open_enum;

open_enum!(
    /// Which records a list shows: those in use, or those in the trash.
    RecordStatus {
        /// Records in use (the default).
        Active = "active",
        /// Deleted records, which `restore` can bring back.
        Trashed = "trashed",
    }
);

impl<T: Entity> Listing<T> {
    /// Active records (the default) or trashed ones. Accounts, contacts, opportunities,
    /// tasks, notes and meetings have a status; asking for one elsewhere (or of a list's
    /// members) is refused before sending.
    pub fn status(mut self, status: RecordStatus) -> Self {
        self.query.status = Some(status.as_api().to_string());
        self
    }
}

/// The records of type `object`, as `T`.
pub(crate) fn records<T: Entity>(client: &Client, object: ObjectType) -> Listing<T> {
    Listing::new(
        client,
        "list",
        move |c, at: PageAt| {
            let object = object.clone();
            async move {
                let status = at.status.as_deref();
                dispatch::list(&c, &object, Some(at.limit), Some(at.offset), status).await
            }
        },
        read_records,
    )
    .with_identity(T::identity)
}

/// The members of type `object` of list `list_id`, as `T`.
pub(crate) fn members<T: Entity>(
    client: &Client,
    object: ObjectType,
    list_id: String,
) -> Listing<T> {
    if let Some(why) = segment_problem(&list_id) {
        let reason = format!("cannot list the members of a list: the list id {why}");
        return Listing::refused(client, "list_members", reason);
    }
    Listing::new(
        client,
        "list_members",
        move |c, at: PageAt| {
            let (object, list_id) = (object.clone(), list_id.clone());
            async move {
                match at.status {
                    // The members endpoints take no status: refused, not silently dropped.
                    Some(_) => dispatch::refuse(
                        "the members of a list have no status filter; leave out .status(..)",
                    ),
                    None => {
                        dispatch::list_members(
                            &c,
                            &object,
                            &list_id,
                            Some(at.limit),
                            Some(at.offset),
                        )
                        .await
                    }
                }
            }
        },
        read_records,
    )
    .with_identity(T::identity)
}

fn read_records<T: Entity>(
    page: lightfield_gen::types::ListResponse,
    body: &[u8],
    at: &PageAt,
) -> crate::Result<crate::Page<T>> {
    let records = raw_records(&page.data).map_err(|e| Error::decode(e, body))?;
    let items = records
        .into_iter()
        .map(T::decode)
        .collect::<crate::Result<_>>()?;
    Ok(at.page(items, Some(page.total_count)))
}
