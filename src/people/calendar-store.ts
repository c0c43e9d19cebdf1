/**
 * The working-day calendar in the database (D1): the explicit days an administrator adds (`calendar_days`)
 * over the rules' seed (KZ_SEED and the Art. 5 fallback). A database day wins over the seed; removing it
 * brings the seed's answer back. Every change is audited with before and after, and returned so that a job
 * can recompute the due dates it moves.
 */
import { and, asc, eq, gte, lte } from "drizzle-orm";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { calendarDays } from "../db/schema";
import { InputError } from "../errors";
import {
  type Calendar,
  type CalendarOverride,
  type DayKind,
  isLocalDate,
  type LocalDate,
  makeCalendar,
} from "../rules";
import { type Actor, by } from "./institutions";

export type { DayKind };

export interface CalendarDay {
  day: LocalDate;
  kind: DayKind;
  source: string;
  note: string;
}

/** What a change did; `before`/`after` are the database entries (null = none, the seed decides). */
export interface CalendarChange {
  day: LocalDate;
  before: CalendarDay | null;
  after: CalendarDay | null;
  changed: boolean;
}

const NOTE_MAX = 300;

const toDay = (r: typeof calendarDays.$inferSelect): CalendarDay => ({
  day: r.day,
  kind: r.kind,
  source: r.source,
  note: r.note,
});

function checkDay(day: string): LocalDate {
  if (!isLocalDate(day)) throw new InputError(`"${day}" is not a date: use YYYY-MM-DD, e.g. 2026-03-23`);
  return day;
}

/** The database entries, all or of one year, by date. */
export async function listCalendarDays(db: Executor, year?: number): Promise<CalendarDay[]> {
  const rows = await db
    .select()
    .from(calendarDays)
    .where(
      year === undefined
        ? undefined
        : and(gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)),
    )
    .orderBy(asc(calendarDays.day));
  return rows.map(toDay);
}

/** The rules' calendar for a week pattern: the seed plus the database entries (the database wins). */
export async function loadCalendar(db: Executor, weekPattern?: readonly number[]): Promise<Calendar> {
  const rows = await db.select().from(calendarDays);
  const overrides: CalendarOverride[] = rows.map((r) => ({
    date: r.day,
    kind: r.kind,
    note: r.note,
  }));
  return makeCalendar({ weekPattern, overrides });
}

/** Adds or changes the database entry of a day. */
export async function setCalendarDay(
  db: Db,
  entry: { day: string; kind: DayKind; note?: string; source?: string },
  now: Date,
  actor?: Actor,
): Promise<CalendarChange> {
  const day = checkDay(entry.day);
  if (entry.kind !== "day_off" && entry.kind !== "working")
    throw new InputError(`"${String(entry.kind)}" is not a kind of day: use day_off or working`);
  const note = (entry.note ?? "").normalize("NFC").trim().replace(/\s+/g, " ");
  if (note.length > NOTE_MAX) throw new InputError(`the note is longer than ${NOTE_MAX} characters`);
  const after: CalendarDay = { day, kind: entry.kind, source: entry.source ?? "admin", note };
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(calendarDays).where(eq(calendarDays.day, day)).for("update");
    const before = row ? toDay(row) : null;
    if (before && before.kind === after.kind && before.note === after.note && before.source === after.source)
      return { day, before, after: before, changed: false };
    await tx
      .insert(calendarDays)
      .values(after)
      .onConflictDoUpdate({
        target: calendarDays.day,
        set: { kind: after.kind, source: after.source, note: after.note },
      });
    await audit(tx, { at: now, action: "calendar.changed", ...by(actor, { day }), before, after });
    return { day, before, after, changed: true };
  });
}

/** Removes the database entry of a day (the seed decides again); `changed` is false when there was none. */
export async function removeCalendarDay(
  db: Db,
  day: string,
  now: Date = new Date(),
  actor?: Actor,
): Promise<CalendarChange> {
  const d = checkDay(day);
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(calendarDays).where(eq(calendarDays.day, d)).returning();
    if (!row) return { day: d, before: null, after: null, changed: false };
    const before = toDay(row);
    await audit(tx, { at: now, action: "calendar.changed", ...by(actor, { day: d }), before, after: null });
    return { day: d, before, after: null, changed: true };
  });
}
