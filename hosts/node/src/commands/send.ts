/**
 * A command that a user sends to a device through POST /networks/{id}/command.
 */
import { loadCommandNetwork, requireHomeBase } from "./network.ts";
import { enqueueCommand, toCommandView, type CommandView } from "./store.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { isConfigCommand } from "./catalogue.ts";

export interface UserCommand {
  device: string;
  command: string;
  args: Record<string, unknown>;
}

/**
 * Queues a user's command. Throws COMMAND_NOT_ALLOWED for config commands, `set_config` and
 * `rotate_key` (they have their own routes), DEVICE_NOT_FOUND, DEVICE_REVOKED, COMMAND_WRONG_TARGET
 * for the home base, HOME_BASE_REQUIRED, and the core's COMMAND_UNKNOWN, COMMAND_BAD_SCHEMA,
 * FRAME_PAYLOAD_TOO_LONG or FRAME_BAD_JSON.
 */
export async function sendUserCommand(deps: AppDeps, networkId: string, input: UserCommand): Promise<CommandView> {
  if (isConfigCommand(input.command)) throw new ApiError("COMMAND_NOT_ALLOWED", `${input.command} is a config command; the server sends those itself to keep the home base's registry`);
  if (input.command === "set_config") throw new ApiError("COMMAND_NOT_ALLOWED", "send set_config with PUT /networks/{id}/devices/{deviceId}/config");
  if (input.command === "rotate_key") throw new ApiError("COMMAND_NOT_ALLOWED", "start a rotation with POST /networks/{id}/devices/{deviceId}/rotate-key");

  return deps.db.transaction(async (trx) => {
    const network = await loadCommandNetwork(trx, networkId);
    const device = await trx("devices").where({ network_id: networkId, device_id: input.device }).first("type", "revoked_at");
    if (!device) throw new ApiError("DEVICE_NOT_FOUND", `device ${JSON.stringify(input.device)} not found in network ${networkId}`);
    if (device.revoked_at) throw new ApiError("DEVICE_REVOKED", `device ${input.device} is revoked`);
    if (device.type === "home_base") throw new ApiError("COMMAND_WRONG_TARGET", `${input.device} is the home base, which takes config commands only`);
    requireHomeBase(network);

    const row = await enqueueCommand(deps, trx, { networkId, networkKeyIndex: network.keyIndex, deviceId: input.device, cmd: input.command, args: input.args });
    deps.log.info("command queued", { networkId, deviceId: input.device, cmd: input.command, seq: row.seq, commandId: row.id });
    return toCommandView(row);
  });
}
