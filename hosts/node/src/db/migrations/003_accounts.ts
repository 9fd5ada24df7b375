/**
 * Accounts: one-time recovery codes, the user agent of each session, login throttling state shared
 * by every server process, and case-insensitive uniqueness of usernames.
 */
import type { Knex } from "knex";

const UP = [
  // SHA-256 hex of the user id and the normalised code (auth/recovery-codes.ts); a used code keeps
  // its row with used_at set, so a second use is told apart from a wrong code in the server log.
  `create table recovery_codes (
     user_id uuid not null references users (id) on delete cascade,
     code_hash char(64) not null,
     used_at timestamptz,
     primary key (user_id, code_hash)
   )`,
  "alter table sessions add column user_agent text",
  // One row per throttled key ("user:<username>" or "address:<address>"); see auth/throttle.ts.
  `create table login_throttle (
     key text primary key,
     failures integer not null check (failures >= 0),
     last_failure_at timestamptz not null,
     blocked_until timestamptz
   )`,
  "create index login_throttle_last_failure_at_idx on login_throttle (last_failure_at)",
  // "Alice" and "alice" would look like one account in a list, so only one of them may exist.
  "create unique index users_username_lower_idx on users (lower(username))",
];

const DOWN = [
  "drop index if exists users_username_lower_idx",
  "drop table if exists login_throttle",
  "alter table sessions drop column if exists user_agent",
  "drop table if exists recovery_codes",
];

export async function up(knex: Knex): Promise<void> {
  for (const statement of UP) await knex.raw(statement);
}

export async function down(knex: Knex): Promise<void> {
  for (const statement of DOWN) await knex.raw(statement);
}
