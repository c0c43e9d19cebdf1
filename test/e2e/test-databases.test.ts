/**
 * Test runs on PostgreSQL leave no database behind (issue 12.19): each test file creates its own scratch
 * database (test/support/db.ts) and must drop it when it ends. Runs a real `vitest run` of two small test
 * files against a base database of its own (every scratch database is named after the base), then looks
 * for databases with that prefix on the server. PostgreSQL only (TEST_DATABASE_URL).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import postgres from "postgres";
import { describe, expect, it } from "vitest";

const base = process.env.TEST_DATABASE_URL;

describe.skipIf(!base)("scratch databases of a test run", () => {
  it("are all dropped when the run ends", async () => {
    const admin = postgres(base!, { max: 1, onnotice: () => {} });
    const prefix = `leakcheck_${process.pid}`;
    await admin.unsafe(`CREATE DATABASE "${prefix}"`);
    const childBase = new URL(base!);
    childBase.pathname = `/${prefix}`;
    const root = path.resolve(__dirname, "../..");
    const files = ["test/foundation/database.test.ts", "test/faults/outbox-lease.test.ts"];
    try {
      const child = spawn(
        process.execPath,
        [path.join(root, "node_modules/vitest/vitest.mjs"), "run", ...files],
        {
          cwd: root,
          env: { ...process.env, TEST_RUN_ID: undefined, TEST_DATABASE_URL: childBase.toString() },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        out += d;
      });
      const code = await new Promise<number | null>((r) => child.once("exit", r));
      expect(out).toMatch(/Test Files\s+.*2 passed/); // both files really ran on PostgreSQL
      expect(code).toBe(0);
      const left = await admin`select datname from pg_database where starts_with(datname, ${`${prefix}_`})`;
      expect(left.map((r) => r.datname)).toEqual([]);
    } finally {
      const all = await admin`select datname from pg_database where starts_with(datname, ${prefix})`;
      for (const { datname } of all) await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      await admin.end();
    }
  }, 180_000);
});
