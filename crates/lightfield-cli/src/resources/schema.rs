//! `lightfield schema TYPE`: a type's fields and relationships, one row each.

use lightfield::Client;
use serde_json::{Value, json};

use crate::args::SchemaArgs;
use crate::output::Out;
use crate::records::{self};

use super::Outcome;

/// `lightfield schema TYPE`: one row per field and relationship, with its key, label,
/// kind, value type, whether it is required or read-only, and its options.
pub async fn schema(client: &Client, args: SchemaArgs, out: &Out) -> Outcome {
    let object = records::object_type(&args.object);
    let definitions = client.schema(object.clone()).await?;
    if let Some(name) = args.rust {
        return crate::output::text(&lightfield::schema::rust_source(&definitions, &name));
    }
    out.value(&rows(&object, &definitions))
}

/// The rows of `schema`: one per field and relationship. Also what `TYPE definitions`
/// shows in a table (its JSON is the API's answer, whole).
pub fn rows(object: &lightfield::ObjectType, definitions: &lightfield::Definitions) -> Value {
    let required = object.required_keys();
    let mut rows: Vec<Value> = definitions
        .fields
        .iter()
        .map(|(key, f)| {
            json!({
                "key": key, "label": f.label, "kind": "field",
                "valueType": f.value_type.as_api(), "required": required.contains(&key.as_str()),
                "readOnly": f.read_only,
                "options": f.options.iter().map(|o| o.label.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    rows.extend(definitions.relationships.iter().map(|(key, r)| {
        json!({
            "key": key, "label": r.label, "kind": "relationship",
            "valueType": format!("{} → {}", r.cardinality.as_api(), r.object_type),
            "required": required.contains(&key.as_str()), "readOnly": r.read_only, "options": [],
        })
    }));
    Value::Array(rows)
}
