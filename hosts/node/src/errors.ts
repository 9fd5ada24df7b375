/**
 * The error catalogue. Every error a client can see has a stable code, an HTTP status and a
 * message; the middleware renders it as application/problem+json (RFC 9457) with a `code` member.
 * A code is never reused for another meaning. 5xx answers carry a generic message only.
 *
 * The home base's local API (docs/homebase-api.yaml) renders its errors the same way, with codes
 * from this one catalogue. The codes only the home base sends are marked `homeBaseOnly`, and the
 * central server never throws them (ErrorCode leaves them out). errors-homebase.test.ts fails when
 * the home base's C sources use a code that is missing here. The core's frame statuses that the
 * home base passes on as codes (docs/core-abi.md) are the core's list, not this catalogue's.
 */
import type { Context, Next } from "koa";
import type { Logger } from "./logger.ts";

export const ERROR_CATALOGUE = {
  BAD_JSON: { status: 400, title: "request body is not valid JSON" },
  VALIDATION_FAILED: { status: 400, title: "request is invalid" },
  BODY_TOO_LARGE: { status: 413, title: "request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "request body must be application/json" },
  AUTH_REQUIRED: { status: 401, title: "authentication required" },
  AUTH_FAILED: { status: 401, title: "invalid credentials" },
  SESSION_INVALID: { status: 401, title: "session is invalid or expired" },
  SIGNATURE_REQUIRED: { status: 401, title: "signed request headers are missing or malformed" },
  SIGNATURE_INVALID: { status: 401, title: "request signature is invalid" },
  REQUEST_TIMESTAMP_SKEW: { status: 401, title: "request timestamp is too far from the server clock" },
  NONCE_REUSED: { status: 401, title: "request nonce was already used" },
  UNKNOWN_KEY: { status: 401, title: "key id names no registered home base" },
  FORBIDDEN: { status: 403, title: "not allowed" },
  NOT_FOUND: { status: 404, title: "not found" },
  NETWORK_NOT_FOUND: { status: 404, title: "network not found" },
  DEVICE_NOT_FOUND: { status: 404, title: "device not found" },
  /** An unknown session id and the id of another user's session both get this code, so neither can be told apart. */
  SESSION_NOT_FOUND: { status: 404, title: "session not found" },
  MOTION_EVENT_NOT_FOUND: { status: 404, title: "motion event not found" },
  MEDIA_NOT_FOUND: { status: 404, title: "motion event has no media" },
  METHOD_NOT_ALLOWED: { status: 405, title: "method not allowed" },
  NETWORK_EXISTS: { status: 409, title: "a network with this name already exists" },
  DEVICE_EXISTS: { status: 409, title: "a device with this id already exists in the network" },
  HOME_BASE_EXISTS: { status: 409, title: "the network already has a home base" },
  /** Usernames are unique regardless of letter case. */
  USER_EXISTS: { status: 409, title: "a user with this username already exists" },
  /** Too many failed logins for the username or from the client address. The body does not name which. */
  LOGIN_THROTTLED: { status: 429, title: "too many failed logins; retry later" },
  KEY_ID_MISMATCH: { status: 400, title: "batch key_id does not match the signed key id" },
  COMMAND_UNKNOWN: { status: 400, title: "command name is not in the command set" },
  COMMAND_BAD_SCHEMA: { status: 400, title: "command arguments do not match the command's schema" },
  FRAME_PAYLOAD_TOO_LONG: { status: 400, title: "command payload is longer than one frame can carry" },
  FRAME_BAD_JSON: { status: 400, title: "command payload is not a JSON object that a frame can carry" },
  COMMAND_NOT_ALLOWED: { status: 400, title: "this command cannot be sent through this endpoint" },
  COMMAND_WRONG_TARGET: { status: 400, title: "this command cannot be sent to this device" },
  COMMAND_NOT_FOUND: { status: 404, title: "command not found" },
  COMMAND_SEQ_EXHAUSTED: { status: 409, title: "the device has used every command seq" },
  HOME_BASE_REQUIRED: { status: 409, title: "the network has no home base yet" },
  DEVICE_REVOKED: { status: 409, title: "the device is revoked" },
  ROTATION_IN_PROGRESS: { status: 409, title: "a key rotation of this device is still in progress" },
  TARGET_IS_HOME_BASE: { status: 409, title: "the home base cannot be the target of this operation" },
  CONFIG_TOO_LARGE: { status: 413, title: "config does not fit one set_config command" },
  INTERNAL: { status: 500, title: "internal server error" },
  HOME_BASE_UNREACHABLE: { status: 502, title: "the network's home base could not be reached" },
  HOME_BASE_BAD_RESPONSE: { status: 502, title: "the network's home base returned an error" },

  // Codes that only the home base's local API sends, with the status and title it uses (api_problem.c).
  BAD_REQUEST: { status: 400, title: "request is malformed", homeBaseOnly: true },
  /** The request body did not arrive within the home base's body deadline (10 seconds). */
  REQUEST_TIMEOUT: { status: 408, title: "the request body did not arrive in time", homeBaseOnly: true },
  FRAME_KIND_MISMATCH: { status: 400, title: "the frame's type is not the one this endpoint takes", homeBaseOnly: true },
  /** The home base's wrapper of the core did not fit the input into the core's buffer. */
  INPUT_TOO_LONG: { status: 400, title: "input is longer than the core's buffer", homeBaseOnly: true },
  /** The WebAssembly engine that runs the core on the home base trapped or failed to start. */
  ENGINE_FAILED: { status: 500, title: "the home base's core engine failed", homeBaseOnly: true },
  DASHBOARD_TOKEN_NOT_SET: { status: 503, title: "the central server has not provisioned a dashboard token yet", homeBaseOnly: true },
  TOO_MANY_CLIENTS: { status: 503, title: "too many clients are connected; retry later", homeBaseOnly: true },
  CORE_UNAVAILABLE: { status: 503, title: "the home base core is not available", homeBaseOnly: true },
  /** Replay state could not be written to the SD card, or the home base runs without a card. */
  STORAGE_FAILED: { status: 503, title: "the sd card could not be written; retry later", homeBaseOnly: true },
  TIME_NOT_SET: { status: 503, title: "the home base clock is not set yet; retry later", homeBaseOnly: true },
  /** The card's quota cannot take the content (docs/sd-layout.md, Quotas). */
  STORAGE_FULL: { status: 507, title: "the sd card cannot store the content", homeBaseOnly: true },
} as const satisfies Record<string, { status: number; title: string; homeBaseOnly?: true }>;

/** Every code of the catalogue, the home base's own included. */
export type CatalogueCode = keyof typeof ERROR_CATALOGUE;
/** The codes that only the home base sends. */
export type HomeBaseOnlyCode = { [Code in CatalogueCode]: (typeof ERROR_CATALOGUE)[Code] extends { homeBaseOnly: true } ? Code : never }[CatalogueCode];
/** The codes that the central server sends. */
export type ErrorCode = Exclude<CatalogueCode, HomeBaseOnlyCode>;

/** Tells whether `code` is a catalogue code that only the home base sends. */
function isHomeBaseOnly(code: CatalogueCode): code is HomeBaseOnlyCode {
  return "homeBaseOnly" in ERROR_CATALOGUE[code];
}

export const HOME_BASE_ONLY_CODES: readonly HomeBaseOnlyCode[] = (Object.keys(ERROR_CATALOGUE) as CatalogueCode[]).filter(isHomeBaseOnly);
export const SERVER_ERROR_CODES: readonly ErrorCode[] = (Object.keys(ERROR_CATALOGUE) as CatalogueCode[]).filter((code): code is ErrorCode => !isHomeBaseOnly(code));

/** An error meant for the client. Its code picks the status and title, and `detail` describes what was wrong. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown> | undefined;
  /** Response headers that belong to the error, such as Retry-After. */
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, detail?: string, extra?: Record<string, unknown>, headers?: Record<string, string>) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.detail = detail;
    this.extra = extra;
    this.headers = headers;
  }
}

/** The problem+json body (RFC 9457) of a code; the WebSocket upgrade writes it without Koa. */
export function problemBody(code: ErrorCode, detail: string | undefined, extra?: Record<string, unknown>) {
  const entry = ERROR_CATALOGUE[code];
  return {
    type: `https://homemesh.invalid/problems/${code.toLowerCase().replaceAll("_", "-")}`,
    title: entry.title,
    status: entry.status,
    code,
    ...(detail ? { detail } : {}),
    ...extra,
  };
}

/** Sets a problem+json response on ctx. */
export function sendProblem(ctx: Context, code: ErrorCode, detail?: string, extra?: Record<string, unknown>): void {
  ctx.status = ERROR_CATALOGUE[code].status;
  ctx.type = "application/problem+json";
  ctx.body = problemBody(code, detail, extra);
}

/**
 * Replaces the empty 501 that @koa/router sets for a method no router handles (TRACE, CONNECT).
 * Its Allow header is empty on an unknown path. No route takes such a method, so a known path
 * gets 405 and an unknown one 404, like every other method.
 */
function sendUnroutedMethodProblem(ctx: Context): void {
  if (ctx.response.get("Allow")) {
    sendProblem(ctx, "METHOD_NOT_ALLOWED", `${ctx.method} is not allowed on ${ctx.path}`);
    return;
  }
  ctx.remove("Allow");
  sendProblem(ctx, "NOT_FOUND", `no route for ${ctx.method} ${ctx.path}`);
}

/**
 * Renders every thrown error as problem+json. ApiError keeps its code and detail. Anything else
 * is logged with its stack and becomes 500 INTERNAL with no detail, so no database or library
 * text reaches a client. Unmatched routes become 404 NOT_FOUND.
 */
export function problemMiddleware(log: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) sendProblem(ctx, "NOT_FOUND", `no route for ${ctx.method} ${ctx.path}`);
      if (ctx.status === 405 && ctx.body === undefined) sendProblem(ctx, "METHOD_NOT_ALLOWED", `${ctx.method} is not allowed on ${ctx.path}`);
      if (ctx.status === 501 && ctx.body === undefined) sendUnroutedMethodProblem(ctx);
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.headers) ctx.set(error.headers);
        sendProblem(ctx, error.code, error.detail, error.extra);
        return;
      }
      log.error("request failed", { method: ctx.method, path: ctx.path, error, stack: (error as Error)?.stack });
      sendProblem(ctx, "INTERNAL");
    }
  };
}
