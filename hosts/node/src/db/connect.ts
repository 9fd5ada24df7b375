/**
 * Opens the server's database: PostgreSQL through `pg` when a URL is given, otherwise PGlite
 * (PostgreSQL compiled to WebAssembly) kept in `<dataDir>/pglite`. Both speak the same SQL and run
 * the same migrations.
 *
 * Type rule, the same on both back ends: bigint values (bigserial ids, seq columns, COUNT(*)) and
 * numeric values come back as decimal strings, because a bigint can exceed
 * Number.MAX_SAFE_INTEGER. Convert with Number() only where the value is known to be small.
 * Without this rule PGlite 0.5 returns a number or a BigInt and `pg` returns a string.
 * int2 and int4 come back as numbers, timestamptz as Date, json and jsonb as parsed values.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import knexFactory, { type Knex } from "knex";
import ClientPgLite from "knex-pglite";
import pg from "pg";

/** PostgreSQL type OIDs whose text form is kept as a string (see the type rule above). */
const PG_TYPE_INT8 = 20;
const PG_TYPE_NUMERIC = 1700;

const keepText = (value: string): string => value;

/** The back end behind a knex instance, for code that needs a connection of its own (LISTEN). */
export type DatabaseBackend =
  | { kind: "pglite"; pglite: PGlite }
  | { kind: "postgres"; connection: pg.ClientConfig; searchPath: string | undefined };

const backends = new WeakMap<Knex, DatabaseBackend>();

interface KnexQueryObject {
  method?: string;
}

const KnexPgliteClient = ClientPgLite as unknown as new (config: Knex.Config) => {
  processResponse(obj: KnexQueryObject, runner: unknown): unknown;
};

/**
 * knex-pglite 0.14 derives the SQL command from knex's method name, and knex names delete "del"
 * and increment "counter". Those become the commands "DEL" and "COUNTER", which the PostgreSQL
 * dialect does not recognise, so `.delete()` and `.increment()` resolved to the raw result object
 * instead of the affected row count that `pg` gives. Renaming the two methods restores the count.
 */
class PgliteClient extends KnexPgliteClient {
  override processResponse(obj: KnexQueryObject, runner: unknown): unknown {
    if (obj?.method === "del") return super.processResponse({ ...obj, method: "delete" }, runner);
    if (obj?.method === "counter") return super.processResponse({ ...obj, method: "update" }, runner);
    return super.processResponse(obj, runner);
  }
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** The server's data folder; PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir: string;
}

/** Opens the database named by the options; the caller owns the result and calls `destroy()`. */
export function openDatabase(options: OpenDatabaseOptions): Knex {
  if (options.databaseUrl) return openPostgres({ connectionString: options.databaseUrl });

  const folder = path.join(options.dataDir, "pglite");
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return openPglite(new PGlite(folder, { parsers: pgliteParsers() }));
}

/** Wraps a PGlite instance that was created with `pgliteParsers()`; destroying the knex instance closes it. */
export function openPglite(pglite: PGlite): Knex {
  const db = knexFactory({
    client: PgliteClient as unknown as typeof knexFactory.Client,
    connection: () => ({ pglite }) as unknown as Knex.StaticConnectionConfig,
  });
  backends.set(db, { kind: "pglite", pglite });
  return db;
}

/** Opens a pooled PostgreSQL connection; `searchPath` pins every pooled connection to one schema. */
export function openPostgres(connection: pg.ClientConfig, searchPath?: string): Knex {
  const withTypes: pg.ClientConfig = { ...connection, types: { getTypeParser: postgresTypeParser } as pg.CustomTypesConfig };
  const db = knexFactory({
    client: "pg",
    connection: withTypes as Knex.PgConnectionConfig,
    ...(searchPath ? { searchPath: [searchPath] } : {}),
  });
  backends.set(db, { kind: "postgres", connection: withTypes, searchPath });
  return db;
}

/** Returns the type parsers that every PGlite instance of this server must be created with. */
export function pgliteParsers(): Record<number, (value: string) => unknown> {
  return { [PG_TYPE_INT8]: keepText, [PG_TYPE_NUMERIC]: keepText };
}

function postgresTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === PG_TYPE_INT8 || oid === PG_TYPE_NUMERIC) return keepText;
  return pg.types.getTypeParser(oid, format ?? "text") as (value: string) => unknown;
}

/** Returns the back end of a knex instance made by this module; throws for any other instance. */
export function databaseBackend(db: Knex): DatabaseBackend {
  const backend = backends.get(db);
  if (!backend) throw new Error("knex instance was not opened by db/connect.ts, so its back end is unknown");
  return backend;
}
