import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer } from "node:http";
import { createApiSpec } from "../api/spec.ts";
import { listenInTestRange } from "./app.ts";
import { checkResponse, createSpecResponseRecorder, type ObservedResponse } from "./spec-responses.ts";

/** A small document written for these tests, independent of the server's openapi.yaml. */
const spec = createApiSpec(`
openapi: 3.1.0
info: { title: sample, version: "1" }
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [name]
                properties:
                  name: { type: string }
        "204":
          description: nothing
        "404": { $ref: "#/components/responses/Problem" }
components:
  responses:
    Problem:
      description: a problem
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
  schemas:
    Problem:
      type: object
      required: [type, title, status, code]
      properties:
        type: { type: string }
        title: { type: string }
        status: { type: integer }
        code: { type: string }
`);

function observed(partial: Partial<ObservedResponse> & { json?: unknown }): ObservedResponse {
  const { json, ...rest } = partial;
  return {
    method: "GET",
    url: "/items/7",
    status: 200,
    contentType: "application/json; charset=utf-8",
    body: Buffer.from(json === undefined ? "" : JSON.stringify(json)),
    ...rest,
  };
}

const notFound = { type: "about:blank", title: "not found", status: 404, code: "NOT_FOUND" };

test("checkResponse accepts a documented response", () => {
  assert.equal(checkResponse(spec, observed({ json: { name: "lamp" } })), []);
  assert.equal(checkResponse(spec, observed({ status: 204, contentType: undefined })), []);
  assert.equal(checkResponse(spec, observed({ status: 404, contentType: "application/problem+json", json: notFound })), []);
});

test("checkResponse rejects an undocumented status", () => {
  const problems = checkResponse(spec, observed({ status: 500, contentType: "application/problem+json", json: { ...notFound, status: 500, code: "INTERNAL" } }));
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /status 500 is not documented/);
});

test("checkResponse rejects an undocumented content type", () => {
  const problems = checkResponse(spec, observed({ contentType: "text/plain", body: Buffer.from("lamp") }));
  assert.match(problems[0] ?? "", /content type text\/plain is not documented/);
});

test("checkResponse rejects a body that breaks the schema", () => {
  const problems = checkResponse(spec, observed({ json: { name: 7 } }));
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /body\/name must be string/);
});

test("checkResponse rejects a body where none is documented", () => {
  const problems = checkResponse(spec, observed({ status: 204, contentType: "text/plain", body: Buffer.from("No Content") }));
  assert.match(problems[0] ?? "", /documents no body/);
});

test("checkResponse rejects a problem whose status member differs", () => {
  const problems = checkResponse(spec, observed({ status: 404, contentType: "application/problem+json", json: { ...notFound, status: 400 } }));
  assert.match(problems.join("\n"), /problem member status is 400/);
});

test("checkResponse wants 404 NOT_FOUND for an unknown path", () => {
  assert.equal(checkResponse(spec, observed({ url: "/nowhere", status: 404, contentType: "application/problem+json", json: notFound })), []);
  const text = checkResponse(spec, observed({ url: "/nowhere", status: 404, contentType: "text/plain", body: Buffer.from("Not Found") }));
  assert.match(text[0] ?? "", /not application\/problem\+json/);
  const wrongCode = checkResponse(spec, observed({ url: "/nowhere", status: 404, contentType: "application/problem+json", json: { ...notFound, code: "DEVICE_NOT_FOUND" } }));
  assert.match(wrongCode.join("\n"), /expected NOT_FOUND/);
});

test("checkResponse wants 405 for an undocumented method", () => {
  const allowed = { type: "about:blank", title: "method not allowed", status: 405, code: "METHOD_NOT_ALLOWED" };
  assert.equal(checkResponse(spec, observed({ method: "DELETE", status: 405, contentType: "application/problem+json", json: allowed })), []);
  const problems = checkResponse(spec, observed({ method: "TRACE", status: 501, contentType: "text/plain", body: Buffer.from("Not Implemented") }));
  assert.match(problems[0] ?? "", /expected 405 METHOD_NOT_ALLOWED/);
});

test("recorder reports a mismatch that a server wrote", async () => {
  const recorder = createSpecResponseRecorder(spec);
  const http = createServer(
    recorder.wrap((request, response) => {
      response.setHeader("content-type", "application/json");
      response.write('{"name":');
      response.end(request.url === "/items/good" ? '"lamp"}' : "7}");
    }),
  );
  const port = await listenInTestRange(http);
  try {
    await (await fetch(`http://127.0.0.1:${port}/items/good`)).text();
    recorder.assertAllMatched();

    await (await fetch(`http://127.0.0.1:${port}/items/bad`)).text();
    assert.throws(() => recorder.assertAllMatched(), /GET \/items\/bad got status 200: body\/name must be string/);
    recorder.assertAllMatched();
  } finally {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test.run();
