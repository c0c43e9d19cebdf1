/**
 * Issue 12.11: a roster of any size imports (70,000 rows: above the 65,535 bind parameters one statement
 * may carry, which broke the old import), and no error output of the administrator's command line carries
 * personal data (a failed query's message lists its parameters: every personal number of the file).
 * The time for 50,000 rows is measured by bench/roster-import.bench.ts (target ≤ 10 s).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { rosterCsv } from "../../bench/roster-import.bench";
import { runCli } from "../../src/cli/run";
import type { Database } from "../../src/db/client";
import { invites, students } from "../../src/db/schema";
import { resetDatabase, testDatabase } from "../support/db";
import { institution, NOW } from "./fixtures";

let database: Database;
const dir = mkdtempSync(path.join(tmpdir(), "roster-scale-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  database = await testDatabase();
  await resetDatabase(database);
  await institution(database.db);
});

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    run: (...argv: string[]) =>
      runCli(argv, { db: database.db, out: (s) => out.push(s), err: (s) => err.push(s), now: () => NOW }),
  };
}

describe("roster import at scale (issue 12.11)", () => {
  it("imports 70,000 learners and makes 70,000 invite links", { timeout: 240_000 }, async () => {
    const file = path.join(dir, "big.csv");
    const links = path.join(dir, "links.csv");
    writeFileSync(file, rosterCsv(70_000));
    const c = cli();
    expect(await c.run("roster", "import", "AKAD", file, "--out", links, "--bot", "test_bot")).toBe(0);
    expect(c.err).toEqual([]);
    expect(c.out[0]).toBe("roster AKAD: 70000 created, 0 updated, 0 unchanged");
    expect(c.out[1]).toMatch(/^70000 new invites \(valid until .*\) written to /);
    const [{ n }] = (await database.db.select({ n: count() }).from(students)) as [{ n: number }];
    expect(Number(n)).toBe(70_000);
    const [{ n: made }] = (await database.db.select({ n: count() }).from(invites)) as [{ n: number }];
    expect(Number(made)).toBe(70_000);
    const lines = readFileSync(links, "utf8").trim().split("\r\n");
    expect(lines).toHaveLength(70_001);
    expect(lines[70_000]).toMatch(/^Ж-070000,[^,]+,https:\/\/t\.me\/test_bot\?start=[A-Za-z0-9_-]{32}$/);

    const [one] = await database.db.select().from(students).where(eq(students.personalNumber, "Ж-070000"));
    const [link] = await database.db.select().from(invites).where(eq(invites.studentId, one!.id));
    expect(link?.revokedAt).toBeNull();
  });

  it("a failing query's error output names no learner: the SQL, never its parameters", async () => {
    const file = path.join(dir, "small.csv");
    writeFileSync(file, rosterCsv(300));
    // A database that refuses the write (a trigger standing in for a statement timeout or a lost disk).
    await database.db.execute(
      sql.raw(`CREATE OR REPLACE FUNCTION test_refuse_students() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'injected failure'; END; $$ LANGUAGE plpgsql`),
    );
    await database.db.execute(
      sql.raw(`CREATE TRIGGER test_refuse_students BEFORE INSERT ON students
        FOR EACH ROW EXECUTE FUNCTION test_refuse_students()`),
    );
    const c = cli();
    const prev = process.env.CLI_DEBUG;
    process.env.CLI_DEBUG = "1"; // the stack too: it must be as clean
    try {
      expect(await c.run("roster", "import", "AKAD", file)).toBe(1);
    } finally {
      if (prev === undefined) delete process.env.CLI_DEBUG;
      else process.env.CLI_DEBUG = prev;
      await database.db.execute(sql.raw("DROP TRIGGER test_refuse_students ON students"));
      await database.db.execute(sql.raw("DROP FUNCTION test_refuse_students()"));
    }
    const output = [...c.out, ...c.err].join("\n");
    expect(c.err[0]).toMatch(/^error: roster import failed: Failed query: .*injected failure/);
    for (const secret of ["Ж-000001", "Ж-000150", "Ж-000300", "Әбішев", "Нұрғалиев", "Нұрлан"])
      expect(output).not.toContain(secret);
    expect(output).not.toContain("params:");
    // Nothing was imported.
    expect(await database.db.select().from(students)).toEqual([]);
  });
});
