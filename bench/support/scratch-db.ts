/**
 * A scratch database on the real PostgreSQL for one benchmark run: created, migrated (openDatabase applies
 * drizzle/), dropped at the end, like test/support/db.ts does for tests. BENCH_DATABASE_URL overrides the
 * server (default postgres://postgres@127.0.0.1:5432/test; its database is only used to create the scratch one).
 * BENCH_PREPARE=0 opens it without prepared statements (issue 17's comparison).
 */
import postgres from "postgres";
import { type Database, openDatabase } from "../../src/db/client";

export const BENCH_SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface Scratch {
  database: Database;
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(label: string, max = 10): Promise<Scratch> {
  const name = `bench_${label}_${process.pid}`;
  const admin = postgres(BENCH_SERVER_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  let database: Database;
  try {
    // BENCH_PREPARE=0: drizzle's unnamed statements (two round trips each), to compare with the default.
    database = await openDatabase({ url: url.toString(), max, prepare: process.env.BENCH_PREPARE !== "0" });
  } catch (err) {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    throw err;
  }
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Rows of a raw `db.execute` result, whichever driver answered. */
export { rowsOf } from "../../src/db/client";

export const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
