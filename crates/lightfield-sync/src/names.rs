//! What the mirror calls things: a table per record type, a column per field, and the SQL
//! type each value type is kept as. Names are chosen once and remembered (`_lf_fields`), so
//! a column never changes meaning.

use lightfield::ObjectType;

/// The columns every record table has before its fields.
pub const FIXED_COLUMNS: [&str; 5] = ["id", "created_at", "updated_at", "external_id", "http_link"];

/// The table of a record type: the API's plural for built-in types (`accounts`), and
/// `obj_<slug>` for custom objects, so a custom `accounts` cannot take a built-in's place.
pub fn table_of(object: &ObjectType) -> String {
    let plural = match object {
        ObjectType::Account => "accounts",
        ObjectType::Contact => "contacts",
        ObjectType::Opportunity => "opportunities",
        ObjectType::Task => "tasks",
        ObjectType::Note => "notes",
        ObjectType::Meeting => "meetings",
        ObjectType::Member => "members",
        ObjectType::Email => "emails",
        ObjectType::Channel => "channels",
        ObjectType::Message => "messages",
        ObjectType::List => "lists",
        other => return format!("obj_{}", identifier(other.as_api())),
    };
    plural.to_string()
}

/// A field key as a column name: system keys lose their `$` and read in snake case
/// (`$primaryAddress` is `primary_address`); anything but letters, digits and `_` becomes
/// `_`. Collisions are settled by the caller ([`free_column`]).
pub fn column_of(key: &str) -> String {
    let key = key.strip_prefix('$').unwrap_or(key);
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{out}")
    } else {
        out
    }
}

/// `wanted`, or `wanted_2`, `wanted_3`… the first that no column in `taken` has; the
/// fixed columns and every name starting with `_` are always taken.
pub fn free_column(wanted: &str, taken: &[String]) -> String {
    let used = |name: &str| {
        name.starts_with('_')
            || FIXED_COLUMNS.contains(&name)
            || taken.iter().any(|t| t.eq_ignore_ascii_case(name))
    };
    if !used(wanted) {
        return wanted.to_string();
    }
    (2..)
        .map(|n| format!("{wanted}_{n}"))
        .find(|name| !used(name))
        .unwrap_or_else(|| wanted.to_string())
}

/// The SQL type a value type is kept as: numbers as `REAL` (the exact text stays in
/// `_raw`), checkboxes as `INTEGER` 0/1, everything else as `TEXT` (lists, names and
/// addresses as JSON text, times as RFC 3339).
pub fn sql_type(value_type: &str) -> &'static str {
    match value_type {
        "NUMBER" | "CURRENCY" => "REAL",
        "CHECKBOX" => "INTEGER",
        _ => "TEXT",
    }
}

/// A name that is safe inside double quotes as an SQL identifier.
pub fn identifier(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The view that reads relationship `key` of `object` as a join table
/// (`accounts__contact`: `account_id`, `contact_id`).
pub fn view_of(object: &ObjectType, key: &str) -> String {
    format!("{}__{}", table_of(object), column_of(key))
}

/// The two columns of a relationship's view: `account_id`, `opportunity_id`; a type linked
/// to itself gets `linked_` on the far end (`account_id`, `linked_account_id`).
pub fn view_columns(object_type: &str, target: &str) -> (String, String) {
    let side = |t: &str| format!("{}_id", identifier(t));
    let (from, to) = (side(object_type), side(target));
    if to == from {
        let linked = format!("linked_{to}");
        (from, linked)
    } else {
        (from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_columns_that_keep_their_meaning() {
        assert_eq!(column_of("$name"), "name");
        assert_eq!(column_of("$primaryAddress"), "primary_address");
        assert_eq!(column_of("renewal-date"), "renewal_date");
        assert_eq!(column_of("2fa"), "f_2fa");
        assert_eq!(column_of("$"), "f_");
        assert_eq!(free_column("name", &["name".into()]), "name_2");
        assert_eq!(free_column("id", &[]), "id_2");
        assert_eq!(free_column("seats", &[]), "seats");
        assert_eq!(
            table_of(&ObjectType::Custom("Vendor Co".into())),
            "obj_vendor_co"
        );
    }
}
