//! The records of one type and the rules of writing them: required, read-only and
//! create-only keys, relationship operations, soft delete, field history.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::history::History;
use super::reading::long_ago;
use super::schema::{FieldDef, RelDef, Schema};
use super::values::{
    check_cardinality, check_value, ids_of, reject_unknown_keys, reject_unknown_keys_at, writable,
};
use crate::error::ApiError;
use crate::now_rfc3339;

/// One stored record.
#[derive(Debug, Clone)]
pub(super) struct StoredRecord {
    pub(super) id: String,
    created_at: String,
    pub(super) updated_at: Option<String>,
    pub(super) fields: BTreeMap<String, Value>,
    pub(super) relationships: BTreeMap<String, Vec<String>>,
    pub(super) trashed: bool,
    /// When it was created or last changed status, and its status before that (`None`:
    /// it did not exist): what a list lagging behind writes still shows.
    pub(super) since: Instant,
    pub(super) before: Option<bool>,
    /// Served exactly as given instead of rendered (records a newer server could send).
    verbatim: Option<Value>,
}

/// All records of one type, in creation order, with the schema they follow.
#[derive(Debug)]
pub struct Collection {
    pub schema: Schema,
    pub(super) records: Vec<StoredRecord>,
    pub(super) history: History,
    next_id: u64,
}

/// Which records a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Trashed,
}

/// The object under `key` of a request body, if present; a 400 naming it if it is not an
/// object.
fn section<'a>(
    body: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(ApiError::bad_request(
            "invalid_type",
            key,
            format!("`{key}` must be an object"),
        )),
    }
}

fn object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object().ok_or_else(|| {
        ApiError::bad_request_plain("invalid_body", "the body must be a JSON object")
    })
}

impl Collection {
    pub fn new(schema: Schema) -> Self {
        Self {
            schema,
            records: Vec::new(),
            history: History::default(),
            next_id: 1,
        }
    }

    fn new_id(&mut self) -> String {
        let id = format!("{}{:010}", self.schema.id_prefix, self.next_id);
        self.next_id += 1;
        id
    }

    /// How many records are stored, trashed ones included.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Removes a record for good, as the API does when the trash is emptied; `false` when
    /// there is none with this id.
    pub fn purge(&mut self, id: &str) -> bool {
        let before = self.records.len();
        self.records.retain(|r| r.id != id);
        self.records.len() != before
    }

    /// The ids of the records in the trash.
    pub fn trashed_ids(&self) -> Vec<String> {
        self.ids_where(true)
    }

    /// The ids of the records in the trash (`true`) or in use (`false`).
    pub fn ids_where(&self, trashed: bool) -> Vec<String> {
        self.records
            .iter()
            .filter(|r| r.trashed == trashed)
            .map(|r| r.id.clone())
            .collect()
    }

    /// Every stored record as the API renders it, in creation order.
    pub fn all(&self) -> Vec<Value> {
        self.records.iter().map(|r| self.render(r)).collect()
    }

    pub(super) fn render(&self, r: &StoredRecord) -> Value {
        if let Some(v) = &r.verbatim {
            return v.clone();
        }
        let mut fields = Map::new();
        for def in &self.schema.fields {
            let value = r.fields.get(def.key).cloned().unwrap_or(Value::Null);
            fields.insert(
                def.key.to_string(),
                json!({"value": value, "valueType": def.value_type}),
            );
        }
        let mut rels = Map::new();
        for def in &self.schema.rels {
            let values = r.relationships.get(def.key).cloned().unwrap_or_default();
            let mut rel = json!({"cardinality": def.cardinality, "objectType": def.object_type, "values": values});
            if let Some(directions) = super::links::directions(self, r, def) {
                rel["directions"] = directions;
            }
            rels.insert(def.key.to_string(), rel);
        }
        let mut out = json!({
            "id": r.id,
            "createdAt": r.created_at,
            "httpLink": format!("https://app.lightfield.app/{}/{}", self.schema.collection, r.id),
            "fields": fields,
        });
        let keys = self.schema.keys;
        if !self.schema.hides_relationships {
            out["relationships"] = Value::Object(rels);
        }
        if keys.updated_at {
            out["updatedAt"] = json!(r.updated_at);
        }
        if keys.external_id {
            out["externalId"] = Value::Null;
        }
        if keys.object_type {
            out["objectType"] = json!(self.schema.object_type);
        }
        if keys.access_level {
            out["accessLevel"] = json!("FULL");
        }
        out
    }

    /// Stores a record with these field values, unchecked: the records an organisation
    /// already has (members, emails…).
    pub fn seed(&mut self, fields: Value) -> String {
        let id = self.new_id();
        let fields = fields
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        self.records.push(StoredRecord {
            id: id.clone(),
            created_at: now_rfc3339(),
            updated_at: None,
            fields,
            relationships: BTreeMap::new(),
            trashed: false,
            since: long_ago(),
            before: None,
            verbatim: None,
        });
        id
    }

    /// Stores a record that is served exactly as given; returns its id.
    pub fn insert_verbatim(&mut self, record: Value) -> String {
        let id = match record["id"].as_str() {
            Some(id) => id.to_string(),
            None => self.new_id(),
        };
        let mut record = record;
        record["id"] = Value::String(id.clone());
        self.records.push(StoredRecord {
            id: id.clone(),
            created_at: now_rfc3339(),
            updated_at: None,
            fields: BTreeMap::new(),
            relationships: BTreeMap::new(),
            trashed: false,
            since: long_ago(),
            before: None,
            verbatim: Some(record),
        });
        id
    }

    pub(super) fn index(&self, id: &str) -> Result<usize, ApiError> {
        self.records.iter().position(|r| r.id == id).ok_or_else(|| {
            ApiError::not_found(format!(
                "no record of {} has id `{id}`",
                self.schema.plural()
            ))
        })
    }

    /// Retrieves one record (trashed ones too).
    pub fn get(&self, id: &str) -> Result<Value, ApiError> {
        self.index(id).map(|i| self.render(&self.records[i]))
    }

    pub(super) fn writable_field(&self, key: &str, creating: bool) -> Result<&FieldDef, ApiError> {
        let def = self.schema.field(key);
        let create_only = def.is_some_and(|d| d.create_only) && !creating;
        if creating && def.is_some_and(|d| d.update_only) {
            // The create body does not describe the key at all.
            return Err(ApiError::bad_request(
                "unknown_field",
                format!("fields.{key}"),
                format!(
                    "{} cannot set `{key}` when created; update the record",
                    self.schema.plural()
                ),
            ));
        }
        writable(
            def,
            def.is_some_and(|d| d.read_only),
            create_only,
            "field",
            key,
            &self.schema,
        )
    }

    fn writable_rel(&self, key: &str, creating: bool) -> Result<&RelDef, ApiError> {
        let def = self.schema.rel(key);
        let create_only = def.is_some_and(|d| d.create_only) && !creating;
        writable(
            def,
            def.is_some_and(|d| d.read_only),
            create_only,
            "relationship",
            key,
            &self.schema,
        )
    }

    /// Creates a record from a create body.
    pub fn create(&mut self, body: &Value) -> Result<Value, ApiError> {
        let body = object(body)?;
        reject_unknown_keys(
            body,
            &[
                "fields",
                "relationships",
                "skipEnrichment",
                "autoCreateRecords",
            ],
        )?;
        let fields_in = body
            .get("fields")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "missing_field",
                    "fields",
                    "`fields` is required and must be an object",
                )
            })?;
        for def in self.schema.fields.iter().filter(|f| f.required) {
            match fields_in.get(def.key) {
                Some(Value::Null) | None => {}
                Some(Value::String(s)) if s.trim().is_empty() => {}
                Some(_) => continue,
            }
            return Err(ApiError::bad_request(
                "missing_required_field",
                format!("fields.{}", def.key),
                format!(
                    "`{}` is required to create {}",
                    def.key,
                    self.schema.plural()
                ),
            ));
        }
        let mut fields = BTreeMap::new();
        for (key, value) in fields_in {
            let def = self.writable_field(key, true)?;
            if !value.is_null() {
                fields.insert(key.clone(), check_value(def, value)?);
            }
        }
        let rels_in = section(body, "relationships")?;
        for def in self.schema.rels.iter().filter(|r| r.required) {
            if !rels_in.is_some_and(|r| r.contains_key(def.key)) {
                return Err(ApiError::bad_request(
                    "missing_required_relationship",
                    format!("relationships.{}", def.key),
                    format!(
                        "`{}` is required to create {}",
                        def.key,
                        self.schema.plural()
                    ),
                ));
            }
        }
        let mut relationships = BTreeMap::new();
        for (key, target) in rels_in.into_iter().flatten() {
            let def = self.writable_rel(key, true)?;
            let ids = ids_of(target, &format!("relationships.{key}"))?;
            check_cardinality(def, &ids)?;
            relationships.insert(key.clone(), ids);
        }
        let id = self.new_id();
        let now = now_rfc3339();
        for (key, value) in &fields {
            self.history
                .record(&self.schema, &id, key, value, true, &now);
        }
        let record = StoredRecord {
            id,
            created_at: now,
            updated_at: None,
            fields,
            relationships,
            trashed: false,
            since: Instant::now(),
            before: None,
            verbatim: None,
        };
        let rendered = self.render(&record);
        self.records.push(record);
        Ok(rendered)
    }

    /// Applies an update body; all or nothing.
    pub fn update(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let body = object(body)?;
        reject_unknown_keys(body, &["fields", "relationships"])?;
        let index = self.index(id)?;
        let mut sets = Vec::new();
        for (key, value) in section(body, "fields")?.into_iter().flatten() {
            let def = self.writable_field(key, false)?;
            if def.required
                && (value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()))
            {
                return Err(ApiError::bad_request(
                    "invalid_value",
                    format!("fields.{key}"),
                    format!("`{key}` is required and cannot be cleared"),
                ));
            }
            let checked = if value.is_null() {
                Value::Null
            } else {
                check_value(def, value)?
            };
            sets.push((key.clone(), checked));
        }
        let mut new_rels = self.records[index].relationships.clone();
        for (key, op) in section(body, "relationships")?.into_iter().flatten() {
            let def = self.writable_rel(key, false)?.clone();
            let operations = op.as_object().map_or(0, |o| o.len());
            if self.schema.one_operation_per_key && operations > 1 {
                return Err(ApiError::bad_request(
                    "invalid_operation",
                    format!("relationships.{key}"),
                    format!("provide one of `add` or `remove` for `{key}`"),
                ));
            }
            let current = new_rels.remove(key).unwrap_or_default();
            let changed = apply_change(&def, current, op)?;
            check_cardinality(&def, &changed)?;
            new_rels.insert(key.clone(), changed);
        }
        let now = now_rfc3339();
        for (key, value) in &sets {
            self.history
                .record(&self.schema, id, key, value, false, &now);
        }
        let record = &mut self.records[index];
        for (key, value) in sets {
            if value.is_null() {
                record.fields.remove(&key);
            } else {
                record.fields.insert(key, value);
            }
        }
        record.relationships = new_rels;
        record.updated_at = Some(now);
        let record = record.clone();
        Ok(self.render(&record))
    }

    /// Moves a record to the trash. Again on a trashed record: a no-op, or a 404 for
    /// types that say so (meetings).
    pub fn delete(&mut self, id: &str) -> Result<Value, ApiError> {
        let index = self.index(id)?;
        if self.records[index].trashed && self.schema.delete_twice_not_found {
            return Err(ApiError::not_found(format!(
                "record `{id}` of {} is already deleted",
                self.schema.plural()
            )));
        }
        self.records[index].set_trashed(true);
        Ok(self.render(&self.records[index]))
    }

    /// Brings a trashed record back (a no-op on an active one).
    pub fn restore(&mut self, id: &str) -> Result<Value, ApiError> {
        let index = self.index(id)?;
        self.records[index].set_trashed(false);
        Ok(self.render(&self.records[index]))
    }
}

/// Applies one relationship change (`add`, `remove`, `replace`) to the linked ids.
fn apply_change(
    def: &RelDef,
    mut current: Vec<String>,
    op: &Value,
) -> Result<Vec<String>, ApiError> {
    let param = format!("relationships.{}", def.key);
    let op = op.as_object().ok_or_else(|| {
        ApiError::bad_request(
            "invalid_type",
            &param,
            "a relationship change is an object with add, remove or replace",
        )
    })?;
    reject_unknown_keys_at(op, &["add", "remove", "replace"], &param)?;
    let clearing = op.get("replace").is_some_and(Value::is_null);
    for (i, name) in ["add", "remove", "replace"].iter().enumerate() {
        let allowed = match *name {
            "replace" if clearing => def.update_ops[3],
            _ => def.update_ops[i],
        };
        if op.contains_key(*name) && !allowed {
            let what = if clearing && *name == "replace" {
                "replace: null"
            } else {
                name
            };
            return Err(ApiError::bad_request(
                "invalid_operation",
                format!("{param}.{name}"),
                format!("`{}` cannot be changed with `{what}`", def.key),
            ));
        }
    }
    if let Some(replace) = op.get("replace") {
        current = if replace.is_null() {
            Vec::new()
        } else {
            ids_of(replace, &format!("{param}.replace"))?
        };
    }
    if let Some(remove) = op.get("remove") {
        let gone = ids_of(remove, &format!("{param}.remove"))?;
        current.retain(|id| !gone.contains(id));
    }
    if let Some(add) = op.get("add") {
        for id in ids_of(add, &format!("{param}.add"))? {
            if !current.contains(&id) {
                current.push(id);
            }
        }
    }
    Ok(current)
}
