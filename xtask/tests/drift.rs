//! Drift between `spec/openapi.yaml` and the API, as `spec/reference/` describes it.
//!
//! Walks every operation of the newest official SDK's description and asks of each request
//! property, query parameter and answer property whether our spec can express it: declared
//! under the same name, or under a map (`additionalProperties`) or an untyped schema that
//! keeps whatever arrives. Answers are also checked for the two ways a strict decoder breaks
//! on a valid answer: a key we require that the API may leave out, and a `null` the API may
//! send where we do not allow one.
//!
//! Anything left out must be named in [`ALLOWED`] with the reason.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Differences we keep on purpose: `(operationId, path of the property, why)`. Starts empty;
/// an entry needs a reason a reviewer would accept.
const ALLOWED: &[(&str, &str, &str)] = &[];

fn load(path: &str) -> Value {
    let root = xtask::workspace_root();
    let text = std::fs::read_to_string(root.join(path)).expect("the description is readable");
    if path.ends_with(".json") {
        serde_json::from_str(&text).expect("valid JSON")
    } else {
        serde_norway::from_str(&text).expect("valid YAML")
    }
}

/// One side of the comparison: a description and how to read schemas in it.
struct Doc {
    root: Value,
}

impl Doc {
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            let pointer = reference.trim_start_matches('#');
            schema = self.root.pointer(pointer).expect("a $ref that resolves");
        }
        schema
    }

    /// The schema and every branch it is composed of, resolved.
    fn branches<'a>(&'a self, schema: &'a Value, out: &mut Vec<&'a Value>) {
        let schema = self.resolve(schema);
        out.push(schema);
        for key in ["allOf", "oneOf", "anyOf"] {
            for branch in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.branches(branch, out);
            }
        }
    }

    fn view<'a>(&'a self, schema: &'a Value) -> View<'a> {
        let mut branches = Vec::new();
        self.branches(schema, &mut branches);
        let mut view = View::default();
        for b in &branches {
            if let Some(props) = b.get("properties").and_then(Value::as_object) {
                for (name, sub) in props {
                    view.properties.entry(name.clone()).or_insert(sub);
                }
            }
            for name in b
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(name) = name.as_str() {
                    view.required.insert(name.to_string());
                }
            }
            if let Some(extra) = b.get("additionalProperties").filter(|a| a.is_object()) {
                view.additional.get_or_insert(extra);
            }
            if let Some(items) = b.get("items") {
                view.items.get_or_insert(items);
            }
            view.nullable |= b.get("nullable").and_then(Value::as_bool) == Some(true)
                || b.get("type") == Some(&Value::from("null"))
                || b.get("type")
                    .and_then(Value::as_array)
                    .is_some_and(|t| t.contains(&Value::from("null")));
        }
        // An untyped schema (`{}` or only a description) admits any value, null included.
        view.untyped = branches.iter().all(|b| {
            b.as_object().is_some_and(|o| {
                o.keys()
                    .all(|k| matches!(k.as_str(), "description" | "title" | "example"))
            })
        });
        view.nullable |= view.untyped;
        view
    }
}

#[derive(Default)]
struct View<'a> {
    properties: BTreeMap<String, &'a Value>,
    required: BTreeSet<String>,
    additional: Option<&'a Value>,
    items: Option<&'a Value>,
    nullable: bool,
    untyped: bool,
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
    found: Vec<String>,
}

impl Walk<'_> {
    fn walk(&mut self, theirs: &Value, ours: &Value, path: &str, depth: usize) {
        if depth > 12 {
            return;
        }
        let t = self.reference.view(theirs);
        let o = self.ours.view(ours);
        if o.untyped {
            return;
        }
        for (name, their_sub) in &t.properties {
            let here = format!("{path}.{name}");
            if let Some(our_sub) = o.properties.get(name) {
                if self.side == Side::Answer {
                    if o.required.contains(name) && !t.required.contains(name) {
                        self.found.push(format!(
                            "{here}: required here, optional in the API's answers"
                        ));
                    }
                    let their_nullable = self.reference.view(their_sub).nullable;
                    if their_nullable && !self.ours.view(our_sub).nullable {
                        self.found.push(format!(
                            "{here}: the API may send null, our spec refuses it"
                        ));
                    }
                }
                self.walk(their_sub, our_sub, &here, depth + 1);
            } else if let Some(extra) = o.additional {
                if self.side == Side::Answer
                    && self.reference.view(their_sub).nullable
                    && !self.ours.view(extra).nullable
                {
                    self.found.push(format!(
                        "{here}: the API may send null, our spec refuses it"
                    ));
                }
                self.walk(their_sub, extra, &here, depth + 1);
            } else {
                self.found.push(format!("{here}: not in our spec"));
            }
        }
        if let Some(their_extra) = t.additional {
            match o.additional {
                Some(our_extra) => {
                    self.walk(their_extra, our_extra, &format!("{path}.*"), depth + 1)
                }
                None if o.properties.is_empty() => {}
                None => self
                    .found
                    .push(format!("{path}.*: a map in the API, closed here")),
            }
        }
        if let (Some(ti), Some(oi)) = (t.items, o.items) {
            self.walk(ti, oi, &format!("{path}[]"), depth + 1);
        }
    }
}

fn query_params<'a>(doc: &'a Doc, item: &'a Value, op: &'a Value) -> BTreeSet<&'a str> {
    let shared = item.get("parameters").and_then(Value::as_array);
    let own = op.get("parameters").and_then(Value::as_array);
    shared
        .into_iter()
        .flatten()
        .chain(own.into_iter().flatten())
        .map(|p| doc.resolve(p))
        .filter(|p| p.get("in") == Some(&Value::from("query")))
        .filter_map(|p| p.get("name").and_then(Value::as_str))
        .collect()
}

fn json_schema(holder: Option<&Value>) -> Option<&Value> {
    holder?.pointer("/content/application~1json/schema")
}

/// `/v1/lists/{list_id}` and `/v1/lists/{id}` are the same path.
fn shape(path: &str) -> String {
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

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every difference, as `operationId: path: what`.
fn drift(reference: &Doc, ours: &Doc) -> (usize, Vec<String>) {
    let mut our_ops = BTreeMap::new();
    for (path, item) in ours.root["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                our_ops.insert((m, shape(path)), (item, op));
            }
        }
    }
    let mut found = Vec::new();
    let mut operations = 0;
    for (path, item) in reference.root["paths"].as_object().expect("paths") {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            operations += 1;
            let id = op["operationId"].as_str().unwrap_or(path);
            let Some((our_item, our_op)) = our_ops.get(&(m, shape(path))) else {
                found.push(format!("{id}: {m} {path} is not in our spec"));
                continue;
            };
            let ours_q = query_params(ours, our_item, our_op);
            for q in query_params(reference, item, op) {
                if !ours_q.contains(q) {
                    found.push(format!("{id}: query parameter `{q}` is not in our spec"));
                }
            }
            let mut walk = Walk {
                reference,
                ours,
                side: Side::Request,
                found: Vec::new(),
            };
            if let Some(theirs) = json_schema(op.get("requestBody").map(|b| reference.resolve(b))) {
                match json_schema(our_op.get("requestBody").map(|b| ours.resolve(b))) {
                    Some(our_body) => walk.walk(theirs, our_body, "body", 0),
                    // An optional body with nothing in it (DELETE's `{}`): sending none is the same.
                    None if is_empty_optional(reference, op) => {}
                    None => walk.found.push("body: we send none".into()),
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
                    (Some(_), None) => walk.found.push("answer: we read no body".into()),
                    _ => {}
                }
            }
            found.extend(walk.found.into_iter().map(|f| format!("{id}: {f}")));
        }
    }
    (operations, found)
}

fn allowed(line: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(op, path, _)| line.starts_with(&format!("{op}: {path}")))
}

#[test]
fn every_request_and_answer_property_of_the_api_is_expressible() {
    let reference = Doc {
        root: load("spec/reference/lightfield-api-newer.json"),
    };
    let ours = Doc {
        root: load(xtask::SPEC_PATH),
    };
    let (operations, found) = drift(&reference, &ours);
    assert_eq!(operations, 112, "the reference describes 112 operations");
    let left: Vec<_> = found.iter().filter(|f| !allowed(f)).collect();
    println!("{operations} operations walked, {} differences", left.len());
    assert!(
        left.is_empty(),
        "{} differences between spec/openapi.yaml and spec/reference/lightfield-api-newer.json \
         (fix the spec, or name the difference in ALLOWED with the reason):\n{}",
        left.len(),
        left.iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (op, path, _) in ALLOWED {
        assert!(
            found
                .iter()
                .any(|f| f.starts_with(&format!("{op}: {path}"))),
            "ALLOWED names `{op}: {path}`, which no longer differs: remove it"
        );
    }
}

/// The check itself: a property the API sends, taken out of our spec, is reported.
#[test]
fn a_property_missing_from_our_spec_is_reported() {
    let reference = Doc {
        root: load("spec/reference/lightfield-api-newer.json"),
    };
    let mut ours = load(xtask::SPEC_PATH);
    let props = ours
        .pointer_mut("/components/schemas/Record/properties")
        .and_then(Value::as_object_mut)
        .expect("Record has properties");
    props.remove("httpLink");
    let (_, found) = drift(&reference, &Doc { root: ours });
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("account.retrieve: answer.httpLink: not in our spec")),
        "{found:#?}"
    );
}

/// Rate-limit categories: ours is the reference's where it gives one; where no reference
/// does, ours says it is inferred (`x-rate-limit-category-inferred: true`).
#[test]
fn rate_limit_categories_are_the_references_or_marked_inferred() {
    let reference = load("spec/reference/lightfield-api-newer.json");
    let ours = load(xtask::SPEC_PATH);
    let mut theirs = BTreeMap::new();
    for (path, item) in reference["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                theirs.insert((m, shape(path)), op.get("x-rate-limit-category").cloned());
            }
        }
    }
    let mut wrong = Vec::new();
    let mut inferred = 0;
    for (path, item) in ours["paths"].as_object().expect("paths") {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let id = op["operationId"].as_str().unwrap_or(path);
            let category = op.get("x-rate-limit-category").cloned();
            let marked = op.get("x-rate-limit-category-inferred") == Some(&Value::Bool(true));
            let given = theirs.get(&(m, shape(path))).cloned().flatten();
            match given.filter(|g| !g.is_null()) {
                Some(given) if Some(&given) != category.as_ref() => {
                    wrong.push(format!("{id}: ours {category:?}, the reference's {given}"))
                }
                Some(_) if marked => {
                    wrong.push(format!("{id}: marked inferred, but the reference gives it"))
                }
                None if !marked => wrong.push(format!(
                    "{id}: no reference gives a category; mark ours inferred"
                )),
                None => inferred += 1,
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(inferred, 7, "seven categories are inferred");
}

/// The writes the API deduplicates: ours mark exactly the operations the reference marks
/// `x-idempotency-key`, so the SDK's retries (which re-send only what is safe to re-send)
/// follow the API and not our wishes. A write we call idempotent by nature must not be one
/// the reference says is keyed.
#[test]
fn the_writes_the_api_deduplicates_are_the_references() {
    let reference = load("spec/reference/lightfield-api-newer.json");
    let ours = load(xtask::SPEC_PATH);
    let marks = |doc: &Value, key: &str| -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for m in METHODS {
                if item.get(m).is_some_and(|op| op.get(key).is_some()) {
                    out.insert((m.to_string(), shape(path)));
                }
            }
        }
        out
    };
    let theirs = marks(&reference, "x-idempotency-key");
    let keyed = marks(&ours, "x-idempotency-key");
    assert_eq!(theirs.len(), 18, "the reference marks 18 writes");
    let missing: Vec<_> = theirs.difference(&keyed).collect();
    let extra: Vec<_> = keyed.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "keyed in the reference only: {missing:?}; keyed in ours only: {extra:?}"
    );
    let both: Vec<_> = marks(&ours, "x-retry")
        .intersection(&theirs)
        .cloned()
        .collect();
    assert!(both.is_empty(), "x-retry on a keyed write: {both:?}");
}
