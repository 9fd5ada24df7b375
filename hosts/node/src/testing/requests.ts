/**
 * A request signer for tests, written from docs/protocol.md section 2 with node:crypto and tweetnacl
 * and without the core, so that tests of the server's request check do not trust the code they check.
 */
import { createHash, randomBytes } from "node:crypto";
import nacl from "tweetnacl";

const REQUEST_CONTEXT = Buffer.concat([Buffer.from("homemesh/request/v1", "ascii"), Buffer.from([0])]);

export interface TestRequest {
  method: string;
  path: string;
  keyId: string;
  seed: Uint8Array;
  body: Uint8Array;
  timestampSec: number;
  /** 32 hex characters; random when left out. */
  nonce?: string;
}

/** The four X-Mesh-* headers of a signed request. */
export function signTestRequest(request: TestRequest): Record<string, string> {
  const nonce = request.nonce ?? randomBytes(16).toString("hex");
  const bodySha256 = createHash("sha256").update(request.body).digest("hex");
  const canonical = [request.method, request.path, request.keyId, String(request.timestampSec), nonce, bodySha256].join("\n");
  const message = Buffer.concat([REQUEST_CONTEXT, Buffer.from(canonical, "utf8")]);
  const { secretKey } = nacl.sign.keyPair.fromSeed(request.seed);
  return {
    "X-Mesh-Key-Id": request.keyId,
    "X-Mesh-Timestamp": String(request.timestampSec),
    "X-Mesh-Nonce": nonce,
    "X-Mesh-Signature": Buffer.from(nacl.sign.detached(message, secretKey)).toString("hex"),
  };
}
