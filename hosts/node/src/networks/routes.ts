/**
 * Networks and devices, all behind requireSession:
 *   GET  /networks                          list (cursor pagination)
 *   POST /networks                          {name, home_base: {host, port}, channel?} -> 201 network
 *   GET  /networks/{id}                     one network
 *   PATCH /networks/{id}                    {home_base: {host, port}} -> 200 network
 *   GET  /networks/{id}/devices             list (cursor pagination)
 *   POST /networks/{id}/devices             {device_id, type} -> 201 with the provisioning bundle, once
 *   GET  /networks/{id}/devices/{device_id} one device
 * Creating and changing networks and devices needs the admin role (403 FORBIDDEN otherwise); reading needs
 * any session. An id that is not a UUID is 404 NETWORK_NOT_FOUND, like an unknown one.
 */
import Router from "@koa/router";
import type { Context } from "koa";
import { requireAdmin, requireSession } from "../auth/middleware.ts";
import { readJsonObject } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { isIsoTimestamp, parseCursor, parseLimit } from "../http/pagination.ts";
import { invalid, isUuid, rejectUnknownFields, requireInteger, requireObject, requireString } from "../http/validate.ts";
import { parseHomeBaseAddress } from "./address.ts";
import { createDevice, DEVICE_ID_PATTERN, DEVICE_TYPES, getDevice, listDevices, type DeviceType } from "./devices.ts";
import { createNetwork, getNetwork, listNetworks, updateHomeBaseAddress, type NewNetwork } from "./networks.ts";

export const NETWORK_NAME_MAX_CHARS = 64;
/** The mesh's channel when POST /networks names none. */
export const DEFAULT_CHANNEL = 1;

const BODY_MAX_BYTES = 4096;

function parseNewNetwork(body: Record<string, unknown>): NewNetwork {
  rejectUnknownFields(body, ["name", "home_base", "channel"]);
  const name = requireString(body, "name", 1, NETWORK_NAME_MAX_CHARS);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid("name", "name must not contain control characters");

  const homeBase = parseHomeBaseAddress(requireObject(body, "home_base"));
  const channel = body.channel === undefined ? DEFAULT_CHANNEL : requireInteger(body, "channel", 1, 14);
  return { name, homeBase, channel };
}

function parseNewDevice(body: Record<string, unknown>): { deviceId: string; type: DeviceType } {
  rejectUnknownFields(body, ["device_id", "type"]);
  const deviceId = requireString(body, "device_id", 1, 15);
  if (!DEVICE_ID_PATTERN.test(deviceId)) throw invalid("device_id", `device_id ${JSON.stringify(deviceId)} must be 1 to 15 characters of A-Z a-z 0-9 _ -`);

  const type = requireString(body, "type", 1, 32);
  if (!(DEVICE_TYPES as readonly string[]).includes(type)) throw invalid("type", `type ${JSON.stringify(type)} must be one of ${DEVICE_TYPES.join(", ")}`);
  return { deviceId, type: type as DeviceType };
}

/** Returns the path's network id, or throws NETWORK_NOT_FOUND when it is no UUID (so no cast fails in SQL). */
export function networkIdParam(ctx: Context): string {
  const id = ctx.params.id as string;
  if (!isUuid(id)) throw new ApiError("NETWORK_NOT_FOUND", `network ${JSON.stringify(id)} not found (not a UUID)`);
  return id.toLowerCase();
}

const isUuidPart = (part: string) => isUuid(part);
const isDeviceIdPart = (part: string) => DEVICE_ID_PATTERN.test(part);

export function createNetworksRouter(deps: AppDeps): Router {
  const router = new Router();
  const session = requireSession(deps);
  const admin = requireAdmin();

  router.get("/networks", session, async (ctx) => {
    const limit = parseLimit(ctx.query);
    ctx.body = await listNetworks(deps.db, limit, parseCursor(ctx.query, [isIsoTimestamp, isUuidPart]));
  });

  router.post("/networks", session, admin, async (ctx) => {
    const input = parseNewNetwork(await readJsonObject(ctx, BODY_MAX_BYTES));
    const network = await createNetwork(deps, input);
    deps.log.info("network created", { networkId: network.id, keyIndex: network.key_index, username: ctx.state.session?.username });
    ctx.status = 201;
    ctx.body = network;
  });

  router.get("/networks/:id", session, async (ctx) => {
    const id = networkIdParam(ctx);
    const network = await getNetwork(deps.db, id);
    if (!network) throw new ApiError("NETWORK_NOT_FOUND", `network ${id} not found`);
    ctx.body = network;
  });

  router.patch("/networks/:id", session, admin, async (ctx) => {
    const id = networkIdParam(ctx);
    const body = await readJsonObject(ctx, BODY_MAX_BYTES);
    rejectUnknownFields(body, ["home_base"]);
    const homeBase = parseHomeBaseAddress(requireObject(body, "home_base"));
    const network = await updateHomeBaseAddress(deps.db, id, homeBase);
    if (!network) throw new ApiError("NETWORK_NOT_FOUND", `network ${id} not found`);
    deps.log.info("home base address changed", { networkId: id, host: homeBase.host, port: homeBase.port, username: ctx.state.session?.username });
    ctx.body = network;
  });

  router.get("/networks/:id/devices", session, async (ctx) => {
    const id = networkIdParam(ctx);
    const limit = parseLimit(ctx.query);
    const after = parseCursor(ctx.query, [isIsoTimestamp, isDeviceIdPart]);
    if (!(await getNetwork(deps.db, id))) throw new ApiError("NETWORK_NOT_FOUND", `network ${id} not found`);
    ctx.body = await listDevices(deps.db, id, limit, after);
  });

  router.post("/networks/:id/devices", session, admin, async (ctx) => {
    const id = networkIdParam(ctx);
    const { deviceId, type } = parseNewDevice(await readJsonObject(ctx, BODY_MAX_BYTES));
    const created = await createDevice(deps, id, deviceId, type);
    deps.log.info("device created", { networkId: id, deviceId, type, keyIndex: created.device.key_index, username: ctx.state.session?.username });
    ctx.status = 201;
    ctx.body = created;
  });

  router.get("/networks/:id/devices/:deviceId", session, async (ctx) => {
    const id = networkIdParam(ctx);
    const deviceId = ctx.params.deviceId as string;
    const device = DEVICE_ID_PATTERN.test(deviceId) ? await getDevice(deps.db, id, deviceId) : null;
    if (!device) throw new ApiError("DEVICE_NOT_FOUND", `device ${JSON.stringify(deviceId)} not found in network ${id}`);
    ctx.body = device;
  });

  return router;
}
