/**
 * Media paths that a home base reported (POST /motion-events/media) for motion events not stored
 * yet: the batch carrying the event may arrive after the report. Storing the event takes its path
 * from here and deletes the row.
 */
import type { Knex } from "knex";

const UP = `
create table motion_media_pending (
  network_id uuid not null references networks (id) on delete cascade,
  device_id varchar(15) not null,
  seq bigint not null check (seq between 1 and 4294967295),
  path text not null,
  reported_at timestamptz not null,
  primary key (network_id, device_id, seq)
);
create index motion_media_pending_reported_idx on motion_media_pending (reported_at);
`;

const DOWN = `
drop table if exists motion_media_pending;
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
