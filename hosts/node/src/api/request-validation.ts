/**
 * Request checks from openapi.yaml. installRequestValidation() finds the documented operation of
 * every route at start-up (an undocumented route is a start-up error) and puts a middleware just
 * before the route's handler, so authentication (401) and role checks (403) still come first.
 *
 * The middleware checks, in this order:
 * - path parameters: a value that fails its schema names no resource, so the response is 404 with the
 *   parameter's `x-not-found-code` (a 404 code of the catalogue), or 400 VALIDATION_FAILED without one;
 * - query parameters: 400 VALIDATION_FAILED naming the parameter for a value that fails its schema,
 *   a repeated parameter whose schema is not an array, and a parameter the operation does not document;
 * - the JSON body, when the handler reads it through body.ts: the size limit, media type and JSON
 *   syntax of each handler keep their order, then the body is checked against the schema before
 *   the handler sees any field (400 VALIDATION_FAILED naming the field).
 * Handlers keep their own checks for rules that a schema does not state.
 *
 * NOTE: header parameters are not checked; the only ones documented are the WebSocket upgrade's,
 * and /ws is served outside Koa.
 */
import type Router from "@koa/router";
import type { Context, Middleware, Next } from "koa";
import { ApiError, ERROR_CATALOGUE, type ErrorCode } from "../errors.ts";
import { describeSchemaError } from "./schema-errors.ts";
import type { ApiSpec, SpecOperation, SpecParameter } from "./spec.ts";

const JSON_BODY_CHECK = Symbol("check of the JSON body against openapi.yaml");

interface BodyCheckState {
  [JSON_BODY_CHECK]?: { check: (value: unknown) => void; done: boolean };
}

/**
 * Checks a parsed JSON body against the operation's documented schema; throws VALIDATION_FAILED.
 * Does nothing for a route without a documented JSON body (or outside installRequestValidation).
 */
export function checkJsonBody(ctx: Context, value: unknown): void {
  const entry = (ctx.state as BodyCheckState)[JSON_BODY_CHECK];
  if (!entry) return;
  entry.check(value);
  entry.done = true;
}

/** Converts a query value to the type its schema names, so "5" can pass `type: integer`; anything unconvertible stays a string and fails the schema. */
function coerceQueryValue(value: string, type: unknown): unknown {
  if (type === "integer" && /^-?(0|[1-9][0-9]{0,15})$/.test(value)) return Number(value);
  if (type === "number" && /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(value)) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function schemaType(parameter: SpecParameter): unknown {
  return parameter.schema.type;
}

function pathCheck(spec: ApiSpec, operation: SpecOperation, parameter: SpecParameter) {
  const validate = spec.validatorAt(parameter.schemaPointer);
  const notFoundCode = parameter.object["x-not-found-code"] as ErrorCode | undefined;
  if (notFoundCode !== undefined && ERROR_CATALOGUE[notFoundCode]?.status !== 404) {
    throw new Error(`x-not-found-code ${notFoundCode} of ${operation.method} ${operation.path} is not a 404 code of the catalogue`);
  }

  return (ctx: Context) => {
    const raw = (ctx.params as Record<string, string | undefined>)[parameter.name];
    if (raw === undefined) throw new Error(`route ${operation.method} ${operation.path} has no path parameter ${parameter.name}`);
    if (validate(coerceQueryValue(raw, schemaType(parameter)))) return;

    if (notFoundCode) throw new ApiError(notFoundCode, `${parameter.name} ${JSON.stringify(raw)} names nothing: ${describeSchemaError(validate.errors, parameter.name).detail}`);
    throw new ApiError("VALIDATION_FAILED", `path parameter ${describeSchemaError(validate.errors, parameter.name).detail}`, { field: parameter.name });
  };
}

function queryCheck(spec: ApiSpec, operation: SpecOperation) {
  const parameters = operation.parameters.filter((parameter) => parameter.in === "query");
  const names = parameters.map((parameter) => parameter.name);
  const validate = spec.compile({
    type: "object",
    properties: Object.fromEntries(parameters.map((parameter) => [parameter.name, { $ref: spec.refTo(parameter.schemaPointer) }])),
    required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
    additionalProperties: false,
  });

  return (ctx: Context) => {
    const values: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(ctx.query)) {
      const parameter = parameters.find((entry) => entry.name === name);
      if (!parameter) {
        const known = names.length > 0 ? `known parameters: ${names.join(", ")}` : `${operation.method.toUpperCase()} ${operation.path} takes no query parameters`;
        throw new ApiError("VALIDATION_FAILED", `query parameter ${name} is unknown; ${known}`, { field: name });
      }
      const type = schemaType(parameter);
      if (Array.isArray(raw) && type !== "array") throw new ApiError("VALIDATION_FAILED", `query parameter ${name} is given more than once`, { field: name });
      const itemType = parameter.schema.items?.type;
      values[name] = type === "array" ? [raw ?? []].flat().map((item) => coerceQueryValue(item, itemType)) : coerceQueryValue(String(raw), type);
    }
    if (validate(values)) return;

    const { field, detail } = describeSchemaError(validate.errors, "query");
    throw new ApiError("VALIDATION_FAILED", `query parameter ${detail}`, { field });
  };
}

function bodyCheck(spec: ApiSpec, operation: SpecOperation): ((value: unknown) => void) | null {
  const requestBody = operation.object.requestBody;
  if (!requestBody) return null;
  const { value, pointer } = spec.resolve(requestBody, `${operation.pointer}/requestBody`);
  if (!value.content?.["application/json"]?.schema) return null;

  const validate = spec.validatorAt(`${pointer}/content/application~1json/schema`);
  return (body) => {
    if (validate(body)) return;
    const { field, detail } = describeSchemaError(validate.errors, "body");
    throw new ApiError("VALIDATION_FAILED", detail, { field });
  };
}

/** Builds the middleware of one operation; compiles every schema it needs now, not per request. */
export function operationMiddleware(spec: ApiSpec, operation: SpecOperation): Middleware {
  const pathChecks = operation.parameters.filter((parameter) => parameter.in === "path").map((parameter) => pathCheck(spec, operation, parameter));
  const checkQuery = queryCheck(spec, operation);
  const checkBody = bodyCheck(spec, operation);
  const name = `${operation.method.toUpperCase()} ${operation.path}`;

  return async (ctx: Context, next: Next) => {
    for (const check of pathChecks) check(ctx);
    checkQuery(ctx);
    if (!checkBody) return next();

    const entry = { check: checkBody, done: false };
    (ctx.state as BodyCheckState)[JSON_BODY_CHECK] = entry;
    await next();
    // A handler that read its body some other way would skip the check, so fail loudly.
    if (ctx.status < 400 && !entry.done) throw new Error(`${name} responded ${ctx.status} without reading its JSON body through body.ts, so the body was not checked against openapi.yaml`);
  };
}

/** Converts a Koa route path (/networks/:id) to an OpenAPI path template (/networks/{id}). */
export function templateOfRoute(routePath: string): string {
  return routePath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}

/**
 * Puts the request check of the documented operation before the handler of every route of the
 * routers. Throws when a route is not in openapi.yaml, so an undocumented route cannot start.
 */
export function installRequestValidation(spec: ApiSpec, routers: readonly Router[]): void {
  for (const router of routers) {
    for (const layer of router.stack) {
      const byMethod = new Map<string, Middleware>();
      for (const method of layer.methods.filter((name) => name !== "HEAD")) {
        const path = templateOfRoute(String(layer.path));
        const operation = spec.operations.find((entry) => entry.path === path && entry.method === method.toLowerCase());
        if (!operation) throw new Error(`route ${method} ${path} is not documented in openapi.yaml`);
        byMethod.set(method, operationMiddleware(spec, operation));
      }
      if (byMethod.size === 0) continue;

      const validate: Middleware = (ctx, next) => {
        const middleware = byMethod.get(ctx.method === "HEAD" ? "GET" : ctx.method);
        return middleware ? middleware(ctx, next) : next();
      };
      // The handler is the last middleware of a route; guards such as requireSession come before it.
      layer.stack.splice(layer.stack.length - 1, 0, validate);
    }
  }
}
