/** A scratch database on the real PostgreSQL for a benchmark run (created, migrated, dropped). */
import postgres from "postgres";
import { type Database, openDatabase } from "../src/db/client";

export const BENCH_BASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export async function scratchDatabase(
  label: string,
  max = 10,
): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const base = new URL(BENCH_BASE_URL);
  const name = `bench_${label}_${process.pid}`;
  const admin = postgres(BENCH_BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  base.pathname = `/${name}`;
  const url = base.toString();
  const database = await openDatabase({ url, max });
  return {
    database,
    url,
    async drop() {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
