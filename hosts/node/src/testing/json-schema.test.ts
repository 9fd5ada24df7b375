import { test } from "uvu";
import * as assert from "uvu/assert";
import { eventSchemaNames, eventViolations, validateJson } from "./json-schema.ts";

test("docs/events.md has a schema per event type", () => {
  assert.equal(eventSchemaNames().sort(), ["command_status", "device_status", "envelope", "log_entry", "motion_event"]);
});

test("validateJson reports each violated keyword", () => {
  const schema = {
    type: "object",
    required: ["a", "b"],
    additionalProperties: false,
    properties: { a: { type: "integer", minimum: 1, maximum: 3 }, b: { enum: ["x", "y"] }, c: { type: ["string", "null"], pattern: "^[a-z]+$", format: "date-time" } },
  };
  assert.equal(validateJson(schema, { a: 2, b: "x" }), []);
  assert.equal(validateJson(schema, { a: 2, b: "x", c: null }), []);
  assert.equal(validateJson(schema, { a: 1.5, b: "x" }), ["$.a: expected integer, got number"]);
  assert.equal(validateJson(schema, { a: 4, b: "z" }), ["$.a: 4 is above 3", '$.b: "z" is not one of ["x","y"]']);
  assert.equal(validateJson(schema, { b: "x", d: 1 }), ["$: missing required member a", "$: unexpected member d"]);
  assert.equal(validateJson(schema, []), ["$: expected object, got array"]);
  assert.is(validateJson(schema, { a: 1, b: "y", c: "ABC" }).length, 2);
});

test("validateJson rejects keywords it does not implement", () => {
  assert.throws(() => validateJson({ oneOf: [] }, 1), /oneOf/);
});

test("eventViolations checks envelope and data", () => {
  const event = {
    id: "7",
    type: "device_status",
    time: "2026-01-01T12:00:00.000Z",
    network_id: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11",
    data: { device_id: "hall", home_base_id: "homebase", online: true, timestamp: "2026-01-01T12:00:00.000Z", cause: "frame" },
  };
  assert.equal(eventViolations(event), []);
  assert.equal(eventViolations({ ...event, id: 7 }), ["$.id: expected string, got integer"]);
  assert.equal(eventViolations({ ...event, data: { ...event.data, online: "yes" } }), ["$.data.online: expected boolean, got string"]);
});

test.run();
