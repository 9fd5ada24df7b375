/**
 * Remembers the TOTP step of each user's last accepted code, so a code cannot log in twice
 * (RFC 6238 section 5.2: the verifier must not accept a second use of the same OTP).
 */
import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("alter table users add column totp_last_step bigint");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("alter table users drop column totp_last_step");
}
