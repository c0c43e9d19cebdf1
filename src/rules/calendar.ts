// Working-day calendar (D1, CALENDAR.md). A working day is a day of the institution's week pattern that is
// not a day off, plus any day a transfer made a working day. The data is explicit (seeded for 2024–2027 and
// editable by an administrator); the Law "On holidays" Art. 5 shift is only a fallback for other years.
import {
  dayNumberFromParts,
  fromDayNumber,
  isoWeekdayOfDayNumber,
  type LocalDate,
  partsFromDayNumber,
  toDayNumber,
} from "./dates";

export interface CalendarOverride {
  date: LocalDate;
  kind: "day_off" | "working";
  note?: string;
}

/**
 * An immutable working-day calendar. `overrides` holds every explicit day (the seed, if used, plus the
 * institution's own entries, which win). Build it with makeCalendar(); treat it as read-only.
 */
export interface Calendar {
  /** ISO weekdays (1 = Monday … 7 = Sunday) that are working days; default [1, 2, 3, 4, 5]. */
  readonly weekPattern: readonly number[];
  readonly overrides: ReadonlyMap<LocalDate, "day_off" | "working">;
}

/** D1: the default week is Monday–Friday (five-day week); an institution may set its own pattern. */
export const FIVE_DAY_WEEK: readonly number[] = Object.freeze([1, 2, 3, 4, 5]);

// --- Seed: CALENDAR.md §3.3, weekday days off (python-holidays HEAD plus transfers) and working weekends ----

const off = (date: LocalDate, note: string): CalendarOverride =>
  Object.freeze({ date, kind: "day_off", note });
const work = (date: LocalDate, note: string): CalendarOverride =>
  Object.freeze({ date, kind: "working", note });

/** Years for which KZ_SEED is complete explicit data (2027 is a projection). */
export const KZ_SEED_YEARS: readonly number[] = Object.freeze([2024, 2025, 2026, 2027]);

/**
 * Every weekday day off of 2024–2026 (+ the 2027 projection) and the working weekend days, CALENDAR.md §3.3.
 * Weekend holidays are absent on purpose: on a five-day week they are days off anyway (their substitutes are
 * listed). Kurban Ait on a Sunday (2024-06-16; 2027-05-16 est.) adds no weekday day off and is not moved.
 */
export const KZ_SEED: readonly CalendarOverride[] = Object.freeze([
  // 2024
  off("2024-01-01", "New Year"),
  off("2024-01-02", "New Year"),
  off("2024-03-08", "International Women's Day"),
  off("2024-03-21", "Nauryz"),
  off("2024-03-22", "Nauryz"),
  off("2024-03-25", "Nauryz: substitute for Sat 23.03 (Law on holidays Art. 5)"),
  off("2024-05-01", "Unity Day of the People of Kazakhstan"),
  work("2024-05-04", "Working Saturday: day off transferred to Wed 08.05.2024 (MTSZN order 17.04.2024)"),
  off("2024-05-07", "Defender of the Fatherland Day"),
  off("2024-05-08", "Transfer from Sat 04.05.2024 (MTSZN order 17.04.2024, Labour Code Art. 85 p. 3)"),
  off("2024-05-09", "Victory Day"),
  off("2024-07-08", "Capital Day: substitute for Sat 06.07 (Art. 5)"),
  off("2024-08-30", "Constitution Day"),
  off("2024-10-25", "Republic Day"),
  off("2024-12-16", "Independence Day"),
  // 2025
  off("2025-01-01", "New Year"),
  off("2025-01-02", "New Year"),
  off("2025-01-03", "Transfer from Sun 05.01.2025 (approved 21.11.2024)"),
  work("2025-01-05", "Working Sunday: day off transferred to Fri 03.01.2025"),
  off("2025-01-07", "Orthodox Christmas"),
  off("2025-03-10", "International Women's Day: substitute for Sat 08.03 (Art. 5)"),
  off("2025-03-21", "Nauryz"),
  off("2025-03-24", "Nauryz: substitute for Sat 22.03 (Art. 5)"),
  off("2025-03-25", "Nauryz: substitute for Sun 23.03 (Art. 5)"),
  off("2025-05-01", "Unity Day of the People of Kazakhstan"),
  off("2025-05-07", "Defender of the Fatherland Day"),
  off("2025-05-09", "Victory Day"),
  off("2025-06-06", "Kurban Ait, first day"),
  off("2025-07-07", "Capital Day: substitute for Sun 06.07 (Art. 5)"),
  off("2025-09-01", "Constitution Day: substitute for Sat 30.08 (Art. 5)"),
  off("2025-10-27", "Republic Day: substitute for Sat 25.10 (Art. 5)"),
  off("2025-12-16", "Independence Day"),
  // 2026: no transfers; no 16.03 (Constitution Day on 15.03 only from 2027) and no 31.08 (30.08 abolished)
  off("2026-01-01", "New Year"),
  off("2026-01-02", "New Year"),
  off("2026-01-07", "Orthodox Christmas"),
  off("2026-03-09", "International Women's Day: substitute for Sun 08.03 (Art. 5)"),
  off("2026-03-23", "Nauryz"),
  off("2026-03-24", "Nauryz: substitute for Sat 21.03 (Art. 5)"),
  off("2026-03-25", "Nauryz: substitute for Sun 22.03 (Art. 5)"),
  off("2026-05-01", "Unity Day of the People of Kazakhstan"),
  off("2026-05-07", "Defender of the Fatherland Day"),
  off("2026-05-11", "Victory Day: substitute for Sat 09.05 (Art. 5)"),
  off("2026-05-27", "Kurban Ait, first day"),
  off("2026-07-06", "Capital Day"),
  off("2026-10-26", "Republic Day: substitute for Sun 25.10 (Art. 5)"),
  off("2026-12-16", "Independence Day"),
  // 2027: projection; transfers unknown, Kurban Ait estimated on Sun 16.05 (no weekday day off)
  off("2027-01-01", "New Year"),
  off("2027-01-04", "New Year: substitute for Sat 02.01 (Art. 5)"),
  off("2027-01-07", "Orthodox Christmas"),
  off("2027-03-08", "International Women's Day"),
  off("2027-03-15", "Constitution Day (new date from 2027)"),
  off("2027-03-22", "Nauryz"),
  off("2027-03-23", "Nauryz"),
  off("2027-03-24", "Nauryz: substitute for Sun 21.03 (Art. 5)"),
  off("2027-05-03", "Unity Day: substitute for Sat 01.05 (Art. 5)"),
  off("2027-05-07", "Defender of the Fatherland Day"),
  off("2027-05-10", "Victory Day: substitute for Sun 09.05 (Art. 5)"),
  off("2027-07-06", "Capital Day"),
  off("2027-10-25", "Republic Day"),
  off("2027-12-16", "Independence Day"),
]);

// --- Fallback: Law "On holidays" Art. 5 for years without explicit data --------------------------------

/**
 * Kurban Ait, first day (CALENDAR.md §3.4). Set each year by the Spiritual Administration of Muslims, so only
 * known dates are listed; for other years the administrator must add it as an override.
 */
export const KURBAN_AIT: Readonly<Record<number, { date: LocalDate; estimated: boolean }>> = Object.freeze({
  2024: { date: "2024-06-16", estimated: false },
  2025: { date: "2025-06-06", estimated: false },
  2026: { date: "2026-05-27", estimated: false },
  2027: { date: "2027-05-16", estimated: true },
});

export interface Holiday {
  date: LocalDate;
  name: string;
  /** false for 7 January and Kurban Ait (Labour Code Art. 84 p. 5): never moved off a weekend. */
  moves: boolean;
}

/** National and state holidays of a year under the Law "On holidays" as amended (CALENDAR.md §3.2). */
export function statutoryHolidays(year: number): Holiday[] {
  if (!Number.isInteger(year) || year < 1000 || year > 9999)
    throw new RangeError(`Year out of range: ${year}`);
  const list: Holiday[] = [];
  const add = (month: number, day: number, name: string, moves = true): void => {
    list.push({ date: fromDayNumber(dayNumberFromParts(year, month, day)), name, moves });
  };
  add(1, 1, "New Year");
  add(1, 2, "New Year");
  if (year >= 2006) add(1, 7, "Orthodox Christmas", false);
  add(3, 8, "International Women's Day");
  if (year >= 2027) add(3, 15, "Constitution Day"); // new Constitution adopted 15.03.2026, celebrated from 2027
  if (year >= 2010) {
    add(3, 21, "Nauryz");
    add(3, 22, "Nauryz");
    add(3, 23, "Nauryz");
  } else {
    add(3, 22, "Nauryz");
  }
  add(5, 1, "Unity Day of the People of Kazakhstan");
  if (year >= 2013) add(5, 7, "Defender of the Fatherland Day");
  add(5, 9, "Victory Day");
  if (year >= 2009) add(7, 6, "Capital Day");
  if (year <= 2025) add(8, 30, "Constitution Day"); // not a day off from 2026 (MTSZN 18.03.2026)
  if (year >= 2022) add(10, 25, "Republic Day"); // restored in 2022
  if (year >= 2012 && year <= 2021) add(12, 1, "First President's Day");
  add(12, 16, "Independence Day");
  if (year < 2022) add(12, 17, "Independence Day");
  const kurban = KURBAN_AIT[year];
  if (kurban !== undefined) list.push({ date: kurban.date, name: "Kurban Ait, first day", moves: false });
  return list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

const isWeekend = (dayNumber: number): boolean => isoWeekdayOfDayNumber(dayNumber) >= 6;

/**
 * Art. 5 fallback: the weekday (Mon–Fri) days off of a year on the five-day week. A holiday on Saturday or
 * Sunday moves to the next working day after the holiday; consecutive holidays move in sequence (Nauryz
 * Sat–Mon gives Mon–Wed). 7 January and Kurban Ait are not moved; Kurban Ait only where KURBAN_AIT knows it.
 * Transfers (Labour Code Art. 85 p. 3) are not predictable and are not included.
 */
export function statutoryDaysOff(year: number): LocalDate[] {
  return [...statutoryDayNumbers(year)].sort((a, b) => a - b).map(fromDayNumber);
}

const statutoryCache = new Map<number, ReadonlySet<number>>();
const holidayCache = new Map<number, ReadonlySet<number>>();

function holidayDayNumbers(year: number): ReadonlySet<number> {
  let set = holidayCache.get(year);
  if (set === undefined) {
    set = new Set(statutoryHolidays(year).map((h) => toDayNumber(h.date)));
    holidayCache.set(year, set);
  }
  return set;
}

function statutoryDayNumbers(year: number): ReadonlySet<number> {
  const hit = statutoryCache.get(year);
  if (hit !== undefined) return hit;
  const holidays = statutoryHolidays(year);
  const holidayDays = holidayDayNumbers(year);
  const daysOff = new Set<number>();
  for (const h of holidays) {
    const n = toDayNumber(h.date);
    if (!isWeekend(n)) {
      daysOff.add(n);
    } else if (h.moves) {
      let s = n + 1;
      while (isWeekend(s) || holidayDays.has(s) || daysOff.has(s)) s++;
      daysOff.add(s);
    }
  }
  statutoryCache.set(year, daysOff);
  return daysOff;
}

// --- Calendar values ------------------------------------------------------------------------------------

/** A Map that refuses changes after construction, so a Calendar stays an immutable value. */
class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [k, v] of entries) super.set(k, v);
  }
  override set(_key: K, _value: V): this {
    throw new TypeError("Calendar overrides are immutable; build a new calendar");
  }
  override delete(_key: K): boolean {
    throw new TypeError("Calendar overrides are immutable; build a new calendar");
  }
  override clear(): void {
    throw new TypeError("Calendar overrides are immutable; build a new calendar");
  }
}

interface CalendarConfig {
  /** Years whose days off all come from explicit data (the seed), so the Art. 5 fallback stays out. */
  readonly explicitYears: ReadonlySet<number>;
  readonly fallback: boolean;
}

const configs = new WeakMap<Calendar, CalendarConfig>();

function validPattern(pattern: readonly number[]): readonly number[] {
  const set = new Set(pattern);
  for (const d of set) {
    if (!Number.isInteger(d) || d < 1 || d > 7) throw new RangeError(`Week pattern day must be 1..7: ${d}`);
  }
  if (set.size === 0) throw new RangeError("Week pattern must have at least one working weekday");
  return Object.freeze([...set].sort((a, b) => a - b));
}

/**
 * Build a calendar (D1). `seed` (default true) adds KZ_SEED and, for years outside KZ_SEED_YEARS, the Art. 5
 * fallback; `fallback` can switch the fallback on or off on its own. Explicit `overrides` always win over
 * seed and fallback (to cancel a seeded day off, add it as "working"; later duplicates win).
 */
export function makeCalendar(
  opts: {
    weekPattern?: readonly number[];
    overrides?: readonly CalendarOverride[];
    seed?: boolean;
    fallback?: boolean;
  } = {},
): Calendar {
  const seed = opts.seed ?? true;
  const fallback = opts.fallback ?? seed;
  const weekPattern = validPattern(opts.weekPattern ?? FIVE_DAY_WEEK);
  const merged = new Map<LocalDate, "day_off" | "working">();
  for (const o of seed ? KZ_SEED : []) merged.set(o.date, o.kind);
  for (const o of opts.overrides ?? []) {
    toDayNumber(o.date); // throws on a malformed date
    if (o.kind !== "day_off" && o.kind !== "working")
      throw new RangeError(`Bad override kind: ${String(o.kind)}`);
    merged.set(o.date, o.kind);
  }
  const calendar: Calendar = Object.freeze({ weekPattern, overrides: new FrozenMap(merged) });
  configs.set(calendar, { explicitYears: new Set(seed ? KZ_SEED_YEARS : []), fallback });
  return calendar;
}

/** The seeded five-day-week calendar of Kazakhstan (KZ_SEED, Art. 5 fallback for other years). */
export const DEFAULT_CALENDAR: Calendar = makeCalendar();

// --- Compiled lookup (hot path) ---------------------------------------------------------------------------

const WORKING = 1;
const OFF = 2;
const TABLE_BASE = dayNumberFromParts(1900, 1, 1);
const TABLE_SIZE = dayNumberFromParts(2200, 1, 1) - TABLE_BASE;

/** Internal: a calendar turned into a lazily filled day table (1 = working, 2 = off, 0 = not yet known). */
export interface CompiledCalendar {
  readonly table: Int8Array;
  readonly base: number;
  readonly size: number;
  /** Computes (and caches, inside the table range) whether a day number is a working day. */
  readonly resolve: (dayNumber: number) => boolean;
}

const compiled = new WeakMap<Calendar, CompiledCalendar>();

/** Internal: compile a calendar once (cached per calendar object). Calendars built by hand get no fallback. */
export function compileCalendar(calendar: Calendar): CompiledCalendar {
  const hit = compiled.get(calendar);
  if (hit !== undefined) return hit;
  const config = configs.get(calendar) ?? { explicitYears: new Set<number>(), fallback: false };
  const week = new Array<boolean>(8).fill(false);
  for (const d of calendar.weekPattern) week[d] = true;
  const byDay = new Map<number, boolean>();
  for (const [date, kind] of calendar.overrides) byDay.set(toDayNumber(date), kind === "working");
  const table = new Int8Array(TABLE_SIZE);
  const resolve = (dayNumber: number): boolean => {
    let working = byDay.get(dayNumber);
    if (working === undefined) {
      const weekday = isoWeekdayOfDayNumber(dayNumber);
      working = week[weekday] === true;
      if (working && (config.fallback || config.explicitYears.size > 0)) {
        const [year] = partsFromDayNumber(dayNumber);
        if (weekday >= 6) {
          // [I] A holiday is a non-working day under any week pattern (Law "On holidays"); the seed lists
          // weekdays only, so a Saturday holiday of a six-day week is caught here. The seed's substitute
          // days are those of the five-day week (transfers apply to it only, CALENDAR.md §3.1).
          if (holidayDayNumbers(year).has(dayNumber)) working = false;
        } else if (
          config.fallback &&
          !config.explicitYears.has(year) &&
          statutoryDayNumbers(year).has(dayNumber)
        ) {
          working = false;
        }
      }
    }
    const i = dayNumber - TABLE_BASE;
    if (i >= 0 && i < TABLE_SIZE) table[i] = working ? WORKING : OFF;
    return working;
  };
  const c: CompiledCalendar = { table, base: TABLE_BASE, size: TABLE_SIZE, resolve };
  compiled.set(calendar, c);
  return c;
}

/** Internal: is a day number a working day in a compiled calendar. */
export function isWorkingDayNumber(c: CompiledCalendar, dayNumber: number): boolean {
  const i = dayNumber - c.base;
  const s = i >= 0 && i < c.size ? c.table[i] : 0;
  return s === 0 ? c.resolve(dayNumber) : s === WORKING;
}

/** D1: is `date` a working day (week pattern, then explicit overrides, then the Art. 5 fallback). */
export function isWorkingDay(date: LocalDate, calendar: Calendar = DEFAULT_CALENDAR): boolean {
  return isWorkingDayNumber(compileCalendar(calendar), toDayNumber(date));
}
