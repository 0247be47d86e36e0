//! Record ids as relationships take them ([`Ids`]), and the change an update makes to one
//! relationship ([`RelationshipChange`]).

use lightfield_gen::types as wire;
use serde_json::{Map, Value};

/// One record id or several, for relationships.
///
/// ```
/// use lightfield::Ids;
/// let one: Ids = "mem_1".into();
/// let many: Ids = ["con_1", "con_2"].into();
/// # let _ = (one, many);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Ids {
    /// A single id.
    One(String),
    /// A list of ids.
    Many(Vec<String>),
}

impl Ids {
    pub(crate) fn to_wire(&self) -> wire::RelationshipTarget {
        match self {
            Self::One(id) => wire::RelationshipTarget::String(id.clone()),
            Self::Many(ids) => wire::RelationshipTarget::Array(ids.clone()),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Self::One(id) => Value::String(id.clone()),
            Self::Many(ids) => Value::from(ids.clone()),
        }
    }

    /// The ids, as a slice.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Self::One(id) => std::slice::from_ref(id),
            Self::Many(ids) => ids,
        }
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(ids) => ids.len(),
        }
    }

    /// True for an empty list.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Refuses empty ids, which the API would refuse too.
    pub(crate) fn check(&self, key: &str) -> Result<(), String> {
        let empty = match self {
            Self::One(id) => id.trim().is_empty(),
            Self::Many(ids) => ids.iter().any(|id| id.trim().is_empty()),
        };
        if empty {
            return Err(format!("relationship `{key}` was given an empty record id"));
        }
        Ok(())
    }
}

impl From<&str> for Ids {
    fn from(v: &str) -> Self {
        Self::One(v.to_string())
    }
}
impl From<String> for Ids {
    fn from(v: String) -> Self {
        Self::One(v)
    }
}
impl From<&String> for Ids {
    fn from(v: &String) -> Self {
        Self::One(v.clone())
    }
}
impl From<Vec<String>> for Ids {
    fn from(v: Vec<String>) -> Self {
        Self::Many(v)
    }
}
impl From<Vec<&str>> for Ids {
    fn from(v: Vec<&str>) -> Self {
        Self::Many(v.into_iter().map(str::to_string).collect())
    }
}
impl<const N: usize> From<[&str; N]> for Ids {
    fn from(v: [&str; N]) -> Self {
        Self::Many(v.iter().map(|s| s.to_string()).collect())
    }
}

/// What an update does to `replace`: leave it out, send `null` (unlink everything), or
/// link exactly one record.
///
/// Three states, because the API reads an absent `replace` and `replace: null` differently
/// and an `Option` cannot say both.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Replace {
    /// `replace` is not sent.
    #[default]
    Absent,
    /// `replace: null`: unlink every record.
    Null,
    /// `replace: "id"`: this record becomes the only one linked.
    One(String),
}

/// The change an update makes to one relationship.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct RelationshipChange {
    /// Records to link.
    pub add: Option<Ids>,
    /// Records to unlink.
    pub remove: Option<Ids>,
    /// The record to link instead of all current ones.
    pub replace: Replace,
}

impl RelationshipChange {
    /// Every id the change names: added, removed and the replacement.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        let listed = [&self.add, &self.remove]
            .into_iter()
            .flatten()
            .flat_map(|ids| ids.as_slice().iter().map(String::as_str));
        let replace = match &self.replace {
            Replace::One(id) => Some(id.as_str()),
            _ => None,
        };
        listed.chain(replace)
    }

    /// The JSON object the API takes.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(ids) = &self.add {
            out.insert("add".into(), ids.to_json());
        }
        if let Some(ids) = &self.remove {
            out.insert("remove".into(), ids.to_json());
        }
        match &self.replace {
            Replace::Absent => {}
            Replace::Null => {
                out.insert("replace".into(), Value::Null);
            }
            Replace::One(id) => {
                out.insert("replace".into(), Value::String(id.clone()));
            }
        }
        Value::Object(out)
    }

    /// The operations it uses, by API name.
    pub(crate) fn operations(&self) -> impl Iterator<Item = &'static str> {
        [
            self.add.as_ref().map(|_| "add"),
            self.remove.as_ref().map(|_| "remove"),
            matches!(self.replace, Replace::One(_)).then_some("replace"),
            (self.replace == Replace::Null).then_some("clear"),
        ]
        .into_iter()
        .flatten()
    }
}
