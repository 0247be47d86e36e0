//! Drift between `spec/openapi.yaml` and the API as `spec/reference/` describes it, in every
//! dimension a client can get wrong: for each operation of the newest reference, its path
//! parameters, query parameters (name, style, explode), headers (`Idempotency-Key` where
//! the API deduplicates), and, for each property of the request body and the 200 answer,
//! its presence, JSON type, enum, whether it is required and whether null passes. Bounds
//! (`minimum`, `maxLength`, `maxItems`…) and patterns of requests are compared with the
//! public reference, the only one that states them. Neither reference states a `format`.
//!
//! Which way a difference matters depends on the side. In a request, ours must not admit
//! what the API refuses (a type, a value, a null, a missing required key). In an answer,
//! ours must admit whatever the API may send. A string where the reference has an enum is
//! the one convention we keep on purpose: open strings let an old client read a value the
//! API adds later; they are counted as open spots rather than reported, as are spots where
//! our schema is untyped and the reference's is not. `cargo xtask drift` prints it all.

mod view;

use std::collections::BTreeMap;

use serde_json::Value;

pub use view::{Doc, View};

/// One difference: the operation, where in it, what kind, and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub operation: String,
    pub kind: Kind,
    pub text: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.operation, self.text)
    }
}

/// The dimensions compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An operation, parameter or property one side has and the other does not.
    Missing,
    /// A JSON type one side admits and the other does not.
    Type,
    /// An enum value.
    Enum,
    /// A key required on one side only.
    Required,
    /// `null` admitted on one side only.
    Nullable,
    /// A path parameter's name, a query parameter's style or explode, a header.
    Parameter,
    /// A bound (`minimum`, `maxLength`, `maxItems`…) or `pattern` a request may break:
    /// compared with the public reference, the one that states them.
    Bound,
}

/// What the comparison found.
#[derive(Debug, Default)]
pub struct Report {
    /// Operations of the reference walked.
    pub operations: usize,
    pub findings: Vec<Finding>,
    /// Spots where the reference is typed (or has an enum) and ours is open.
    pub open_spots: Vec<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Request,
    Answer,
}

struct Walk<'a> {
    reference: &'a Doc,
    ours: &'a Doc,
    side: Side,
    /// Only bounds are compared (the walk against the public reference).
    bounds_only: bool,
    operation: &'a str,
    report: &'a mut Report,
}

impl Walk<'_> {
    fn found(&mut self, kind: Kind, text: String) {
        if self.bounds_only != (kind == Kind::Bound) {
            return;
        }
        self.report.findings.push(Finding {
            operation: self.operation.to_string(),
            kind,
            text,
        });
    }

    fn open(&mut self, path: &str, what: &str) {
        if self.bounds_only {
            return;
        }
        let spot = format!("{}: {path}: {what}", self.operation);
        self.report.open_spots.push(spot);
    }

    fn walk(&mut self, theirs: &Value, ours: &Value, path: &str, depth: usize) {
        if depth > 12 {
            return;
        }
        let t = self.reference.view(theirs);
        let o = self.ours.view(ours);
        if o.untyped {
            if !t.untyped {
                self.open(path, "untyped here");
            }
            return;
        }
        self.compare_values(&t, &o, path);
        self.compare_bounds(&t, &o, path);
        for (name, their_sub) in &t.properties {
            let here = format!("{path}.{name}");
            let (t_req, o_req) = (t.required.contains(name), o.required.contains(name));
            let our_sub = o.properties.get(name).copied().or(o.additional);
            match (self.side, t_req, o_req, o.properties.contains_key(name)) {
                (Side::Answer, false, true, _) => self.found(
                    Kind::Required,
                    format!("{here}: required here, optional in the API's answers"),
                ),
                (Side::Request, true, false, _) => self.found(
                    Kind::Required,
                    format!("{here}: the API requires it in requests, our spec does not"),
                ),
                (Side::Request, false, true, true) => self.found(
                    Kind::Required,
                    format!("{here}: our spec requires it, the API does not"),
                ),
                _ => {}
            }
            let Some(our_sub) = our_sub else {
                self.found(Kind::Missing, format!("{here}: not in our spec"));
                continue;
            };
            self.walk(their_sub, our_sub, &here, depth + 1);
        }
        if self.side == Side::Request && t.additional.is_none() && !t.properties.is_empty() {
            for name in o
                .properties
                .keys()
                .filter(|n| !t.properties.contains_key(*n))
            {
                self.found(
                    Kind::Missing,
                    format!("{path}.{name}: we may send it, the API does not describe it"),
                );
            }
        }
        if let Some(their_extra) = t.additional {
            match o.additional {
                Some(our_extra) => {
                    self.walk(their_extra, our_extra, &format!("{path}.*"), depth + 1)
                }
                None if o.properties.is_empty() => {}
                None => self.found(
                    Kind::Missing,
                    format!("{path}.*: a map in the API, closed here"),
                ),
            }
        }
        if let (Some(ti), Some(oi)) = (t.items, o.items) {
            self.walk(ti, oi, &format!("{path}[]"), depth + 1);
        }
    }

    /// Bounds and patterns at one spot: what we may send must keep within the API's.
    fn compare_bounds(&mut self, t: &View<'_>, o: &View<'_>, path: &str) {
        if self.side != Side::Request {
            return;
        }
        for (key, theirs) in &t.lower {
            if o.lower.get(key).is_none_or(|ours| ours < theirs) {
                self.found(
                    Kind::Bound,
                    format!(
                        "{path}: {key} {theirs} in the API, {:?} here",
                        o.lower.get(key)
                    ),
                );
            }
        }
        for (key, theirs) in &t.upper {
            if o.upper.get(key).is_none_or(|ours| ours > theirs) {
                self.found(
                    Kind::Bound,
                    format!(
                        "{path}: {key} {theirs} in the API, {:?} here",
                        o.upper.get(key)
                    ),
                );
            }
        }
        if let Some(pattern) = t.pattern
            && o.pattern != Some(pattern)
        {
            self.found(
                Kind::Bound,
                format!(
                    "{path}: the API takes only strings matching {pattern}, our spec {:?}",
                    o.pattern
                ),
            );
        }
    }

    /// Types, enums and null at one spot.
    fn compare_values(&mut self, t: &View<'_>, o: &View<'_>, path: &str) {
        let (wider, narrower, says) = match self.side {
            // The API may send what it admits: ours must admit it too.
            Side::Answer => (o, t, "the API may send"),
            // We may send what ours admits: the API must admit it too.
            Side::Request => (t, o, "we may send"),
        };
        if let Some(kinds) = &narrower.types {
            let refused: Vec<&String> = kinds.iter().filter(|k| !wider.admits(k)).collect();
            if !refused.is_empty() {
                self.found(
                    Kind::Type,
                    format!(
                        "{path}: {says} {refused:?}, the other side takes {:?}",
                        wider.types
                    ),
                );
            }
        } else if self.side == Side::Request && t.types.is_some() {
            self.open(path, "any type here, typed in the API");
        }
        match (&t.values, &o.values) {
            (Some(theirs), Some(ours)) => {
                let (from, to) = match self.side {
                    Side::Answer => (theirs, ours),
                    Side::Request => (ours, theirs),
                };
                let stray: Vec<&String> = from.difference(to).collect();
                if !stray.is_empty() {
                    self.found(
                        Kind::Enum,
                        format!("{path}: {says} {stray:?}, not in the other's enum"),
                    );
                }
            }
            (Some(_), None) => self.open(path, "an open string for an enum"),
            _ => {}
        }
        if narrower.nullable && !wider.nullable {
            self.found(
                Kind::Nullable,
                format!("{path}: {says} null, the other side refuses it"),
            );
        }
    }
}

/// The parameters of an operation, shared and its own, resolved, by (in, name).
fn parameters<'a>(
    doc: &'a Doc,
    item: &'a Value,
    op: &'a Value,
) -> BTreeMap<(String, String), &'a Value> {
    let shared = item.get("parameters").and_then(Value::as_array);
    let own = op.get("parameters").and_then(Value::as_array);
    shared
        .into_iter()
        .flatten()
        .chain(own.into_iter().flatten())
        .map(|p| doc.resolve(p))
        .filter_map(|p| {
            let place = p.get("in")?.as_str()?.to_string();
            let name = p.get("name")?.as_str()?.to_string();
            Some(((place, name), p))
        })
        .collect()
}

fn json_schema(holder: Option<&Value>) -> Option<&Value> {
    holder?.pointer("/content/application~1json/schema")
}

/// `/v1/lists/{list_id}` and `/v1/lists/{id}` are the same path.
pub fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn is_empty_optional(doc: &Doc, op: &Value) -> bool {
    let body = op.get("requestBody").map(|b| doc.resolve(b));
    let required = body
        .and_then(|b| b.get("required"))
        .and_then(Value::as_bool)
        == Some(true);
    let view = json_schema(body).map(|s| doc.view(s));
    !required && view.is_some_and(|v| v.properties.is_empty() && v.additional.is_none())
}

/// The HTTP methods an operation may have.
pub const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A query parameter's style and explode, with OpenAPI's defaults (`form`, exploded).
fn style(p: &Value) -> (String, bool) {
    let style = p
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or("form")
        .to_string();
    let explode = p
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    (style, explode)
}

/// Compares every operation of `reference` with `ours`, and the bounds and patterns of
/// requests with `public`, the reference that states them.
pub fn drift(reference: &Doc, public: &Doc, ours: &Doc) -> Report {
    let mut report = walk_all(reference, ours, false);
    let bounds = walk_all(public, ours, true);
    report.findings.extend(bounds.findings);
    report.findings.sort();
    report
}

fn walk_all(reference: &Doc, ours: &Doc, bounds_only: bool) -> Report {
    let mut our_ops = BTreeMap::new();
    for (path, item) in ours.root["paths"].as_object().into_iter().flatten() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                our_ops.insert((m, shape(path)), (path.as_str(), item, op));
            }
        }
    }
    let mut report = Report::default();
    for (path, item) in reference.root["paths"].as_object().into_iter().flatten() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            report.operations += 1;
            let id = op["operationId"].as_str().unwrap_or(path);
            let Some((our_path, our_item, our_op)) = our_ops.get(&(m, shape(path))) else {
                if bounds_only {
                    continue;
                }
                report.findings.push(Finding {
                    operation: id.to_string(),
                    kind: Kind::Missing,
                    text: format!("{m} {path} is not in our spec"),
                });
                continue;
            };
            let mut walk = Walk {
                reference,
                ours,
                side: Side::Request,
                bounds_only,
                operation: id,
                report: &mut report,
            };
            compare_parameters(&mut walk, (path, item, op), (our_path, our_item, our_op));
            if let Some(theirs) = json_schema(op.get("requestBody").map(|b| reference.resolve(b))) {
                match json_schema(our_op.get("requestBody").map(|b| ours.resolve(b))) {
                    Some(our_body) => walk.walk(theirs, our_body, "body", 0),
                    // An optional body with nothing in it (DELETE's `{}`): sending none is the same.
                    None if is_empty_optional(reference, op) => {}
                    None => walk.found(Kind::Missing, "body: we send none".into()),
                }
            }
            walk.side = Side::Answer;
            let answer = |o: &Value| o.pointer("/responses/200").cloned();
            if let Some(theirs) = answer(op) {
                let theirs = reference.resolve(&theirs).clone();
                let ours_200 = answer(our_op).map(|a| ours.resolve(&a).clone());
                match (
                    json_schema(Some(&theirs)),
                    ours_200.as_ref().and_then(|a| json_schema(Some(a))),
                ) {
                    (Some(t), Some(o)) => walk.walk(t, o, "answer", 0),
                    (Some(_), None) => walk.found(Kind::Missing, "answer: we read no body".into()),
                    _ => {}
                }
            }
        }
    }
    report.findings.sort();
    report
}

/// Path parameters by name, query parameters by name, style and explode, and the
/// `Idempotency-Key` header where the reference marks the operation deduplicated.
fn compare_parameters(
    walk: &mut Walk<'_>,
    (path, item, op): (&str, &Value, &Value),
    (our_path, our_item, our_op): (&str, &Value, &Value),
) {
    if path != our_path {
        walk.found(
            Kind::Parameter,
            format!("path parameters: the API names them {path}, our spec {our_path}"),
        );
    }
    let theirs = parameters(walk.reference, item, op);
    let ours = parameters(walk.ours, our_item, our_op);
    for ((place, name), p) in &theirs {
        if place != "query" {
            continue;
        }
        match ours.get(&(place.clone(), name.clone())) {
            None => walk.found(
                Kind::Missing,
                format!("query parameter `{name}` is not in our spec"),
            ),
            Some(q) if style(p) != style(q) => walk.found(
                Kind::Parameter,
                format!(
                    "query parameter `{name}`: style {:?} in the API, {:?} here",
                    style(p),
                    style(q)
                ),
            ),
            Some(q) => {
                let (Some(ts), Some(os)) = (p.get("schema"), q.get("schema")) else {
                    continue;
                };
                let side = walk.side;
                walk.side = Side::Request;
                walk.walk(ts, os, &format!("query.{name}"), 0);
                walk.side = side;
            }
        }
    }
    let keyed = op.get("x-idempotency-key") == Some(&Value::Bool(true));
    let takes_key = ours
        .keys()
        .any(|(place, name)| place == "header" && name.eq_ignore_ascii_case("idempotency-key"));
    match (keyed, takes_key) {
        (true, false) => walk.found(
            Kind::Parameter,
            "header `Idempotency-Key`: the API deduplicates by it, our spec does not send it"
                .into(),
        ),
        (false, true) => walk.found(
            Kind::Parameter,
            "header `Idempotency-Key`: our spec sends it, the API does not deduplicate by it"
                .into(),
        ),
        _ => {}
    }
}
