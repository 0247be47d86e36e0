//! Which operation a request names, found in the spec's table of operations
//! (`lightfield_gen::tables::OPERATIONS`), with the values of its path parameters.

use std::collections::BTreeMap;

use lightfield_gen::tables::{OPERATIONS, Operation};

/// A request matched to an operation.
#[derive(Debug, Clone)]
pub struct Route {
    pub op: &'static Operation,
    /// Path parameters by name (`id`, `slug`, `fieldKey`), percent-decoded.
    pub params: BTreeMap<&'static str, String>,
}

impl Route {
    /// The operation's record type and what it does: `account_field_history` is
    /// (`account`, `field_history`).
    pub fn parts(&self) -> (&'static str, &'static str) {
        self.op.id.split_once('_').unwrap_or((self.op.id, ""))
    }

    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }
}

fn decode(segment: &str) -> String {
    percent_decode(segment)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Matches `path` against `template`; on success, the parameters and how many segments
/// were literal (the more, the more specific the match).
fn matches(template: &'static str, path: &str) -> Option<(BTreeMap<&'static str, String>, usize)> {
    let mut params = BTreeMap::new();
    let mut literal = 0;
    let mut want = template.split('/');
    let mut have = path.split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some((params, literal)),
            (Some(w), Some(h)) => {
                if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    if h.is_empty() {
                        return None;
                    }
                    params.insert(name, decode(h));
                } else if w == h {
                    literal += 1;
                } else {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// The operation `method` and `path` name, preferring literal segments over parameters
/// (`/v1/accounts/definitions` is not a retrieve of a record called `definitions`).
pub fn resolve(method: &str, path: &str) -> Option<Route> {
    OPERATIONS
        .iter()
        .filter(|op| op.method == method)
        .filter_map(|op| matches(op.path, path).map(|(params, literal)| (op, params, literal)))
        .max_by_key(|(_, _, literal)| *literal)
        .map(|(op, params, _)| Route { op, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_and_parameters_are_decoded() {
        let r = resolve("GET", "/v1/accounts/definitions").expect("a route");
        assert_eq!(r.op.id, "account_definitions");
        let r = resolve("GET", "/v1/accounts/acc_1").expect("a route");
        assert_eq!((r.op.id, r.param("id")), ("account_retrieve", "acc_1"));
        let r = resolve(
            "GET",
            "/v1/objects/vendor/values/obj_1/fields/%24name/history",
        )
        .expect("a route");
        assert_eq!(r.op.id, "object_field_history");
        assert_eq!(
            (r.param("entity_slug"), r.param("field_key")),
            ("vendor", "$name")
        );
        assert!(resolve("GET", "/v1/accounts/").is_none());
        assert!(resolve("PUT", "/v1/accounts").is_none());
    }
}
