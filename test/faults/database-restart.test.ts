/**
 * The database goes away in the middle of a run. On PostgreSQL every connection of the test database is
 * terminated (what a server restart looks like to the bot); on the embedded database the PGlite instance
 * is closed and opened again from its files. The bot recovers: no report lost, no step doubled.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { type Database, openDatabase } from "../../src/db/client";
import { caseSteps, cases } from "../../src/db/schema";
import { resetDatabase, testDatabase } from "../support/db";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { REASONS, stepButton } from "../support/flows";
import { Harness } from "../support/harness";

async function restart(database: Database, dataDir: string): Promise<Database> {
  if (database.kind === "postgres") {
    const [{ name }] = (await database.db.execute(sql`select current_database() as name`)) as unknown as [
      { name: string },
    ];
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    await admin.end();
    return database; // postgres.js reconnects on the next query
  }
  await database.close();
  return openDatabase({ dataDir });
}

describe("fault: the database restarts mid-run", () => {
  it("the bot reconnects; the report in progress is not lost and no step is doubled", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "fault-db-"));
    let database = process.env.TEST_DATABASE_URL ? await testDatabase() : await openDatabase({ dataDir });
    if (database.kind === "postgres") await resetDatabase(database);
    try {
      let h = new Harness(database, fixedClock("2026-03-20T04:00:00Z"));
      const inst = await addInstitution(h.db);
      const staff = await addStaff(h.db, inst.id);
      const { tg } = await addStudent(h.db, inst.id);
      await h.command(tg, "report");
      await h.press(tg, "r:g:own_will");
      await h.text(tg, REASONS);

      database = await restart(database, dataDir);
      h = new Harness(database, h.clock, [], h.tg);
      // The first update after the restart may meet a dead connection: the user is told to try again.
      await h.press(tg, "r:c:no");
      if (!h.buttonsTo(tg.id).length) await h.press(tg, "r:c:no");
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, "r:l:ru");
      expect(h.tg.lastTextTo(tg.id)).toContain(REASONS); // the answer given before the restart
      await h.press(tg, "r:submit");
      await h.flush();
      const button = stepButton(h, staff.deputy.tg, "waive");

      database = await restart(database, dataDir);
      h = new Harness(database, h.clock, [], h.tg);
      await h.press(staff.deputy.tg, button);
      await h.text(staff.deputy.tg, "Әңгімелесу бұрын өткізілген.");
      await h.press(staff.deputy.tg, button); // a retry after the error: must not double the step
      await h.text(staff.deputy.tg, "Әңгімелесу бұрын өткізілген.");

      expect(await h.db.select().from(cases)).toHaveLength(1);
      const endorse = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "endorse"));
      expect(endorse.map((s) => s.state)).toEqual(["done"]);
      expect(await h.db.select().from(caseSteps).where(eq(caseSteps.key, "instruct"))).toHaveLength(1);
    } finally {
      if (database.kind === "pglite") await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
