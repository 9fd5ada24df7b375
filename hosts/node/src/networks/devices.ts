/**
 * The device registry of a network. A device gets the network's next device key index D and the
 * public key of m/N'/D'. Its private key is returned once, in the provisioning bundle that
 * createDevice returns, and never stored. Registering a device other than the home base queues
 * `device_add` for the home base, so the home base's registry follows the server's.
 */
import type { Knex } from "knex";
import { loadCommandNetwork, requireHomeBase } from "../commands/network.ts";
import { enqueueCommand } from "../commands/store.ts";
import { uniqueViolation } from "../db/errors.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { toPage, type Page } from "../http/pagination.ts";
import { buildBundle, type ProvisioningBundle } from "../keys/bundle.ts";
import { deriveDeviceKey } from "../keys/derive.ts";
import type { NetworkRow } from "./networks.ts";

/** docs/protocol.md section 1: 1 to 15 ASCII characters of A-Z a-z 0-9 _ -. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,15}$/;
export const DEVICE_TYPES = ["home_base", "motion", "camera", "switch"] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export interface DeviceRow {
  network_id: string;
  device_id: string;
  type: DeviceType;
  key_index: number;
  public_key: string;
  config: Record<string, unknown>;
  online: boolean;
  last_seen: Date | null;
  created_at: Date;
  revoked_at: Date | null;
  pending_key_index: number | null;
  pending_public_key: string | null;
}

export interface DeviceView {
  network_id: string;
  device_id: string;
  type: DeviceType;
  public_key: string;
  key_index: number;
  online: boolean;
  last_seen: string | null;
  created_at: string;
  /** When the device was revoked; a revoked device's frames and results are rejected. */
  revoked_at: string | null;
  /** True from POST .../rotate-key until the device acknowledges its new key or the rotation fails. */
  rotation_pending: boolean;
}

export interface CreatedDevice {
  device: DeviceView;
  /** The provisioning bundle (docs/protocol.md section 8): the only response with the private key. */
  bundle: ProvisioningBundle;
  /** The id of the queued device_add command; null for the home base itself. */
  command_id: string | null;
}

export function toDeviceView(row: DeviceRow): DeviceView {
  return {
    network_id: row.network_id,
    device_id: row.device_id,
    type: row.type,
    public_key: row.public_key,
    key_index: row.key_index,
    online: row.online,
    last_seen: row.last_seen ? row.last_seen.toISOString() : null,
    created_at: row.created_at.toISOString(),
    revoked_at: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    rotation_pending: row.pending_public_key !== null && row.pending_public_key !== undefined,
  };
}

/**
 * Registers a device in a network and returns it with its provisioning bundle. Throws
 * NETWORK_NOT_FOUND, DEVICE_EXISTS, HOME_BASE_EXISTS for a second home base, and HOME_BASE_REQUIRED
 * for any other device while the network has no home base (the bundle carries the home base's id
 * and key). The network row is locked while its next device key index is read and advanced, so
 * concurrent registrations get distinct indexes.
 */
export async function createDevice(deps: AppDeps, networkId: string, deviceId: string, type: DeviceType): Promise<CreatedDevice> {
  try {
    return await deps.db.transaction(async (trx) => {
      const network = (await trx<NetworkRow>("networks").where("id", networkId).forUpdate().first()) as NetworkRow | undefined;
      if (!network) throw new ApiError("NETWORK_NOT_FOUND", `network ${networkId} not found`);
      const registered = await loadCommandNetwork(trx, networkId);
      if (type === "home_base" && registered.homeBase) throw new ApiError("HOME_BASE_EXISTS", `network ${networkId} already has a home base`);

      const keyIndex = network.next_device_key_index;
      const key = deriveDeviceKey(deps.masterSeed, network.key_index, keyIndex);
      const homeBase = type === "home_base" ? { deviceId, publicKey: key.publicKey } : requireHomeBase(registered);
      const row: DeviceRow = {
        network_id: networkId,
        device_id: deviceId,
        type,
        key_index: keyIndex,
        public_key: key.publicKey.toString("hex"),
        config: {},
        online: false,
        last_seen: null,
        created_at: new Date(deps.clock.nowMs()),
        revoked_at: null,
        pending_key_index: null,
        pending_public_key: null,
      };
      await trx("devices").insert(row);
      await trx("networks").where("id", networkId).update({ next_device_key_index: keyIndex + 1 });

      let commandId: string | null = null;
      if (type !== "home_base") {
        const args = { device: deviceId, key: key.publicKey.toString("base64") };
        commandId = (await enqueueCommand(deps, trx, { networkId, networkKeyIndex: network.key_index, deviceId: homeBase.deviceId, cmd: "device_add", args })).id;
      }

      const bundle = buildBundle({
        networkId,
        deviceId,
        keyIndex,
        privateKey: key.privateKey,
        publicKey: key.publicKey,
        networkPublicKey: registered.publicKey,
        homeBase,
        channel: registered.channel,
      });
      return { device: toDeviceView(row), bundle, command_id: commandId };
    });
  } catch (error) {
    const constraint = uniqueViolation(error);
    if (constraint === "devices_pkey") throw new ApiError("DEVICE_EXISTS", `device ${deviceId} already exists in network ${networkId}`);
    if (constraint === "devices_one_home_base_idx") throw new ApiError("HOME_BASE_EXISTS", `network ${networkId} already has a home base`);
    throw error;
  }
}

/** Returns one device, or null. */
export async function getDevice(db: Knex, networkId: string, deviceId: string): Promise<DeviceView | null> {
  const row = (await db<DeviceRow>("devices").where({ network_id: networkId, device_id: deviceId }).first()) as DeviceRow | undefined;
  return row ? toDeviceView(row) : null;
}

/** Lists a network's devices oldest first, after the cursor key (created_at, device_id). */
export async function listDevices(db: Knex, networkId: string, limit: number, after: string[] | null): Promise<Page<DeviceView>> {
  const query = db<DeviceRow>("devices")
    .where("network_id", networkId)
    .orderBy([{ column: "created_at" }, { column: "device_id" }])
    .limit(limit + 1);
  if (after) query.whereRaw("(created_at, device_id) > (?::timestamptz, ?)", [after[0]!, after[1]!]);

  const rows = (await query) as DeviceRow[];
  return toPage(rows, limit, (row) => [row.created_at.toISOString(), row.device_id], toDeviceView);
}
