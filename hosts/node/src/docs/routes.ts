/**
 * The API reference, public like /healthz:
 *   GET /openapi.yaml     the HTTP contract, as served to clients
 *   GET /docs             a page that renders it with Swagger UI
 *   GET /docs/{file}      the page's scripts and styles, from the swagger-ui-dist package
 * Every file is read once per process, so a request never touches the disk, and nothing comes
 * from another host.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Router from "@koa/router";
import { loadApiSpec } from "../api/spec.ts";
import { ApiError } from "../errors.ts";

/** The files of GET /docs/{file}; openapi.yaml lists the same names. */
const ASSETS: Record<string, { type: string; source: string }> = {
  "swagger-ui.css": { type: "text/css; charset=utf-8", source: "swagger-ui-dist" },
  "swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8", source: "swagger-ui-dist" },
  "start-reference.js": { type: "text/javascript; charset=utf-8", source: "local" },
};

/**
 * Only files of this server may load; Swagger UI sets inline styles and shows inline SVG and
 * data: images, so those are allowed too.
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>homemesh API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/start-reference.js"></script>
</body>
</html>
`;

let cachedAssets: Map<string, Buffer> | undefined;

/** Reads the files once per process; they are about 1.9 MB and never change while it runs. */
function readAssets(): Map<string, Buffer> {
  if (cachedAssets) return cachedAssets;

  const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const localDir = dirname(fileURLToPath(import.meta.url));
  const files = new Map<string, Buffer>();
  for (const [name, { source }] of Object.entries(ASSETS)) {
    files.set(name, readFileSync(join(source === "local" ? localDir : swaggerDir, name)));
  }
  cachedAssets = files;
  return files;
}

export function createDocsRouter(): Router {
  const router = new Router();
  const spec = loadApiSpec().text;
  const files = readAssets();

  router.get("/openapi.yaml", (ctx) => {
    ctx.type = "application/yaml";
    ctx.body = spec;
  });

  router.get("/docs", (ctx) => {
    ctx.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.type = "text/html; charset=utf-8";
    ctx.body = PAGE;
  });

  router.get("/docs/:file", (ctx) => {
    const name = ctx.params.file as string;
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new ApiError("NOT_FOUND", `no file ${JSON.stringify(name)} in /docs`);
    ctx.type = asset.type;
    ctx.body = files.get(name);
  });

  return router;
}
