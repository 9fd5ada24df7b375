/**
 * The HTTP contract, openapi.yaml, loaded once per process: the parsed document, an Ajv instance
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1) that holds the document so that schemas can be
 * compiled by JSON pointer, and the documented operations with their path templates.
 *
 * Limits: only local `$ref`s ("#/...") are supported, and a `$ref` next to sibling keywords in a
 * parameter or response object is followed with the siblings ignored, as OpenAPI 3.1 allows.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";

export const SPEC_FILE_URL = new URL("../../../../openapi.yaml", import.meta.url);

/** The id under which the document is added to Ajv; schemas are compiled as `SPEC_ID#<pointer>`. */
const SPEC_ID = "openapi.yaml";

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export type SpecObject = Record<string, any>;

export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: SpecObject;
  /** JSON pointer to the parameter's schema, for compiling it. */
  schemaPointer: string;
  object: SpecObject;
}

export interface SpecOperation {
  method: string;
  /** The path template as written in the document, e.g. /networks/{id}. */
  path: string;
  operationId: string;
  parameters: SpecParameter[];
  /** JSON pointer to the operation object. */
  pointer: string;
  object: SpecObject;
}

export interface ApiSpec {
  document: SpecObject;
  text: string;
  operations: SpecOperation[];
  /** Follows `$ref` chains; returns the object and its JSON pointer ("" for an object given inline without one). */
  resolve(value: SpecObject, pointer: string): { value: SpecObject; pointer: string };
  /** Compiles (once per pointer) a validator for the schema at a JSON pointer of the document. */
  validatorAt(pointer: string): ValidateFunction;
  /** Compiles a schema that refers to the document with `refTo` references. */
  compile(schema: SpecObject): ValidateFunction;
  /** A `$ref` value, usable in `compile`, that points at a JSON pointer of the document. */
  refTo(pointer: string): string;
  /** Finds the operation of a request path, or null; `pathKnown` tells whether another method would match. */
  match(method: string, pathname: string): { operation: SpecOperation | null; pathKnown: boolean; params: Record<string, string> };
}

/** Escapes one JSON pointer token (RFC 6901 section 3). */
export function pointerToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

function valueAtPointer(document: SpecObject, pointer: string): any {
  const tokens = pointer.replace(/^#\/?/, "").split("/").filter((token) => token.length > 0);
  let value: any = document;
  for (const token of tokens) {
    value = value?.[token.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  if (value === undefined) throw new Error(`openapi.yaml has nothing at ${pointer}`);
  return value;
}

/**
 * Returns a copy for Ajv without `discriminator.mapping`: Ajv rejects that member, and it derives
 * the same mapping from the `const` or `enum` of the tag property in each oneOf branch.
 */
function withoutDiscriminatorMappings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDiscriminatorMappings);
  if (value === null || typeof value !== "object") return value;

  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) copy[key] = withoutDiscriminatorMappings(member);
  const discriminator = copy.discriminator as Record<string, unknown> | undefined;
  if (discriminator && typeof discriminator === "object" && "mapping" in discriminator) {
    const { mapping: _mapping, ...rest } = discriminator;
    copy.discriminator = rest;
  }
  return copy;
}

function createAjv(document: SpecObject): Ajv2020 {
  // discriminator: the ingest batch's entries select their schema by `kind`, which gives errors
  // about the selected branch instead of every branch of the oneOf.
  const ajv = new Ajv2020({ strict: true, allErrors: false, discriminator: true, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  addFormats(ajv);
  // OpenAPI's `password` format only tells user interfaces to hide the value.
  ajv.addFormat("password", true);
  // OpenAPI keywords that annotate a schema without constraining it.
  ajv.addKeyword("example");
  ajv.addKeyword("xml");
  ajv.addKeyword("externalDocs");
  // The root holds only the members that contain schemas, as keywords without validation, so
  // Ajv can compile the root while pointers such as #/components/schemas/Network keep resolving.
  ajv.addKeyword("components");
  ajv.addKeyword("paths");
  const root = { components: document.components ?? {}, paths: document.paths };
  ajv.addSchema(withoutDiscriminatorMappings(root) as SpecObject, SPEC_ID);
  return ajv;
}

function collectOperations(document: SpecObject, resolve: ApiSpec["resolve"]): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, pathItem] of Object.entries<SpecObject>(document.paths ?? {})) {
    const pathPointer = `#/paths/${pointerToken(path)}`;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as SpecObject | undefined;
      if (!operation) continue;
      const pointer = `${pathPointer}/${method}`;

      // Operation parameters override path-item parameters of the same name and location.
      const byKey = new Map<string, SpecParameter>();
      const sources: [SpecObject[], string][] = [[pathItem.parameters ?? [], `${pathPointer}/parameters`], [operation.parameters ?? [], `${pointer}/parameters`]];
      for (const [list, listPointer] of sources) {
        list.forEach((entry, index) => {
          const { value, pointer: parameterPointer } = resolve(entry, `${listPointer}/${index}`);
          const schemaPointer = `${parameterPointer}/schema`;
          byKey.set(`${value.in}:${value.name}`, {
            name: value.name,
            in: value.in,
            required: value.required === true,
            schema: resolve(value.schema ?? {}, schemaPointer).value,
            schemaPointer,
            object: value,
          });
        });
      }
      operations.push({ method, path, operationId: operation.operationId, parameters: [...byKey.values()], pointer, object: operation });
    }
  }
  return operations;
}

interface PathMatcher {
  path: string;
  pattern: RegExp;
  names: string[];
  /** Literal segments first: /logs/ingest wins over a template such as /logs/{id}. */
  templatedSegments: number;
}

function pathMatcher(path: string): PathMatcher {
  const names: string[] = [];
  const source = path
    .split("/")
    .map((segment) => {
      const template = /^\{([^}]+)\}$/.exec(segment);
      if (!template) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(template[1]!);
      return "([^/]+)";
    })
    .join("/");
  return { path, pattern: new RegExp(`^${source}$`), names, templatedSegments: names.length };
}

/** Decodes percent escapes; a malformed escape leaves the segment as sent, so its schema check fails instead. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Parses the document text; throws when it is not a mapping with `paths`. */
export function createApiSpec(text: string): ApiSpec {
  const document = parse(text) as SpecObject;
  if (!document || typeof document !== "object" || typeof document.paths !== "object") throw new Error("openapi.yaml has no paths");

  const resolve: ApiSpec["resolve"] = (value, pointer) => {
    let current = value;
    let currentPointer = pointer;
    for (let hops = 0; typeof current?.$ref === "string"; hops += 1) {
      if (hops > 16) throw new Error(`$ref chain at ${pointer} is longer than 16`);
      if (!current.$ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${current.$ref} at ${currentPointer}`);
      currentPointer = current.$ref;
      current = valueAtPointer(document, currentPointer);
    }
    return { value: current, pointer: currentPointer };
  };

  const ajv = createAjv(document);
  const validators = new Map<string, ValidateFunction>();
  // A $ref is a URI, so each pointer token is percent-encoded ({id} and + are not URI characters there).
  const refTo = (pointer: string) => `${SPEC_ID}#${pointer.replace(/^#/, "").split("/").map(encodeURIComponent).join("/")}`;
  const validatorAt = (pointer: string): ValidateFunction => {
    let validator = validators.get(pointer);
    if (!validator) {
      validator = ajv.compile({ $ref: refTo(pointer) });
      validators.set(pointer, validator);
    }
    return validator;
  };
  const compile = (schema: SpecObject) => ajv.compile(schema);

  const operations = collectOperations(document, resolve);
  const matchers = [...new Set(operations.map((operation) => operation.path))].map(pathMatcher).sort((a, b) => a.templatedSegments - b.templatedSegments);

  const match: ApiSpec["match"] = (method, pathname) => {
    const wanted = method.toLowerCase() === "head" ? ["head", "get"] : [method.toLowerCase()];
    for (const matcher of matchers) {
      const found = matcher.pattern.exec(pathname);
      if (!found) continue;
      const params: Record<string, string> = {};
      matcher.names.forEach((name, index) => {
        params[name] = decodePathSegment(found[index + 1]!);
      });
      const operation = wanted.map((name) => operations.find((entry) => entry.path === matcher.path && entry.method === name)).find((entry) => entry !== undefined);
      return { operation: operation ?? null, pathKnown: true, params };
    }
    return { operation: null, pathKnown: false, params: {} };
  };

  return { document, text, operations, resolve, validatorAt, compile, refTo, match };
}

let loaded: ApiSpec | undefined;

/** The spec of this server, read from openapi.yaml at the repository root on first use. */
export function loadApiSpec(): ApiSpec {
  loaded ??= createApiSpec(readFileSync(SPEC_FILE_URL, "utf8"));
  return loaded;
}
