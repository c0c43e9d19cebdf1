/**
 * One interface over two drivers: postgres.js when a server URL is given, embedded PGlite otherwise
 * (files under DATA_DIR, or in memory for tests). Migrations from drizzle/ are applied on open.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { ROOT } from "../paths";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; it has the same query API as Db. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /**
   * Runs fn while holding a lock on `key` that every instance on this database respects (per-chat order
   * across webhook instances). Postgres: a transaction-level advisory lock taken on a separate small pool,
   * so waiting for a lock never starves the queries of the handlers holding one. PGlite: in process.
   */
  withLock<R>(key: string, fn: () => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

/** In-process keyed mutex (one PGlite belongs to one process). */
function localLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return async <R>(key: string, fn: () => Promise<R>): Promise<R> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(fn);
    tails.set(key, run);
    try {
      return await run;
    } finally {
      if (tails.get(key) === run) tails.delete(key);
    }
  };
}

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite directory; ignored with url. */
  dataDir?: string;
  /** PGlite in memory (tests). */
  memory?: boolean;
  /** Pool size for postgres.js. */
  max?: number;
  /** Postgres: prepared statements (one round trip each; default). False behind a transaction-mode pooler. */
  prepare?: boolean;
}

export const MIGRATIONS_DIR = path.join(ROOT, "drizzle");

/**
 * Issue 17: drizzle hands every statement it does not name to postgres.js with `prepare: false`
 * (drizzle-orm#6096), so each statement with parameters costs two round trips (Parse/Describe, then
 * Bind/Execute) and is planned anew every time. Through this view of the client, drizzle's statements go to
 * postgres.js's per-connection statement cache: one round trip, planned once per connection (measured in
 * docs/performance-2026-11.md). Transactions and savepoints get the same view. Not for a pooler in
 * transaction mode (PgBouncer): there, open the database with `prepare: false`.
 */
export function preparingClient(client: postgres.Sql): postgres.Sql {
  type Fn = (...args: unknown[]) => unknown;
  const wrapLast = (args: unknown[]) => {
    const fn = args.at(-1) as Fn;
    return [...args.slice(0, -1), (tx: postgres.Sql) => fn(preparingClient(tx))];
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "unsafe")
        return (query: string, params?: unknown[], options?: object) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      if (prop === "begin" || prop === "savepoint") {
        const method = Reflect.get(target, prop, receiver) as Fn;
        return (...args: unknown[]) => method.apply(target, wrapLast(args));
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {} });
    // Migrations (DDL) run unprepared; the application's statements are prepared once they are applied.
    const migrator = drizzlePostgres(client, { schema }) as unknown as Db;
    await migrateIfBehind(migrator, () =>
      migratePostgres(migrator as never, { migrationsFolder: MIGRATIONS_DIR }),
    );
    const db = (opts.prepare === false
      ? migrator
      : drizzlePostgres(preparingClient(client), { schema })) as unknown as Db;
    let lockClient: ReturnType<typeof postgres> | undefined;
    const withLock = async <R>(key: string, fn: () => Promise<R>): Promise<R> => {
      lockClient ??= postgres(opts.url!, { max: 20, onnotice: () => {} });
      return (await lockClient.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
        return fn();
      })) as R;
    };
    return {
      db,
      kind: "postgres",
      withLock,
      close: async () => {
        await lockClient?.end({ timeout: 5 });
        await client.end({ timeout: 5 });
      },
    };
  }
  let dataDir: string | undefined;
  if (!opts.memory) {
    dataDir = path.resolve(opts.dataDir ?? "./data", "pglite");
    mkdirSync(dataDir, { recursive: true });
  }
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migrateIfBehind(db, () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR }));
  return { db, kind: "pglite", withLock: localLocks(), close: () => client.close() };
}

/**
 * Applies the migrations of drizzle/ the database does not have yet. A database already up to date gets no
 * DDL at all (drizzle's migrator always starts with CREATE SCHEMA/TABLE IF NOT EXISTS, which a role that
 * owns nothing may not run), so the program can run as an application role without ownership: the owner
 * migrates (`npm run admin -- db migrate`), the application only checks (README "A server PostgreSQL").
 */
async function migrateIfBehind(db: Db, migrate: () => Promise<void>): Promise<void> {
  const latest = Math.max(
    ...readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).map((m) => m.folderMillis),
  );
  let applied = Number.NEGATIVE_INFINITY;
  try {
    const res = await db.execute(sql`select max(created_at) as at from drizzle.__drizzle_migrations`);
    const rows = (Array.isArray(res) ? res : ((res as { rows?: unknown[] }).rows ?? [])) as { at: unknown }[];
    if (rows[0]?.at !== null && rows[0]?.at !== undefined) applied = Number(rows[0].at);
  } catch {
    // No migrations table yet: a new database.
  }
  if (applied >= latest) return;
  try {
    await migrate();
  } catch (err) {
    const e = err as { code?: string; cause?: { code?: string } };
    if ((e.code ?? e.cause?.code) === "42501")
      throw new Error(
        "this role may not apply the database migrations (or may not read which are applied): run " +
          "`npm run admin -- db migrate`, then `db roles --app-role <this role>`, with the owner's DATABASE_URL",
      );
    throw err;
  }
}

/** Rows of a raw statement (db.execute): postgres.js gives an array, PGlite an object with `rows`. */
/**
 * Issue 17: statements of one transaction that do not need each other's results, sent at once. postgres.js
 * pipelines them on the transaction's connection (one write, one round trip instead of one each); PGlite
 * runs them one after the other. Every one is settled before the first error is thrown, so none is still
 * running when the transaction's callback ends (a straggler would run on a connection already released).
 */
export async function together<T extends readonly unknown[]>(
  ...work: { [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export const rowsOf = <T>(res: unknown): T[] =>
  (Array.isArray(res) ? res : ((res as { rows?: unknown[] } | null)?.rows ?? [])) as T[];

/** Cheap liveness probe for health checks. */
export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
