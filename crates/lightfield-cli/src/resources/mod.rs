//! The commands for what is not one type's records: lists and their members, files, mail,
//! workflow runs, schemas, and the Preview resources, a file each.

use lightfield::{Client, ObjectType, Record};

use crate::args::ReadAction;
use crate::exit::Failure;
use crate::output::Out;

mod files;
mod lists;
mod mail;
#[cfg(feature = "preview")]
mod preview;
mod runs;
mod schema;

pub use files::files;
pub use lists::lists;
pub use mail::emails;
#[cfg(feature = "preview")]
pub use preview::preview;
pub use runs::runs;
pub use schema::{rows as schema_rows, schema};

type Outcome = Result<(), Failure>;

/// Typed records as generic ones, with the count.
pub(super) fn as_records<T: Into<Record>>((items, total): (Vec<T>, u64)) -> (Vec<Record>, u64) {
    (items.into_iter().map(Into::into).collect(), total)
}

/// A read-only type's commands.
pub(super) async fn read_only(
    client: &Client,
    object: ObjectType,
    action: ReadAction,
    out: &Out,
) -> Outcome {
    crate::records::run(client, object, crate::args::Action::Read(action), out).await
}
