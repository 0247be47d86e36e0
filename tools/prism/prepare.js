// Writes a copy of a reference description that Prism can enforce, without changing what
// it allows. Usage: node tools/prism/prepare.js <reference.json> <out.json>
//
// The one place where what Prism is given differs from spec/reference/, and why:
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
//    Prism refuses every write. The API takes either (they exist so SDKs may generate typed
//    or untyped code), so such a pair is read as `anyOf`: each variant keeps all its rules.
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
  const target = "$ref" in branch ? resolve(branch) : branch;
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
      out.anyOf = out.oneOf;
      delete out.oneOf;
      pairs += 1;
    }
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

let rewritten = 0;
let pairs = 0;
const unchanged = [];
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node tools/prism/prepare.js <reference.json> <out.json>");
  process.exit(2);
}
doc = JSON.parse(fs.readFileSync(input, "utf8"));
const prepared = rewrite(doc);
if (unchanged.length > 0) {
  console.error(`cannot make these nullable compositions enforceable:\n${unchanged.join("\n")}`);
  process.exit(1);
}
fs.writeFileSync(output, JSON.stringify(prepared));
console.log(`${output}: ${rewritten} nullable compositions, ${pairs} typed/untyped pairs rewritten`);
