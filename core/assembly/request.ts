// Signed HTTP requests (docs/protocol.md section 2): the form of the six-line canonical text, the
// timestamp skew, the signature over the context plus the text, and on the home base the key id
// (only the network key signs requests to it) and the nonce against its cache.

import { OK, REQUEST_BAD_FORM, REQUEST_TIMESTAMP_SKEW, REQUEST_UNKNOWN_KEY } from "./status";
import { requestBuffer, messageBuffer, signatureBuffer, keyBuffer, keyIdBuffer, networkKeyBuffer, REQUEST_BUFFER_SIZE } from "./buffers";
import { bytesEqual, isDigit, isLowerHexRun, isUpperLetter, writeAscii, distance } from "./bytes";
import { isRequestKeyId, isUuid, UUID_LEN } from "./key_id";
import { nonceCheck, nonceRecord } from "./nonce";
import { setFloorDue } from "./floor";
import { verifySignature } from "./signature";

/** ASCII `homemesh/request/v1` and one NUL byte. */
const REQUEST_CONTEXT = "homemesh/request/v1\0";

/** How far a request's timestamp may be from the receiver's clock, either way. */
export const REQUEST_MAX_SKEW_SEC: u32 = 300;

const LINE_COUNT: u32 = 6;
const METHOD_MAX_LEN: u32 = 7;
const PATH_MAX_LEN: u32 = 256;
const TIMESTAMP_MAX_DIGITS: u32 = 10;
const NONCE_LEN: u32 = 32;
const BODY_SHA256_LEN: u32 = 64;
const NEWLINE: u8 = 0x0a;

/** Offset of the nonce line in the request buffer, set by the last form check that passed. */
export let requestNonceOffset: u32 = 0;
/** The TIMESTAMP line's value, after a form check that passed. */
let requestTimestamp: u32 = 0;
/** Offset and length of the KEY_ID line, after a form check that passed. */
let requestKeyIdOffset: u32 = 0;
let requestKeyIdLen: u32 = 0;

/** The network id that network_id_set stored: the key id of requests signed by the network key. */
const networkId: usize = memory.data(UUID_LEN, 16);
let networkIdIsSet: bool = false;

function isMethod(ptr: usize, len: u32): bool {
  if (len < 1 || len > METHOD_MAX_LEN) return false;
  for (let i: u32 = 0; i < len; i++) {
    if (!isUpperLetter(<u32>load<u8>(ptr + i))) return false;
  }
  return true;
}

/** 1 to 256 printable ASCII characters without space (a request target has none), starting with '/'. */
function isPath(ptr: usize, len: u32): bool {
  if (len < 1 || len > PATH_MAX_LEN) return false;
  if (load<u8>(ptr) != 0x2f) return false;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Decimal u32 without sign or leading zeros; on success stores the value in requestTimestamp. */
function parseTimestamp(ptr: usize, len: u32): bool {
  if (len < 1 || len > TIMESTAMP_MAX_DIGITS) return false;
  if (len > 1 && load<u8>(ptr) == 0x30) return false;

  let value: u64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (!isDigit(c)) return false;
    value = value * 10 + <u64>(c - 0x30);
  }
  if (value > <u64>u32.MAX_VALUE) return false;

  requestTimestamp = <u32>value;
  return true;
}

/** Checks line `index` (0 to 5) of `len` bytes at `ptr`. */
function checkLine(index: u32, ptr: usize, len: u32): bool {
  switch (index) {
    case 0: return isMethod(ptr, len);
    case 1: return isPath(ptr, len);
    case 2: return isRequestKeyId(ptr, len);
    case 3: return parseTimestamp(ptr, len);
    case 4: return len == NONCE_LEN && isLowerHexRun(ptr, len);
    default: return len == BODY_SHA256_LEN && isLowerHexRun(ptr, len);
  }
}

/**
 * Checks that `len` bytes of the request buffer are exactly six lines joined by single newlines,
 * with no final newline, each of the form its position requires. Returns OK or REQUEST_BAD_FORM;
 * on OK records the nonce offset and the timestamp. Reads the buffer only.
 */
export function checkRequestForm(len: u32): i32 {
  if (len > REQUEST_BUFFER_SIZE) return REQUEST_BAD_FORM;

  let lineStart: u32 = 0;
  let nonceOffset: u32 = 0;
  let keyIdOffset: u32 = 0;
  let keyIdLen: u32 = 0;
  for (let index: u32 = 0; index < LINE_COUNT; index++) {
    let lineEnd = lineStart;
    while (lineEnd < len && load<u8>(requestBuffer + lineEnd) != NEWLINE) lineEnd++;

    // Lines 0 to 4 end in a newline; the last one ends at the end of the text.
    const isLast = index == LINE_COUNT - 1;
    if (isLast != (lineEnd == len)) return REQUEST_BAD_FORM;
    if (!checkLine(index, requestBuffer + lineStart, lineEnd - lineStart)) return REQUEST_BAD_FORM;

    if (index == 2) {
      keyIdOffset = lineStart;
      keyIdLen = lineEnd - lineStart;
    }
    if (index == 4) nonceOffset = lineStart;
    lineStart = lineEnd + 1;
  }

  requestNonceOffset = nonceOffset;
  requestKeyIdOffset = keyIdOffset;
  requestKeyIdLen = keyIdLen;
  return OK;
}

/** Writes the context and the `len` bytes of canonical text into the message buffer; returns its length. */
function writeRequestSignedMessage(len: u32): u32 {
  const contextLen = writeAscii(messageBuffer, REQUEST_CONTEXT);
  memory.copy(messageBuffer + contextLen, requestBuffer, len);
  return contextLen + len;
}

/** Checks the form, then writes the signed message; returns its length or REQUEST_BAD_FORM. */
export function requestSignedMessage(len: u32): i32 {
  const status = checkRequestForm(len);
  if (status != OK) return status;

  return <i32>writeRequestSignedMessage(len);
}

/**
 * Stores the network id, the first `len` bytes of the key id buffer: a UUID of 36 characters, or
 * REQUEST_BAD_FORM with the stored id left as it was.
 */
export function setNetworkId(len: u32): i32 {
  if (len != UUID_LEN || !isUuid(keyIdBuffer)) return REQUEST_BAD_FORM;

  memory.copy(networkId, keyIdBuffer, UUID_LEN);
  networkIdIsSet = true;
  return OK;
}

/** True when the KEY_ID line of the request that passed its form check is the stored network id. */
function isNetworkKeyId(): bool {
  if (!networkIdIsSet || requestKeyIdLen != UUID_LEN) return false;
  return bytesEqual(requestBuffer + requestKeyIdOffset, networkId, UUID_LEN);
}

/** Checks the skew and the signature, under the key at `key`, of a request whose form passed. */
function verifyFormedRequest(len: u32, now: u32, key: usize): i32 {
  if (distance(requestTimestamp, now) > REQUEST_MAX_SKEW_SEC) return REQUEST_TIMESTAMP_SKEW;

  const msgLen = writeRequestSignedMessage(len);
  return verifySignature(signatureBuffer, messageBuffer, msgLen, key);
}

/**
 * Checks the form, the timestamp against `now` (REQUEST_MAX_SKEW_SEC either way), S < L of the
 * signature buffer and the signature under the key buffer. Overwrites the message buffer.
 */
export function requestVerify(len: u32, now: u32): i32 {
  const status = checkRequestForm(len);
  if (status != OK) return status;

  return verifyFormedRequest(len, now, keyBuffer);
}

/**
 * Runs the home base's check of a request from the central server. The key id must equal the
 * stored network id (REQUEST_UNKNOWN_KEY for any other, or when none is stored). The skew and the
 * signature are checked as requestVerify does, but under the network key buffer. Last, the nonce
 * is checked against the cache at `now` (NONCE_REUSED, NONCE_CACHE_FULL). On OK records the nonce
 * and sets replay_floor_due, so the host writes the state before it acts on the request.
 */
export function requestAccept(len: u32, now: u32): i32 {
  let status = checkRequestForm(len);
  if (status != OK) return status;
  if (!isNetworkKeyId()) return REQUEST_UNKNOWN_KEY;

  status = verifyFormedRequest(len, now, networkKeyBuffer);
  if (status != OK) return status;

  const nonce = requestBuffer + requestNonceOffset;
  status = nonceCheck(nonce, now);
  if (status != OK) return status;

  nonceRecord(nonce, requestTimestamp, now);
  setFloorDue(true);
  return OK;
}
