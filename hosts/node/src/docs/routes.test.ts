import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadApiSpec, SPEC_FILE_URL } from "../api/spec.ts";
import { startTestApp, type TestApp } from "../testing/app.ts";

/** Debian's chromium by default; CHROMIUM names another binary. */
const CHROMIUM = process.env.CHROMIUM ?? "chromium";
/** Virtual time lets the page's scripts run this long (in page time) before the DOM is dumped. */
const VIRTUAL_TIME_BUDGET_MS = 5000;
/** Real time for the whole browser run; a cold start on a slow machine takes a few seconds. */
const BROWSER_TIMEOUT_MS = 60_000;

let app: TestApp;

test.before(async () => {
  app = await startTestApp();
});

test.after(async () => {
  await app.close();
});

/** Loads a page in headless Chromium with a fresh profile and returns the DOM after the time budget. */
function dumpDom(url: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), "homemesh-chromium-"));
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
    `--virtual-time-budget=${VIRTUAL_TIME_BUDGET_MS}`,
    "--dump-dom",
    url,
  ];
  return new Promise<string>((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: BROWSER_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`${CHROMIUM} failed (install it with make deps): ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

test("GET /openapi.yaml returns the document", async () => {
  const response = await app.fetch("/openapi.yaml");
  assert.is(response.status, 200);
  assert.is(response.headers.get("content-type"), "application/yaml");
  assert.is(await response.text(), readFileSync(SPEC_FILE_URL, "utf8"));
});

test("GET /docs loads only files of this server", async () => {
  const response = await app.fetch("/docs");
  const page = await response.text();
  const references = [...page.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);

  assert.is(response.status, 200);
  assert.match(String(response.headers.get("content-security-policy")), /default-src 'self'/);
  assert.equal(references.sort(), ["/docs/start-reference.js", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"]);
  for (const reference of references) assert.is((await app.fetch(reference)).status, 200, reference);
});

test("GET /docs/{file} is 404 for other names", async () => {
  for (const name of ["index.html", "package.json", "..%2Fpackage.json", "swagger-ui.js.map"]) {
    const response = await app.fetch(`/docs/${name}`);
    assert.is(response.status, 404, name);
    assert.is(((await response.json()) as { code: string }).code, "NOT_FOUND", name);
  }
});

test("GET /docs renders every documented path in Chromium", async () => {
  const dom = await dumpDom(`${app.baseUrl}/docs`);
  const rendered = new Set([...dom.matchAll(/class="opblock-summary-path" data-path="([^"]*)"/g)].map((match) => match[1]!));
  const documented = new Set(loadApiSpec().operations.map((operation) => operation.path));

  assert.ok(documented.size >= 12, `only ${documented.size} documented paths`);
  assert.equal([...rendered].sort(), [...documented].sort());
  assert.match(dom, /homemesh central server/);
});

test.run();
