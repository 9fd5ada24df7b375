// A strict JSON validator (RFC 8259) for frame payloads: the text must be one object, optionally
// surrounded by whitespace, in valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF). Stricter than RFC 8259's grammar, the escapes \u0000 and a lone surrogate
// (\ud800 without a low surrogate escape after it) are refused: a database cannot store them as
// text, so a frame holding one could never be kept as signed. It reads in place and allocates
// nothing.
//
// Limits: objects and arrays nest at most JSON_MAX_DEPTH deep (the outer object is depth 1), which
// also bounds the validator's recursion. Duplicate member names are not detected here (the typed
// payload rules detect them for the members they read).

export const JSON_MAX_DEPTH: u32 = 8;

let cursor: usize = 0;
let end: usize = 0;

/** Returns true when the `len` bytes at `ptr` are a JSON object as described above. */
export function isJsonObject(ptr: usize, len: u32): bool {
  cursor = ptr;
  end = ptr + len;

  skipWhitespace();
  if (peek() != 0x7b) return false;
  if (!parseObject(1)) return false;
  skipWhitespace();

  return cursor == end;
}

/** Returns the next byte, or -1 at the end of the text. */
function peek(): i32 {
  return cursor < end ? <i32>load<u8>(cursor) : -1;
}

function skipWhitespace(): void {
  while (cursor < end) {
    const c = load<u8>(cursor);
    if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
    cursor++;
  }
}

function parseValue(depth: u32): bool {
  const c = peek();
  if (c == 0x7b) return parseObject(depth + 1);
  if (c == 0x5b) return parseArray(depth + 1);
  if (c == 0x22) return parseString();
  if (c == 0x74) return parseLiteral("true");
  if (c == 0x66) return parseLiteral("false");
  if (c == 0x6e) return parseLiteral("null");
  return parseNumber();
}

/** Parses `{ member, ... }` with the cursor on `{`. */
function parseObject(depth: u32): bool {
  if (depth > JSON_MAX_DEPTH) return false;
  cursor++;

  skipWhitespace();
  if (peek() == 0x7d) {
    cursor++;
    return true;
  }

  while (true) {
    // member = string name-separator value
    if (peek() != 0x22 || !parseString()) return false;
    skipWhitespace();
    if (peek() != 0x3a) return false;
    cursor++;
    skipWhitespace();
    if (!parseValue(depth)) return false;
    skipWhitespace();

    const c = peek();
    cursor++;
    if (c == 0x7d) return true;
    if (c != 0x2c) return false;
    skipWhitespace();
  }
}

/** Parses `[ value, ... ]` with the cursor on `[`. */
function parseArray(depth: u32): bool {
  if (depth > JSON_MAX_DEPTH) return false;
  cursor++;

  skipWhitespace();
  if (peek() == 0x5d) {
    cursor++;
    return true;
  }

  while (true) {
    if (!parseValue(depth)) return false;
    skipWhitespace();

    const c = peek();
    cursor++;
    if (c == 0x5d) return true;
    if (c != 0x2c) return false;
    skipWhitespace();
  }
}

function parseLiteral(word: string): bool {
  const len = <u32>word.length;
  if (<usize>len > end - cursor) return false;

  for (let i: u32 = 0; i < len; i++) {
    if (<u32>load<u8>(cursor + i) != <u32>word.charCodeAt(i)) return false;
  }
  cursor += len;
  return true;
}

/** Parses `-? int frac? exp?` (RFC 8259 section 6). */
function parseNumber(): bool {
  if (peek() == 0x2d) cursor++;

  // int = zero / ( digit1-9 *DIGIT ): no leading zeros.
  const first = peek();
  if (first == 0x30) {
    cursor++;
  } else if (first >= 0x31 && first <= 0x39) {
    skipDigits();
  } else {
    return false;
  }

  if (peek() == 0x2e) {
    cursor++;
    if (skipDigits() == 0) return false;
  }

  const e = peek();
  if (e == 0x65 || e == 0x45) {
    cursor++;
    const sign = peek();
    if (sign == 0x2b || sign == 0x2d) cursor++;
    if (skipDigits() == 0) return false;
  }
  return true;
}

/** Skips ASCII digits and returns how many there were. */
function skipDigits(): u32 {
  let count: u32 = 0;
  while (cursor < end && <u32>load<u8>(cursor) - 0x30 < 10) {
    cursor++;
    count++;
  }
  return count;
}

/** Parses a string with the cursor on its opening quote (RFC 8259 section 7). */
function parseString(): bool {
  cursor++;

  while (cursor < end) {
    const c = <u32>load<u8>(cursor);
    if (c == 0x22) {
      cursor++;
      return true;
    }
    if (c < 0x20) return false;

    if (c == 0x5c) {
      if (!parseEscape()) return false;
    } else if (c < 0x80) {
      cursor++;
    } else if (!skipUtf8Sequence(c)) {
      return false;
    }
  }

  // The text ended inside the string.
  return false;
}

/** Parses one escape with the cursor on the backslash. */
function parseEscape(): bool {
  cursor++;
  const c = peek();
  cursor++;

  if (c == 0x22 || c == 0x5c || c == 0x2f || c == 0x62 || c == 0x66 || c == 0x6e || c == 0x72 || c == 0x74) {
    return true;
  }
  if (c != 0x75) return false;

  const unit = parseHex4();
  if (unit < 0) return false;

  // U+0000 cannot be stored as text by PostgreSQL, and a lone surrogate is no character at all, so
  // neither can be kept as the device signed it (docs/protocol.md section 1.2).
  if (unit == 0) return false;
  if (unit >= 0xdc00 && unit <= 0xdfff) return false;
  if (unit < 0xd800 || unit > 0xdbff) return true;

  // A high surrogate must be followed at once by the escape of a low one.
  if (end - cursor < 2 || load<u8>(cursor) != 0x5c || load<u8>(cursor + 1) != 0x75) return false;
  cursor += 2;
  const low = parseHex4();
  return low >= 0xdc00 && low <= 0xdfff;
}

/** Reads exactly four hex digits, either case, at the cursor; returns their value or -1. */
function parseHex4(): i32 {
  if (end - cursor < 4) return -1;

  let value: i32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    const h = <u32>load<u8>(cursor + i);
    let digit: u32;
    if (h - 0x30 < 10) digit = h - 0x30;
    else if (h - 0x61 < 6) digit = h - 0x61 + 10;
    else if (h - 0x41 < 6) digit = h - 0x41 + 10;
    else return -1;
    value = (value << 4) | <i32>digit;
  }
  cursor += 4;
  return value;
}

/**
 * Skips one multi-byte UTF-8 sequence whose lead byte is `lead` (at the cursor). Returns false for
 * a bad lead byte, a missing or bad continuation byte, an overlong form, a surrogate, or a code
 * point above U+10FFFF (RFC 3629 section 4).
 */
function skipUtf8Sequence(lead: u32): bool {
  let count: u32;
  let low: u32 = 0x80;
  let high: u32 = 0xbf;

  if (lead >= 0xc2 && lead <= 0xdf) {
    count = 1;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    count = 2;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    count = 3;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return false;
  }

  if (<usize>count >= end - cursor) return false;

  // The first continuation byte has the narrowed range; the others take 0x80 to 0xbf.
  const second = <u32>load<u8>(cursor + 1);
  if (second < low || second > high) return false;
  for (let i: u32 = 2; i <= count; i++) {
    const next = <u32>load<u8>(cursor + i);
    if (next < 0x80 || next > 0xbf) return false;
  }

  cursor += 1 + count;
  return true;
}
