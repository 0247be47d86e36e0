//! The layers of `crates/lightfield/src`, checked from the source: which room (a folder, or
//! a file at the root) names which other through `crate::…` paths, and whether that keeps
//! the order leaf → wire → client → record core → resources. A lower room that names a
//! higher one, or two rooms that name each other, fail this test unless listed in
//! [`KNOWN`] with the reason; the list only shrinks (an entry that no longer holds fails).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each room's layer: a room may name rooms of its own layer or below.
const LAYERS: &[(&str, u8)] = &[
    // Leaf types every layer uses.
    ("value", 0),
    ("error", 0),
    ("open_enum", 0),
    // What a record type is: its definitions, and the per-client cache of them.
    ("definitions", 1),
    // The wire, and helpers that know nothing of records.
    ("http", 1),
    ("paging", 1),
    ("wait", 1),
    // The client and the calls made through it.
    ("client", 2),
    ("listing", 3),
    ("request", 3),
    ("raw", 3),
    // The record core (with the preflight of writes and the fetch of definitions).
    ("entity", 4),
    ("bulk", 4),
    // What is built on it.
    ("schema", 5),
    ("resources", 5),
    ("preview", 5),
];

/// Edges that break the order, each with why it is still there: none. A new one needs a
/// reason a reviewer would accept.
const KNOWN: &[(&str, &str, &str)] = &[];

/// Rooms named by each room, read from the source with comments left out. `crate::Name`
/// re-exported by lib.rs counts as the room it comes from.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let mut reexported = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let room = rest.split("::").next().unwrap_or_default().to_string();
        for name in rest.split(|c: char| !c.is_alphanumeric() && c != '_') {
            if name.starts_with(char::is_uppercase) {
                reexported.insert(name.to_string(), room.clone());
            }
        }
    }
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(
                std::fs::read_dir(&path)
                    .expect("dir")
                    .map(|e| e.expect("entry").path()),
            );
            continue;
        }
        let relative = path.strip_prefix(&src).expect("under src");
        let room = relative
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .unwrap_or_default();
        if room == "lib" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let target = if name.starts_with(char::is_uppercase) {
                reexported.get(&name).cloned().unwrap_or(name)
            } else {
                name
            };
            if target != room && LAYERS.iter().any(|(r, _)| *r == target) {
                out.entry(room.clone()).or_default().insert(target);
            }
        }
    }
    out
}

fn layer(room: &str) -> Option<u8> {
    LAYERS.iter().find(|(r, _)| *r == room).map(|(_, l)| *l)
}

fn breaks(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (from, targets) in graph {
        for to in targets {
            let upward = match (layer(from), layer(to)) {
                (Some(a), Some(b)) => b > a,
                (None, _) => true, // a room with no layer: place it in LAYERS
                _ => false,
            };
            let circle = graph.get(to).is_some_and(|back| back.contains(from));
            if upward || circle {
                found.insert((from.clone(), to.clone()));
            }
        }
    }
    found
}

#[test]
fn rooms_name_only_rooms_of_their_layer_or_below() {
    let graph = graph();
    assert!(
        graph.contains_key("entity"),
        "the source was read: {graph:?}"
    );
    let found = breaks(&graph);
    let unknown: Vec<_> = found
        .iter()
        .filter(|(a, b)| !KNOWN.iter().any(|(x, y, _)| x == a && y == b))
        .collect();
    assert!(
        unknown.is_empty(),
        "rooms that name a higher room or each other: {unknown:?}\n(the graph: {graph:#?})"
    );
    for (a, b, why) in KNOWN {
        assert!(
            found.contains(&(a.to_string(), b.to_string())),
            "KNOWN lists {a} -> {b} ({why}), which no longer breaks the order: remove it"
        );
    }
}

#[test]
fn the_wire_names_only_the_leaf_types() {
    let graph = graph();
    let named = graph.get("http").cloned().unwrap_or_default();
    assert!(
        named.iter().all(|r| r == "error"),
        "src/http/ names {named:?}: the wire must not know clients or records"
    );
}

/// The check itself: an upward edge is reported.
#[test]
fn an_upward_name_is_reported() {
    let mut graph = graph();
    graph
        .entry("http".into())
        .or_default()
        .insert("entity".into());
    assert!(breaks(&graph).contains(&("http".into(), "entity".into())));
}
