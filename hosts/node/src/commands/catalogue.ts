/**
 * The command set of docs/protocol.md section 6.2, as the server uses it: which commands go to
 * devices and which to the home base, and which of them a user may send through
 * POST /networks/{id}/command. The core remains the judge of every payload.
 */
export const DEVICE_COMMANDS = ["reboot", "identify", "set_config", "rotate_key", "ota_offer"] as const;
export const CONFIG_COMMANDS = ["device_add", "device_rotate_key", "device_revoke", "set_dashboard_token"] as const;

export type DeviceCommand = (typeof DEVICE_COMMANDS)[number];
export type ConfigCommand = (typeof CONFIG_COMMANDS)[number];

/**
 * Commands that POST /networks/{id}/command takes. `set_config` and `rotate_key` have their own
 * routes (the stored config and the key rotation must change with them), and config commands are
 * sent only by the server to keep the home base's registry in step with its own.
 */
export const USER_COMMANDS: readonly string[] = ["reboot", "identify", "ota_offer"];

export function isConfigCommand(cmd: string): cmd is ConfigCommand {
  return (CONFIG_COMMANDS as readonly string[]).includes(cmd);
}

/** The states of a command; the last three are final. */
export const COMMAND_STATES = ["queued", "delivered", "acknowledged", "failed", "expired"] as const;
export type CommandState = (typeof COMMAND_STATES)[number];
export const OPEN_STATES: readonly CommandState[] = ["queued", "delivered"];

/** docs/protocol.md section 10.1: a command frame is valid for 86400 s after its timestamp. */
export const COMMAND_MAX_AGE_SEC = 86_400;

/** The largest command id and seq (u32). */
export const COMMAND_SEQ_MAX = 4_294_967_295;
