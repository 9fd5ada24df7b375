// Walks the top-level members of a JSON object that json.ts has already accepted, in place and
// without allocating: each step gives the member's name span, its value span and its value kind.
//
// Limits: the text must have passed isJsonObject, since the walker trusts its grammar; it still
// never reads past the end it was given. Names and string values are raw bytes between the
// quotes, escapes kept, so a name written with an escape (`"\u0069d"`) matches no plain name.

export const KIND_STRING: u32 = 1;
export const KIND_NUMBER: u32 = 2;
export const KIND_OBJECT: u32 = 3;
export const KIND_ARRAY: u32 = 4;
/** `true`, `false` or `null`. */
export const KIND_LITERAL: u32 = 5;

let at: usize = 0;
let end: usize = 0;

/** The member of the last membersNext that returned true. */
export let memberNameStart: usize = 0;
export let memberNameLen: u32 = 0;
/** For a string: the bytes between its quotes. For any other kind: its whole text. */
export let memberValueStart: usize = 0;
export let memberValueLen: u32 = 0;
export let memberKind: u32 = 0;

function skipWhitespace(): void {
  while (at < end) {
    const c = load<u8>(at);
    if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
    at++;
  }
}

/** Returns the address of the closing quote of the string whose opening quote is at `open`. */
function stringClose(open: usize): usize {
  let p = open + 1;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) return p;
    p += c == 0x5c ? 2 : 1;
  }
  return end;
}

/** Returns the address just past the object or array that starts at `open`. */
function nestedEnd(open: usize): usize {
  let depth: u32 = 0;
  let p = open;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) {
      p = stringClose(p) + 1;
      continue;
    }
    if (c == 0x7b || c == 0x5b) depth++;
    if (c == 0x7d || c == 0x5d) {
      depth--;
      if (depth == 0) return p + 1;
    }
    p++;
  }
  return end;
}

/** Returns the address just past a number or literal that starts at `start`. */
function scalarEnd(start: usize): usize {
  let p = start;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x2c || c == 0x7d || c == 0x5d || c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) return p;
    p++;
  }
  return end;
}

/** Starts a walk over the object of `len` bytes at `ptr`. */
export function membersStart(ptr: usize, len: u32): void {
  at = ptr;
  end = ptr + len;
  skipWhitespace();
  at++;
}

/** Moves to the next member and returns true, or returns false after the last one. */
export function membersNext(): bool {
  skipWhitespace();
  if (at < end && load<u8>(at) == 0x2c) {
    at++;
    skipWhitespace();
  }
  if (at >= end || load<u8>(at) != 0x22) return false;

  const nameClose = stringClose(at);
  memberNameStart = at + 1;
  memberNameLen = <u32>(nameClose - at - 1);
  at = nameClose + 1;

  // The name separator.
  skipWhitespace();
  at++;
  skipWhitespace();
  if (at >= end) return false;

  const c = load<u8>(at);
  if (c == 0x22) {
    const close = stringClose(at);
    memberKind = KIND_STRING;
    memberValueStart = at + 1;
    memberValueLen = <u32>(close - at - 1);
    at = close + 1;
    return true;
  }

  let valueEnd: usize;
  if (c == 0x7b || c == 0x5b) {
    memberKind = c == 0x7b ? KIND_OBJECT : KIND_ARRAY;
    valueEnd = nestedEnd(at);
  } else {
    memberKind = c == 0x74 || c == 0x66 || c == 0x6e ? KIND_LITERAL : KIND_NUMBER;
    valueEnd = scalarEnd(at);
  }
  memberValueStart = at;
  memberValueLen = <u32>(valueEnd - at);
  at = valueEnd;
  return true;
}

/** Returns true when the `len` bytes at `ptr` equal the ASCII string `text`. */
export function spanIs(ptr: usize, len: u32, text: string): bool {
  if (len != <u32>text.length) return false;
  for (let i: u32 = 0; i < len; i++) {
    if (<u32>load<u8>(ptr + i) != <u32>text.charCodeAt(i)) return false;
  }
  return true;
}

/** Returns true when the current member's name is the ASCII string `name`. */
export function memberNameIs(name: string): bool {
  return spanIs(memberNameStart, memberNameLen, name);
}
