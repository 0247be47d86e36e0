//! Writes `crates/lightfield-gen/src/tables.rs`: the facts about operations and record
//! types that progenitor does not carry, read from the same spec.
//!
//! - every operation's id, method, path template and rate-limit category
//!   (`x-rate-limit-category`), so the SDK's limiter and the mock's router share one list;
//! - every record type's system fields and relationships with their flags
//!   (`x-object-types`), so required, read-only and create-only keys live in one place.

use std::fmt::Write as _;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

/// The type definitions the tables are made of; emitted verbatim ahead of the data.
const PRELUDE: &str = r#"
/// The rate-limit category of an operation: the API keeps one budget per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Creates, updates, deletes and other writes.
    Write,
    /// Retrieves, definitions and field history.
    Read,
    /// Lists.
    Search,
}

/// One operation of the API, as the spec declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The operation id, which is also the generated method's name.
    pub id: &'static str,
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The path template, e.g. `/v1/accounts/{id}`.
    pub path: &'static str,
    /// Its rate-limit category.
    pub category: Category,
    /// Whether the API marks it Preview (`x-preview`): it may change without notice.
    pub preview: bool,
    /// Whether it may be sent again when an answer is lost.
    pub retry: Retry,
}

/// Whether an operation may be sent again when its answer is lost (a timeout, a dropped
/// connection, a 5xx): from the spec's `x-idempotency-key` and `x-retry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads, deletes and writes that leave the same state however often they run
    /// (`x-retry: idempotent`): sending one again is harmless.
    Idempotent,
    /// A write the API deduplicates by `Idempotency-Key` (`x-idempotency-key`): sent again
    /// with the same key, it answers the first write instead of writing twice.
    Keyed,
    /// Any other write: sent twice, it may act twice. Repeat it only when the first attempt
    /// surely did not reach the server.
    Unsafe,
}

/// The operations an update may apply to a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateOps {
    /// `add` is allowed.
    pub add: bool,
    /// `remove` is allowed.
    pub remove: bool,
    /// `replace` with an id is allowed.
    pub replace: bool,
    /// `replace: null` (unlinking every record) is allowed.
    pub clear: bool,
}

/// A system field of a record type (its key starts with `$`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemField {
    /// The key, e.g. `$name`.
    pub key: &'static str,
    /// Display name.
    pub label: &'static str,
    /// The API's value type, e.g. `TEXT`.
    pub value_type: &'static str,
    /// Whether it holds a list.
    pub multiple: bool,
    /// Whether a create must set it.
    pub required: bool,
    /// Whether the API refuses every write to it.
    pub read_only: bool,
    /// Whether only a create may set it.
    pub create_only: bool,
    /// Whether only an update may set it (the API's create takes no such key).
    pub update_only: bool,
    /// The fixed choices of a select field, when the API fixes them.
    pub options: &'static [&'static str],
}

/// A system relationship of a record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemRelationship {
    /// The key, e.g. `$owner`.
    pub key: &'static str,
    /// Display name.
    pub label: &'static str,
    /// `HAS_ONE` or `HAS_MANY`.
    pub cardinality: &'static str,
    /// The type of the linked records.
    pub object_type: &'static str,
    /// Whether a create must set it.
    pub required: bool,
    /// Whether the API refuses every write to it.
    pub read_only: bool,
    /// Whether only a create may set it.
    pub create_only: bool,
    /// What an update may do to it.
    pub update_ops: UpdateOps,
}

/// What is known about one record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectSchema {
    /// The API's name of the type, e.g. `account`.
    pub object_type: &'static str,
    /// The path segment of its collection, e.g. `accounts`.
    pub collection: &'static str,
    /// How its ids start, e.g. `acc_`.
    pub id_prefix: &'static str,
    /// Whether records have field history.
    pub history: bool,
    /// Whether records are only read through the API (members, channels…).
    pub read_only_type: bool,
    /// Whether the organisation can add custom fields to it.
    pub custom_fields: bool,
    /// Whether a create accepts `skipEnrichment`.
    pub skip_enrichment: bool,
    /// Whether a create accepts `autoCreateRecords`.
    pub auto_create_records: bool,
    /// Whether deleting a trashed record again is a 404 rather than a no-op.
    pub delete_twice_not_found: bool,
    /// Whether records come back without relationships (read through member endpoints).
    pub hidden_relationships: bool,
    /// Whether an update may apply only one operation (add, remove or replace) to each
    /// relationship key.
    pub one_operation_per_key: bool,
    /// Its system fields.
    pub fields: &'static [SystemField],
    /// Its system relationships.
    pub relationships: &'static [SystemRelationship],
}

impl ObjectSchema {
    /// A system field by key.
    pub fn field(&self, key: &str) -> Option<&'static SystemField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// A system relationship by key.
    pub fn relationship(&self, key: &str) -> Option<&'static SystemRelationship> {
        self.relationships.iter().find(|r| r.key == key)
    }
}

/// An operation by id.
pub fn operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}

/// A record type by its API name (`account`).
pub fn object_schema(object_type: &str) -> Option<&'static ObjectSchema> {
    OBJECT_TYPES.iter().copied().find(|o| o.object_type == object_type)
}
"#;

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn text<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("x-object-types: {what} needs a string `{key}`"))
}

fn rust_name(object_type: &str) -> String {
    object_type.to_ascii_uppercase()
}

/// The retry class of operation `id`: a read or delete is idempotent by nature; a `POST` is
/// keyed (`x-idempotency-key: true`), idempotent (`x-retry: idempotent`) or unsafe.
fn retry_class(id: &str, method: &str, op: &openapiv3::Operation) -> Result<&'static str, String> {
    let keyed = op
        .extensions
        .get("x-idempotency-key")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let retry = op.extensions.get("x-retry").map(|v| v.as_str());
    match (method, keyed, retry) {
        (_, _, Some(Some(other))) if other != "idempotent" => Err(format!(
            "{id}: unknown x-retry `{other}` (only `idempotent`)"
        )),
        (_, _, Some(None)) => Err(format!("{id}: x-retry must be a string")),
        ("post", true, Some(_)) => Err(format!(
            "{id}: x-idempotency-key and x-retry both set; a keyed write needs no x-retry"
        )),
        ("post", true, None) => Ok("Keyed"),
        ("post", false, Some(_)) => Ok("Idempotent"),
        ("post", false, None) => Ok("Unsafe"),
        (_, false, None) => Ok("Idempotent"),
        _ => Err(format!(
            "{id}: only a POST takes x-idempotency-key or x-retry ({method} is idempotent by nature)"
        )),
    }
}

/// The Rust source of `tables.rs` for `spec` (unformatted).
pub fn tables_source(spec: &OpenAPI) -> Result<String, String> {
    let mut out = String::from(PRELUDE);
    // The one source of the API version: the spec's `info.version`, which the generated
    // client also reports; the SDK sends it and the mock requires it.
    out.push_str(&format!(
        "\n/// The API version the spec describes (`Lightfield-Version`).\npub const API_VERSION: &str = {:?};\n",
        spec.info.version
    ));
    out.push_str("\n/// Every operation the spec declares, in spec order.\npub static OPERATIONS: &[Operation] = &[\n");
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(format!("path {path} is a $ref; inline it"));
        };
        for (method, op) in item.iter() {
            let id = op
                .operation_id
                .as_deref()
                .ok_or_else(|| format!("{method} {path} has no operationId"))?;
            let category = op
                .extensions
                .get("x-rate-limit-category")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{id} has no x-rate-limit-category"))?;
            if !matches!(category, "Write" | "Read" | "Search") {
                return Err(format!("{id}: unknown rate-limit category `{category}`"));
            }
            let preview = op
                .extensions
                .get("x-preview")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let retry = retry_class(id, method, op)?;
            let _ = writeln!(
                out,
                "    Operation {{ id: {id:?}, method: {:?}, path: {path:?}, category: Category::{category}, preview: {preview}, retry: Retry::{retry} }},",
                method.to_ascii_uppercase()
            );
        }
    }
    out.push_str("];\n");

    let types = spec
        .extensions
        .get("x-object-types")
        .and_then(Value::as_object)
        .ok_or("the spec has no `x-object-types` table")?;
    let mut names = Vec::new();
    for (object_type, def) in types {
        let name = rust_name(object_type);
        names.push(name.clone());
        let mut fields = String::new();
        for (key, f) in def
            .get("fields")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let what = format!("{object_type}.{key}");
            let options: Vec<String> = f
                .get("options")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|o| format!("{o:?}"))
                .collect();
            let _ = writeln!(
                fields,
                "SystemField {{ key: {key:?}, label: {:?}, value_type: {:?}, multiple: {}, required: {}, read_only: {}, create_only: {}, update_only: {}, options: &[{}] }},",
                text(f, "label", &what)?,
                text(f, "valueType", &what)?,
                flag(f, "multiple"),
                flag(f, "required"),
                flag(f, "readOnly"),
                flag(f, "createOnly"),
                flag(f, "updateOnly"),
                options.join(", "),
            );
        }
        let mut rels = String::new();
        for (key, r) in def
            .get("relationships")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let what = format!("{object_type}.{key}");
            let ops: Vec<&str> = match r.get("updateOps").and_then(Value::as_array) {
                Some(list) => list.iter().filter_map(Value::as_str).collect(),
                None => vec!["add", "remove", "replace", "clear"],
            };
            let _ = writeln!(
                rels,
                "SystemRelationship {{ key: {key:?}, label: {:?}, cardinality: {:?}, object_type: {:?}, required: {}, read_only: {}, create_only: {}, update_ops: UpdateOps {{ add: {}, remove: {}, replace: {}, clear: {} }} }},",
                text(r, "label", &what)?,
                text(r, "cardinality", &what)?,
                text(r, "objectType", &what)?,
                flag(r, "required"),
                flag(r, "readOnly"),
                flag(r, "createOnly"),
                ops.contains(&"add"),
                ops.contains(&"remove"),
                ops.contains(&"replace"),
                ops.contains(&"clear"),
            );
        }
        let _ = writeln!(
            out,
            "/// The `{object_type}` record type.\npub static {name}: ObjectSchema = ObjectSchema {{ object_type: {object_type:?}, collection: {:?}, id_prefix: {:?}, history: {}, read_only_type: {}, custom_fields: {}, skip_enrichment: {}, auto_create_records: {}, delete_twice_not_found: {}, hidden_relationships: {}, one_operation_per_key: {}, fields: &[{fields}], relationships: &[{rels}] }};",
            text(def, "collection", object_type)?,
            text(def, "idPrefix", object_type)?,
            flag(def, "history"),
            flag(def, "readOnlyType"),
            def.get("customFields")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            flag(def, "skipEnrichment"),
            flag(def, "autoCreateRecords"),
            def.get("deleteTwice").and_then(Value::as_str) == Some("not_found"),
            flag(def, "hiddenRelationships"),
            flag(def, "oneOperationPerKey"),
        );
    }
    let _ = writeln!(
        out,
        "/// Every record type of the table, in spec order.\npub static OBJECT_TYPES: &[&ObjectSchema] = &[{}];",
        names
            .iter()
            .map(|n| format!("&{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(out)
}
