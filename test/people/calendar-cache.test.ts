/**
 * Issue 17: the calendar is cached in process by a fingerprint of calendar_days that the submit (and a
 * case's context, for acting on it) reads along with rows it reads anyway. A change by anyone (another
 * instance, the admin CLI, plain SQL) changes the fingerprint, so the next submit or action counts with the
 * new calendar, never with the cached one; an unchanged calendar costs no statement.
 */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadCaseContext } from "../../src/cases/common";
import { runCli } from "../../src/cli/run";
import { type Database, type Db, type Executor, openDatabase } from "../../src/db/client";
import { CALENDAR_STAMP, loadCalendar } from "../../src/people/calendar-store";
import { isWorkingDay, type LocalDate } from "../../src/rules";
import { fileCase, staff, stepOf } from "../jobs/helpers";
import { addInstitution } from "../support/fixtures";
import { type Harness, useHarness } from "../support/harness";

const rowsOf = <T>(res: unknown): T[] =>
  (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as T[];

async function stampOf(db: Executor): Promise<string> {
  const [row] = rowsOf<{ stamp: string }>(await db.execute(sql`select ${CALENDAR_STAMP} as stamp`));
  return row!.stamp;
}

/** An executor that must not be used: the cached calendar costs no statement. */
const noStatements = new Proxy({} as Executor, {
  get(_, prop) {
    throw new Error(`a statement was sent (${String(prop)})`);
  },
});

/**
 * Another instance on the same database: on PostgreSQL a second pool of its own; PGlite is one process's
 * database, so there it is the same handle (the fingerprint does not depend on who writes).
 */
const others: Database[] = [];
afterAll(async () => {
  for (const d of others) await d.close();
});
async function otherInstance(h: Harness): Promise<Executor> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return h.db;
  const [row] = rowsOf<{ name: string }>(await h.db.execute(sql`select current_database() as name`));
  const url = new URL(base);
  url.pathname = `/${row!.name}`;
  const d = await openDatabase({ url: url.toString(), max: 1 });
  others.push(d);
  return d.db;
}

describe("the calendar cache (issue 17)", () => {
  const hr = useHarness(); // Friday 20 March 2026, 09:00 Asia/Almaty

  it("an unchanged calendar is not read again; a changed one is, whoever changed it", async () => {
    const h = hr.current;
    const before = await stampOf(h.db);
    const cal = await loadCalendar(h.db, undefined, before);
    // Cached under its fingerprint: the same calendar, with no statement at all.
    expect(await loadCalendar(noStatements, undefined, before)).toBe(cal);
    const six = await loadCalendar(noStatements, [1, 2, 3, 4, 5, 6], before);
    expect(six.weekPattern).toEqual([1, 2, 3, 4, 5, 6]);

    // Plain SQL from another instance: nothing of this process saw it.
    const other = await otherInstance(h);
    await other.execute(
      sql`insert into calendar_days (day, kind, source, note) values ('2026-04-01', 'day_off', 'sql', '')`,
    );
    const after = await stampOf(h.db);
    expect(after).not.toBe(before);
    await expect(loadCalendar(noStatements, undefined, after)).rejects.toThrow("a statement was sent");
    expect(isWorkingDay("2026-04-01", await loadCalendar(h.db, undefined, after))).toBe(false);
    // A note changes the fingerprint too (the calendar carries it), and back to the first content: its entry.
    await other.execute(sql`update calendar_days set note = 'decree' where day = '2026-04-01'`);
    expect(await stampOf(h.db)).not.toBe(after);
    await other.execute(sql`delete from calendar_days`);
    expect(await stampOf(h.db)).toBe(before);
    expect(await loadCalendar(noStatements, undefined, before)).toBe(cal);
  });

  it("a submit and an action after another instance's change count with the new calendar", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await staff(h, inst.id);
    // Warm: this process has the calendar cached, as a running bot has.
    const first = await fileCase(h, inst.id);
    const due = (await stepOf(h.db, first, "instruct")).dueOn as LocalDate;
    expect(isWorkingDay(due, (await loadCaseContext(h.db, first))!.calendar)).toBe(true);

    // Another instance makes the head's due day a day off, by plain SQL (no recompute, no cache of ours).
    const other = await otherInstance(h);
    await other.execute(
      sql`insert into calendar_days (day, kind, source, note) values (${due}, 'day_off', 'sql', 'moved')`,
    );
    const second = await fileCase(h, inst.id);
    const moved = (await stepOf(h.db, second, "instruct")).dueOn as LocalDate;
    expect(moved > due).toBe(true);
    // Acting on a case loads its context the same way: the new calendar.
    expect(isWorkingDay(due, (await loadCaseContext(h.db, first))!.calendar)).toBe(false);

    // The administrator's CLI takes the day off back; the next submit counts as before.
    const run = (...argv: string[]) =>
      runCli(argv, { db: other as Db, out: () => {}, err: () => {}, now: () => h.clock() });
    expect(await run("calendar", "remove", due)).toBe(0);
    const third = await fileCase(h, inst.id);
    expect((await stepOf(h.db, third, "instruct")).dueOn).toBe(due);
    expect(isWorkingDay(due, (await loadCaseContext(h.db, first))!.calendar)).toBe(true);

    // And the CLI's day off, likewise.
    expect(await run("calendar", "add-day-off", due, "--note", "again")).toBe(0);
    const fourth = await fileCase(h, inst.id);
    expect((await stepOf(h.db, fourth, "instruct")).dueOn).toBe(moved);
  });
});
