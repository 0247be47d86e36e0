//! A record as the API sends it, turned into a row: its fields into their columns (a field
//! or value type seen for the first time gets a new column), its links into edges, and the
//! whole record kept as canonical JSON text.

use lightfield::{ObjectType, Record};
use serde_json::Value;

use crate::names::{column_of, free_column, sql_type};
use crate::store::{Cell, Edge, FieldColumn, RecordRow, Store};

/// The columns of one record type, as the store remembers them.
pub struct Columns {
    object: ObjectType,
    table: String,
    known: Vec<FieldColumn>,
}

impl Columns {
    /// The columns `store` has for `object`, whose table is `table`.
    pub async fn load(
        store: &mut dyn Store,
        object: &ObjectType,
        table: &str,
    ) -> Result<Self, String> {
        Ok(Self {
            object: object.clone(),
            table: table.to_string(),
            known: store.columns(object.as_api()).await?,
        })
    }

    /// Adds a column for each `(key, value type)` not known yet: the key's own name, or,
    /// when the key already has a column of another value type, `<column>__<type>`, so a
    /// column never changes meaning.
    pub async fn ensure(
        &mut self,
        store: &mut dyn Store,
        fields: &[(String, String)],
        run: i64,
    ) -> Result<(), String> {
        let mut new: Vec<(FieldColumn, &'static str)> = Vec::new();
        for (key, value_type) in fields {
            let known = |c: &FieldColumn| c.key == *key && c.value_type == *value_type;
            if self.known.iter().any(known) || new.iter().any(|(c, _)| known(c)) {
                continue;
            }
            let taken: Vec<String> = self
                .known
                .iter()
                .chain(new.iter().map(|(c, _)| c))
                .map(|c| c.column.clone())
                .collect();
            let earlier = self.known.iter().find(|c| c.key == *key);
            let wanted = match earlier {
                Some(c) => format!("{}__{}", c.column, value_type.to_ascii_lowercase()),
                None => column_of(key),
            };
            let column = FieldColumn {
                key: key.clone(),
                value_type: value_type.clone(),
                column: free_column(&wanted, &taken),
            };
            new.push((column, sql_type(value_type)));
        }
        store
            .add_columns(self.object.as_api(), &self.table, &new, run)
            .await?;
        self.known.extend(new.into_iter().map(|(c, _)| c));
        Ok(())
    }

    /// `record` as a row: every known column, null where the record has no such value.
    pub fn row(&self, record: &Record) -> RecordRow {
        let json = record.to_json();
        let fields = json.get("fields").and_then(Value::as_object);
        let cells = self
            .known
            .iter()
            .map(|c| {
                let entry = fields.and_then(|f| f.get(&c.key));
                let same_type = entry
                    .and_then(|e| e.get("valueType"))
                    .and_then(Value::as_str)
                    == Some(c.value_type.as_str());
                let value = entry.filter(|_| same_type).and_then(|e| e.get("value"));
                (c.column.clone(), cell(value.unwrap_or(&Value::Null)))
            })
            .collect();
        let text = |key: &str| cell(json.get(key).unwrap_or(&Value::Null));
        RecordRow {
            id: record.id.clone(),
            fixed: [
                text("createdAt"),
                text("updatedAt"),
                text("externalId"),
                text("httpLink"),
            ],
            cells,
            raw: json.to_string(),
            edges: edges(&json),
        }
    }
}

/// The `(key, value type)` of each field of `record`.
pub fn field_types(record: &Record) -> Vec<(String, String)> {
    record
        .fields
        .iter()
        .map(|(key, field)| (key.clone(), field.value_type.as_api().to_string()))
        .collect()
}

/// A JSON value as a cell: text as text, numbers as numbers, `true`/`false` as 1/0, lists
/// and objects as JSON text.
pub fn cell(value: &Value) -> Cell {
    match value {
        Value::Null => Cell::Null,
        Value::Bool(b) => Cell::Integer(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(|i| Cell::Real(i as f64))
            .or_else(|| n.as_f64().map(Cell::Real))
            .unwrap_or_else(|| Cell::Text(n.to_string())),
        Value::String(s) => Cell::Text(s.clone()),
        other => Cell::Text(other.to_string()),
    }
}

/// The links of a record: each id under each relationship, read from its `directions`
/// when the relationship has them (a type linked to itself), else from its `values`.
fn edges(json: &Value) -> Vec<Edge> {
    let mut out = Vec::new();
    for (key, rel) in json
        .get("relationships")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let dst_type = rel
            .get("objectType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let ids = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let ends = match rel.get("directions").filter(|d| d.is_object()) {
            Some(d) => vec![
                (Some("source"), ids(d.pointer("/asSource/values"))),
                (Some("destination"), ids(d.pointer("/asDestination/values"))),
            ],
            None => vec![(None, ids(rel.get("values")))],
        };
        for (direction, ids) in ends {
            out.extend(ids.into_iter().map(|dst_id| Edge {
                rel_key: key.clone(),
                dst_type: dst_type.to_string(),
                dst_id,
                direction: direction.map(str::to_string),
            }));
        }
    }
    out
}
