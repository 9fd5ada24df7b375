/**
 * Changes to a registered device or network that the home base (and the device) must learn through
 * signed commands: key rotation, revocation, the local dashboard token and a device's config. Each
 * runs in one transaction with the commands it queues, so either both are stored or neither.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Knex } from "knex";
import { OPEN_STATES } from "../commands/catalogue.ts";
import { loadCommandNetwork, requireHomeBase, type CommandNetwork } from "../commands/network.ts";
import { enqueueCommand, toCommandView, updateCommand, type CommandRow, type CommandView } from "../commands/store.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { deriveDeviceKey } from "../keys/derive.ts";
import { sealNewKey } from "../keys/sealed-key.ts";
import { toDeviceView, type DeviceRow, type DeviceView } from "./devices.ts";

/** Bytes of randomness in a local dashboard token (base64url, 43 characters). */
export const DASHBOARD_TOKEN_BYTES = 32;

export interface DeviceChange {
  device: DeviceView;
  commands: CommandView[];
}

interface Target {
  network: CommandNetwork;
  homeBase: { deviceId: string; publicKey: Buffer };
  device: DeviceRow;
}

/**
 * Locks the network and the device and checks that the device can be the target of a change.
 * Throws NETWORK_NOT_FOUND, DEVICE_NOT_FOUND, DEVICE_REVOKED, TARGET_IS_HOME_BASE or
 * HOME_BASE_REQUIRED.
 */
async function lockTarget(trx: Knex.Transaction, networkId: string, deviceId: string): Promise<Target> {
  const network = await loadCommandNetwork(trx, networkId, true);
  const device = (await trx<DeviceRow>("devices").where({ network_id: networkId, device_id: deviceId }).forUpdate().first()) as DeviceRow | undefined;
  if (!device) throw new ApiError("DEVICE_NOT_FOUND", `device ${JSON.stringify(deviceId)} not found in network ${networkId}`);
  if (device.revoked_at) throw new ApiError("DEVICE_REVOKED", `device ${deviceId} was revoked at ${new Date(device.revoked_at).toISOString()}`);
  if (device.type === "home_base") throw new ApiError("TARGET_IS_HOME_BASE", `device ${deviceId} is the home base; its key and registry entry cannot be changed by command`);
  return { network, homeBase: requireHomeBase(network), device };
}

/**
 * Starts a key rotation (docs/protocol.md section 7). Derives the key at the network's next device
 * key index and stores it as the device's pending key. Queues `device_rotate_key` for the home base
 * and `rotate_key` (the new seed sealed to the current key) for the device, which is delivered only
 * after the home base acknowledged the first. Throws as lockTarget does, and ROTATION_IN_PROGRESS.
 */
export async function rotateDeviceKey(deps: AppDeps, networkId: string, deviceId: string): Promise<DeviceChange> {
  return deps.db.transaction(async (trx) => {
    const { network, homeBase, device } = await lockTarget(trx, networkId, deviceId);
    if (device.pending_public_key) throw new ApiError("ROTATION_IN_PROGRESS", `device ${deviceId} is already rotating to key index ${device.pending_key_index}`);

    const row = (await trx("networks").where("id", networkId).first("next_device_key_index")) as { next_device_key_index: number };
    const keyIndex = row.next_device_key_index;
    const key = deriveDeviceKey(deps.masterSeed, network.keyIndex, keyIndex);
    await trx("networks").where("id", networkId).update({ next_device_key_index: keyIndex + 1 });
    const pending = { pending_key_index: keyIndex, pending_public_key: key.publicKey.toString("hex") };
    await trx("devices").where({ network_id: networkId, device_id: deviceId }).update(pending);

    const registry = await enqueueCommand(deps, trx, {
      networkId, networkKeyIndex: network.keyIndex, deviceId: homeBase.deviceId, cmd: "device_rotate_key", args: { device: deviceId, key: key.publicKey.toString("base64") },
    });
    const sealed = await sealNewKey(key.privateKey, Buffer.from(device.public_key.trim(), "hex"));
    const rotate = await enqueueCommand(deps, trx, {
      networkId, networkKeyIndex: network.keyIndex, deviceId, cmd: "rotate_key", args: { sealed: sealed.toString("base64") }, dependsOn: registry.id,
    });

    deps.log.info("key rotation started", { networkId, deviceId, keyIndex });
    return { device: toDeviceView({ ...device, ...pending }), commands: [toCommandView(registry), toCommandView(rotate)] };
  });
}

/**
 * Revokes a device: marks it revoked (ingest and command results then reject its frames), drops a
 * pending rotation, fails its open commands with reason `device_revoked`, and queues
 * `device_revoke` for the home base. Throws as lockTarget does.
 */
export async function revokeDevice(deps: AppDeps, networkId: string, deviceId: string): Promise<DeviceChange> {
  return deps.db.transaction(async (trx) => {
    const { network, homeBase, device } = await lockTarget(trx, networkId, deviceId);
    const revokedAt = new Date(deps.clock.nowMs());
    const changes = { revoked_at: revokedAt, online: false, pending_key_index: null, pending_public_key: null };
    await trx("devices").where({ network_id: networkId, device_id: deviceId }).update(changes);

    const open = (await trx("commands").where({ network_id: networkId, device_id: deviceId }).whereIn("state", OPEN_STATES).forUpdate()) as CommandRow[];
    for (const row of open) await updateCommand(deps, trx, row, { state: "failed", reason: "device_revoked" });

    const revoke = await enqueueCommand(deps, trx, { networkId, networkKeyIndex: network.keyIndex, deviceId: homeBase.deviceId, cmd: "device_revoke", args: { device: deviceId } });
    deps.log.info("device revoked", { networkId, deviceId, commandsFailed: open.length });
    return { device: toDeviceView({ ...device, ...changes }), commands: [toCommandView(revoke)] };
  });
}

export interface DashboardToken {
  /** The token itself; this response is the only place it appears. */
  token: string;
  command: CommandView;
}

/**
 * Generates a new local dashboard token, stores its SHA-256 and queues `set_dashboard_token` with
 * the SHA-256 (base64) for the home base. Throws NETWORK_NOT_FOUND or HOME_BASE_REQUIRED.
 */
export async function setDashboardToken(deps: AppDeps, networkId: string): Promise<DashboardToken> {
  return deps.db.transaction(async (trx) => {
    const network = await loadCommandNetwork(trx, networkId, true);
    const homeBase = requireHomeBase(network);
    const token = randomBytes(DASHBOARD_TOKEN_BYTES).toString("base64url");
    const digest = createHash("sha256").update(token, "utf8").digest();

    await trx("networks").where("id", networkId).update({ dashboard_token_sha256: digest.toString("hex") });
    const command = await enqueueCommand(deps, trx, {
      networkId, networkKeyIndex: network.keyIndex, deviceId: homeBase.deviceId, cmd: "set_dashboard_token", args: { sha256: digest.toString("base64") },
    });
    deps.log.info("dashboard token set", { networkId, commandId: command.id });
    return { token, command: toCommandView(command) };
  });
}

export interface ConfigChange {
  config: Record<string, unknown>;
  command: CommandView;
}

/**
 * Stores a device's config and queues `set_config` with it. A config that does not fit one command
 * payload is CONFIG_TOO_LARGE (413) and nothing is stored; other failures throw as lockTarget and
 * enqueueCommand do.
 */
export async function putDeviceConfig(deps: AppDeps, networkId: string, deviceId: string, config: Record<string, unknown>): Promise<ConfigChange> {
  return deps.db.transaction(async (trx) => {
    const { network } = await lockTarget(trx, networkId, deviceId);
    let command: CommandRow;
    try {
      command = await enqueueCommand(deps, trx, { networkId, networkKeyIndex: network.keyIndex, deviceId, cmd: "set_config", args: { config } });
    } catch (error) {
      if (error instanceof ApiError && error.code === "FRAME_PAYLOAD_TOO_LONG") {
        throw new ApiError("CONFIG_TOO_LARGE", `config of ${Buffer.byteLength(JSON.stringify(config))} bytes does not fit one set_config payload of 159 bytes (113 bytes of config with a 10-digit id)`);
      }
      throw error;
    }
    await trx("devices").where({ network_id: networkId, device_id: deviceId }).update({ config: JSON.stringify(config) });
    return { config, command: toCommandView(command) };
  });
}
