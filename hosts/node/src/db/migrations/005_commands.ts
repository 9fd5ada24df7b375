/**
 * Signed commands and the key lifecycle: the radio channel and the local dashboard token of a
 * network, revocation and pending rotation keys of devices, the per-target command counters
 * (docs/protocol.md section 10.4) and the commands themselves with their delivery state.
 */
import type { Knex } from "knex";

const UP = `
alter table networks add column channel smallint not null default 1 check (channel between 1 and 14);

-- SHA-256 hex of the local dashboard token; the token itself is never stored.
alter table networks add column dashboard_token_sha256 char(64);

alter table devices add column revoked_at timestamptz;

-- The next key during a rotation: set by rotate-key, moved into key_index and public_key when the
-- device acknowledges rotate_key with ok, cleared when the rotation fails or expires.
alter table devices add column pending_key_index integer;
alter table devices add column pending_public_key char(64);

-- The last command seq used per target; taken with one atomic upsert, so processes never share one.
create table command_counters (
  network_id uuid not null references networks (id) on delete cascade,
  device_id varchar(15) not null,
  last_seq bigint not null check (last_seq between 1 and 4294967295),
  primary key (network_id, device_id)
);

create table commands (
  id uuid primary key,
  network_id uuid not null references networks (id) on delete cascade,
  device_id varchar(15) not null,
  seq bigint not null check (seq between 1 and 4294967295),
  cmd text not null,
  args jsonb not null,
  -- The signed frame, hex; every delivery attempt sends these bytes unchanged.
  frame text not null,
  frame_timestamp timestamptz not null,
  state text not null check (state in ('queued', 'delivered', 'acknowledged', 'failed', 'expired')),
  result text check (result in ('ok', 'in_progress', 'error', 'unsupported')),
  reason text,
  last_error text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  -- A command that must be acknowledged before this one is delivered (rotate_key waits for
  -- device_rotate_key).
  depends_on uuid references commands (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (network_id, device_id, seq)
);
create index commands_due_idx on commands (next_attempt_at) where state in ('queued', 'delivered');
`;

const DOWN = `
drop table if exists commands, command_counters;
alter table devices drop column pending_public_key;
alter table devices drop column pending_key_index;
alter table devices drop column revoked_at;
alter table networks drop column dashboard_token_sha256;
alter table networks drop column channel;
`;

/** One statement per query, as PGlite's extended protocol requires (see 001_initial.ts). */
async function runStatements(knex: Knex, script: string): Promise<void> {
  const statements = script
    .split(/;\s*\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  for (const statement of statements) await knex.raw(statement);
}

export async function up(knex: Knex): Promise<void> {
  await runStatements(knex, UP);
}

export async function down(knex: Knex): Promise<void> {
  await runStatements(knex, DOWN);
}
