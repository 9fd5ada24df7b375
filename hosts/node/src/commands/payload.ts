/**
 * The JSON payload of a command frame (docs/protocol.md section 6.1): `id` first, then `cmd`, then
 * each argument as a top-level member. The text is written member by member rather than through
 * one JSON.stringify of a merged object, so an argument named `id` or `cmd` stays a repeated
 * member that the core rejects (COMMAND_BAD_SCHEMA) instead of silently replacing the real one.
 */

/** Returns the payload text for command `cmd` with id `seq` and the members of `args`. */
export function commandPayload(seq: number, cmd: string, args: Record<string, unknown>): string {
  const members = [`"id":${seq}`, `"cmd":${JSON.stringify(cmd)}`];
  for (const [name, value] of Object.entries(args)) members.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  return `{${members.join(",")}}`;
}
