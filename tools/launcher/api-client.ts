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
}

/** A response with an unexpected status, with the problem+json code when the server sent one. */
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

export class ApiClient {
  readonly #baseUrl: string;
  #token: string | undefined;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl.replace(/\/$/, "");
  }

  async #request(method: string, path: string, body: unknown, expectedStatus: number[]): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;

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
    return json;
  }

  /** Logs in with password and TOTP code; later requests send the token as a bearer token. Throws ApiError on 401. */
  async login(username: string, password: string, totp: string): Promise<void> {
    const json = await this.#request("POST", "/auth/session", { username, password, totp }, [200]);
    if (typeof json.token !== "string" || json.token === "") throw new Error("POST /auth/session returned no token");
    this.#token = json.token;
  }

  async createNetwork(name: string, homeBase: { host: string; port: number }): Promise<NetworkCreated> {
    const json = await this.#request("POST", "/networks", { name, home_base: homeBase }, [201]);
    if (typeof json.id !== "string" || typeof json.public_key !== "string") throw new Error("POST /networks returned no id or public_key");
    return json as NetworkCreated;
  }

  async createDevice(networkId: string, deviceId: string, type: string): Promise<DeviceCreated> {
    const path = `/networks/${encodeURIComponent(networkId)}/devices`;
    const json = await this.#request("POST", path, { device_id: deviceId, type }, [201]);
    // The keys come in the provisioning bundle (docs/protocol.md section 8).
    const bundle = (typeof json.bundle === "object" && json.bundle !== null ? json.bundle : {}) as Record<string, unknown>;
    if (typeof json.device !== "object" || json.device === null || typeof bundle.private_key !== "string" || typeof bundle.network_public_key !== "string") {
      throw new Error(`POST ${path} returned no device, or no private_key or network_public_key in its bundle`);
    }
    return { device: json.device as DeviceCreated["device"], private_key: bundle.private_key, network_public_key: bundle.network_public_key };
  }
}
