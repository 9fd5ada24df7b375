/**
 * Checks every response of a test server against openapi.yaml: the status must be documented for
 * the operation, the content type must be one of that response's media types (or absent when it
 * documents none), and a JSON body must match the schema. A request to an undocumented path must
 * get 404 NOT_FOUND and an undocumented method on a documented path 405 METHOD_NOT_ALLOWED, both
 * as problem+json. Every problem+json body must also carry the response's status and a code whose
 * catalogue status is that status.
 *
 * The recorder sees the bytes the server writes, so it covers every client: the harness's request
 * helper, fetch, or node:http. WebSocket upgrades and their rejections bypass it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { ERROR_CATALOGUE, type ErrorCode } from "../errors.ts";
import { loadApiSpec, pointerToken, type ApiSpec, type SpecObject } from "../api/spec.ts";

const PROBLEM_POINTER = "#/components/schemas/Problem";
const MAX_SHOWN_BODY_CHARS = 300;

export interface ObservedResponse {
  method: string;
  /** The request target, with any query string. */
  url: string;
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(";")[0]!.trim().toLowerCase() || undefined;
}

/** The documented key that covers `mediaType`: itself, then `type/*`, then `*\/*` (OpenAPI 3.1, Media Types). */
function matchingMediaType(documented: string[], mediaType: string): string | undefined {
  const range = `${mediaType.split("/")[0]}/*`;
  return [mediaType, range, "*/*"].find((candidate) => documented.includes(candidate));
}

function isJsonMediaType(mediaType: string): boolean {
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

function shown(body: Buffer): string {
  const text = body.toString("utf8");
  return text.length > MAX_SHOWN_BODY_CHARS ? `${text.slice(0, MAX_SHOWN_BODY_CHARS)}...` : text;
}

function schemaProblems(spec: ApiSpec, pointer: string, value: unknown): string[] {
  const validate = spec.validatorAt(pointer);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `body${error.instancePath} ${error.message ?? "is invalid"} (schema ${pointer}${error.schemaPath.slice(1)})`);
}

function problemMemberProblems(status: number, value: unknown): string[] {
  const problem = value as { status?: unknown; code?: unknown };
  const found: string[] = [];
  if (problem?.status !== status) found.push(`problem member status is ${JSON.stringify(problem?.status)}, but the response status is ${status}`);
  const entry = ERROR_CATALOGUE[problem?.code as ErrorCode];
  if (entry && entry.status !== status) found.push(`code ${String(problem.code)} has status ${entry.status} in the catalogue, but the response status is ${status}`);
  return found;
}

/** Checks a problem+json response that no operation documents, such as 404 for an unknown path. */
function undocumentedProblems(spec: ApiSpec, observed: ObservedResponse, expectedStatus: number, expectedCode: ErrorCode): string[] {
  if (observed.status !== expectedStatus) return [`status ${observed.status} is not documented; expected ${expectedStatus} ${expectedCode}`];
  if (mediaTypeOf(observed.contentType) !== "application/problem+json") return [`content type ${observed.contentType ?? "(none)"} is not application/problem+json`];

  const value = JSON.parse(observed.body.toString("utf8")) as { code?: unknown };
  const found = [...schemaProblems(spec, PROBLEM_POINTER, value), ...problemMemberProblems(observed.status, value)];
  if (value.code !== expectedCode) found.push(`code is ${JSON.stringify(value.code)}, expected ${expectedCode}`);
  return found;
}

function documentedResponse(responses: SpecObject, status: number): { key: string; response: SpecObject } | null {
  for (const key of [String(status), `${String(status)[0]}XX`, "default"]) {
    if (responses[key]) return { key, response: responses[key] };
  }
  return null;
}

/** Returns what is wrong with one response; an empty list when it matches openapi.yaml. */
export function checkResponse(spec: ApiSpec, observed: ObservedResponse): string[] {
  const pathname = new URL(observed.url, "http://localhost").pathname;
  const { operation, pathKnown } = spec.match(observed.method, pathname);
  if (!operation && observed.method === "OPTIONS" && pathKnown) return observed.status === 200 || observed.status === 204 ? [] : [`OPTIONS got status ${observed.status}`];
  if (!operation) return pathKnown ? undocumentedProblems(spec, observed, 405, "METHOD_NOT_ALLOWED") : undocumentedProblems(spec, observed, 404, "NOT_FOUND");

  const responses = (operation.object.responses ?? {}) as SpecObject;
  const documented = documentedResponse(responses, observed.status);
  if (!documented) return [`status ${observed.status} is not documented; documented: ${Object.keys(responses).join(", ")}`];

  const { value: response, pointer } = spec.resolve(documented.response, `${operation.pointer}/responses/${documented.key}`);
  const content = response.content as SpecObject | undefined;
  const mediaType = mediaTypeOf(observed.contentType);
  const hasBody = observed.body.length > 0;
  if (!content) {
    if (hasBody || mediaType) return [`response ${documented.key} documents no body, but got ${mediaType ?? "no content type"} with ${observed.body.length} bytes`];
    return [];
  }
  const documentedType = mediaType ? matchingMediaType(Object.keys(content), mediaType) : undefined;
  if (!mediaType || !documentedType) return [`content type ${observed.contentType ?? "(none)"} is not documented; documented: ${Object.keys(content).join(", ")}`];
  if (observed.method === "HEAD") return [];
  if (!isJsonMediaType(mediaType) || !content[documentedType].schema) return [];

  let value: unknown;
  try {
    value = JSON.parse(observed.body.toString("utf8"));
  } catch {
    return [`body is not JSON: ${shown(observed.body)}`];
  }
  const found = schemaProblems(spec, `${pointer}/content/${pointerToken(mediaType)}/schema`, value);
  if (mediaType === "application/problem+json") found.push(...problemMemberProblems(observed.status, value));
  return found;
}

export interface SpecResponseRecorder {
  /** Wraps a request listener (a Koa callback) so each response is checked as it ends. */
  wrap(listener: RequestListener): RequestListener;
  /** Throws an Error listing every mismatch seen since the last call, then forgets them. */
  assertAllMatched(): void;
}

function captureBody(response: ServerResponse, onEnd: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const toBuffer = (chunk: unknown, encoding: unknown) => (typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array));
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;

  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, rest[0]));
    return write(chunk, ...rest);
  }) as ServerResponse["write"];
  // The check runs before the last bytes leave, so a client never sees a response whose mismatch is not yet recorded.
  response.end = ((chunk: unknown, ...rest: unknown[]) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(toBuffer(chunk, rest[0]));
    onEnd(Buffer.concat(chunks));
    return end(chunk, ...rest);
  }) as ServerResponse["end"];
}

/** Creates a recorder that checks against the repository's openapi.yaml. */
export function createSpecResponseRecorder(spec: ApiSpec = loadApiSpec()): SpecResponseRecorder {
  const mismatches: string[] = [];

  const observe = (request: IncomingMessage, response: ServerResponse) => {
    captureBody(response, (body) => {
      const observed: ObservedResponse = {
        method: request.method ?? "GET",
        url: request.url ?? "/",
        status: response.statusCode,
        contentType: response.getHeader("content-type") as string | undefined,
        body,
      };
      let found: string[];
      try {
        found = checkResponse(spec, observed);
      } catch (error) {
        found = [`the check failed: ${(error as Error).message}`];
      }
      for (const problem of found) mismatches.push(`${observed.method} ${observed.url} got status ${observed.status}: ${problem}; body: ${shown(body)}`);
    });
  };

  return {
    wrap(listener) {
      return (request, response) => {
        observe(request, response);
        listener(request, response);
      };
    },
    assertAllMatched() {
      if (mismatches.length === 0) return;
      const listed = mismatches.splice(0).join("\n  ");
      throw new Error(`response does not match openapi.yaml:\n  ${listed}`);
    },
  };
}
