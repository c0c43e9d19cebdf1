/**
 * Once per `vitest run`: gives the run an id (inherited by every worker, see test/support/db.ts) and, at
 * the end, drops every scratch database of this run still on the server named by TEST_DATABASE_URL (a
 * file that crashed or timed out before its afterAll). Databases of other runs, which may be going on at
 * the same time on a shared server, are left alone.
 */
import postgres from "postgres";

export default function setup() {
  process.env.TEST_RUN_ID ??= `${Date.now().toString(36)}${process.pid}`;
  const runId = process.env.TEST_RUN_ID;
  return async function teardown() {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) return;
    const prefix = `${new URL(base).pathname.slice(1) || "test"}_r${runId}_`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    try {
      const left = await admin<{ datname: string }[]>`
        select datname from pg_database where starts_with(datname, ${prefix})`;
      for (const { datname } of left) await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
}
