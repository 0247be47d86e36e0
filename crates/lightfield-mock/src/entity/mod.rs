//! Records of every type: one [`Collection`] per object type, each with its [`Schema`],
//! and the entity operations dispatched to them.

mod collection;
mod filter;
mod history;
mod links;
mod merge;
mod reading;
mod schema;
mod values;

pub use collection::{Collection, Status};
pub use links::{forget, links_of, mirror};
pub use reading::ListView;
pub use schema::{FieldDef, RelDef, Schema};
