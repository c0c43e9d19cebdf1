/**
 * The PostgreSQL driver (postgres.js 3.4.9, the latest release) when the server terminates a connection
 * under it. Upstream, three open defects turn that into a dead process or a wedged pool (porsager/postgres
 * issues #1208/#1133, #1192 and #1186/#1215); scripts/patch-postgres.mjs patches them at install time.
 * Each case here reproduces one of them against the real server and fails on the unpatched driver.
 * PostgreSQL only: the embedded database has no connections to lose (test/faults/process-policy.test.ts
 * covers the process-level policy on both).
 */
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driverPatched } from "../../scripts/patch-postgres.mjs";
import { scratchDatabaseName } from "../support/db";

const base = process.env.TEST_DATABASE_URL;

/** Errors that escaped every handler while a case ran (they would have killed `npm start`). */
function escapes() {
  const seen: string[] = [];
  const onErr = (e: unknown) => seen.push(String(e));
  process.on("uncaughtException", onErr);
  process.on("unhandledRejection", onErr);
  return {
    seen,
    stop() {
      process.off("uncaughtException", onErr);
      process.off("unhandledRejection", onErr);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a promise settles with (the error if it rejects), with its rejection handled from this moment. */
const settle = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    (v) => v,
    (e: unknown) => e,
  );

describe("the driver patch is installed", () => {
  it("node_modules/postgres carries every fix of scripts/patch-postgres.mjs", () => {
    expect(driverPatched()).toBe(true);
  });
});

describe.skipIf(!base)("postgres.js when the server terminates its connection", () => {
  let url: string;
  let admin: ReturnType<typeof postgres>;
  let name: string;

  beforeAll(async () => {
    name = scratchDatabaseName(base!, `driver_${process.pid}`);
    admin = postgres(base!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const u = new URL(base!);
    u.pathname = `/${name}`;
    url = u.toString();
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`create table marks (id int)`;
    await sql.end();
  });

  afterAll(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  const kill = (pid: number) => admin`select pg_terminate_backend(${pid})`;

  it("a transaction whose backend dies rejects; nothing escapes; the pool serves at once", async () => {
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    const e = escapes();
    try {
      for (let round = 0; round < 5; round++) {
        let pid = 0;
        const tx = sql.begin(async (t) => {
          pid = (await t`select pg_backend_pid() as pid`)[0]!.pid as number;
          await t`select pg_sleep(2)`; // in flight when the backend dies: postgres.js then writes ROLLBACK
        });
        // Handled at once, as the app does: the transaction may reject before the kill query returns, and a
        // rejection with no handler yet would count as an escape here (the test's own, not the driver's).
        const outcome = settle(tx);
        while (!pid) await sleep(10);
        await kill(pid);
        expect(await outcome).toBeInstanceOf(Error);
        await sleep(50); // the driver's deferred write (setImmediate) would throw here
        // Every pooled connection answers promptly: none is wedged by a write left over from the dead one.
        const started = Date.now();
        await Promise.all([sql`select 1`, sql`select 2`, sql`select 3`, sql`select 4`]);
        expect(Date.now() - started).toBeLessThan(2000);
      }
      expect(e.seen).toEqual([]);
    } finally {
      e.stop();
      await sql.end({ timeout: 1 });
    }
  }, 60_000);

  it("a transaction callback that goes on after its connection died never writes outside a transaction", async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const e = escapes();
    try {
      let pid = 0;
      let late: Promise<unknown> | undefined;
      const tx = sql.begin(async (t) => {
        pid = (await t`select pg_backend_pid() as pid`)[0]!.pid as number;
        await t`select pg_sleep(2)`.catch(() => {}); // swallowed: the callback carries on
        await sleep(300); // the pool has reconnected by now (another query asked for the connection)
        late = t`insert into marks values (1)`;
        await late;
      });
      const outcome = settle(tx); // handled at once (see above)
      while (!pid) await sleep(10);
      await kill(pid);
      expect(await outcome).toBeInstanceOf(Error);
      expect((await sql`select 1 as one`)[0]!.one).toBe(1); // reconnects the pool's only connection
      await sleep(600);
      await expect(late).rejects.toThrow(/CONNECTION_CLOSED/);
      // The insert did not run on the replacement connection (where it would have committed on its own).
      expect((await sql`select count(*)::int as n from marks`)[0]!.n).toBe(0);
      expect(e.seen).toEqual([]);
    } finally {
      e.stop();
      await sql.end({ timeout: 1 });
    }
  }, 30_000);

  it("a connection whose type lookup fails on connect does not leave an unhandled rejection", async () => {
    // A 1 ms statement timeout cancels the driver's own pg_type query on every new connection (#1192).
    const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { statement_timeout: 1 } });
    const e = escapes();
    try {
      await sql`select 1`.catch(() => {});
      await sleep(100);
      expect(e.seen).toEqual([]);
    } finally {
      e.stop();
      await sql.end({ timeout: 1 });
    }
  });
});
