//! The mock's rooms (a folder of `src`, or a file at its root) name each other one way only:
//! read from the source, two rooms that each name the other through `crate::…` fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rooms each room names, comments left out; `lib.rs` (the root) is not a room.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut paths: Vec<PathBuf> = vec![src.clone()];
    while let Some(path) = paths.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("src is readable") {
                paths.push(entry.expect("a directory entry").path());
            }
            continue;
        }
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a component");
        let room = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if room == "lib" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let code = std::fs::read_to_string(&path).expect("a source file");
        let named = out.entry(room.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (_, rest) in line
                .match_indices("crate::")
                .map(|(i, _)| line.split_at(i + 7))
            {
                let list = match rest.strip_prefix('{') {
                    Some(inner) => inner.split('}').next().unwrap_or_default(),
                    None => rest,
                };
                for name in list.split(',').map(|n| n.trim()) {
                    let name: String = name
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let is_room = name.starts_with(|c: char| c.is_ascii_lowercase())
                        && (src.join(&name).is_dir() || src.join(format!("{name}.rs")).is_file());
                    if is_room && name != room {
                        named.insert(name);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn no_two_rooms_of_the_mock_name_each_other() {
    let graph = graph();
    assert!(
        graph.get("api").is_some_and(|n| n.contains("resources")),
        "the source was read: {graph:#?}"
    );
    let circles: Vec<_> = graph
        .iter()
        .flat_map(|(a, named)| named.iter().map(move |b| (a, b)))
        .filter(|(a, b)| graph.get(*b).is_some_and(|back| back.contains(*a)))
        .collect();
    assert!(
        circles.is_empty(),
        "rooms that name each other: {circles:?}\n(the graph: {graph:#?})"
    );
}
