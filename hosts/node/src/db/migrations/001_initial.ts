/**
 * The first schema: accounts and sessions, the network and device registry, stored logs and motion
 * events, ingest bookkeeping, request nonces and the shared event stream.
 *
 * Written as plain SQL so that the same text runs on PostgreSQL and on PGlite. Other modules code
 * against these table and column names.
 */
import type { Knex } from "knex";

const UP = `
create table users (
  id uuid primary key,
  username text not null unique,
  password_hash text not null,
  totp_secret_enc text not null,
  verified boolean not null default false,
  role text not null check (role in ('admin', 'user')),
  created_at timestamptz not null
);

create table sessions (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  -- SHA-256 hex of the bearer token; the token itself is never stored.
  token_hash char(64) not null unique,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  expires_at timestamptz not null,
  absolute_expires_at timestamptz not null,
  client_address text
);
create index sessions_user_id_idx on sessions (user_id);

-- Network key indexes are SLIP-0010 hardened indexes (m/N'), so they must stay below 2^31.
create sequence network_key_index_seq as integer start with 1 minvalue 1;

create table networks (
  id uuid primary key,
  name text not null unique,
  key_index integer not null unique default nextval('network_key_index_seq'),
  public_key char(64) not null,
  home_base_host text not null,
  home_base_port integer not null check (home_base_port between 1 and 65535),
  next_device_key_index integer not null default 1,
  created_at timestamptz not null
);
alter sequence network_key_index_seq owned by networks.key_index;

create table devices (
  network_id uuid not null references networks (id) on delete cascade,
  device_id varchar(15) not null check (device_id ~ '^[A-Za-z0-9_-]{1,15}$'),
  type text not null check (type in ('home_base', 'motion', 'camera', 'switch')),
  key_index integer not null,
  public_key char(64) not null,
  config jsonb not null default '{}',
  online boolean not null default false,
  last_seen timestamptz,
  created_at timestamptz not null,
  primary key (network_id, device_id),
  unique (network_id, key_index)
);
-- A network has at most one home base.
create unique index devices_one_home_base_idx on devices (network_id) where type = 'home_base';

create table device_logs (
  id bigserial primary key,
  network_id uuid not null references networks (id) on delete cascade,
  device_id varchar(15) not null,
  home_base_id varchar(15) not null,
  timestamp timestamptz not null,
  seq bigint not null,
  level text not null check (level in ('debug', 'info', 'warning', 'error', 'critical')),
  -- debug 10, info 20, warning 30, error 40, critical 50: lets "level at least X" use one comparison.
  level_rank smallint not null check (level_rank in (10, 20, 30, 40, 50)),
  category text not null,
  message text not null,
  received_at timestamptz,
  batch_seq bigint not null,
  unique (network_id, device_id, seq)
);
create index device_logs_timestamp_idx on device_logs (timestamp desc, id desc);

create table motion_events (
  id bigserial primary key,
  network_id uuid not null references networks (id) on delete cascade,
  device_id varchar(15) not null,
  home_base_id varchar(15) not null,
  timestamp timestamptz not null,
  seq bigint not null,
  data jsonb not null,
  media_path text,
  received_at timestamptz,
  unique (network_id, device_id, seq)
);
create index motion_events_timestamp_idx on motion_events (timestamp desc, id desc);

create table firmware (
  id uuid primary key,
  version text not null,
  chip text not null,
  type text not null,
  hash char(64) not null,
  signature text not null,
  path text not null,
  created_at timestamptz not null
);

create table ingest_batches (
  network_id uuid not null references networks (id) on delete cascade,
  home_base_id varchar(15) not null,
  batch_seq bigint not null,
  interval_sec integer not null,
  sealed_at timestamptz not null,
  received_at timestamptz not null,
  entry_count integer not null,
  accepted_count integer not null,
  primary key (network_id, home_base_id, batch_seq)
);

-- A nonce is kept until expires_at (the request skew window); the primary key rejects a reuse.
create table request_nonces (
  key_id text not null,
  nonce char(32) not null,
  expires_at timestamptz not null,
  primary key (key_id, nonce)
);
create index request_nonces_expires_at_idx on request_nonces (expires_at);

create sequence events_id_seq as bigint start with 1 minvalue 1;
create table events (
  id bigint primary key default nextval('events_id_seq'),
  type text not null,
  network_id uuid not null,
  time timestamptz not null,
  data jsonb not null
);
alter sequence events_id_seq owned by events.id;
`;

const DOWN = `
drop table if exists events, request_nonces, ingest_batches, firmware, motion_events, device_logs,
  devices, networks, sessions, users cascade;
`;

/**
 * Runs each statement on its own: PGlite sends queries through the extended protocol, which takes
 * one statement per query. The split on ";" at a line end is safe because no statement above has
 * a semicolon at the end of a line inside it.
 */
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
