// Writes a copy of a reference description that Prism can enforce, and holds requests and
// answers to what the API takes and sends. Usage:
//
//   node tools/prism/prepare.js <reference.json> <out.json> [--errors-from <public.json>]
//
// Where what Prism is given differs from spec/reference/, and why:
//
// 1. `nullable: true` on a schema with no `type` (a nullable `anyOf`, `oneOf` or `allOf`).
//    Prism's validator cannot compile that form and then silently validates nothing for
//    the whole body: `POST /v1/accounts` with `{}` or `{"fields": "x"}` was accepted. The
//    nullable moves onto the branches (`nullable anyOf [A, B]` becomes `anyOf [nullable A,
//    nullable B]`; `nullable allOf [A]` becomes nullable A), which admits the same values
//    and compiles. Seen with Prism 5.16.0; see
//    crates/lightfield/tests/contract/records.rs, which proves bodies are checked.
//
// 2. The public spec's typed/untyped pairs: `oneOf: [typed, untyped]`, where the untyped
//    variant admits every body the typed one does, so no valid body matches exactly one and
//    Prism refuses every write. Only the typed variant is kept: its open part (custom
//    fields) is the untyped variant's value schema, so it admits every valid body, and its
//    typed rules (`$name` required, `$website` a string) still apply.
//
// 3. Closed objects. The newer reference declares no `additionalProperties` anywhere, which
//    JSON Schema reads as "any other key is fine": a misspelled `skipEnrichmnet` in a
//    request, or a key the API never sends in an answer, would pass. Every object schema
//    that declares properties and says nothing of others is closed here
//    (`additionalProperties: false`); maps the references declare as maps keep their value
//    schema, and schemas with no properties (a sequence's `definition`) stay open. The
//    public reference already closes its bodies this way.
//
// 4. With `--errors-from`, every operation also describes the public reference's error
//    answers (400, 401, 403, 404, 409, 415, 422, 429, 500, 503, 504 with their bodies):
//    the newer reference describes only 200, so Prism let any error body through. The
//    error bodies are not closed (the API adds keys to some refusals, e.g.
//    `invalidContacts`); their types, `const` kinds and required keys hold.
//
// Nothing else is touched. Where the two references disagree (a key only the newer one
// has), the newer one describes today's API; the contract tests say which calls they leave
// out of the run against the public spec, and why.
"use strict";
const fs = require("fs");

let doc;

// The schema a `$ref` names.
function resolve(node) {
  let seen = 0;
  while (node && typeof node === "object" && typeof node.$ref === "string" && seen++ < 32) {
    node = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((at, part) => at && at[part.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  }
  return node;
}

// A branch made nullable: typed branches take `nullable`, a `$ref` is copied in first.
function nullableBranch(branch) {
  // The schema a `$ref` names is read from the original, so it is prepared here too.
  const target = "$ref" in branch ? rewrite(resolve(branch)) : branch;
  if (!target || typeof target !== "object" || !("type" in target)) return null;
  return { ...target, nullable: true };
}

function rewrite(node) {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewrite(value);
  if (Array.isArray(out.oneOf) && out.oneOf.length === 2) {
    const names = out.oneOf.map((v) => v && v["x-stainless-variantName"]).sort();
    if (names[0] === "typed" && names[1] === "untyped") {
      const typed = out.oneOf.find((v) => v["x-stainless-variantName"] === "typed");
      delete out.oneOf;
      out.allOf = [typed];
      pairs += 1;
    }
  }
  if (out.properties && typeof out.properties === "object" && !("additionalProperties" in out)) {
    out.additionalProperties = false;
    closed += 1;
  }
  if (out.nullable !== true || "type" in out) return out;
  const composed = ["allOf", "anyOf", "oneOf", "$ref"].some((k) => k in out);
  if (!composed) {
    // No type and nothing composed: any value, null included, with or without the flag.
    delete out.nullable;
    return out;
  }
  // `allOf: [one]` with nullable: the one schema itself, nullable.
  if (Array.isArray(out.allOf) && out.allOf.length === 1) {
    const branch = nullableBranch(out.allOf[0]);
    if (branch) {
      const { allOf, nullable, ...rest } = out;
      rewritten += 1;
      return { ...branch, ...rest, nullable: true };
    }
  }
  // `anyOf`/`oneOf` with nullable: every branch nullable (a `oneOf` becomes an `anyOf`, or
  // null, admitted by every branch, would match more than one).
  const key = Array.isArray(out.anyOf) ? "anyOf" : Array.isArray(out.oneOf) ? "oneOf" : null;
  if (key) {
    const branches = out[key].map(nullableBranch);
    if (branches.every(Boolean)) {
      const { [key]: _, nullable, ...rest } = out;
      rewritten += 1;
      return { ...rest, anyOf: branches };
    }
  }
  unchanged.push(JSON.stringify(out).slice(0, 120));
  return out;
}

// A path with its parameters unnamed, so `/v1/x/{id}` and `/v1/x/{run_id}` compare equal.
function shape(path) {
  return path.replace(/\{[^}]*\}/g, "{}");
}

// Adds the public reference's error answers to every operation of `prepared`: those of the
// same operation where the public reference has it, else the set every public operation
// shares. The error schemas are copied under their own names.
function addErrors(prepared, publicDoc) {
  const schemas = (prepared.components = prepared.components || {}).schemas || {};
  prepared.components.schemas = schemas;
  for (const [name, schema] of Object.entries(publicDoc.components.schemas)) {
    if (/Error$/.test(name)) {
      if (name in schemas) throw new Error(`both references name a schema ${name}`);
      schemas[name] = schema;
    }
  }
  const byShape = new Map();
  let common = {};
  for (const [path, ops] of Object.entries(publicDoc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op || typeof op !== "object" || !op.responses) continue;
      const errors = Object.fromEntries(
        Object.entries(op.responses).filter(([status]) => status !== "200"),
      );
      byShape.set(`${method} ${shape(path)}`, errors);
      if (Object.keys(errors).length > Object.keys(common).length) common = errors;
    }
  }
  let added = 0;
  for (const [path, ops] of Object.entries(prepared.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op || typeof op !== "object" || !op.responses) continue;
      const errors = byShape.get(`${method} ${shape(path)}`) || common;
      for (const [status, answer] of Object.entries(errors)) {
        if (!(status in op.responses)) {
          op.responses[status] = answer;
          added += 1;
        }
      }
    }
  }
  return added;
}

let rewritten = 0;
let pairs = 0;
let closed = 0;
const unchanged = [];
const args = process.argv.slice(2);
const [input, output] = args;
const errorsAt = args.indexOf("--errors-from");
const errorsFrom = errorsAt >= 0 ? args[errorsAt + 1] : null;
if (!input || !output || (errorsAt >= 0 && !errorsFrom)) {
  console.error(
    "usage: node tools/prism/prepare.js <reference.json> <out.json> [--errors-from <public.json>]",
  );
  process.exit(2);
}
doc = JSON.parse(fs.readFileSync(input, "utf8"));
const prepared = rewrite(doc);
const errorAnswers = errorsFrom
  ? addErrors(prepared, JSON.parse(fs.readFileSync(errorsFrom, "utf8")))
  : 0;
if (unchanged.length > 0) {
  console.error(`cannot make these nullable compositions enforceable:\n${unchanged.join("\n")}`);
  process.exit(1);
}
fs.writeFileSync(output, JSON.stringify(prepared));
console.log(
  `${output}: ${rewritten} nullable compositions, ${pairs} typed/untyped pairs, ` +
    `${closed} objects closed, ${errorAnswers} error answers added`,
);
