/**
 * When the jobs act for an institution: its calendar (D1) and whether its reminder hour has come, at one
 * instant. Who holds which role lives in src/people/holders.ts (holdingsOn); the pending steps the digests
 * and breaches list, in src/cases/queries.ts (pendingSteps); who hears of a missed deadline, in
 * src/rules/escalation.ts.
 */

import { DateTime } from "luxon";
import type { Executor } from "../db/client";
import { institutions } from "../db/schema";
import { loadCalendar } from "../people/calendar-store";
import { type Calendar, isWorkingDay, type LocalDate, localDateOf, TIME_ZONE } from "../rules";

export type InstitutionRow = typeof institutions.$inferSelect;

/** An institution as the jobs see it at one instant: its calendar and whether its reminder hour has come. */
export interface InstitutionNow {
  inst: InstitutionRow;
  calendar: Calendar;
  today: LocalDate;
  /** Today is a working day on the institution's calendar (D1). */
  workingDay: boolean;
  /** The local (Asia/Almaty) time is at or after the institution's reminder hour. */
  afterReminderHour: boolean;
}

/** Local hour (0–23) in Asia/Almaty. */
export function localHourOf(now: Date): number {
  return DateTime.fromJSDate(now, { zone: TIME_ZONE }).hour;
}

/** Every institution with its calendar (one calendar per distinct week pattern) at `now`. */
export async function institutionsAt(db: Executor, now: Date): Promise<InstitutionNow[]> {
  const rows = await db.select().from(institutions).orderBy(institutions.id);
  const today = localDateOf(now);
  const hour = localHourOf(now);
  const calendars = new Map<string, Promise<Calendar>>();
  const out: InstitutionNow[] = [];
  for (const inst of rows) {
    const pattern =
      Array.isArray(inst.weekPattern) && inst.weekPattern.length > 0 ? inst.weekPattern : undefined;
    const key = JSON.stringify(pattern ?? null);
    let cal = calendars.get(key);
    if (!cal) {
      cal = loadCalendar(db, pattern);
      calendars.set(key, cal);
    }
    const calendar = await cal;
    out.push({
      inst,
      calendar,
      today,
      workingDay: isWorkingDay(today, calendar),
      afterReminderHour: hour >= (inst.reminderHour ?? 9),
    });
  }
  return out;
}
