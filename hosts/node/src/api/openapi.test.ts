import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import type Router from "@koa/router";
import type { AppDeps } from "../deps.ts";
import { ERROR_CATALOGUE, SERVER_ERROR_CODES } from "../errors.ts";
import { createAuthRouter } from "../auth/routes.ts";
import { createDocsRouter } from "../docs/routes.ts";
import { createHealthRouter } from "../health/routes.ts";
import { createIngestRouter } from "../ingest/routes.ts";
import { createNetworksRouter } from "../networks/routes.ts";
import { createUsersRouter } from "../users/routes.ts";
import { createLogsRouter } from "../logs/routes.ts";
import { createMotionRouter } from "../motion/routes.ts";
import { WS_PATH } from "../ws/server.ts";
import { loadApiSpec } from "./spec.ts";
import { readYamlOutline } from "./yaml-outline.ts";

const DOCUMENT_PATH = new URL("../../../../openapi.yaml", import.meta.url);
const text = readFileSync(DOCUMENT_PATH, "utf8");
const outline = readYamlOutline(text);

/** Routers are only built here, never run; the auth router derives its secret box from the seed when built. */
const unusedDeps = { masterSeed: Buffer.alloc(32) } as AppDeps;
const routers: Router[] = [
  createHealthRouter(unusedDeps),
  createDocsRouter(),
  createAuthRouter(unusedDeps),
  createUsersRouter(unusedDeps),
  createNetworksRouter(unusedDeps),
  createIngestRouter(unusedDeps),
  createLogsRouter(unusedDeps, async (_ctx, next) => next()),
  createMotionRouter(unusedDeps, async (_ctx, next) => next()),
];

function documentedPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z_]+)/g, "{$1}");
}

test("readYamlOutline reads keys, values and lists", () => {
  const sample = readYamlOutline('a:\n  b: 1\n  c:\n    - x\n    - "y"\n  d: |\n    text: not a key\n  e: [1, 2]\n');
  assert.ok(sample.keys.has("a/b"));
  assert.is(sample.values.get("a/b"), "1");
  assert.equal(sample.lists.get("a/c"), ["x", "y"]);
  assert.not.ok(sample.keys.has("a/d/text"));
  assert.is(sample.values.get("a/e"), "[1, 2]");
});

test("document is OpenAPI 3.1", () => {
  assert.match(outline.values.get("openapi") ?? "", /^3\.1\.\d+$/);
  assert.ok(outline.keys.has("info/title"));
  assert.ok(outline.keys.has("components/securitySchemes/sessionToken"));
});

test("every route of the routers is documented", () => {
  let checked = 0;
  for (const router of routers) {
    for (const layer of router.stack) {
      for (const method of layer.methods.filter((name) => name !== "HEAD")) {
        const key = `paths/${documentedPath(String(layer.path))}/${method.toLowerCase()}`;
        assert.ok(outline.keys.has(key), `openapi.yaml lacks ${key}`);
        checked += 1;
      }
    }
  }
  assert.ok(checked >= 9, `only ${checked} routes found`);
  assert.ok(outline.keys.has(`paths/${WS_PATH}/get`), `openapi.yaml lacks the WebSocket path ${WS_PATH}`);
});

test("every error code of the central server is documented", () => {
  const documented = outline.lists.get("components/schemas/ErrorCode/enum") ?? [];
  assert.equal([...documented].sort(), [...SERVER_ERROR_CODES].sort());
});

test("every catalogue code named in a response description exists", () => {
  const spec = loadApiSpec();
  const described = Object.values<{ description?: string }>(spec.document.components.responses).map((response) => response.description ?? "").join(" ");
  const named = [...described.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)].map((match) => match[0]);
  assert.ok(named.length >= 15, `only ${named.length} codes named`);
  for (const code of named) assert.ok(code in ERROR_CATALOGUE, `response description names ${code}, which is not in the catalogue`);
});

test("every operation but the WebSocket upgrade has a 2XX response", () => {
  for (const operation of loadApiSpec().operations) {
    if (operation.path === WS_PATH) continue;
    const statuses = Object.keys(operation.object.responses ?? {});
    assert.ok(statuses.some((status) => status.startsWith("2")), `${operation.method} ${operation.path} documents only ${statuses.join(", ")}`);
  }
});

test("every component but the WebSocket messages is referenced", () => {
  const spec = loadApiSpec();
  for (const [kind, members] of Object.entries<Record<string, unknown>>(spec.document.components)) {
    if (kind === "securitySchemes") continue;
    for (const name of Object.keys(members)) {
      if (kind === "schemas" && name.startsWith("Ws")) continue;
      assert.ok(text.includes(`"#/components/${kind}/${name}"`), `components/${kind}/${name} is never referenced`);
    }
  }
});

test("every $ref names a component", () => {
  const refs = [...text.matchAll(/\$ref: "#\/([^"]+)"/g)].map((match) => match[1]!);
  assert.ok(refs.length > 20);
  for (const ref of refs) assert.ok(outline.keys.has(ref), `unresolved $ref #/${ref}`);
});

test("public endpoints opt out of the session", () => {
  assert.is(outline.values.get("paths//healthz/get/security"), "[]");
  assert.is(outline.values.get("paths//auth/session/post/security"), "[]");
  assert.not.ok(outline.keys.has("paths//logs/get/security"), "GET /logs must use the default session security");
  assert.equal(outline.lists.get("security"), ["sessionToken: []"]);
});

test("signed ingest names all four headers in one requirement", () => {
  const requirement = [...outline.keys].filter((key) => key.startsWith("paths//logs/ingest/post/security/")).map((key) => key.split("/").pop());
  const first = outline.lists.get("paths//logs/ingest/post/security");
  assert.equal(first, ["meshKeyId: []"]);
  assert.equal(requirement.sort(), ["meshNonce", "meshSignature", "meshTimestamp"]);
  for (const [scheme, header] of [["meshKeyId", "X-Mesh-Key-Id"], ["meshTimestamp", "X-Mesh-Timestamp"], ["meshNonce", "X-Mesh-Nonce"], ["meshSignature", "X-Mesh-Signature"]]) {
    assert.is(outline.values.get(`components/securitySchemes/${scheme}/name`), header);
  }
});

test.run();
