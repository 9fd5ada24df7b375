/**
 * The network registry. Each network gets the next key index N from the sequence
 * network_key_index_seq and the public key of m/N'; its private key is never stored or returned
 * and is derived again from the master seed when a command must be signed.
 */
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";
import { uniqueViolation } from "../db/errors.ts";
import { ApiError } from "../errors.ts";
import { toPage, type Page } from "../http/pagination.ts";
import { deriveNetworkKey } from "../keys/derive.ts";

export interface NetworkRow {
  id: string;
  name: string;
  key_index: number;
  public_key: string;
  home_base_host: string;
  home_base_port: number;
  next_device_key_index: number;
  channel: number;
  created_at: Date;
}

/** A network joined with the id of its home base device, if one is registered. */
interface NetworkWithHomeBase extends NetworkRow {
  home_base_device_id: string | null;
}

export interface NetworkView {
  id: string;
  name: string;
  public_key: string;
  key_index: number;
  home_base: { host: string; port: number; device_id: string | null };
  /** The Wi-Fi channel of the mesh, 1 to 14, written into every provisioning bundle. */
  channel: number;
  created_at: string;
}

export interface NewNetwork {
  name: string;
  homeBase: { host: string; port: number };
  channel: number;
}

export interface NetworkDeps {
  db: Knex;
  clock: Clock;
  masterSeed: Buffer;
}

function toView(row: NetworkWithHomeBase): NetworkView {
  return {
    id: row.id,
    name: row.name,
    public_key: row.public_key,
    key_index: row.key_index,
    home_base: { host: row.home_base_host, port: row.home_base_port, device_id: row.home_base_device_id },
    channel: row.channel,
    created_at: row.created_at.toISOString(),
  };
}

function selectNetworks(db: Knex | Knex.Transaction) {
  return db("networks as n")
    .leftJoin("devices as d", function joinHomeBase() {
      this.on("d.network_id", "=", "n.id").andOnVal("d.type", "=", "home_base");
    })
    .select("n.*", "d.device_id as home_base_device_id");
}

/** Creates a network with a key derived from the master seed; throws NETWORK_EXISTS for a taken name. */
export async function createNetwork(deps: NetworkDeps, input: NewNetwork): Promise<NetworkView> {
  // nextval runs before the insert because the public key must be derived first. A failed insert
  // leaves a gap in the key indexes, which is harmless.
  const sequence = await deps.db.raw("select nextval('network_key_index_seq') as key_index");
  const keyIndex = Number(sequence.rows[0].key_index);
  const row: NetworkRow = {
    id: randomUUID(),
    name: input.name,
    key_index: keyIndex,
    public_key: deriveNetworkKey(deps.masterSeed, keyIndex).publicKey.toString("hex"),
    home_base_host: input.homeBase.host,
    home_base_port: input.homeBase.port,
    next_device_key_index: 1,
    channel: input.channel,
    created_at: new Date(deps.clock.nowMs()),
  };

  try {
    await deps.db("networks").insert(row);
  } catch (error) {
    if (uniqueViolation(error) === "networks_name_key") throw new ApiError("NETWORK_EXISTS", `a network named ${JSON.stringify(input.name)} already exists`);
    throw error;
  }
  return toView({ ...row, home_base_device_id: null });
}

/** Returns one network, or null when no network has this id. `id` must already be a UUID. */
export async function getNetwork(db: Knex | Knex.Transaction, id: string): Promise<NetworkView | null> {
  const row = (await selectNetworks(db).where("n.id", id).first()) as NetworkWithHomeBase | undefined;
  return row ? toView(row) : null;
}

/** Lists networks oldest first, `limit` per page, after the cursor key (created_at, id). */
export async function listNetworks(db: Knex, limit: number, after: string[] | null): Promise<Page<NetworkView>> {
  const query = selectNetworks(db).orderBy([{ column: "n.created_at" }, { column: "n.id" }]).limit(limit + 1);
  if (after) query.whereRaw("(n.created_at, n.id) > (?::timestamptz, ?::uuid)", [after[0]!, after[1]!]);

  const rows = (await query) as NetworkWithHomeBase[];
  return toPage(rows, limit, (row) => [row.created_at.toISOString(), row.id], toView);
}

/**
 * Sets the address and port at which the server reaches the network's home base; returns the
 * network, or null when there is none. Commands still open go to the new address from their next
 * attempt on.
 */
export async function updateHomeBaseAddress(db: Knex, id: string, homeBase: { host: string; port: number }): Promise<NetworkView | null> {
  const updated = await db("networks").where("id", id).update({ home_base_host: homeBase.host, home_base_port: homeBase.port });
  if (updated === 0) return null;
  return getNetwork(db, id);
}
