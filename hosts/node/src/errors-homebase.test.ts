/**
 * The home base's C sources against the one error catalogue (errors.ts). The home base writes its
 * codes as string literals, so the test reads every upper-case literal with an underscore from the
 * portable part and the Linux port (tests, fuzz targets and benchmarks left out).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readYamlOutline } from "./api/yaml-outline.ts";
import { ERROR_CATALOGUE, HOME_BASE_ONLY_CODES, SERVER_ERROR_CODES, type CatalogueCode } from "./errors.ts";

const HOME_BASE_ROOT = fileURLToPath(new URL("../../esp32p4/", import.meta.url));
const SOURCE_DIRS = ["components/homebase", "linux", "main"];
/** Its literals name the verify queue's drop reasons, counters in GET /api/v1/status, never a problem code. */
const NOT_PROBLEM_SOURCES = new Set(["components/homebase/verify_budget.c"]);
const CODE_LITERAL = /"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"/g;
/** A call such as `problem(out, 503, "STORAGE_FAILED", ...)` that sets its status by hand. */
const STATUS_AND_CODE = /\(\s*[\w>.-]+,\s*(\d{3}),\s*"([A-Z][A-Z0-9_]+)"/g;
/** An entry `{ "CODE", 400, "title" }` of the C catalogue in api_problem.c. */
const C_CATALOGUE_ENTRY = /\{\s*"([A-Z][A-Z0-9_]+)",\s*(\d{3}),\s*"([^"]*)"\s*\}/g;

interface Source {
  path: string;
  text: string;
}

function readSources(): Source[] {
  return SOURCE_DIRS.flatMap((dir) =>
    readdirSync(join(HOME_BASE_ROOT, dir))
      .filter((name) => name.endsWith(".c"))
      .map((name) => `${dir}/${name}`)
      .filter((path) => !NOT_PROBLEM_SOURCES.has(path))
      .map((path) => ({ path, text: readFileSync(join(HOME_BASE_ROOT, path), "utf8") })),
  );
}

const sources = readSources();

function isCatalogued(code: string): code is CatalogueCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

test("sources are found", () => {
  assert.ok(sources.some((source) => source.path === "components/homebase/api_problem.c"));
  assert.ok(sources.some((source) => source.path === "linux/http_api.c"));
  assert.ok(sources.length >= 30, `only ${sources.length} C files read`);
});

test("every code in the C sources is catalogued", () => {
  let count = 0;
  for (const { path, text } of sources) {
    for (const [, code] of text.matchAll(CODE_LITERAL)) {
      count += 1;
      assert.ok(isCatalogued(code!), `${path} uses ${code}, which hosts/node/src/errors.ts does not list`);
    }
  }
  assert.ok(count >= 50, `only ${count} code literals found`);
});

test("every home-base-only code is used by the C sources", () => {
  const used = new Set(sources.flatMap(({ text }) => [...text.matchAll(CODE_LITERAL)].map((match) => match[1]!)));
  for (const code of HOME_BASE_ONLY_CODES) assert.ok(used.has(code), `${code} is marked homeBaseOnly but no C source uses it`);
});

test("home-base-only codes are outside the server's codes", () => {
  assert.ok(HOME_BASE_ONLY_CODES.includes("STORAGE_FULL"));
  assert.ok(HOME_BASE_ONLY_CODES.includes("DASHBOARD_TOKEN_NOT_SET"));
  for (const code of HOME_BASE_ONLY_CODES) assert.not.ok((SERVER_ERROR_CODES as readonly string[]).includes(code), code);
});

test("C catalogue matches the catalogue's status and title", () => {
  const text = sources.find((source) => source.path === "components/homebase/api_problem.c")!.text;
  const entries = [...text.matchAll(C_CATALOGUE_ENTRY)];
  assert.ok(entries.length >= 10, `only ${entries.length} entries in api_problem.c`);

  for (const [, code, status, title] of entries) {
    assert.ok(isCatalogued(code!), `api_problem.c lists ${code}, which hosts/node/src/errors.ts does not`);
    assert.is(Number(status), ERROR_CATALOGUE[code as CatalogueCode].status, `status of ${code}`);
    assert.is(title, ERROR_CATALOGUE[code as CatalogueCode].title, `title of ${code}`);
  }
  const listed = new Set(entries.map((entry) => entry[1]));
  for (const code of HOME_BASE_ONLY_CODES) assert.ok(listed.has(code), `api_problem.c does not list the home base's own ${code}`);
});

test("status set by hand matches the catalogue", () => {
  let count = 0;
  for (const { path, text } of sources) {
    for (const [, status, code] of text.matchAll(STATUS_AND_CODE)) {
      if (!isCatalogued(code!)) continue;
      count += 1;
      assert.is(Number(status), ERROR_CATALOGUE[code].status, `${path} sends ${code} with status ${status}`);
    }
  }
  assert.ok(count >= 20, `only ${count} calls with a status found`);
});

test("home base description lists every C catalogue code", () => {
  const description = readFileSync(fileURLToPath(new URL("../../../docs/homebase-api.yaml", import.meta.url)), "utf8");
  const documented = new Set(readYamlOutline(description).lists.get("components/schemas/ErrorCode/enum") ?? []);
  const text = sources.find((source) => source.path === "components/homebase/api_problem.c")!.text;

  assert.ok(documented.size >= 20, `only ${documented.size} codes in docs/homebase-api.yaml`);
  for (const [, code] of text.matchAll(C_CATALOGUE_ENTRY)) assert.ok(documented.has(code!), `docs/homebase-api.yaml does not list ${code}`);
});

test.run();
