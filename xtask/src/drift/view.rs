//! What a schema admits, read the same way from either description: its properties, which
//! of them are required, its JSON types, its enum, whether null passes, and whether it is
//! untyped (admits anything).
//!
//! Compositions are read by what they mean: every branch of an `allOf` applies (required
//! keys add up, types and enums narrow), one branch of an `anyOf` or `oneOf` applies (a key
//! is required only when every branch requires it; types and enums widen).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// One description, with `$ref`s resolved against its own root.
pub struct Doc {
    pub root: Value,
}

/// What a schema admits.
#[derive(Default, Clone)]
pub struct View<'a> {
    pub properties: BTreeMap<String, &'a Value>,
    pub required: BTreeSet<String>,
    /// The schema for keys not among `properties`, when it has one.
    pub additional: Option<&'a Value>,
    pub items: Option<&'a Value>,
    /// The JSON types admitted (`integer` within `number`); `None` for any.
    pub types: Option<BTreeSet<String>>,
    /// The values admitted, as JSON text; `None` for any.
    pub values: Option<BTreeSet<String>>,
    pub nullable: bool,
    pub untyped: bool,
    /// Lower bounds by keyword (`minimum`, `minLength`, `minItems`).
    pub lower: BTreeMap<&'static str, f64>,
    /// Upper bounds by keyword (`maximum`, `maxLength`, `maxItems`).
    pub upper: BTreeMap<&'static str, f64>,
    /// A `pattern` strings must match.
    pub pattern: Option<&'a str>,
}

impl View<'_> {
    /// Whether a value of JSON type `kind` may pass.
    pub fn admits(&self, kind: &str) -> bool {
        self.types
            .as_ref()
            .is_none_or(|t| t.contains(kind) || (kind == "integer" && t.contains("number")))
    }
}

impl Doc {
    /// `schema` with its `$ref`s followed.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            let pointer = reference.trim_start_matches('#');
            schema = self.root.pointer(pointer).unwrap_or(&Value::Null);
        }
        schema
    }

    /// What `schema` admits.
    pub fn view<'a>(&'a self, schema: &'a Value) -> View<'a> {
        self.view_at(schema, 0)
    }

    fn view_at<'a>(&'a self, schema: &'a Value, depth: usize) -> View<'a> {
        let schema = self.resolve(schema);
        let mut view = own(schema);
        if depth > 16 {
            return view;
        }
        let list = |key: &str| {
            schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        };
        for branch in list("allOf") {
            let b = self.view_at(branch, depth + 1);
            both(&mut view, b);
        }
        let alternatives: Vec<View<'a>> = list("anyOf")
            .chain(list("oneOf"))
            .map(|b| self.view_at(b, depth + 1))
            .collect();
        if !alternatives.is_empty() {
            both(&mut view, either(alternatives));
        }
        view
    }
}

/// What a schema's own keywords say (no composition).
fn own(schema: &Value) -> View<'_> {
    let mut view = View::default();
    let Some(object) = schema.as_object() else {
        return view;
    };
    view.untyped = object
        .keys()
        .all(|k| matches!(k.as_str(), "description" | "title" | "example"));
    if let Some(props) = object.get("properties").and_then(Value::as_object) {
        view.properties = props.iter().map(|(k, v)| (k.clone(), v)).collect();
    }
    view.required = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    view.additional = object.get("additionalProperties").filter(|a| a.is_object());
    view.items = object.get("items");
    let kinds: Option<BTreeSet<String>> = match object.get("type") {
        Some(Value::String(t)) => Some([t.clone()].into()),
        Some(Value::Array(ts)) => Some(
            ts.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    };
    view.nullable = object.get("nullable") == Some(&Value::Bool(true))
        || kinds.as_ref().is_some_and(|k| k.contains("null"))
        || view.untyped;
    view.types = kinds.map(|mut k| {
        k.remove("null");
        k
    });
    view.values = object
        .get("enum")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| !v.is_null())
                .map(Value::to_string)
                .collect()
        })
        .or_else(|| object.get("const").map(|c| [c.to_string()].into()));
    for key in ["minimum", "minLength", "minItems"] {
        if let Some(n) = object.get(key).and_then(Value::as_f64) {
            view.lower.insert(key, n);
        }
    }
    for key in ["maximum", "maxLength", "maxItems"] {
        if let Some(n) = object.get(key).and_then(Value::as_f64) {
            view.upper.insert(key, n);
        }
    }
    view.pattern = object.get("pattern").and_then(Value::as_str);
    view
}

/// `into` and `other` both apply (an `allOf` branch).
fn both<'a>(into: &mut View<'a>, other: View<'a>) {
    for (k, v) in other.properties {
        into.properties.entry(k).or_insert(v);
    }
    into.required.extend(other.required);
    into.additional = into.additional.or(other.additional);
    into.items = into.items.or(other.items);
    into.types = narrow(into.types.take(), other.types);
    into.values = narrow(into.values.take(), other.values);
    into.lower.extend(other.lower);
    into.upper.extend(other.upper);
    into.pattern = into.pattern.or(other.pattern);
    // A branch that admits null does not make the whole admit it unless every one does;
    // `nullable` beside an `allOf` is the whole's own keyword, read already.
    into.untyped &= other.untyped;
}

/// One of `alternatives` applies (an `anyOf` or `oneOf`).
fn either(alternatives: Vec<View<'_>>) -> View<'_> {
    let mut out = View {
        untyped: alternatives.iter().any(|a| a.untyped),
        nullable: alternatives.iter().any(|a| a.nullable),
        ..View::default()
    };
    let mut required: Option<BTreeSet<String>> = None;
    let mut types = Some(BTreeSet::new());
    let mut values = Some(BTreeSet::new());
    for alt in alternatives {
        for (k, v) in alt.properties {
            out.properties.entry(k).or_insert(v);
        }
        required = Some(match required {
            None => alt.required,
            Some(r) => r.intersection(&alt.required).cloned().collect(),
        });
        out.additional = out.additional.or(alt.additional);
        out.items = out.items.or(alt.items);
        types = widen(types, alt.types);
        values = widen(values, alt.values);
    }
    out.required = required.unwrap_or_default();
    out.types = types;
    out.values = values;
    out
}

fn narrow(a: Option<BTreeSet<String>>, b: Option<BTreeSet<String>>) -> Option<BTreeSet<String>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
        (a, b) => a.or(b),
    }
}

fn widen(a: Option<BTreeSet<String>>, b: Option<BTreeSet<String>>) -> Option<BTreeSet<String>> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.extend(b);
            Some(a)
        }
        _ => None,
    }
}
