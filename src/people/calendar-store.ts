/**
 * The working-day calendar in the database (D1): the explicit days an administrator adds (`calendar_days`)
 * over the rules' seed (KZ_SEED and the Art. 5 fallback). A database day wins over the seed; removing it
 * brings the seed's answer back. Every change is audited with before and after, and returned so that a job
 * can recompute the due dates it moves.
 *
 * Issue 17: the calendar is cached in process, keyed by a fingerprint of the table's content (CALENDAR_STAMP,
 * an md5 the database computes). A use case reads the fingerprint as one more column of a statement it
 * sends anyway (the submit's student row, a case's institution) and passes it to loadCalendar, which reads
 * the table only when that content is not cached yet. Any change by anyone (this process, another instance,
 * the admin CLI, plain SQL) changes the fingerprint, so a cached calendar is never used for content it does
 * not match; two databases with the same content may share an entry, which is the same calendar.
 */
import { createHash } from "node:crypto";
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
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

/**
 * The fingerprint of what loadCalendar reads (every day, kind and note), as a column to add to a select:
 * `db.select({ …, calendarStamp: CALENDAR_STAMP })`. Evaluated once per statement, on its snapshot.
 */
export const CALENDAR_STAMP = sql<string>`(select md5(coalesce(jsonb_agg(jsonb_build_array(${calendarDays.day}, ${calendarDays.kind}, ${calendarDays.note}) order by ${calendarDays.day})::text, '')) from ${calendarDays})`;

/** The fingerprint of an empty table: md5 of the empty string, as CALENDAR_STAMP computes it. */
const EMPTY_STAMP = createHash("md5").update("").digest("hex");

interface Cached {
  overrides: CalendarOverride[];
  /** One calendar per week pattern. */
  byPattern: Map<string, Calendar>;
}

/** fingerprint → content; a few entries (the current content, and tests' databases side by side). */
const cache = new Map<string, Cached>();
const CACHE_ENTRIES = 8;

function remember(stamp: string, overrides: CalendarOverride[]): Cached {
  const entry = { overrides, byPattern: new Map<string, Calendar>() };
  cache.delete(stamp);
  cache.set(stamp, entry);
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return entry;
}

function calendarOf(entry: Cached, weekPattern?: readonly number[]): Calendar {
  const key = weekPattern ? weekPattern.join(",") : "";
  let calendar = entry.byPattern.get(key);
  if (!calendar) {
    calendar = makeCalendar({ weekPattern, overrides: entry.overrides });
    entry.byPattern.set(key, calendar);
  }
  return calendar;
}

/**
 * The rules' calendar for a week pattern: the seed plus the database entries (the database wins). With
 * `stamp` (CALENDAR_STAMP read by the caller), the cached calendar of that content when there is one, with
 * no statement; otherwise the table is read, with its fingerprint in the same statement, and cached.
 */
export async function loadCalendar(
  db: Executor,
  weekPattern?: readonly number[],
  stamp?: string,
): Promise<Calendar> {
  const hit = stamp === undefined ? undefined : cache.get(stamp);
  if (hit) return calendarOf(hit, weekPattern);
  const rows = await db
    .select({
      day: calendarDays.day,
      kind: calendarDays.kind,
      note: calendarDays.note,
      stamp: CALENDAR_STAMP,
    })
    .from(calendarDays);
  const overrides: CalendarOverride[] = rows.map((r) => ({
    date: r.day,
    kind: r.kind,
    note: r.note,
  }));
  return calendarOf(remember(rows[0]?.stamp ?? EMPTY_STAMP, overrides), weekPattern);
}

/** Forgets the cached calendars (tests). */
export function clearCalendarCache(): void {
  cache.clear();
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
