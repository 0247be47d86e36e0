//! What the server answers may gain fields in a minor version of the API, and then in a
//! minor version of this crate. A public struct whose fields are all public is read from
//! the source of `crates/lightfield/src`: it must be `#[non_exhaustive]` (so a field added
//! later breaks no one's code), unless it is a value users build themselves, listed in
//! [`BUILT_BY_USERS`] with the way it stays open. (`tests/ui/api/answers_grow_fields.rs`
//! shows what the attribute refuses.)

use std::path::Path;

/// Structs users write as literals, and why a new field would still break no one.
const BUILT_BY_USERS: &[(&str, &str)] = &[
    (
        "Address",
        "written with `..Default::default()`; new parts go to `extra`",
    ),
    (
        "FullName",
        "built with `FullName::new`; new parts go to `extra`",
    ),
    ("Pacing", "a sender's pacing, written whole in an update"),
    (
        "FieldSpec",
        "built by `#[derive(Record)]`'s own code, which changes with the crate",
    ),
];

/// `(file, struct)` for every public struct in `source` with only public fields and no
/// `#[non_exhaustive]` among its attributes.
fn open_structs(file: &str, source: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("pub struct ") else {
            continue;
        };
        if !line.trim_end().ends_with('{') {
            continue; // a unit or tuple struct
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let attributes = lines[..at]
            .iter()
            .rev()
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("#[") || l.starts_with("//") || l.starts_with(')')
            })
            .any(|l| l.contains("non_exhaustive"));
        let indent = line.len() - line.trim_start().len();
        let fields: Vec<&str> = lines[at + 1..]
            .iter()
            .take_while(|l| !(l.len() > indent && l[indent..].starts_with('}')))
            .map(|l| l.trim_start())
            .filter(|l| !l.starts_with("//") && !l.starts_with("#[") && l.contains(':'))
            .collect();
        let all_public = !fields.is_empty() && fields.iter().all(|f| f.starts_with("pub "));
        if all_public && !attributes {
            found.push((file.to_string(), name));
        }
    }
    found
}

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("readable");
            out.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn answers_from_the_server_are_non_exhaustive() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let open: Vec<(String, String)> = files
        .iter()
        .flat_map(|(file, text)| open_structs(file, text))
        .collect();
    let unexplained: Vec<String> = open
        .iter()
        .filter(|(_, name)| !BUILT_BY_USERS.iter().any(|(n, _)| n == name))
        .map(|(file, name)| format!("{name} ({file})"))
        .collect();
    assert!(
        unexplained.is_empty(),
        "public structs a new field would break, not #[non_exhaustive]: {unexplained:?}"
    );
    for (name, _) in BUILT_BY_USERS {
        assert!(
            open.iter().any(|(_, n)| n == name),
            "{name} is listed as built by users but is no longer an open struct; drop it from the list"
        );
    }
}

#[test]
fn the_check_finds_an_open_struct_and_passes_a_closed_one() {
    let source = "/// Doc.\n#[derive(Debug)]\npub struct Open {\n    /// A.\n    pub a: u8,\n}\n\n\
                  #[derive(Debug)]\n#[non_exhaustive]\npub struct Closed {\n    pub a: u8,\n}\n\n\
                  pub struct Private {\n    pub a: u8,\n    b: u8,\n}\n";
    let found: Vec<String> = open_structs("x.rs", source)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(found, ["Open"]);
}
