/**
 * Fetches a motion event's media from the network's home base, which keeps it: the central server
 * stores only the path. The request is GET http://<home base host>:<port>/api/v1/media/<path>,
 * signed as command deliveries are (docs/protocol.md sections 2 and 12.2): with the network key,
 * under key id `<network id>`, with a fresh timestamp and nonce. The home base checks it with the
 * core's request_accept, so the central server needs no dashboard token.
 */
import { request, type IncomingMessage } from "node:http";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { signRequest } from "../ingest/signature.ts";
import { deriveNetworkKey } from "../keys/derive.ts";

/** How long the home base has to send its response headers, and the longest pause while it streams. */
export const MEDIA_FETCH_TIMEOUT_MS = 10_000;
export const MEDIA_PATH_PREFIX = "/api/v1/media/";

export interface MediaResponse {
  contentType: string;
  /** Bytes, when the home base sent Content-Length. */
  contentLength: number | null;
  body: IncomingMessage;
}

interface HomeBaseAddress {
  host: string;
  port: number;
  /** The derivation index of the network key that signs the request. */
  keyIndex: number;
}

async function homeBaseOf(deps: AppDeps, networkId: string): Promise<HomeBaseAddress> {
  const row = await deps.db("networks").where({ id: networkId }).first("home_base_host", "home_base_port", "key_index");
  if (!row) throw new ApiError("NETWORK_NOT_FOUND", `network ${networkId} of the motion event no longer exists`);
  return { host: row.home_base_host, port: row.home_base_port, keyIndex: Number(row.key_index) };
}

/**
 * Requests `mediaPath` (checked by MEDIA_PATH_PATTERN at ingest, so it needs no escaping) from the
 * network's home base. Throws MEDIA_NOT_FOUND when the home base responds 404, HOME_BASE_UNREACHABLE
 * when it cannot be reached in time, and HOME_BASE_BAD_RESPONSE for any other non-2xx status.
 */
export async function fetchMedia(deps: AppDeps, networkId: string, mediaPath: string): Promise<MediaResponse> {
  const homeBase = await homeBaseOf(deps, networkId);
  const path = MEDIA_PATH_PREFIX + mediaPath;
  const log = deps.log.child({ networkId, host: homeBase.host, port: homeBase.port, path });

  const headers = signRequest({
    method: "GET",
    path,
    keyId: networkId,
    privateKeySeed: deriveNetworkKey(deps.masterSeed, homeBase.keyIndex).privateKey,
    clock: deps.clock,
    core: deps.core,
  });

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = request({ host: homeBase.host, port: homeBase.port, path, method: "GET", headers, timeout: MEDIA_FETCH_TIMEOUT_MS }, resolve);
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no response within ${MEDIA_FETCH_TIMEOUT_MS} ms`)));
    outgoing.on("error", reject);
    outgoing.end();
  }).catch((error: Error) => {
    log.warn("media fetch failed", { error });
    throw new ApiError("HOME_BASE_UNREACHABLE", "the network's home base could not be reached; retry later");
  });

  const status = response.statusCode ?? 0;
  if (status === 404) {
    response.resume();
    throw new ApiError("MEDIA_NOT_FOUND", `the home base has no media at ${mediaPath}`);
  }
  if (status < 200 || status > 299) {
    response.resume();
    log.warn("media fetch failed", { status });
    throw new ApiError("HOME_BASE_BAD_RESPONSE", `the home base responded with status ${status}`);
  }

  // A home base that stalls mid-stream is cut off, so the client's request ends instead of hanging.
  response.setTimeout(MEDIA_FETCH_TIMEOUT_MS, () => response.destroy(new Error(`media stream paused for ${MEDIA_FETCH_TIMEOUT_MS} ms`)));
  const length = Number(response.headers["content-length"]);
  return {
    contentType: response.headers["content-type"] ?? "application/octet-stream",
    contentLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
    body: response,
  };
}
