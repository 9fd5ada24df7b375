/**
 * Generated passwords: 4 groups of 6 characters joined by "-", drawn uniformly (crypto.randomInt)
 * from 54 letters and digits without the look-alikes 0 O o 1 l I 5 S. That is about 138 bits of
 * entropy (24 * log2(54)), and the text is easy to read off a terminal and type.
 */
import { randomInt } from "node:crypto";

export const PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRTUVWXYZ2346789";
const GROUP_COUNT = 4;
const GROUP_CHARS = 6;

export function generatePassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < GROUP_COUNT; group++) {
    let text = "";
    for (let i = 0; i < GROUP_CHARS; i++) text += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(text);
  }
  return groups.join("-");
}
