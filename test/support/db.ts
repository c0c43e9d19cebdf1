/**
 * A database per test worker: PGlite in memory by default, or a fresh database on the server named by
 * TEST_DATABASE_URL (one per worker, so parallel files never meet). Tables are truncated between tests
 * (starting PGlite takes seconds; TRUNCATE takes milliseconds).
 *
 * Server databases are named `<base>_r<run id>_…` and dropped when the test file ends (the afterAll below,
 * registered when this module is imported); test/support/global-setup.ts drops whatever of the run is
 * left (a file that timed out or crashed), and .ci/run drops leftovers of killed runs.
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll } from "vitest";
import { type Database, openDatabase } from "../../src/db/client";

let shared: Promise<Database> | undefined;
let server: { base: string; url: string } | undefined;

/** This run's id: set by test/support/global-setup.ts for every worker of one `vitest run`. */
export const RUN_ID = process.env.TEST_RUN_ID ?? `p${process.pid}`;

/** The name of a scratch database of this run on the server of `baseUrl`. */
export function scratchDatabaseName(baseUrl: string, suffix: string): string {
  return `${new URL(baseUrl).pathname.slice(1) || "test"}_r${RUN_ID}_${suffix}`;
}

async function createServerDatabase(baseUrl: string): Promise<string> {
  const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "0";
  const url = new URL(baseUrl);
  const name = scratchDatabaseName(baseUrl, `w${worker}_${process.pid}`);
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
      server = { base, url };
      return openDatabase({ url, max: 5 });
    })();
  }
  return shared;
}

// Registered at import, so it belongs to the test file (a hook registered later, from inside a
// beforeEach where testDatabase() is usually first called, never ran: every file left its database).
// Only under vitest: scripts may import the test support too.
if (process.env.VITEST)
  afterAll(async () => {
    if (!shared) return;
    const database = await shared.catch(() => undefined);
    shared = undefined;
    await database?.close().catch(() => {});
    if (server) await dropServerDatabase(server.base, server.url);
    server = undefined;
  });

export const TABLES = [
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
  "stranger_activity",
  "hq_viewers",
  "menu_buttons",
];

/**
 * The audit trail refuses TRUNCATE (a trigger, issue 12.9). Tests run as a superuser, which may switch
 * ordinary triggers off for its own transaction (session_replication_role = replica); the application's
 * role may not (README "A server PostgreSQL"), so this is a test-only door.
 */
export async function resetDatabase(database: Database): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw("SET LOCAL session_replication_role = replica"));
    await tx.execute(sql.raw(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`));
  });
}
