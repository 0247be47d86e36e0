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

/// Server text made safe inside a `///` comment: a control character (a newline above
/// all, which would end the comment and let the rest be read as code) is written escaped.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `name` as a Rust type name: letters, digits and `_` only, not starting with a digit.
fn identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if out.is_empty() {
        out.push_str("Record");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The Rust source of a struct named `type_name` with `#[derive(Record)]` for
/// `definitions`: every field and relationship, optional unless the type says otherwise,
/// select options listed in comments. Read-only fields are included (they can be read).
/// Labels come from the server and are escaped, so none can end a comment and become code;
/// `type_name` keeps only the characters of a Rust identifier.
///
/// ```
/// # fn demo(definitions: &lightfield::Definitions) {
/// let source = lightfield::schema::rust_source(definitions, "Vendor");
/// assert!(source.contains("pub struct Vendor"));
/// # }
/// ```
pub fn rust_source(definitions: &Definitions, type_name: &str) -> String {
    let object = definitions.object_type.as_deref().unwrap_or("account");
    let type_name = identifier(type_name);
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
            comment(&field.label),
            comment(&field.value_type.to_string()),
            if field.read_only { ", read-only" } else { "" }
        );
        if !field.options.is_empty() {
            let labels: Vec<&str> = field.options.iter().map(|o| o.label.as_str()).collect();
            let _ = writeln!(out, "    /// Options: {}", comment(&labels.join(", ")));
        }
        let _ = writeln!(out, "    #[lightfield(key = {key:?})]");
        let _ = writeln!(out, "    pub {}: Option<{}>,", snake(key), rust_type(field));
    }
    for (key, relationship) in &definitions.relationships {
        let _ = writeln!(
            out,
            "    /// {} ({} {})",
            comment(&relationship.label),
            comment(&relationship.cardinality.to_string()),
            comment(&relationship.object_type)
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::{FieldDefinition, ValueType};

    #[test]
    fn labels_from_the_server_cannot_end_a_comment_and_plant_code() {
        let label = "Tier\n}\n#[used] static RUN: fn() = evil;\n/// ";
        let field = FieldDefinition {
            id: None,
            label: label.to_string(),
            description: None,
            value_type: ValueType::Text,
            read_only: false,
            currency: None,
            handle_service: None,
            multiple_values: false,
            unique: false,
            options: Vec::new(),
            parent_field_key: None,
            extra: BTreeMap::new(),
            configuration_extra: BTreeMap::new(),
        };
        let definitions = Definitions {
            object_type: Some("account".into()),
            fields: BTreeMap::from([("tier".to_string(), field)]),
            relationships: BTreeMap::new(),
            extra: BTreeMap::new(),
        };
        let source = rust_source(&definitions, "Account {} static X: u8 = 0; struct Y");
        assert!(
            !source
                .lines()
                .any(|l| l.trim_start().starts_with("#[used]")),
            "{source}"
        );
        assert!(
            source.contains("pub struct AccountstaticXu80structY {"),
            "{source}"
        );
        assert_eq!(source.matches("pub struct").count(), 1, "{source}");
        let parsed = syn::parse_file(&source).expect("the output is Rust");
        assert_eq!(parsed.items.len(), 1, "one item: the struct\n{source}");
    }
}
