/**
 * A small client of the central server's public API, used by the launcher to set up the demo network
 * the way a user would: log in, create a network, register devices.
 */

export interface NetworkCreated {
  id: string;
  name: string;
  public_key: string;
  [key: string]: unknown;
}

export interface DeviceCreated {
  device: { device_id: string; type: string; public_key?: string; [key: string]: unknown };
  /** The device's 32-byte Ed25519 seed in hex; the central server returns it in this response only. */
  private_key: string;
  network_public_key: string;
  home_base_id: string | null;
}

/** An HTTP answer other than the expected status, with the problem+json code when the server sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(request: string, status: number, code: string | undefined, detail: string) {
    super(`${request} failed with status ${status}${code ? ` ${code}` : ""}${detail ? `: ${detail}` : ""}`);
    this.status = status;
    this.code = code;
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

/** Finds the session token in a login response: the JSON body's token field, else the session cookie. */
function sessionCredential(body: Record<string, unknown>, setCookie: string | null): { authorization?: string; cookie?: string } {
  for (const key of ["token", "session_token", "access_token"]) {
    if (typeof body[key] === "string") return { authorization: `Bearer ${body[key] as string}` };
  }
  if (setCookie) return { cookie: setCookie.split(";")[0] };
  throw new Error("POST /auth/session returned no token field and no cookie");
}

export class ApiClient {
  readonly #baseUrl: string;
  #credential: { authorization?: string; cookie?: string } = {};

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl.replace(/\/$/, "");
  }

  async #request(method: string, path: string, body: unknown, expectedStatus: number[]): Promise<{ json: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.#credential.authorization) headers.authorization = this.#credential.authorization;
    if (this.#credential.cookie) headers.cookie = this.#credential.cookie;

    const response = await fetch(this.#baseUrl + path, {
      method,
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (expectedStatus.includes(response.status)) throw new Error(`${method} ${path} returned a body that is not JSON`);
    }

    if (!expectedStatus.includes(response.status)) {
      const code = typeof json.code === "string" ? json.code : undefined;
      const detail = typeof json.detail === "string" ? json.detail : typeof json.title === "string" ? json.title : "";
      throw new ApiError(`${method} ${path}`, response.status, code, detail);
    }
    return { json, headers: response.headers };
  }

  /** Logs in with password and TOTP code; later requests carry the session. Throws ApiError on 401. */
  async login(username: string, password: string, totp: string): Promise<void> {
    const { json, headers } = await this.#request("POST", "/auth/session", { username, password, totp }, [200, 201]);
    this.#credential = sessionCredential(json, headers.get("set-cookie"));
  }

  async createNetwork(name: string, homeBase: { host: string; port: number }): Promise<NetworkCreated> {
    const { json } = await this.#request("POST", "/networks", { name, home_base: homeBase }, [201]);
    if (typeof json.id !== "string" || typeof json.public_key !== "string") throw new Error("POST /networks returned no id or public_key");
    return json as NetworkCreated;
  }

  async createDevice(networkId: string, deviceId: string, type: string): Promise<DeviceCreated> {
    const path = `/networks/${encodeURIComponent(networkId)}/devices`;
    const { json } = await this.#request("POST", path, { device_id: deviceId, type }, [201]);
    if (typeof json.private_key !== "string" || typeof json.network_public_key !== "string") {
      throw new Error(`POST ${path} returned no private_key or network_public_key`);
    }
    return json as unknown as DeviceCreated;
  }
}
