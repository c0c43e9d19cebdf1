/**
 * The jobs' shared timing and escalation rules. Who holds which role lives in src/people/holders.ts
 * (holdingsOn); the pending steps the digests and breaches list, in src/cases/queries.ts (pendingSteps).
 */

import { DateTime } from "luxon";
import type { Executor } from "../db/client";
import { institutions } from "../db/schema";
import { loadCalendar } from "../people/calendar-store";

import {
  type Calendar,
  type DueKind,
  isWorkingDay,
  type LocalDate,
  localDateOf,
  type Role,
  TIME_ZONE,
} from "../rules";

/**
 * Who hears of a missed statutory deadline besides the step's own holders: the head of the institution
 * (who decides and instructs, cl. 12, 16, 19, 20) and, for the personnel subdivision's steps, the deputy
 * head in charge of personnel work (D4: he supervises that subdivision). Targets (D3) never escalate.
 */
export function escalationRoles(stepRole: Role): Role[] {
  return stepRole === "personnel_officer" ? ["head", "deputy_personnel"] : ["head"];
}

/** Only statutory deadlines (cl. 7, 14, 15, 18, 20, 21, 26) are breached and escalated; D3 targets are not. */
export const escalates = (step: { dueKind: DueKind | null }): boolean => step.dueKind === "statutory";

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
