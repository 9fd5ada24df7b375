/**
 * Request bodies, read by hand so that the raw bytes stay available: signed requests hash the exact
 * body. Limit: BODY_MAX_BYTES (1 MiB). A larger body gets 413 before it is all read.
 */
import type { Context } from "koa";
import { checkJsonBody } from "./api/request-validation.ts";
import { ApiError } from "./errors.ts";

export const BODY_MAX_BYTES = 1024 * 1024;

/** Reads the whole body, or throws BODY_TOO_LARGE once it passes `limitBytes`. */
export async function readRawBody(ctx: Context, limitBytes: number = BODY_MAX_BYTES): Promise<Buffer> {
  const declared = Number(ctx.get("content-length") || "0");
  if (declared > limitBytes) throw new ApiError("BODY_TOO_LARGE", `body of ${declared} bytes exceeds max ${limitBytes}`);

  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of ctx.req) {
    total += (chunk as Buffer).length;
    if (total > limitBytes) {
      ctx.req.destroy();
      throw new ApiError("BODY_TOO_LARGE", `body exceeds max ${limitBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a raw body as a JSON object; 415 for another media type, 400 BAD_JSON for bad syntax,
 * 400 VALIDATION_FAILED for a body that does not match the operation's schema in openapi.yaml.
 */
export function parseJsonObject(ctx: Context, raw: Buffer): Record<string, unknown> {
  if (!ctx.is("application/json")) throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `content type ${ctx.get("content-type") || "(none)"} is not application/json`);

  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new ApiError("BAD_JSON", (error as Error).message);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ApiError("VALIDATION_FAILED", "body must be a JSON object");
  checkJsonBody(ctx, value);
  return value as Record<string, unknown>;
}

/** Reads and parses a JSON object body in one step. */
export async function readJsonObject(ctx: Context, limitBytes?: number): Promise<Record<string, unknown>> {
  return parseJsonObject(ctx, await readRawBody(ctx, limitBytes));
}
