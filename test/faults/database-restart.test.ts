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
import { auditEvents, caseSteps, cases } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { resetDatabase, testDatabase } from "../support/db";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { confirmButton, REASONS, stepButton } from "../support/flows";
import { Harness } from "../support/harness";

async function restart(database: Database, dataDir: string): Promise<Database> {
  if (database.kind === "postgres") {
    const [{ name }] = (await database.db.execute(sql`select current_database() as name`)) as unknown as [
      { name: string },
    ];
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    const killed =
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    await admin.end();
    expect(killed.length).toBeGreaterThan(0); // the bot's connections really went away
    return database; // postgres.js reconnects on the next query
  }
  await database.close();
  return openDatabase({ dataDir });
}

const t = tFor("kk");
/** Internal-error answers so far: what the error boundary sends when an update fails. */
const failures = (h: Harness) =>
  h.tg.calls.filter(
    (c) =>
      (c.method === "answerCallbackQuery" && c.payload.text === t("errors.internal_short")) ||
      (c.method === "sendMessage" && c.payload.text === t("errors.internal")),
  ).length;

/**
 * What a user does after "something went wrong, try again": the same action again. Each pooled connection
 * that died with the server fails once before it reconnects, so it may take a few tries.
 */
async function retrying(h: Harness, action: () => Promise<void>) {
  for (let i = 0; i < 8; i++) {
    const before = failures(h);
    await action();
    if (failures(h) === before) return i;
  }
  throw new Error("the bot did not recover");
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
      // The first updates after the restart may meet dead connections: the user is told to try again.
      await retrying(h, () => h.press(tg, "r:c:no"));
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, "r:l:ru");
      expect(h.tg.lastTextTo(tg.id)).toContain(REASONS); // the answer given before the restart
      await h.press(tg, "r:submit");
      await h.flush();
      // The deputy's opinion to the head (D4): "disagree" asks for a reason, so the press opens an input
      // that has to survive the restart.
      const disagree = stepButton(h, staff.deputy.tg, "disagree");
      const interview = stepButton(h, staff.deputy.tg, "interview");
      const dissent = "Себептері дәлелсіз, оқуды жалғастыруға мүмкіндігі бар.";

      database = await restart(database, dataDir);
      h = new Harness(database, h.clock, [], h.tg);
      await retrying(h, () => h.press(staff.deputy.tg, disagree));
      await retrying(h, () => h.text(staff.deputy.tg, dissent));
      // A second press of the same button (as a nervous user would): answered, never a second transition.
      await retrying(h, () => h.press(staff.deputy.tg, disagree));
      await retrying(h, () => h.text(staff.deputy.tg, dissent));
      // The cl. 4 interview, pressed twice too.
      await retrying(h, () => h.press(staff.deputy.tg, interview));
      await retrying(h, () => h.text(staff.deputy.tg, "20.03.2026"));
      await retrying(h, () => h.press(staff.deputy.tg, interview));
      await h.flush();
      const instruct = stepButton(h, staff.head.tg, "instruct");

      // Again while the head instructs: the instruction opens the cl. 20 conversation, exactly once.
      database = await restart(database, dataDir);
      h = new Harness(database, h.clock, [], h.tg);
      await retrying(h, () => h.press(staff.head.tg, instruct));
      await retrying(h, () => h.press(staff.head.tg, instruct));
      // Issue 14.7: each press asks to confirm; the Confirm is pressed twice as well.
      const confirm = confirmButton(h, staff.head.tg);
      expect(confirm).toMatch(/^sc:\d+:instruct$/);
      await retrying(h, () => h.press(staff.head.tg, confirm!));
      await retrying(h, () => h.press(staff.head.tg, confirm!));
      await h.flush();

      expect(await h.db.select().from(cases)).toHaveLength(1);
      expect((await h.db.select().from(cases))[0]?.state).toBe("open");
      const steps = await h.db.select().from(caseSteps).orderBy(caseSteps.id);
      expect(steps.map((s) => [s.key, s.state])).toEqual([
        ["endorse", "done"],
        ["interview", "done"],
        ["instruct", "done"],
        ["conversation", "pending"],
      ]);
      expect(steps[0]?.result).toEqual({ action: "disagree", reason: dissent });
      expect(steps[1]?.result).toEqual({ action: "interview", date: "2026-03-20" });
      for (const action of ["step.disagree", "step.interview", "step.instruct"]) {
        const rows = await h.db.select().from(auditEvents).where(eq(auditEvents.action, action));
        expect(rows, action).toHaveLength(1);
      }
      // The opinion reached the head once, with its reason.
      expect(h.tg.textsTo(staff.head.tg.id).filter((x) => x.includes(dissent))).toHaveLength(1);
    } finally {
      if (database.kind === "pglite") await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
