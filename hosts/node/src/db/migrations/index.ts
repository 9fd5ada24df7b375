/**
 * The migration list. Migrations are imported modules, not a directory scan, so they work the same
 * under tsx, in a bundle and in tests. A new migration is appended to MIGRATIONS and never edited
 * once released.
 */
import type { Knex } from "knex";
import * as initial from "./001_initial.ts";
import * as totpLastStep from "./002_totp_last_step.ts";
import * as accounts from "./003_accounts.ts";
import * as live from "./004_live.ts";
import * as commands from "./005_commands.ts";
import * as motionMediaPending from "./006_motion_media_pending.ts";

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: readonly Migration[] = [
  { name: "001_initial", up: initial.up, down: initial.down },
  { name: "002_totp_last_step", up: totpLastStep.up, down: totpLastStep.down },
  { name: "003_accounts", up: accounts.up, down: accounts.down },
  { name: "004_live", up: live.up, down: live.down },
  { name: "005_commands", up: commands.up, down: commands.down },
  { name: "006_motion_media_pending", up: motionMediaPending.up, down: motionMediaPending.down },
];

const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};

/** Applies every migration not yet applied; returns the names it applied, in order. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

/** Undoes every applied migration (for tests of the migrations themselves). */
export async function migrateRollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}
