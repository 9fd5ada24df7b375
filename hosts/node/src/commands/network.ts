/**
 * A network as command code needs it: its key index (to derive the signing key), the home base's
 * address and port, and its home base device, if one is registered.
 */
import type { Knex } from "knex";
import { ApiError } from "../errors.ts";

export interface CommandNetwork {
  id: string;
  keyIndex: number;
  publicKey: Buffer;
  host: string;
  port: number;
  channel: number;
  homeBase: { deviceId: string; publicKey: Buffer } | null;
}

interface NetworkJoinRow {
  id: string;
  key_index: number;
  public_key: string;
  home_base_host: string;
  home_base_port: number;
  channel: number;
  home_base_device_id: string | null;
  home_base_public_key: string | null;
}

/**
 * Loads a network; throws NETWORK_NOT_FOUND when there is none. With `lock`, the network row is
 * locked until `db`'s transaction ends (device key indexes are taken from it).
 */
export async function loadCommandNetwork(db: Knex | Knex.Transaction, networkId: string, lock = false): Promise<CommandNetwork> {
  if (lock) await db("networks").where("id", networkId).forUpdate().first("id");
  const row = (await db("networks as n")
    .leftJoin("devices as d", function joinHomeBase() {
      this.on("d.network_id", "=", "n.id").andOnVal("d.type", "=", "home_base");
    })
    .where("n.id", networkId)
    .first("n.id", "n.key_index", "n.public_key", "n.home_base_host", "n.home_base_port", "n.channel", "d.device_id as home_base_device_id", "d.public_key as home_base_public_key")) as NetworkJoinRow | undefined;
  if (!row) throw new ApiError("NETWORK_NOT_FOUND", `network ${networkId} not found`);

  return {
    id: row.id,
    keyIndex: row.key_index,
    publicKey: Buffer.from(row.public_key.trim(), "hex"),
    host: row.home_base_host,
    port: row.home_base_port,
    channel: row.channel,
    homeBase: row.home_base_device_id && row.home_base_public_key
      ? { deviceId: row.home_base_device_id, publicKey: Buffer.from(row.home_base_public_key.trim(), "hex") }
      : null,
  };
}

/** Returns the network's home base; throws HOME_BASE_REQUIRED when none is registered. */
export function requireHomeBase(network: CommandNetwork): { deviceId: string; publicKey: Buffer } {
  if (!network.homeBase) throw new ApiError("HOME_BASE_REQUIRED", `network ${network.id} has no home base; register a device of type home_base first`);
  return network.homeBase;
}
