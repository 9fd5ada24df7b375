/**
 * Device and network changes that queue signed commands, all behind requireSession and the admin
 * role:
 *   POST   /networks/{id}/devices/{deviceId}/rotate-key  -> 202 {device, commands}
 *   DELETE /networks/{id}/devices/{deviceId}             revokes -> 200 {device, commands}
 *   PUT    /networks/{id}/devices/{deviceId}/config      the config object -> 202 {config, command}
 *   POST   /networks/{id}/dashboard-token                -> 201 {token, command}
 */
import Router from "@koa/router";
import type { Context } from "koa";
import { requireAdmin, requireSession } from "../auth/middleware.ts";
import { readJsonObject } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { DEVICE_ID_PATTERN } from "./devices.ts";
import { putDeviceConfig, revokeDevice, rotateDeviceKey, setDashboardToken } from "./lifecycle.ts";
import { networkIdParam } from "./routes.ts";

/** Larger than any config that fits a command, so a too-large config gets 413 CONFIG_TOO_LARGE. */
const CONFIG_BODY_MAX_BYTES = 4096;

function deviceIdParam(ctx: Context, networkId: string): string {
  const deviceId = ctx.params.deviceId as string;
  if (!DEVICE_ID_PATTERN.test(deviceId)) throw new ApiError("DEVICE_NOT_FOUND", `device ${JSON.stringify(deviceId)} not found in network ${networkId}`);
  return deviceId;
}

export function createLifecycleRouter(deps: AppDeps): Router {
  const router = new Router();
  const session = requireSession(deps);
  const admin = requireAdmin();

  router.post("/networks/:id/devices/:deviceId/rotate-key", session, admin, async (ctx) => {
    const networkId = networkIdParam(ctx);
    ctx.status = 202;
    ctx.body = await rotateDeviceKey(deps, networkId, deviceIdParam(ctx, networkId));
  });

  router.delete("/networks/:id/devices/:deviceId", session, admin, async (ctx) => {
    const networkId = networkIdParam(ctx);
    ctx.body = await revokeDevice(deps, networkId, deviceIdParam(ctx, networkId));
  });

  router.put("/networks/:id/devices/:deviceId/config", session, admin, async (ctx) => {
    const networkId = networkIdParam(ctx);
    const deviceId = deviceIdParam(ctx, networkId);
    const config = await readJsonObject(ctx, CONFIG_BODY_MAX_BYTES);
    ctx.status = 202;
    ctx.body = await putDeviceConfig(deps, networkId, deviceId, config);
  });

  router.post("/networks/:id/dashboard-token", session, admin, async (ctx) => {
    const networkId = networkIdParam(ctx);
    ctx.status = 201;
    ctx.body = await setDashboardToken(deps, networkId);
  });

  return router;
}
