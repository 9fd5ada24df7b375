/**
 * Commands:
 *   POST /networks/{id}/command            {device, command, args?} -> 202 command (admin role)
 *   GET  /networks/{id}/commands/{cid}     one command and its state (any session)
 *   POST /commands/results                 results from a home base, signed (docs/protocol.md 9.2)
 */
import Router from "@koa/router";
import type { Context, Next } from "koa";
import { requireAdmin, requireSession } from "../auth/middleware.ts";
import { parseJsonObject, readJsonObject } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { invalid, isUuid, rejectUnknownFields, requireObject, requireString } from "../http/validate.ts";
import { requireSignedRequest, type HomeBaseSigner } from "../ingest/signature.ts";
import { DEVICE_ID_PATTERN } from "../networks/devices.ts";
import { networkIdParam } from "../networks/routes.ts";
import { applyResults, RESULTS_BODY_MAX_BYTES, validateResultsBody } from "./results.ts";
import { sendUserCommand, type UserCommand } from "./send.ts";
import { getCommand, toCommandView } from "./store.ts";

const COMMAND_BODY_MAX_BYTES = 4096;
const COMMAND_NAME_MAX_CHARS = 32;

function parseUserCommand(body: Record<string, unknown>): UserCommand {
  rejectUnknownFields(body, ["device", "command", "args"]);
  const device = requireString(body, "device", 1, 15);
  if (!DEVICE_ID_PATTERN.test(device)) throw invalid("device", `device ${JSON.stringify(device)} must be 1 to 15 characters of A-Z a-z 0-9 _ -`);
  const command = requireString(body, "command", 1, COMMAND_NAME_MAX_CHARS);
  const args = body.args === undefined ? {} : requireObject(body, "args");
  return { device, command, args };
}

/** Rejects a body declared larger than the results limit before the signature check reads it. */
async function limitResultsBody(ctx: Context, next: Next): Promise<void> {
  const declared = Number(ctx.get("content-length") || "0");
  if (declared > RESULTS_BODY_MAX_BYTES) throw new ApiError("BODY_TOO_LARGE", `body of ${declared} bytes exceeds max ${RESULTS_BODY_MAX_BYTES}`);
  await next();
}

export function createCommandsRouter(deps: AppDeps): Router {
  const router = new Router();
  const session = requireSession(deps);
  const admin = requireAdmin();

  router.post("/networks/:id/command", session, admin, async (ctx) => {
    const networkId = networkIdParam(ctx);
    const input = parseUserCommand(await readJsonObject(ctx, COMMAND_BODY_MAX_BYTES));
    ctx.status = 202;
    ctx.body = await sendUserCommand(deps, networkId, input);
  });

  router.get("/networks/:id/commands/:commandId", session, async (ctx) => {
    const networkId = networkIdParam(ctx);
    const commandId = ctx.params.commandId as string;
    const row = isUuid(commandId) ? await getCommand(deps.db, networkId, commandId.toLowerCase()) : null;
    if (!row) throw new ApiError("COMMAND_NOT_FOUND", `command ${JSON.stringify(commandId)} not found in network ${networkId}`);
    ctx.body = toCommandView(row);
  });

  router.post("/commands/results", limitResultsBody, requireSignedRequest(deps), async (ctx) => {
    const raw = ctx.state.rawBody as Buffer;
    if (raw.length > RESULTS_BODY_MAX_BYTES) throw new ApiError("BODY_TOO_LARGE", `body of ${raw.length} bytes exceeds max ${RESULTS_BODY_MAX_BYTES}`);
    const body = validateResultsBody(parseJsonObject(ctx, raw));
    ctx.body = await applyResults(deps, ctx.state.homeBase as HomeBaseSigner, body);
  });

  return router;
}
