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

/// Server text made safe inside a `///` comment. A control character (a newline above
/// all, which would end the comment and let the rest be read as code) is written escaped;
/// the characters Markdown gives a meaning inside a line (code spans, links, HTML,
/// emphasis) are escaped with a backslash, so the label reads as written. Server text never
/// starts a doc line: each begins with fixed words (`Field:`, `Options:`), so no label can
/// open a Markdown block, and with it a code block that `cargo test` would run.
fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            if matches!(
                c,
                '\\' | '`' | '<' | '>' | '[' | ']' | '*' | '_' | '&' | '!'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
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
            "    /// Field: {} ({}{})",
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
            "    /// Relationship: {} ({} {})",
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

    fn text_field(label: &str) -> FieldDefinition {
        FieldDefinition {
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
        }
    }

    #[test]
    fn labels_from_the_server_cannot_end_a_comment_and_plant_code() {
        let field = text_field("Tier\n}\n#[used] static RUN: fn() = evil;\n/// ");
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

    /// A label (or option) that would open a Markdown block at the start of a doc line, an
    /// indented or fenced code block above all, which rustdoc runs as a doctest.
    #[test]
    fn labels_from_the_server_cannot_open_a_markdown_block() {
        let hostile = [
            "    fn main() { std::process::abort(); } //",
            "```",
            "~~~rust",
            "# Heading",
            "<script>",
            "- item",
            "`code` [link](http://x) *em*",
        ];
        let fields = hostile.iter().enumerate().map(|(i, label)| {
            let field = FieldDefinition {
                label: label.to_string(),
                value_type: ValueType::SingleSelect,
                options: vec![crate::definitions::SelectOption {
                    id: "o".into(),
                    label: label.to_string(),
                    description: None,
                    parent_id: None,
                    extra: BTreeMap::new(),
                }],
                ..text_field("")
            };
            (format!("f{i}"), field)
        });
        let definitions = Definitions {
            object_type: Some("account".into()),
            fields: fields.collect(),
            relationships: BTreeMap::new(),
            extra: BTreeMap::new(),
        };
        let source = rust_source(&definitions, "Account");
        for line in source
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("///"))
        {
            assert!(
                line.starts_with(" Field: ") || line.starts_with(" Options: "),
                "a doc line that server text begins: {line:?}"
            );
            assert!(
                !line.replace("\\`", "").contains('`'),
                "an unescaped backtick: {line:?}"
            );
        }
        assert!(
            source.contains(r"Field: \`code\` \[link\](http://x) \*em\*"),
            "{source}"
        );
    }
}
