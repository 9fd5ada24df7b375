/**
 * Fetches a motion event's media from the network's home base, which keeps it: the central server
 * stores only the path. The request is GET http://<home base host>:<port>/api/v1/media/<path>.
 *
 * NOTE: the request is not signed. Signing it with the network key (key id `<network id>`, as for
 * command deliveries) needs a core that accepts that key id form, but this core accepts only
 * `<network id>/<device id>`. Until it does, the home base must not expose this path beyond its LAN.
 */
import { request, type IncomingMessage } from "node:http";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";

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
}

async function homeBaseOf(deps: AppDeps, networkId: string): Promise<HomeBaseAddress> {
  const row = await deps.db("networks").where({ id: networkId }).first("home_base_host", "home_base_port");
  if (!row) throw new ApiError("NETWORK_NOT_FOUND", `network ${networkId} of the motion event no longer exists`);
  return { host: row.home_base_host, port: row.home_base_port };
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

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = request({ host: homeBase.host, port: homeBase.port, path, method: "GET", timeout: MEDIA_FETCH_TIMEOUT_MS }, resolve);
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
