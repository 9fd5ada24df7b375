/**
 * The device registry of a network. A device gets the network's next device key index D and the
 * public key of m/N'/D'. Its private key is returned once, by createDevice, and never stored.
 */
import type { Knex } from "knex";
import { uniqueViolation } from "../db/errors.ts";
import { ApiError } from "../errors.ts";
import { toPage, type Page } from "../http/pagination.ts";
import { deriveDeviceKey } from "../keys/derive.ts";
import type { NetworkDeps, NetworkRow } from "./networks.ts";

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
}

export interface CreatedDevice {
  device: DeviceView;
  /** The device's 32-byte ed25519 seed, hex: the only time it leaves the server. */
  private_key: string;
  network_public_key: string;
  home_base_id: string | null;
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
  };
}

/**
 * Registers a device in a network. Throws NETWORK_NOT_FOUND, DEVICE_EXISTS, or HOME_BASE_EXISTS
 * for a second home base. The network row is locked while its next device key index is read and
 * advanced, so concurrent registrations get distinct indexes.
 */
export async function createDevice(deps: NetworkDeps, networkId: string, deviceId: string, type: DeviceType): Promise<CreatedDevice> {
  try {
    return await deps.db.transaction(async (trx) => {
      const network = (await trx<NetworkRow>("networks").where("id", networkId).forUpdate().first()) as NetworkRow | undefined;
      if (!network) throw new ApiError("NETWORK_NOT_FOUND", `network ${networkId} not found`);

      const keyIndex = network.next_device_key_index;
      const key = deriveDeviceKey(deps.masterSeed, network.key_index, keyIndex);
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
      };
      await trx("devices").insert(row);
      await trx("networks").where("id", networkId).update({ next_device_key_index: keyIndex + 1 });

      const homeBase = await trx("devices").where({ network_id: networkId, type: "home_base" }).first("device_id");
      return {
        device: toDeviceView(row),
        private_key: key.privateKey.toString("hex"),
        network_public_key: network.public_key,
        home_base_id: (homeBase?.device_id as string | undefined) ?? null,
      };
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
