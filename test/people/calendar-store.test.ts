import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { auditEvents, calendarDays } from "../../src/db/schema";
import {
  listCalendarDays,
  loadCalendar,
  removeCalendarDay,
  setCalendarDay,
} from "../../src/people/calendar-store";
import { addWorkingDays, isWorkingDay } from "../../src/rules";
import { resetDatabase, testDatabase } from "../support/db";
import { NOW } from "./fixtures";

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
  await resetDatabase(database);
});

describe("calendar in the database", () => {
  it("is the seed until a day is added; a database day wins over the seed; removing it restores the seed", async () => {
    const empty = await loadCalendar(database.db);
    expect(isWorkingDay("2026-03-23", empty)).toBe(false); // Nauryz (seed)
    expect(isWorkingDay("2026-03-26", empty)).toBe(true);

    const added = await setCalendarDay(
      database.db,
      { day: "2026-03-26", kind: "day_off", note: "  Decree  No. 1 " },
      NOW,
    );
    expect(added).toEqual({
      day: "2026-03-26",
      before: null,
      after: { day: "2026-03-26", kind: "day_off", source: "admin", note: "Decree No. 1" },
      changed: true,
    });
    const cancelled = await setCalendarDay(database.db, { day: "2026-03-23", kind: "working" }, NOW);
    expect(cancelled.changed).toBe(true);
    const cal = await loadCalendar(database.db);
    expect(isWorkingDay("2026-03-26", cal)).toBe(false);
    expect(isWorkingDay("2026-03-23", cal)).toBe(true);
    // Friday 20 March + 2 working days: Monday 23 (now working), then Friday 27 (24, 25 seed, 26 database).
    expect(addWorkingDays("2026-03-20", 2, cal)).toBe("2026-03-27");

    const removed = await removeCalendarDay(database.db, "2026-03-23", NOW);
    expect(removed).toMatchObject({ changed: true, before: { kind: "working" }, after: null });
    expect(isWorkingDay("2026-03-23", await loadCalendar(database.db))).toBe(false);
    expect((await listCalendarDays(database.db, 2026)).map((d) => d.day)).toEqual(["2026-03-26"]);
    expect(await listCalendarDays(database.db, 2025)).toEqual([]);
  });

  it("uses the institution's week pattern", async () => {
    const sixDays = await loadCalendar(database.db, [1, 2, 3, 4, 5, 6]);
    expect(isWorkingDay("2026-03-28", sixDays)).toBe(true); // a Saturday
    await setCalendarDay(database.db, { day: "2026-03-28", kind: "day_off" }, NOW);
    expect(isWorkingDay("2026-03-28", await loadCalendar(database.db, [1, 2, 3, 4, 5, 6]))).toBe(false);
  });

  it("audits each change with before and after, and nothing for a no-op", async () => {
    await setCalendarDay(database.db, { day: "2026-06-01", kind: "day_off", note: "a" }, NOW, { via: "cli" });
    await setCalendarDay(database.db, { day: "2026-06-01", kind: "working", note: "b" }, NOW);
    const same = await setCalendarDay(database.db, { day: "2026-06-01", kind: "working", note: "b" }, NOW);
    expect(same.changed).toBe(false);
    await removeCalendarDay(database.db, "2026-06-01", NOW);
    const nothing = await removeCalendarDay(database.db, "2026-06-01", NOW);
    expect(nothing).toEqual({ day: "2026-06-01", before: null, after: null, changed: false });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "calendar.changed"))
      .orderBy(auditEvents.id);
    expect(
      events.map((e) => [
        (e.before as { kind?: string } | null)?.kind ?? null,
        (e.after as { kind?: string } | null)?.kind ?? null,
      ]),
    ).toEqual([
      [null, "day_off"],
      ["day_off", "working"],
      ["working", null],
    ]);
    expect(events[0]?.details).toEqual({ day: "2026-06-01", via: "cli" });
    expect(await database.db.select().from(calendarDays)).toEqual([]);
  });

  it("refuses bad dates, kinds and notes", async () => {
    await expect(setCalendarDay(database.db, { day: "2026-02-30", kind: "day_off" }, NOW)).rejects.toThrow(
      /not a date/,
    );
    await expect(
      setCalendarDay(database.db, { day: "2026-02-03", kind: "holiday" as never }, NOW),
    ).rejects.toThrow(/not a kind of day/);
    await expect(
      setCalendarDay(database.db, { day: "2026-02-03", kind: "day_off", note: "x".repeat(301) }, NOW),
    ).rejects.toThrow(/longer/);
    await expect(removeCalendarDay(database.db, "03.02.2026", NOW)).rejects.toThrow(/not a date/);
  });
});
