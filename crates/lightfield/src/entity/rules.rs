//! The checks a write passes before it is sent, from the spec's table of record types:
//! required keys on create, read-only keys always, create-only keys on update, and the
//! relationship operations an update may use.
//!
//! Each check returns the sentence the caller sees in `Error::InvalidInput`, naming the key
//! and saying what to do instead. Custom objects have no table (their schema is the
//! organisation's), so only the shape checks apply to them.

use lightfield_gen::tables::ObjectSchema;

use super::ids::{Ids, RelationshipChange};
use super::kind::ObjectType;
use crate::value::InputValue;

/// Whether a write creates or changes a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    Create,
    Update,
}

fn empty_key(kind: &str, key: &str) -> Result<(), String> {
    if key.trim().is_empty() {
        return Err(format!("a {kind} key is empty"));
    }
    Ok(())
}

/// A field key the write may set.
pub(crate) fn field(object: &ObjectType, write: Write, key: &str) -> Result<(), String> {
    empty_key("field", key)?;
    let Some(def) = object.schema().and_then(|s| s.field(key)) else {
        return Ok(());
    };
    if def.read_only {
        return Err(format!(
            "field `{key}` is read-only on {}: Lightfield computes it and the API refuses writes to it",
            object.plural()
        ));
    }
    if write == Write::Update && def.create_only {
        return Err(format!(
            "field `{key}` of {} can only be set when the record is created",
            object.plural()
        ));
    }
    if write == Write::Create && def.update_only {
        return Err(format!(
            "field `{key}` of {} can only be set on a record that exists: create it first, then update it",
            object.plural()
        ));
    }
    Ok(())
}

/// The value as the API takes it for `key`: a field that holds a list (`$website`,
/// `$attendeeEmails`…) takes an array even for one entry, so a single text is sent as a
/// list of one, and clearing it sends the empty list (some, like `$attendeeEmails`, take
/// no `null`). Any other value is sent as given.
pub(crate) fn shape(object: &ObjectType, key: &str, value: InputValue) -> InputValue {
    let multiple = object
        .schema()
        .and_then(|s| s.field(key))
        .is_some_and(|d| d.multiple);
    match value {
        InputValue::Text(text) if multiple => InputValue::List(vec![text]),
        InputValue::Null if multiple => InputValue::List(Vec::new()),
        other => other,
    }
}

/// A relationship key the write may link.
pub(crate) fn relationship(object: &ObjectType, write: Write, key: &str) -> Result<(), String> {
    empty_key("relationship", key)?;
    let Some(def) = object.schema().and_then(|s| s.relationship(key)) else {
        return Ok(());
    };
    if def.read_only {
        return Err(format!(
            "relationship `{key}` is read-only on {}: link it from the {} record instead",
            object.plural(),
            def.object_type
        ));
    }
    if write == Write::Update && def.create_only {
        return Err(format!(
            "relationship `{key}` of {} can only be set when the record is created",
            object.plural()
        ));
    }
    Ok(())
}

/// The ids a create links under `key`: not empty, and one at most on a HAS_ONE.
pub(crate) fn link(object: &ObjectType, key: &str, ids: &Ids) -> Result<(), String> {
    ids.check(key)?;
    let has_one = object
        .schema()
        .and_then(|s| s.relationship(key))
        .is_some_and(|d| d.cardinality == "HAS_ONE");
    if has_one && ids.len() > 1 {
        return Err(format!(
            "relationship `{key}` of {} links one record at most; {} ids were given",
            object.plural(),
            ids.len()
        ));
    }
    Ok(())
}

/// The operations an update applies to `key`.
pub(crate) fn change(
    object: &ObjectType,
    key: &str,
    change: &RelationshipChange,
) -> Result<(), String> {
    for ids in [&change.add, &change.remove].into_iter().flatten() {
        ids.check(key)?;
    }
    let Some(schema) = object.schema() else {
        return Ok(());
    };
    if schema.one_operation_per_key && change.operations().count() > 1 {
        return Err(format!(
            "an update of {} applies one operation to `{key}`; send the {} as separate updates",
            object.plural(),
            change.operations().collect::<Vec<_>>().join(" and ")
        ));
    }
    let Some(def) = schema.relationship(key) else {
        return Ok(());
    };
    let ops = def.update_ops;
    let allowed = [
        ("add", ops.add),
        ("remove", ops.remove),
        ("replace", ops.replace),
        ("clear", ops.clear),
    ];
    for used in change.operations() {
        if !allowed.iter().any(|(name, ok)| *name == used && *ok) {
            let names: Vec<&str> = allowed
                .iter()
                .filter(|(_, ok)| *ok)
                .map(|(name, _)| *name)
                .collect();
            return Err(format!(
                "relationship `{key}` of {} cannot be changed with `{used}`; use {}",
                object.plural(),
                names.join(" or ")
            ));
        }
    }
    Ok(())
}

/// Every key a create must set, present and not null.
pub(crate) fn required<'a>(
    schema: &ObjectSchema,
    fields: impl Fn(&str) -> Option<&'a InputValue>,
    has_relationship: impl Fn(&str) -> bool,
) -> Result<(), (&'static str, String)> {
    // `name` for `$name` is the likeliest slip (a shell ate the `$`, or it was left out):
    // saying so explains why a key that looks given is missing.
    let unprefixed = |key: &str, given: bool| match key.strip_prefix('$') {
        Some(bare) if given => format!(" (`{bare}` was given: system keys start with `$`)"),
        _ => String::new(),
    };
    for def in schema.fields.iter().filter(|f| f.required) {
        match fields(def.key) {
            None | Some(InputValue::Null) => {
                let bare = def.key.trim_start_matches('$');
                return Err((
                    def.key,
                    format!(
                        "`{}` is required to create {}{}",
                        def.key,
                        schema.collection,
                        unprefixed(def.key, fields(bare).is_some())
                    ),
                ));
            }
            Some(InputValue::Text(text)) if text.trim().is_empty() => {
                return Err((
                    def.key,
                    format!(
                        "`{}` must not be empty to create {}",
                        def.key, schema.collection
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    for def in schema.relationships.iter().filter(|r| r.required) {
        if !has_relationship(def.key) {
            let bare = def.key.trim_start_matches('$');
            return Err((
                def.key,
                format!(
                    "relationship `{}` is required to create {}{}",
                    def.key,
                    schema.collection,
                    unprefixed(def.key, has_relationship(bare))
                ),
            ));
        }
    }
    Ok(())
}
