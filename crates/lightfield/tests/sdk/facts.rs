//! The typed facades restate no fact about a record type that the spec's table does not
//! hold: every system key a typed setter writes or a getter reads is read from the source
//! of `src/resources` and checked against `lightfield_gen::tables` — the key exists for that
//! type, a setter does not write a read-only key, a list setter or getter is on a key that
//! holds a list (and a single one on a key that does not), an address, a name or a time on
//! a key of that value type, a relationship key is a relationship.

use lightfield_gen::tables::{ObjectSchema, object_schema};

/// The record type an `impl` block is about, by the Rust names it mentions.
const TYPES: &[(&str, &str)] = &[
    ("Opportunit", "opportunity"),
    ("Account", "account"),
    ("Contact", "contact"),
    ("Task", "task"),
    ("Note", "note"),
    ("Meeting", "meeting"),
    ("Member", "member"),
    ("Email", "email"),
    ("Channel", "channel"),
    ("Message", "message"),
    ("List", "list"),
];

/// The facades' source files (mail.rs and files.rs write request bodies, not records).
const FILES: &[&str] = &[
    "accounts.rs",
    "contacts.rs",
    "opportunities.rs",
    "tasks.rs",
    "notes.rs",
    "meetings.rs",
    "readonly.rs",
    "lists.rs",
];

/// One use of a system key in a facade: the type, the method called, the key, and what
/// follows the key on that line.
#[derive(Debug)]
struct Use {
    object: &'static str,
    call: String,
    key: String,
    rest: String,
    at: String,
}

fn uses() -> Vec<Use> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/resources");
    let mut out = Vec::new();
    for file in FILES {
        let source = std::fs::read_to_string(format!("{dir}/{file}")).expect("readable");
        let mut object = None;
        for (n, line) in source.lines().enumerate() {
            if line.starts_with("impl") || line.starts_with("typed_record!") {
                object = TYPES
                    .iter()
                    .find(|(rust, _)| line.contains(rust))
                    .map(|(_, api)| *api);
            }
            let Some(object) = object else { continue };
            let mut rest = line;
            while let Some(at) = rest.find("(\"$") {
                let call: String = rest[..at]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let after = &rest[at + 2..];
                let end = after.find('"').unwrap_or(after.len());
                // A key made at run time (`format!("${object_type}")`) is not a fact to check.
                if after[..end].contains('{') {
                    rest = &after[end..];
                    continue;
                }
                out.push(Use {
                    object,
                    call,
                    key: after[..end].to_string(),
                    rest: after[end..].to_string(),
                    at: format!("{file}:{}", n + 1),
                });
                rest = &after[end..];
            }
        }
    }
    out
}

/// What is wrong with `u` by the table, if anything.
fn problem(schema: &ObjectSchema, u: &Use) -> Option<String> {
    let field = schema.field(&u.key);
    let relationship = schema.relationship(&u.key);
    let setter = u.rest.starts_with("\", ");
    match u.call.as_str() {
        "relationship" | "replace" | "related" | "related_one" | "add" | "remove" => {
            let Some(r) = relationship else {
                return Some("is not a relationship of this type".into());
            };
            if u.call != "related" && u.call != "related_one" && r.read_only {
                return Some("is a read-only relationship".into());
            }
            if u.call == "related_one" && r.cardinality != "HAS_ONE" {
                return Some(format!("is {}, read as one id", r.cardinality));
            }
            None
        }
        "field" | "text" | "texts" => {
            let Some(f) = field else {
                return Some("is not a system field of this type".into());
            };
            if setter && f.read_only {
                return Some("is read-only, yet a setter writes it".into());
            }
            let wants_many = u.call == "texts" || (setter && u.rest.contains("strings("));
            let wants_one = u.call == "text" || (setter && u.rest.contains("InputValue::Text"));
            if wants_many && !f.multiple {
                return Some(format!(
                    "holds one {}, written or read as a list",
                    f.value_type
                ));
            }
            if wants_one && f.multiple {
                return Some(format!(
                    "holds a list of {}, written or read as one",
                    f.value_type
                ));
            }
            let typed = [
                ("InputValue::Address", "ADDRESS"),
                ("InputValue::FullName", "FULL_NAME"),
                ("datetime(", "DATETIME"),
            ];
            for (shape, value_type) in typed {
                if setter && u.rest.contains(shape) && f.value_type != value_type {
                    return Some(format!("is {}, written as {value_type}", f.value_type));
                }
            }
            None
        }
        other => Some(format!(
            "is used through `{other}`, which this test does not know"
        )),
    }
}

#[test]
fn typed_setters_and_getters_agree_with_the_table_of_system_fields() {
    let uses = uses();
    assert!(uses.len() > 80, "the scan found only {} uses", uses.len());
    let wrong: Vec<String> = uses
        .iter()
        .filter_map(|u| {
            let schema = object_schema(u.object).expect("a built-in type");
            problem(schema, u).map(|why| format!("{} `{}` ({}): {why}", u.at, u.key, u.object))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_check_catches_a_wrong_key_and_a_wrong_shape() {
    let account = object_schema("account").expect("accounts");
    let case = |call: &str, key: &str, rest: &str| Use {
        object: "account",
        call: call.into(),
        key: key.into(),
        rest: rest.into(),
        at: "here".into(),
    };
    assert!(problem(account, &case("field", "$nmae", "\", x)")).is_some());
    assert!(problem(account, &case("field", "$website", "\", InputValue::Text(")).is_some());
    assert!(problem(account, &case("texts", "$name", "\")")).is_some());
    assert!(problem(account, &case("relationship", "$name", "\", x")).is_some());
    assert!(problem(account, &case("field", "$website", "\", strings(urls))")).is_none());
}
