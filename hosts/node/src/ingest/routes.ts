/**
 * POST /logs/ingest: a home base's signed batch (docs/protocol.md sections 2 and 3).
 * Returns 200 {batch_seq, duplicate, accepted, rejected: [{index, code}]}; 401 for a bad signature,
 * 400 for a malformed batch or KEY_ID_MISMATCH, 413 for a body over 1 MiB.
 */
import Router from "@koa/router";
import { parseJsonObject } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { validateBatch } from "./batch.ts";
import { ingestBatch } from "./service.ts";
import { requireSignedRequest, type HomeBaseSigner } from "./signature.ts";

export function createIngestRouter(deps: AppDeps): Router {
  const router = new Router();

  router.post("/logs/ingest", requireSignedRequest(deps), async (ctx) => {
    const signer = ctx.state.homeBase as HomeBaseSigner;
    const batch = validateBatch(parseJsonObject(ctx, ctx.state.rawBody as Buffer));
    if (batch.key_id !== signer.keyId) throw new ApiError("KEY_ID_MISMATCH", `batch key_id ${batch.key_id} differs from header X-Mesh-Key-Id ${signer.keyId}`);

    ctx.body = await ingestBatch(deps, signer, batch);
  });

  return router;
}
