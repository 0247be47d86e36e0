//! The account records the mock holds, and the rules the real API applies to writes,
//! lists and filters.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::definitions::{
    FieldDef, RelDef, account_fields, account_relationships, definitions_json,
};
use crate::error::ApiError;

/// One stored account.
#[derive(Debug, Clone)]
struct StoredRecord {
    id: String,
    created_at: String,
    updated_at: Option<String>,
    fields: BTreeMap<String, Value>,
    relationships: BTreeMap<String, Vec<String>>,
    /// Served exactly as given instead of rendered (records a newer server could send).
    verbatim: Option<Value>,
}

/// All accounts, in creation order, with the schema they follow.
#[derive(Debug)]
pub struct Store {
    fields: Vec<FieldDef>,
    rels: Vec<RelDef>,
    records: Vec<StoredRecord>,
    next_id: u64,
}

pub(crate) fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

impl Default for Store {
    fn default() -> Self {
        Self {
            fields: account_fields(),
            rels: account_relationships(),
            records: Vec::new(),
            next_id: 1,
        }
    }
}

impl Store {
    /// The definitions endpoint's body.
    pub fn definitions(&self) -> Value {
        definitions_json(&self.fields, &self.rels)
    }

    /// How many accounts are stored.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Every stored account as the API would return it.
    pub fn all(&self) -> Vec<Value> {
        self.records.iter().map(|r| self.render(r)).collect()
    }

    fn field_def(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    fn rel_def(&self, key: &str) -> Option<&RelDef> {
        self.rels.iter().find(|r| r.key == key)
    }

    fn render(&self, r: &StoredRecord) -> Value {
        if let Some(v) = &r.verbatim {
            return v.clone();
        }
        let mut fields = Map::new();
        for def in &self.fields {
            let value = r.fields.get(def.key).cloned().unwrap_or(Value::Null);
            fields.insert(
                def.key.to_string(),
                json!({"value": value, "valueType": def.value_type}),
            );
        }
        let mut rels = Map::new();
        for def in &self.rels {
            let values = r.relationships.get(def.key).cloned().unwrap_or_default();
            rels.insert(
                def.key.to_string(),
                json!({"cardinality": def.cardinality, "objectType": def.object_type, "values": values}),
            );
        }
        json!({
            "id": r.id,
            "createdAt": r.created_at,
            "updatedAt": r.updated_at,
            "externalId": null,
            "httpLink": format!("https://app.lightfield.app/accounts/{}", r.id),
            "fields": fields,
            "relationships": rels,
        })
    }

    /// Stores a record that is served exactly as given; returns its id.
    pub fn insert_verbatim(&mut self, record: Value) -> String {
        let id = record["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| {
                let id = format!("acc_{:010}", self.next_id);
                self.next_id += 1;
                id
            });
        let mut record = record;
        record["id"] = Value::String(id.clone());
        self.records.push(StoredRecord {
            id: id.clone(),
            created_at: now_rfc3339(),
            updated_at: None,
            fields: BTreeMap::new(),
            relationships: BTreeMap::new(),
            verbatim: Some(record),
        });
        id
    }

    /// Retrieves one account.
    pub fn get(&self, id: &str) -> Result<Value, ApiError> {
        self.records
            .iter()
            .find(|r| r.id == id)
            .map(|r| self.render(r))
            .ok_or_else(|| ApiError::not_found(format!("no account has id `{id}`")))
    }

    /// Creates an account from a create body.
    pub fn create(&mut self, body: &Value) -> Result<Value, ApiError> {
        let body = body.as_object().ok_or_else(|| {
            ApiError::bad_request_plain("invalid_body", "the body must be a JSON object")
        })?;
        reject_unknown_keys(body, &["fields", "relationships"])?;
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
        match fields_in.get("$name") {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => {
                return Err(ApiError::bad_request(
                    "missing_required_field",
                    "fields.$name",
                    "`$name` is required to create an account and must be a non-empty string",
                ));
            }
        }
        let mut fields = BTreeMap::new();
        for (key, value) in fields_in {
            if value.is_null() {
                continue;
            }
            fields.insert(key.clone(), self.check_field(key, value)?);
        }
        let mut relationships = BTreeMap::new();
        if let Some(rels_in) = section(body, "relationships")? {
            for (key, target) in rels_in {
                let def = self.writable_rel(key)?;
                let ids = ids_of(target, &format!("relationships.{key}"))?;
                check_cardinality(def, &ids)?;
                relationships.insert(key.clone(), ids);
            }
        }
        let record = StoredRecord {
            id: format!("acc_{:010}", self.next_id),
            created_at: now_rfc3339(),
            updated_at: None,
            fields,
            relationships,
            verbatim: None,
        };
        self.next_id += 1;
        let rendered = self.render(&record);
        self.records.push(record);
        Ok(rendered)
    }

    /// Applies an update body to an account.
    pub fn update(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let body = body.as_object().ok_or_else(|| {
            ApiError::bad_request_plain("invalid_body", "the body must be a JSON object")
        })?;
        reject_unknown_keys(body, &["fields", "relationships"])?;
        let index = self
            .records
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| ApiError::not_found(format!("no account has id `{id}`")))?;
        // Validate everything before changing anything: an update is all or nothing.
        let mut sets = Vec::new();
        if let Some(fields_in) = section(body, "fields")? {
            for (key, value) in fields_in {
                if key == "$name"
                    && (value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()))
                {
                    return Err(ApiError::bad_request(
                        "invalid_value",
                        "fields.$name",
                        "`$name` cannot be cleared",
                    ));
                }
                let checked = if value.is_null() {
                    self.writable_field(key)?;
                    Value::Null
                } else {
                    self.check_field(key, value)?
                };
                sets.push((key.clone(), checked));
            }
        }
        let mut new_rels = self.records[index].relationships.clone();
        if let Some(rels_in) = section(body, "relationships")? {
            for (key, op) in rels_in {
                let def = self.writable_rel(key)?.clone();
                let param = format!("relationships.{key}");
                let op = op.as_object().ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_type",
                        &param,
                        "a relationship change is an object with add, remove or replace",
                    )
                })?;
                reject_unknown_keys_at(op, &["add", "remove", "replace"], &param)?;
                let mut current = new_rels.remove(key).unwrap_or_default();
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
                check_cardinality(&def, &current)?;
                new_rels.insert(key.clone(), current);
            }
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
        record.updated_at = Some(now_rfc3339());
        let record = record.clone();
        Ok(self.render(&record))
    }

    fn writable_field(&self, key: &str) -> Result<&FieldDef, ApiError> {
        let def = self.field_def(key);
        writable(def, def.is_some_and(|d| d.read_only), "field", key)
    }

    fn writable_rel(&self, key: &str) -> Result<&RelDef, ApiError> {
        let def = self.rel_def(key);
        writable(def, def.is_some_and(|d| d.read_only), "relationship", key)
    }

    /// Checks a non-null value against its field's type and returns it as stored.
    fn check_field(&self, key: &str, value: &Value) -> Result<Value, ApiError> {
        let def = self.writable_field(key)?;
        let param = format!("fields.{key}");
        let wrong = |expected: &str| {
            ApiError::bad_request(
                "invalid_value",
                &param,
                format!("`{key}` is a {} field and takes {expected}", def.value_type),
            )
        };
        let option = |s: &str| -> Result<Value, ApiError> {
            def.options
                .iter()
                .find(|(id, label)| *id == s || *label == s)
                .map(|(_, label)| Value::String(label.to_string()))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_option",
                        &param,
                        format!("`{s}` is not an option id or label of `{key}`"),
                    )
                })
        };
        match def.value_type {
            "NUMBER" | "CURRENCY" => value
                .is_number()
                .then(|| value.clone())
                .ok_or_else(|| wrong("a number")),
            "CHECKBOX" => value
                .is_boolean()
                .then(|| value.clone())
                .ok_or_else(|| wrong("true or false")),
            "DATETIME" => match value.as_str() {
                Some(s) if OffsetDateTime::parse(s, &Rfc3339).is_ok() => Ok(value.clone()),
                _ => Err(wrong("an RFC 3339 date-time string")),
            },
            "SINGLE_SELECT" => value
                .as_str()
                .ok_or_else(|| wrong("an option id or label"))
                .and_then(option),
            "MULTI_SELECT" => {
                let items =
                    strings_of(value).ok_or_else(|| wrong("a list of option ids or labels"))?;
                items
                    .iter()
                    .map(|s| option(s))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)
            }
            "ADDRESS" => check_object(value, &ADDRESS_KEYS)
                .map_err(|why| wrong(&format!("an address object ({why})"))),
            "FULL_NAME" => check_object(value, &NAME_KEYS)
                .map_err(|why| wrong(&format!("a full-name object ({why})"))),
            "EMAIL" => match value.as_str() {
                Some(s) if s.contains('@') => Ok(value.clone()),
                _ => Err(wrong("an email address")),
            },
            _ if def.multiple => strings_of(value)
                .map(|v| Value::Array(v.into_iter().map(Value::String).collect()))
                .ok_or_else(|| wrong("a string or a list of strings")),
            _ => value
                .is_string()
                .then(|| value.clone())
                .ok_or_else(|| wrong("a string")),
        }
    }

    /// One page of accounts matching `filters`, with the total count.
    pub fn list(
        &self,
        offset: usize,
        limit: usize,
        filters: &[(String, String)],
    ) -> Result<Value, ApiError> {
        let parsed = filters
            .iter()
            .map(|(k, v)| self.parse_filter(k, v))
            .collect::<Result<Vec<_>, _>>()?;
        let matching: Vec<&StoredRecord> = self
            .records
            .iter()
            .filter(|r| parsed.iter().all(|f| f.matches(r)))
            .collect();
        let data: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|r| self.render(r))
            .collect();
        Ok(json!({"object": "list", "data": data, "totalCount": matching.len()}))
    }

    fn parse_filter(&self, raw_key: &str, value: &str) -> Result<Filter, ApiError> {
        let (key, op) = match raw_key.split_once('[') {
            Some((key, rest)) => {
                let op = rest.strip_suffix(']').ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_filter",
                        raw_key,
                        "filters look like `key[operator]=value`",
                    )
                })?;
                (key, Some(op))
            }
            None => (raw_key, None),
        };
        let def = self.field_def(key).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_filter",
                raw_key,
                format!("accounts have no field `{key}` to filter on"),
            )
        })?;
        let allowed: &[&str] = match def.value_type {
            "NUMBER" | "CURRENCY" | "DATETIME" => &[
                "equal",
                "greaterThan",
                "greaterThanOrEqual",
                "lessThan",
                "lessThanOrEqual",
            ],
            "TEXT" | "FULL_NAME" | "SOCIAL_HANDLE" | "ADDRESS" => &["equal", "startsWith"],
            "CHECKBOX" | "SINGLE_SELECT" => &["equal"],
            "EMAIL" | "TELEPHONE" | "URL" => &["contains"],
            _ => &[],
        };
        if allowed.is_empty() {
            return Err(ApiError::bad_request(
                "invalid_filter",
                raw_key,
                format!("{} fields cannot be filtered yet", def.value_type),
            ));
        }
        let (negated, op) = match op {
            Some(op) => match op.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, op),
            },
            None => (false, allowed[0]),
        };
        if !allowed.contains(&op) {
            return Err(ApiError::bad_request(
                "invalid_filter",
                raw_key,
                format!(
                    "`{op}` is not an operator for {} fields; use one of {}",
                    def.value_type,
                    allowed.join(", ")
                ),
            ));
        }
        Ok(Filter {
            key: key.to_string(),
            value_type: def.value_type,
            op: op.to_string(),
            negated,
            value: value.to_string(),
            options: def.options.clone(),
        })
    }
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

/// Accepts a write to a known, writable field or relationship; otherwise the 400 the API
/// gives, naming the key.
fn writable<'a, T>(
    def: Option<&'a T>,
    read_only: bool,
    kind: &str,
    key: &str,
) -> Result<&'a T, ApiError> {
    let section = if kind == "field" {
        "fields"
    } else {
        "relationships"
    };
    let param = format!("{section}.{key}");
    let def = def.ok_or_else(|| {
        let code = if kind == "field" {
            "unknown_field"
        } else {
            "unknown_relationship"
        };
        ApiError::bad_request(code, &param, format!("accounts have no {kind} `{key}`"))
    })?;
    if read_only {
        let code = if kind == "field" {
            "read_only_field"
        } else {
            "read_only_relationship"
        };
        return Err(ApiError::bad_request(
            code,
            &param,
            format!("{kind} `{key}` is read-only and cannot be written through the API"),
        ));
    }
    Ok(def)
}

const ADDRESS_KEYS: [&str; 8] = [
    "street",
    "street2",
    "city",
    "state",
    "postalCode",
    "country",
    "latitude",
    "longitude",
];
const NAME_KEYS: [&str; 2] = ["firstName", "lastName"];

fn check_object(value: &Value, keys: &[&str]) -> Result<Value, String> {
    let object = value.as_object().ok_or("not an object")?;
    for (k, v) in object {
        if !keys.contains(&k.as_str()) {
            return Err(format!("unknown key `{k}`"));
        }
        let ok = match k.as_str() {
            "latitude" | "longitude" => v.is_number() || v.is_null(),
            "country" => {
                v.is_null()
                    || v.as_str()
                        .is_some_and(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_uppercase()))
            }
            _ => v.is_string() || v.is_null(),
        };
        if !ok {
            return Err(format!("`{k}` has the wrong type"));
        }
    }
    Ok(value.clone())
}

fn strings_of(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

fn ids_of(value: &Value, param: &str) -> Result<Vec<String>, ApiError> {
    strings_of(value)
        .filter(|ids| ids.iter().all(|id| !id.is_empty()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_type",
                param,
                "give a record id or a list of record ids",
            )
        })
}

fn check_cardinality(def: &RelDef, ids: &[String]) -> Result<(), ApiError> {
    if def.cardinality == "HAS_ONE" && ids.len() > 1 {
        return Err(ApiError::bad_request(
            "too_many_values",
            format!("relationships.{}", def.key),
            format!("`{}` links to one record at most", def.key),
        ));
    }
    Ok(())
}

fn reject_unknown_keys(body: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    reject_unknown_keys_at(body, known, "")
}

fn reject_unknown_keys_at(
    body: &Map<String, Value>,
    known: &[&str],
    prefix: &str,
) -> Result<(), ApiError> {
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => {
            let param = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            Err(ApiError::bad_request(
                "unknown_parameter",
                param,
                format!("`{k}` is not a recognised key here"),
            ))
        }
        None => Ok(()),
    }
}

/// One parsed `key[operator]=value` filter.
#[derive(Debug)]
struct Filter {
    key: String,
    value_type: &'static str,
    op: String,
    negated: bool,
    value: String,
    options: Vec<(&'static str, &'static str)>,
}

impl Filter {
    fn matches(&self, record: &StoredRecord) -> bool {
        let hit = record.fields.get(&self.key).is_some_and(|v| self.test(v));
        hit != self.negated
    }

    fn test(&self, stored: &Value) -> bool {
        let want = self.value.as_str();
        match self.value_type {
            "NUMBER" | "CURRENCY" => match (stored.as_f64(), want.parse::<f64>()) {
                (Some(a), Ok(b)) => compare(&self.op, a.partial_cmp(&b)),
                _ => false,
            },
            "DATETIME" => match (
                stored
                    .as_str()
                    .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok()),
                OffsetDateTime::parse(want, &Rfc3339),
            ) {
                (Some(a), Ok(b)) => compare(&self.op, a.partial_cmp(&b)),
                _ => false,
            },
            "CHECKBOX" => stored.as_bool().map(|b| b.to_string()) == Some(want.to_string()),
            "SINGLE_SELECT" => {
                let label = self
                    .options
                    .iter()
                    .find(|(id, label)| *id == want || *label == want)
                    .map(|(_, label)| *label);
                label.is_some() && stored.as_str() == label
            }
            "EMAIL" | "TELEPHONE" | "URL" => {
                let needle = want.to_lowercase();
                strings_of(stored)
                    .unwrap_or_default()
                    .iter()
                    .any(|s| s.to_lowercase().contains(&needle))
            }
            _ => {
                let text = text_of(stored).to_lowercase();
                let want = want.to_lowercase();
                match self.op.as_str() {
                    "startsWith" => text.starts_with(&want),
                    _ => text == want,
                }
            }
        }
    }
}

fn compare(op: &str, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    matches!(
        (op, ordering),
        ("equal", Some(Equal))
            | ("greaterThan", Some(Greater))
            | ("greaterThanOrEqual", Some(Greater | Equal))
            | ("lessThan", Some(Less))
            | ("lessThanOrEqual", Some(Less | Equal))
    )
}

/// The text a TEXT-like filter compares with: names and addresses read as one line.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.contains_key("firstName") || o.contains_key("lastName") => {
            ["firstName", "lastName"]
                .iter()
                .filter_map(|k| o.get(*k).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        }
        Value::Object(o) => ADDRESS_KEYS
            .iter()
            .filter_map(|k| o.get(*k).and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
