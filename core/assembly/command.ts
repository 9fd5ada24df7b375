// The strict command payload (docs/protocol.md sections 6.1 and 6.2): exactly `id`, `cmd` and the
// arguments of that command, each at most once. A `cmd` outside the table is COMMAND_UNKNOWN. A
// missing, repeated or unexpected member, or a value of the wrong kind or out of range, is
// COMMAND_BAD_SCHEMA.
//
// NOTE: `cmd` is read first, because its name decides which arguments are allowed. So a payload
// with an unknown name is COMMAND_UNKNOWN even when other members are wrong too, and a repeated,
// missing or non-string `cmd` is COMMAND_BAD_SCHEMA. Names and strings are compared as raw bytes,
// so a member name or value written with escapes is refused.

import { OK, COMMAND_UNKNOWN, COMMAND_BAD_SCHEMA } from "./status";
import { frameBuffer } from "./buffers";
import {
  membersStart, membersNext, memberNameIs, spanIs, memberKind, memberValueStart, memberValueLen,
  KIND_STRING, KIND_NUMBER, KIND_OBJECT,
} from "./json_members";
import { parseStrictU32 } from "./json_number";
import { base64DecodeExact } from "./base64";
import { isDeviceIdChar } from "./bytes";
import { CONTENT_MAX_SIZE, SHA256_LEN } from "./manifest";
import {
  setField, pendingDecoded, pendingArgDevice, COMMAND_ID, COMMAND_CODE, COMMAND_NUMBER, COMMAND_TEXT_OFFSET,
  COMMAND_TEXT_LEN, COMMAND_DEVICE_LEN, DECODED_LEN,
} from "./payload_fields";

export const CMD_REBOOT: u32 = 1;
export const CMD_IDENTIFY: u32 = 2;
export const CMD_SET_CONFIG: u32 = 3;
export const CMD_ROTATE_KEY: u32 = 4;
export const CMD_OTA_OFFER: u32 = 5;
export const CMD_DEVICE_ADD: u32 = 16;
export const CMD_DEVICE_ROTATE_KEY: u32 = 17;
export const CMD_DEVICE_REVOKE: u32 = 18;
export const CMD_SET_DASHBOARD_TOKEN: u32 = 19;

/** Codes 1 to 15 are device commands, 16 to 31 the home base's config commands (section 6.2). */
export const DEVICE_COMMAND_MAX_CODE: u32 = 15;

// One bit per member name a command payload may hold.
const M_ID: u32 = 1 << 0;
const M_CMD: u32 = 1 << 1;
const M_DELAY_SEC: u32 = 1 << 2;
const M_DURATION_SEC: u32 = 1 << 3;
const M_CONFIG: u32 = 1 << 4;
const M_SEALED: u32 = 1 << 5;
const M_VERSION: u32 = 1 << 6;
const M_SIZE: u32 = 1 << 7;
const M_SHA256: u32 = 1 << 8;
const M_DEVICE: u32 = 1 << 9;
const M_KEY: u32 = 1 << 10;

const DELAY_SEC_MAX: u32 = 3600;
const DURATION_SEC_MIN: u32 = 1;
const DURATION_SEC_MAX: u32 = 600;
const DURATION_SEC_DEFAULT: u32 = 10;
const SEALED_LEN: u32 = 80;
const PUBLIC_KEY_LEN: u32 = 32;
const VERSION_MAX_LEN: u32 = 16;
const DEVICE_ID_MAX_LEN: u32 = 15;

/** Returns the code of a `cmd` name, or 0 for a name outside the table. */
function commandCode(ptr: usize, len: u32): u32 {
  if (spanIs(ptr, len, "reboot")) return CMD_REBOOT;
  if (spanIs(ptr, len, "identify")) return CMD_IDENTIFY;
  if (spanIs(ptr, len, "set_config")) return CMD_SET_CONFIG;
  if (spanIs(ptr, len, "rotate_key")) return CMD_ROTATE_KEY;
  if (spanIs(ptr, len, "ota_offer")) return CMD_OTA_OFFER;
  if (spanIs(ptr, len, "device_add")) return CMD_DEVICE_ADD;
  if (spanIs(ptr, len, "device_rotate_key")) return CMD_DEVICE_ROTATE_KEY;
  if (spanIs(ptr, len, "device_revoke")) return CMD_DEVICE_REVOKE;
  if (spanIs(ptr, len, "set_dashboard_token")) return CMD_SET_DASHBOARD_TOKEN;
  return 0;
}

/** Returns the bits of the arguments command `code` takes; requiredArgs gives those it needs. */
function allowedArgs(code: u32): u32 {
  switch (code) {
    case CMD_REBOOT: return M_DELAY_SEC;
    case CMD_IDENTIFY: return M_DURATION_SEC;
    case CMD_SET_CONFIG: return M_CONFIG;
    case CMD_ROTATE_KEY: return M_SEALED;
    case CMD_OTA_OFFER: return M_VERSION | M_SIZE | M_SHA256;
    case CMD_DEVICE_ADD: return M_DEVICE | M_KEY;
    case CMD_DEVICE_ROTATE_KEY: return M_DEVICE | M_KEY;
    case CMD_DEVICE_REVOKE: return M_DEVICE;
    default: return M_SHA256;
  }
}

function requiredArgs(code: u32): u32 {
  return code == CMD_REBOOT || code == CMD_IDENTIFY ? 0 : allowedArgs(code);
}

/** Returns the bit of the current member's name, or 0 for a name no command has. */
function memberBit(): u32 {
  if (memberNameIs("id")) return M_ID;
  if (memberNameIs("cmd")) return M_CMD;
  if (memberNameIs("delay_sec")) return M_DELAY_SEC;
  if (memberNameIs("duration_sec")) return M_DURATION_SEC;
  if (memberNameIs("config")) return M_CONFIG;
  if (memberNameIs("sealed")) return M_SEALED;
  if (memberNameIs("version")) return M_VERSION;
  if (memberNameIs("size")) return M_SIZE;
  if (memberNameIs("sha256")) return M_SHA256;
  if (memberNameIs("device")) return M_DEVICE;
  if (memberNameIs("key")) return M_KEY;
  return 0;
}

function isVersionChar(c: u32): bool {
  return c - 0x41 < 26 || c - 0x61 < 26 || c - 0x30 < 10 || c == 0x2e || c == 0x5f || c == 0x2b || c == 0x2d;
}

function isCharRun(ptr: usize, len: u32, maxLen: u32, forVersion: bool): bool {
  if (len < 1 || len > maxLen) return false;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (!(forVersion ? isVersionChar(c) : isDeviceIdChar(c))) return false;
  }
  return true;
}

/** Returns the current member's strict integer if it lies in `min` to `max`, else -1. */
function integerIn(min: u32, max: u32): i64 {
  if (memberKind != KIND_NUMBER) return -1;
  const value = parseStrictU32(memberValueStart, memberValueLen);
  return value < <i64>min || value > <i64>max ? -1 : value;
}

/** Decodes the current member as base64 of exactly `byteCount` bytes into the pending decoded value. */
function decodeArg(byteCount: u32): bool {
  if (memberKind != KIND_STRING) return false;
  if (!base64DecodeExact(memberValueStart, memberValueLen, pendingDecoded, byteCount)) return false;
  setField(DECODED_LEN, byteCount);
  return true;
}

/** Checks and records the value of the current member, whose name has bit `bit`. */
function checkArg(bit: u32): bool {
  if (bit == M_ID) {
    const id = integerIn(1, u32.MAX_VALUE);
    if (id < 0) return false;
    setField(COMMAND_ID, <u32>id);
    return true;
  }
  if (bit == M_CMD) return true;
  if (bit == M_DELAY_SEC || bit == M_DURATION_SEC || bit == M_SIZE) {
    const value = bit == M_DELAY_SEC ? integerIn(0, DELAY_SEC_MAX)
      : bit == M_DURATION_SEC ? integerIn(DURATION_SEC_MIN, DURATION_SEC_MAX) : integerIn(1, CONTENT_MAX_SIZE);
    if (value < 0) return false;
    setField(COMMAND_NUMBER, <u32>value);
    return true;
  }
  if (bit == M_CONFIG || bit == M_VERSION) {
    const ok = bit == M_CONFIG ? memberKind == KIND_OBJECT
      : memberKind == KIND_STRING && isCharRun(memberValueStart, memberValueLen, VERSION_MAX_LEN, true);
    if (!ok) return false;
    setField(COMMAND_TEXT_OFFSET, <u32>(memberValueStart - frameBuffer));
    setField(COMMAND_TEXT_LEN, memberValueLen);
    return true;
  }
  if (bit == M_DEVICE) {
    if (memberKind != KIND_STRING || !isCharRun(memberValueStart, memberValueLen, DEVICE_ID_MAX_LEN, false)) return false;
    memory.copy(pendingArgDevice, memberValueStart, memberValueLen);
    setField(COMMAND_DEVICE_LEN, memberValueLen);
    return true;
  }
  if (bit == M_SEALED) return decodeArg(SEALED_LEN);
  if (bit == M_SHA256) return decodeArg(SHA256_LEN);
  return decodeArg(PUBLIC_KEY_LEN);
}

/** Finds `cmd` and returns its code, or COMMAND_BAD_SCHEMA / COMMAND_UNKNOWN as a negative status. */
function findCommand(ptr: usize, len: u32): i32 {
  let code: i32 = COMMAND_BAD_SCHEMA;
  let count: u32 = 0;

  membersStart(ptr, len);
  while (membersNext()) {
    if (!memberNameIs("cmd")) continue;
    count++;
    if (memberKind != KIND_STRING) return COMMAND_BAD_SCHEMA;
    const found = commandCode(memberValueStart, memberValueLen);
    code = found == 0 ? COMMAND_UNKNOWN : <i32>found;
  }
  return count == 1 ? code : COMMAND_BAD_SCHEMA;
}

/** Checks the validated JSON object of `len` bytes at `ptr`; on OK the pending fields hold the command. */
export function checkCommandPayload(ptr: usize, len: u32): i32 {
  const found = findCommand(ptr, len);
  if (found < 0) return found;
  const code = <u32>found;

  const allowed = M_ID | M_CMD | allowedArgs(code);
  setField(COMMAND_CODE, code);
  if (code == CMD_IDENTIFY) setField(COMMAND_NUMBER, DURATION_SEC_DEFAULT);

  let seen: u32 = 0;
  membersStart(ptr, len);
  while (membersNext()) {
    const bit = memberBit();
    if ((bit & allowed) == 0 || (bit & seen) != 0) return COMMAND_BAD_SCHEMA;
    if (!checkArg(bit)) return COMMAND_BAD_SCHEMA;
    seen |= bit;
  }

  const required = M_ID | M_CMD | requiredArgs(code);
  return (seen & required) == required ? OK : COMMAND_BAD_SCHEMA;
}
