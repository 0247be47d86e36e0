//! [`rust_source`]: a `#[derive(Record)]` struct for an organisation's live schema, as a
//! starting point to paste into your code.

use std::fmt::Write as _;

use crate::definitions::{Definitions, FieldDefinition};
use crate::entity::Cardinality;
use crate::value::ValueType;

/// `$primaryAddress` → `primary_address`; `renewalDate` → `renewal_date`.
fn snake(key: &str) -> String {
    let mut out = String::new();
    for c in key.trim_start_matches('$').chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    let reserved = [
        "type", "match", "ref", "move", "fn", "struct", "enum", "use", "mod", "self", "crate",
        "where", "loop", "box", "impl", "trait", "async", "await", "dyn",
    ];
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'f');
    }
    if reserved.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    out
}

fn rust_type(field: &FieldDefinition) -> &'static str {
    match &field.value_type {
        ValueType::Number | ValueType::Currency => "f64",
        ValueType::Checkbox => "bool",
        ValueType::Address => "lightfield::Address",
        ValueType::FullName => "lightfield::FullName",
        ValueType::MultiSelect => "Vec<String>",
        _ if field.multiple_values => "Vec<String>",
        _ => "String",
    }
}

/// The Rust source of a struct named `type_name` with `#[derive(Record)]` for
/// `definitions`: every field and relationship, optional unless the type says otherwise,
/// select options listed in comments. Read-only fields are included (they can be read).
///
/// ```
/// # fn demo(definitions: &lightfield::Definitions) {
/// let source = lightfield::schema::rust_source(definitions, "Vendor");
/// assert!(source.contains("pub struct Vendor"));
/// # }
/// ```
pub fn rust_source(definitions: &Definitions, type_name: &str) -> String {
    let object = definitions.object_type.as_deref().unwrap_or("account");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, PartialEq, lightfield::Record)]"
    );
    let _ = writeln!(out, "#[lightfield(object = {object:?})]");
    let _ = writeln!(out, "pub struct {type_name} {{");
    let _ = writeln!(out, "    #[lightfield(id)]");
    let _ = writeln!(out, "    pub id: String,");
    for (key, field) in &definitions.fields {
        let _ = writeln!(
            out,
            "    /// {} ({}{})",
            field.label,
            field.value_type,
            if field.read_only { ", read-only" } else { "" }
        );
        if !field.options.is_empty() {
            let labels: Vec<&str> = field.options.iter().map(|o| o.label.as_str()).collect();
            let _ = writeln!(out, "    /// Options: {}", labels.join(", "));
        }
        let _ = writeln!(out, "    #[lightfield(key = {key:?})]");
        let _ = writeln!(out, "    pub {}: Option<{}>,", snake(key), rust_type(field));
    }
    for (key, relationship) in &definitions.relationships {
        let _ = writeln!(
            out,
            "    /// {} ({} {})",
            relationship.label, relationship.cardinality, relationship.object_type
        );
        let _ = writeln!(out, "    #[lightfield(relationship = {key:?})]");
        let ty = if relationship.cardinality == Cardinality::HasOne {
            "Option<String>"
        } else {
            "Vec<String>"
        };
        let _ = writeln!(out, "    pub {}: {ty},", snake(key));
    }
    out.push_str("}\n");
    out
}
