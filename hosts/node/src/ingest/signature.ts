/**
 * Signed requests from a home base (docs/protocol.md section 2). The middleware checks the four
 * X-Mesh-* headers, finds the home base named by the key id and hashes the raw body. The core then
 * checks the canonical text, the timestamp skew and the signature. Last, a unique insert into
 * request_nonces claims the nonce, so several server processes share one replay record.
 *
 * On success ctx.state.homeBase holds the signer and ctx.state.rawBody the body bytes.
 * Failures are ApiErrors with status 401: SIGNATURE_REQUIRED, UNKNOWN_KEY, SIGNATURE_INVALID,
 * REQUEST_TIMESTAMP_SKEW, NONCE_REUSED; a body over BODY_MAX_BYTES is 413 BODY_TOO_LARGE.
 */
import { createHash } from "node:crypto";
import type { Context, Next } from "koa";
import nacl from "tweetnacl";
import { readRawBody } from "../body.ts";
import { nowSec, type Clock } from "../clock.ts";
import type { Core } from "../core/types.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, type ErrorCode } from "../errors.ts";

/** How long a used nonce is kept: twice the 300-second skew allowed either way. */
export const NONCE_TTL_SEC = 600;
/** Expired nonces are deleted at most this often, by whichever request comes first. */
export const NONCE_SWEEP_INTERVAL_SEC = 60;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,15}$/;
const TIMESTAMP = /^(0|[1-9][0-9]{0,9})$/;
const NONCE = /^[0-9a-f]{32}$/;
const SIGNATURE = /^[0-9a-f]{128}$/;

export interface SignedHeaders {
  keyId: string;
  networkId: string;
  deviceId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** The home base that signed the request. */
export interface HomeBaseSigner {
  keyId: string;
  networkId: string;
  deviceId: string;
  publicKey: Buffer;
  networkPublicKey: Buffer;
}

/** Maps the core's request statuses to the 401 codes of docs/protocol.md section 2. */
const CORE_TO_API: Record<string, ErrorCode> = {
  REQUEST_BAD_FORM: "SIGNATURE_REQUIRED",
  REQUEST_TIMESTAMP_SKEW: "REQUEST_TIMESTAMP_SKEW",
  SIGNATURE_NONCANONICAL: "SIGNATURE_INVALID",
  SIGNATURE_INVALID: "SIGNATURE_INVALID",
};

/** Parses the X-Mesh-* headers; throws SIGNATURE_REQUIRED naming the first missing or malformed one. */
export function parseSignedHeaders(get: (name: string) => string): SignedHeaders {
  const keyId = get("x-mesh-key-id");
  const timestamp = get("x-mesh-timestamp");
  const nonce = get("x-mesh-nonce");
  const signature = get("x-mesh-signature");

  const missing = [
    ["X-Mesh-Key-Id", keyId],
    ["X-Mesh-Timestamp", timestamp],
    ["X-Mesh-Nonce", nonce],
    ["X-Mesh-Signature", signature],
  ].find(([, value]) => !value);
  if (missing) throw new ApiError("SIGNATURE_REQUIRED", `header ${missing[0]} is missing`);

  const slash = keyId.indexOf("/");
  const networkId = keyId.slice(0, slash);
  const deviceId = keyId.slice(slash + 1);
  if (slash < 0 || !UUID.test(networkId) || !DEVICE_ID.test(deviceId)) {
    throw new ApiError("SIGNATURE_REQUIRED", "header X-Mesh-Key-Id must be <network uuid>/<device id of 1 to 15 characters A-Z a-z 0-9 _ ->");
  }
  if (!TIMESTAMP.test(timestamp)) throw new ApiError("SIGNATURE_REQUIRED", "header X-Mesh-Timestamp must be Unix seconds, decimal, without sign or leading zeros");
  if (!NONCE.test(nonce)) throw new ApiError("SIGNATURE_REQUIRED", "header X-Mesh-Nonce must be 32 lower-case hex characters");
  if (!SIGNATURE.test(signature)) throw new ApiError("SIGNATURE_REQUIRED", "header X-Mesh-Signature must be 128 lower-case hex characters");

  return { keyId, networkId, deviceId, timestamp, nonce, signature };
}

/** Builds the six-line canonical text of docs/protocol.md section 2, without a final newline. */
export function canonicalRequest(method: string, path: string, keyId: string, timestamp: string, nonce: string, body: Uint8Array): string {
  const bodySha256 = createHash("sha256").update(body).digest("hex");
  return [method.toUpperCase(), path, keyId, timestamp, nonce, bodySha256].join("\n");
}

/** Finds the home base named by a key id, with its network's public key; null when there is none. */
async function findHomeBase(deps: AppDeps, headers: SignedHeaders): Promise<HomeBaseSigner | null> {
  const row = await deps.db("devices")
    .join("networks", "networks.id", "devices.network_id")
    .where({ "devices.network_id": headers.networkId, "devices.device_id": headers.deviceId, "devices.type": "home_base" })
    .first("devices.public_key as public_key", "networks.public_key as network_public_key");
  if (!row) return null;
  return {
    keyId: headers.keyId,
    networkId: headers.networkId,
    deviceId: headers.deviceId,
    publicKey: Buffer.from(String(row.public_key).trim(), "hex"),
    networkPublicKey: Buffer.from(String(row.network_public_key).trim(), "hex"),
  };
}

/**
 * Claims a nonce for a key; false when that key already used it within NONCE_TTL_SEC. Also deletes
 * expired nonces at most every NONCE_SWEEP_INTERVAL_SEC.
 */
function createNonceStore(deps: AppDeps) {
  let lastSweepSec = 0;

  return async (keyId: string, nonce: string): Promise<boolean> => {
    const now = nowSec(deps.clock);
    if (now - lastSweepSec >= NONCE_SWEEP_INTERVAL_SEC) {
      lastSweepSec = now;
      await deps.db("request_nonces").where("expires_at", "<", new Date(now * 1000).toISOString()).delete();
    }

    // An expired row that the sweep has not deleted yet is taken over, so expiry is exact.
    const expiresAt = new Date((now + NONCE_TTL_SEC) * 1000).toISOString();
    const claimed = await deps.db.raw(
      `insert into request_nonces (key_id, nonce, expires_at) values (?, ?, ?)
       on conflict (key_id, nonce) do update set expires_at = excluded.expires_at where request_nonces.expires_at <= ?
       returning nonce`,
      [keyId, nonce, expiresAt, new Date(now * 1000).toISOString()],
    );
    return claimed.rows.length === 1;
  };
}

/** Koa middleware that admits only requests signed by a registered home base. */
export function requireSignedRequest(deps: AppDeps) {
  const claimNonce = createNonceStore(deps);

  return async (ctx: Context, next: Next) => {
    const headers = parseSignedHeaders((name) => ctx.get(name));

    const signer = await findHomeBase(deps, headers);
    if (!signer) throw new ApiError("UNKNOWN_KEY", `key id ${headers.keyId} names no home base`);

    const body = await readRawBody(ctx);
    const canonical = canonicalRequest(ctx.method, ctx.originalUrl, headers.keyId, headers.timestamp, headers.nonce, body);
    const result = deps.core.verifyRequest(canonical, Buffer.from(headers.signature, "hex"), signer.publicKey, nowSec(deps.clock));
    if (!result.ok) {
      const code = CORE_TO_API[result.code] ?? "SIGNATURE_INVALID";
      deps.log.warn("signed request rejected", { keyId: headers.keyId, reason: result.code, path: ctx.path });
      throw new ApiError(code, `signed request rejected: ${result.code.toLowerCase().replaceAll("_", " ")}`);
    }

    if (!(await claimNonce(headers.keyId, headers.nonce))) {
      deps.log.warn("signed request rejected", { keyId: headers.keyId, reason: "NONCE_REUSED", path: ctx.path });
      throw new ApiError("NONCE_REUSED", `nonce ${headers.nonce} was already used by ${headers.keyId}`);
    }

    ctx.state.homeBase = signer;
    ctx.state.rawBody = body;
    await next();
  };
}

export interface SignRequestInput {
  method: string;
  /** The request target as sent: path and query string. */
  path: string;
  keyId: string;
  /** The home base's 32-byte Ed25519 seed. */
  privateKeySeed: Uint8Array;
  body?: Uint8Array | string;
  clock: Clock;
  core: Core;
  /** 16 bytes; random when left out. Tests pass one to replay a request. */
  nonce?: Uint8Array;
}

/**
 * Builds the four X-Mesh-* headers for a request, for tests and tools. The signed message comes from
 * the core, so a signer and the server cannot disagree on it. Throws when the core rejects the form.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const body = typeof input.body === "string" ? Buffer.from(input.body) : input.body ?? new Uint8Array(0);
  const timestamp = String(nowSec(input.clock));
  const nonce = Buffer.from(input.nonce ?? nacl.randomBytes(16)).toString("hex");

  const canonical = canonicalRequest(input.method, input.path, input.keyId, timestamp, nonce, body);
  const message = input.core.requestSignedMessage(canonical);
  if (!message.ok) throw new Error(`cannot sign request: core returned ${message.code}`);

  const keyPair = nacl.sign.keyPair.fromSeed(input.privateKeySeed);
  const signature = nacl.sign.detached(message.message, keyPair.secretKey);
  return {
    "X-Mesh-Key-Id": input.keyId,
    "X-Mesh-Timestamp": timestamp,
    "X-Mesh-Nonce": nonce,
    "X-Mesh-Signature": Buffer.from(signature).toString("hex"),
  };
}
