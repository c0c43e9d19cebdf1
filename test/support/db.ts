/**
 * A database per test worker: PGlite in memory by default, or a fresh database on the server named by
 * TEST_DATABASE_URL (one per worker, so parallel files never meet). Tables are truncated between tests
 * (starting PGlite takes seconds; TRUNCATE takes milliseconds).
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll } from "vitest";
import { type Database, openDatabase } from "../../src/db/client";

let shared: Promise<Database> | undefined;

async function createServerDatabase(baseUrl: string): Promise<string> {
  const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "0";
  const url = new URL(baseUrl);
  const name = `${url.pathname.slice(1) || "test"}_w${worker}_${process.pid}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropServerDatabase(baseUrl: string, dbUrl: string) {
  const name = new URL(dbUrl).pathname.slice(1);
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

export function testDatabase(): Promise<Database> {
  if (!shared) {
    const base = process.env.TEST_DATABASE_URL;
    shared = (async () => {
      if (!base) return openDatabase({ memory: true });
      const url = await createServerDatabase(base);
      const database = await openDatabase({ url, max: 5 });
      afterAll(async () => {
        await database.close();
        await dropServerDatabase(base, url);
      });
      return database;
    })();
  }
  return shared;
}

const TABLES = [
  "step_messages",
  "outbox",
  "digests_sent",
  "audit_events",
  "case_steps",
  "cases",
  "invites",
  "delegations",
  "official_roles",
  "officials",
  "students",
  "users",
  "institutions",
  "calendar_days",
  "conversation_state",
];

export async function resetDatabase(database: Database): Promise<void> {
  await database.db.execute(sql.raw(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`));
}
