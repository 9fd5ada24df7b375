/**
 * A small JSON Schema validator for tests, covering the keywords that docs/events.md uses: type
 * (one or a list), enum, const, properties, required, additionalProperties (false or a schema),
 * items, pattern, minLength, maxLength, minimum, maximum, and format date-time and uuid. Any
 * other keyword makes it throw, so a schema never passes because a keyword was silently ignored.
 */
import { readFileSync } from "node:fs";

export type JsonSchema = Record<string, unknown>;

const KNOWN_KEYWORDS = new Set(["type", "enum", "const", "properties", "required", "additionalProperties", "items", "pattern", "minLength", "maxLength", "minimum", "maximum", "format"]);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === "number" && actual === "integer");
}

/** Returns one message per violation, each starting with the JSON path of the value; empty when valid. */
export function validateJson(schema: JsonSchema, value: unknown, path = "$"): string[] {
  const unknown = Object.keys(schema).find((keyword) => !KNOWN_KEYWORDS.has(keyword));
  if (unknown !== undefined) throw new Error(`schema at ${path} uses ${unknown}, which this validator does not implement`);

  const errors: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const expected = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!expected.some((type) => typeMatches(type, actual))) return [`${path}: expected ${expected.join(" or ")}, got ${actual}`];
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((member) => member === value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.const !== undefined && schema.const !== value) errors.push(`${path}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);

  if (typeof value === "string") {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern as string, "u").test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < (schema.minLength as number)) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > (schema.maxLength as number)) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.format === "date-time" && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) errors.push(`${path}: ${JSON.stringify(value)} is not a date-time`);
    if (schema.format === "uuid" && !UUID.test(value)) errors.push(`${path}: ${JSON.stringify(value)} is not a uuid`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < (schema.minimum as number)) errors.push(`${path}: ${value} is below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > (schema.maximum as number)) errors.push(`${path}: ${value} is above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => errors.push(...validateJson(schema.items as JsonSchema, item, `${path}[${index}]`)));
  }
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) errors.push(`${path}: missing required member ${name}`);
    }
    for (const [name, member] of Object.entries(object)) {
      const memberSchema = properties[name];
      if (memberSchema) errors.push(...validateJson(memberSchema, member, `${path}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected member ${name}`);
      else if (typeof schema.additionalProperties === "object") errors.push(...validateJson(schema.additionalProperties as JsonSchema, member, `${path}.${name}`));
    }
  }
  return errors;
}

/** Reads each `### <name>` section's ```json block of a Markdown file as a schema, by name. */
export function readSchemasFromMarkdown(fileUrl: URL): Map<string, JsonSchema> {
  const text = readFileSync(fileUrl, "utf8");
  const schemas = new Map<string, JsonSchema>();
  for (const match of text.matchAll(/^### ([a-z_]+)\n[\s\S]*?```json\n([\s\S]*?)```/gm)) {
    schemas.set(match[1]!, JSON.parse(match[2]!) as JsonSchema);
  }
  return schemas;
}

const EVENT_SCHEMAS = readSchemasFromMarkdown(new URL("../../../../docs/events.md", import.meta.url));

/** Returns the violations of a stream event against the envelope and its type's schema in docs/events.md. */
export function eventViolations(event: unknown): string[] {
  const envelope = validateJson(EVENT_SCHEMAS.get("envelope")!, event);
  if (envelope.length > 0) return envelope;
  const { type, data } = event as { type: string; data: unknown };
  const schema = EVENT_SCHEMAS.get(type);
  if (!schema) return [`$.type: docs/events.md has no schema for ${type}`];
  return validateJson(schema, data, "$.data");
}

export function eventSchemaNames(): string[] {
  return [...EVENT_SCHEMAS.keys()];
}
