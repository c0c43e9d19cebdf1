// Working-day calendar (D1, D15, docs/calendar.md). A working day is a day of the institution's week that
// is not a day off, plus any day a transfer made a working day. The data is explicit (seeded for 2024–2027
// and editable by an administrator); the Law "On holidays" Art. 5 shift is only a fallback for other years.
// D15 (docs/calendar.md): Art. 5 moves a holiday only when it falls on a day off *of the institution's week*,
// and the decree transfers (Labour Code Art. 85 p. 3) are made for the five-day week. So the seed's
// substitute days and transfers are those of the five-day week; any other week pattern (the six-day week)
// keeps the seed's holidays and gets its own Art. 5 substitutes, without the transfers.
import {
  dayNumberFromParts,
  fromDayNumber,
  isoWeekdayOfDayNumber,
  type LocalDate,
  partsFromDayNumber,
  toDayNumber,
} from "./dates";

/** An explicit day of the calendar: a day off on a working weekday, or a working day on a weekend (D1). */
export type DayKind = "day_off" | "working";

export interface CalendarOverride {
  date: LocalDate;
  kind: DayKind;
  note?: string;
}

/**
 * An immutable working-day calendar. `overrides` holds every explicit day (the seed as it applies to the
 * week pattern, if used, plus the institution's own entries, which win). Build it with makeCalendar(); treat
 * it as read-only.
 */
export interface Calendar {
  /** ISO weekdays (1 = Monday … 7 = Sunday) that are working days; default [1, 2, 3, 4, 5]. */
  readonly weekPattern: readonly number[];
  readonly overrides: ReadonlyMap<LocalDate, DayKind>;
}

/** D1: the default week is Monday–Friday (five-day week); an institution may set its own pattern. */
export const FIVE_DAY_WEEK: readonly number[] = Object.freeze([1, 2, 3, 4, 5]);

// --- Seed: docs/calendar.md, every holiday of 2024–2027, the five-day week's substitutes and transfers ------

interface SeedDayBase {
  readonly date: LocalDate;
  readonly note: string;
}

/**
 * One day of the seed, tagged with what it is (D15; docs/calendar.md), so that a week pattern can take the
 * part that applies to it:
 * - `holiday`: a national or state holiday (Law "On holidays"), a day off under every week pattern, whatever
 *   weekday it falls on. `moves` is false for 7 January and Kurban Ait (Labour Code Art. 84 p. 5).
 * - `substitute`: the five-day week's Art. 5 day off for the holiday on `for`, which fell on its Saturday or
 *   Sunday.
 * - `transfer`: a decree transfer of the five-day week (Labour Code Art. 85 p. 3): the working weekend day
 *   and the weekday the rest went to; `pair` is the other day of the transfer.
 */
export type SeedDay =
  | (SeedDayBase & { readonly kind: "day_off"; readonly basis: "holiday"; readonly moves: boolean })
  | (SeedDayBase & { readonly kind: "day_off"; readonly basis: "substitute"; readonly for: LocalDate })
  | (SeedDayBase & {
      readonly kind: DayKind;
      readonly basis: "transfer";
      readonly pair: LocalDate;
    });

const holiday = (date: LocalDate, note: string, moves = true): SeedDay =>
  Object.freeze({ date, kind: "day_off", note, basis: "holiday", moves });
/** 7 January and Kurban Ait: days off whatever the regime, never moved off a weekend (LC Art. 84 p. 5). */
const fixedHoliday = (date: LocalDate, note: string): SeedDay => holiday(date, note, false);
const substitute = (date: LocalDate, forDate: LocalDate, note: string): SeedDay =>
  Object.freeze({ date, kind: "day_off", note, basis: "substitute", for: forDate });
const transferOff = (date: LocalDate, from: LocalDate, note: string): SeedDay =>
  Object.freeze({ date, kind: "day_off", note, basis: "transfer", pair: from });
const transferWork = (date: LocalDate, to: LocalDate, note: string): SeedDay =>
  Object.freeze({ date, kind: "working", note, basis: "transfer", pair: to });

/** Years for which KZ_SEED is complete explicit data (2027 is a projection). */
export const KZ_SEED_YEARS: readonly number[] = Object.freeze([2024, 2025, 2026, 2027]);

/**
 * Every seed day of 2024–2027 in date order, tagged (SeedDay): all holidays (weekend ones too), the five-day
 * week's Art. 5 substitutes (docs/calendar.md, python-holidays HEAD) and the decree transfers.
 */
export const KZ_SEED_DAYS: readonly SeedDay[] = Object.freeze([
  // 2024
  holiday("2024-01-01", "New Year"),
  holiday("2024-01-02", "New Year"),
  fixedHoliday("2024-01-07", "Orthodox Christmas"), // Sunday, not moved
  holiday("2024-03-08", "International Women's Day"),
  holiday("2024-03-21", "Nauryz"),
  holiday("2024-03-22", "Nauryz"),
  holiday("2024-03-23", "Nauryz"), // Saturday
  substitute("2024-03-25", "2024-03-23", "Nauryz: substitute for Sat 23.03 (Law on holidays Art. 5)"),
  holiday("2024-05-01", "Unity Day of the People of Kazakhstan"),
  transferWork(
    "2024-05-04",
    "2024-05-08",
    "Working Saturday: day off transferred to Wed 08.05.2024 (MTSZN order 17.04.2024)",
  ),
  holiday("2024-05-07", "Defender of the Fatherland Day"),
  transferOff(
    "2024-05-08",
    "2024-05-04",
    "Transfer from Sat 04.05.2024 (MTSZN order 17.04.2024, Labour Code Art. 85 p. 3)",
  ),
  holiday("2024-05-09", "Victory Day"),
  fixedHoliday("2024-06-16", "Kurban Ait, first day"), // Sunday (ДУМК moved it from 17.06), not moved
  holiday("2024-07-06", "Capital Day"), // Saturday
  substitute("2024-07-08", "2024-07-06", "Capital Day: substitute for Sat 06.07 (Art. 5)"),
  holiday("2024-08-30", "Constitution Day"),
  holiday("2024-10-25", "Republic Day"),
  holiday("2024-12-16", "Independence Day"),
  // 2025
  holiday("2025-01-01", "New Year"),
  holiday("2025-01-02", "New Year"),
  transferOff("2025-01-03", "2025-01-05", "Transfer from Sun 05.01.2025 (approved 21.11.2024)"),
  transferWork("2025-01-05", "2025-01-03", "Working Sunday: day off transferred to Fri 03.01.2025"),
  fixedHoliday("2025-01-07", "Orthodox Christmas"),
  holiday("2025-03-08", "International Women's Day"), // Saturday
  substitute("2025-03-10", "2025-03-08", "International Women's Day: substitute for Sat 08.03 (Art. 5)"),
  holiday("2025-03-21", "Nauryz"),
  holiday("2025-03-22", "Nauryz"), // Saturday
  holiday("2025-03-23", "Nauryz"), // Sunday
  substitute("2025-03-24", "2025-03-22", "Nauryz: substitute for Sat 22.03 (Art. 5)"),
  substitute("2025-03-25", "2025-03-23", "Nauryz: substitute for Sun 23.03 (Art. 5)"),
  holiday("2025-05-01", "Unity Day of the People of Kazakhstan"),
  holiday("2025-05-07", "Defender of the Fatherland Day"),
  holiday("2025-05-09", "Victory Day"),
  fixedHoliday("2025-06-06", "Kurban Ait, first day"),
  holiday("2025-07-06", "Capital Day"), // Sunday
  substitute("2025-07-07", "2025-07-06", "Capital Day: substitute for Sun 06.07 (Art. 5)"),
  holiday("2025-08-30", "Constitution Day"), // Saturday
  substitute("2025-09-01", "2025-08-30", "Constitution Day: substitute for Sat 30.08 (Art. 5)"),
  holiday("2025-10-25", "Republic Day"), // Saturday
  substitute("2025-10-27", "2025-10-25", "Republic Day: substitute for Sat 25.10 (Art. 5)"),
  holiday("2025-12-16", "Independence Day"),
  // 2026: no transfers; no 15.03 (Constitution Day only from 2027) and no 30.08 (abolished)
  holiday("2026-01-01", "New Year"),
  holiday("2026-01-02", "New Year"),
  fixedHoliday("2026-01-07", "Orthodox Christmas"),
  holiday("2026-03-08", "International Women's Day"), // Sunday
  substitute("2026-03-09", "2026-03-08", "International Women's Day: substitute for Sun 08.03 (Art. 5)"),
  holiday("2026-03-21", "Nauryz"), // Saturday
  holiday("2026-03-22", "Nauryz"), // Sunday
  holiday("2026-03-23", "Nauryz"),
  substitute("2026-03-24", "2026-03-21", "Nauryz: substitute for Sat 21.03 (Art. 5)"),
  substitute("2026-03-25", "2026-03-22", "Nauryz: substitute for Sun 22.03 (Art. 5)"),
  holiday("2026-05-01", "Unity Day of the People of Kazakhstan"),
  holiday("2026-05-07", "Defender of the Fatherland Day"),
  holiday("2026-05-09", "Victory Day"), // Saturday
  substitute("2026-05-11", "2026-05-09", "Victory Day: substitute for Sat 09.05 (Art. 5)"),
  fixedHoliday("2026-05-27", "Kurban Ait, first day"),
  holiday("2026-07-06", "Capital Day"),
  holiday("2026-10-25", "Republic Day"), // Sunday
  substitute("2026-10-26", "2026-10-25", "Republic Day: substitute for Sun 25.10 (Art. 5)"),
  holiday("2026-12-16", "Independence Day"),
  // 2027: projection; transfers unknown, Kurban Ait estimated on Sun 16.05 (no weekday day off)
  holiday("2027-01-01", "New Year"),
  holiday("2027-01-02", "New Year"), // Saturday
  substitute("2027-01-04", "2027-01-02", "New Year: substitute for Sat 02.01 (Art. 5)"),
  fixedHoliday("2027-01-07", "Orthodox Christmas"),
  holiday("2027-03-08", "International Women's Day"),
  holiday("2027-03-15", "Constitution Day (new date from 2027)"),
  holiday("2027-03-21", "Nauryz"), // Sunday
  holiday("2027-03-22", "Nauryz"),
  holiday("2027-03-23", "Nauryz"),
  substitute("2027-03-24", "2027-03-21", "Nauryz: substitute for Sun 21.03 (Art. 5)"),
  holiday("2027-05-01", "Unity Day of the People of Kazakhstan"), // Saturday
  substitute("2027-05-03", "2027-05-01", "Unity Day: substitute for Sat 01.05 (Art. 5)"),
  holiday("2027-05-07", "Defender of the Fatherland Day"),
  holiday("2027-05-09", "Victory Day"), // Sunday
  substitute("2027-05-10", "2027-05-09", "Victory Day: substitute for Sun 09.05 (Art. 5)"),
  fixedHoliday("2027-05-16", "Kurban Ait, first day (estimated)"), // Sunday, not moved
  holiday("2027-07-06", "Capital Day"),
  holiday("2027-10-25", "Republic Day"),
  holiday("2027-12-16", "Independence Day"),
]);

// ISO weekday bit masks of a week pattern (bit d set = weekday d works): the key of the per-pattern caches.
const maskOf = (pattern: readonly number[]): number => {
  let mask = 0;
  for (const d of pattern) mask |= 1 << d;
  return mask;
};
const FIVE_DAY_MASK = maskOf(FIVE_DAY_WEEK);
const worksOn = (mask: number, dayNumber: number): boolean =>
  (mask & (1 << isoWeekdayOfDayNumber(dayNumber))) !== 0;

/**
 * The five-day week's explicit days (docs/calendar.md): every weekday day off of 2024–2026 (+ the 2027
 * projection) and the working weekend days, i.e. KZ_SEED_DAYS without the weekend holidays (days off on a
 * five-day week anyway). Kurban Ait on a Sunday (2024-06-16; 2027-05-16 est.) adds no day off and is not moved.
 */
const FIVE_DAY_SEED: readonly SeedDay[] = Object.freeze(
  KZ_SEED_DAYS.filter((d) => d.basis !== "holiday" || worksOn(FIVE_DAY_MASK, toDayNumber(d.date))),
);
export const KZ_SEED: readonly CalendarOverride[] = FIVE_DAY_SEED;

// --- Law "On holidays" Art. 5 on a week pattern -----------------------------------------------------------

interface DatedHoliday {
  readonly day: number;
  readonly moves: boolean;
}

/**
 * Law "On holidays" Art. 5 (docs/calendar.md): "when a day off and a holiday coincide, the day off is the next
 * working day after the holiday". A day off is a day outside the week pattern (D15): on a six-day week a
 * Saturday holiday is simply a day off and nothing moves to Monday; a Sunday holiday moves. Holidays move in
 * date order, each to the first working day of the pattern after it that is neither a holiday nor taken by
 * an earlier move (Nauryz Sat–Mon 2026: Tue–Wed on the five-day week, Tue on the six-day week).
 * Returns the days off that fall on working days of the pattern, each mapped to its holiday's day number
 * (itself for a holiday on a working day).
 */
function articleFive(holidays: readonly DatedHoliday[], mask: number): Map<number, number> {
  const sorted = [...holidays].sort((a, b) => a.day - b.day);
  const isHoliday = new Set(sorted.map((h) => h.day));
  const off = new Map<number, number>();
  for (const h of sorted) {
    if (worksOn(mask, h.day)) {
      off.set(h.day, h.day);
    } else if (h.moves) {
      let s = h.day + 1;
      while (!worksOn(mask, s) || isHoliday.has(s) || off.has(s)) s++;
      off.set(s, h.day);
    }
  }
  return off;
}

const WEEKDAY_ABBR = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const seedCache = new Map<number, readonly SeedDay[]>();

/** The seed for a valid pattern's mask; see kzSeedFor. */
function seedFor(mask: number): readonly SeedDay[] {
  if (mask === FIVE_DAY_MASK) return FIVE_DAY_SEED;
  const hit = seedCache.get(mask);
  if (hit !== undefined) return hit;
  // D15; docs/calendar.md: the holidays stay; the five-day week's substitutes and decree transfers do not
  // apply; Art. 5 is applied again on this pattern.
  const holidays = new Map<number, SeedDay>();
  for (const d of KZ_SEED_DAYS) if (d.basis === "holiday") holidays.set(toDayNumber(d.date), d);
  const days: SeedDay[] = [];
  const moved = articleFive(
    [...holidays.entries()].map(([day, d]) => ({ day, moves: d.basis === "holiday" && d.moves })),
    mask,
  );
  for (const [day, from] of [...moved.entries()].sort((a, b) => a[0] - b[0])) {
    const h = holidays.get(from) as SeedDay;
    if (day === from) {
      days.push(h);
    } else {
      const [, month, dom] = partsFromDayNumber(from);
      const when = `${WEEKDAY_ABBR[isoWeekdayOfDayNumber(from)]} ${String(dom).padStart(2, "0")}.${String(month).padStart(2, "0")}`;
      days.push(substitute(fromDayNumber(day), h.date, `${h.note}: substitute for ${when} (Art. 5)`));
    }
  }
  const frozen = Object.freeze(days);
  seedCache.set(mask, frozen);
  return frozen;
}

/**
 * The seed as it applies to a week pattern (D15; docs/calendar.md): the days where the seed changes what the
 * pattern says. The five-day week gets KZ_SEED (its substitutes and decree transfers); any other pattern gets
 * the holidays that fall on its working days and its own Art. 5 substitutes, and no transfers.
 */
export function kzSeedFor(weekPattern: readonly number[] = FIVE_DAY_WEEK): readonly SeedDay[] {
  return seedFor(maskOf(validPattern(weekPattern)));
}

// --- Fallback: Law "On holidays" Art. 5 for years without explicit data --------------------------------

/**
 * Kurban Ait, first day (docs/calendar.md). Set each year by the Spiritual Administration of Muslims, so only
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

/** National and state holidays of a year under the Law "On holidays" as amended (docs/calendar.md). */
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

/**
 * Art. 5 fallback: the days off of a year that fall on working days of a week pattern (default: the
 * five-day week, Mon–Fri). A holiday on a working day of the pattern is a day off; a holiday outside the
 * pattern moves to the next working day after it, consecutive holidays in sequence (Nauryz Sat–Mon gives
 * Mon–Wed on the five-day week); on a six-day week a Saturday holiday does not move (D15). 7 January and
 * Kurban Ait are not moved; Kurban Ait only where KURBAN_AIT knows it. Transfers (Labour Code Art. 85 p. 3)
 * are not predictable and are not included.
 */
export function statutoryDaysOff(year: number, weekPattern: readonly number[] = FIVE_DAY_WEEK): LocalDate[] {
  const mask = maskOf(validPattern(weekPattern));
  return [...statutoryDayNumbers(year, mask)].sort((a, b) => a - b).map(fromDayNumber);
}

const statutoryCache = new Map<number, ReadonlySet<number>>();

function statutoryDayNumbers(year: number, mask: number): ReadonlySet<number> {
  const key = mask * 10_000 + year; // statutoryHolidays accepts years 1000..9999 only
  const hit = statutoryCache.get(key);
  if (hit !== undefined) return hit;
  const holidays = statutoryHolidays(year).map((h) => ({ day: toDayNumber(h.date), moves: h.moves }));
  const daysOff: ReadonlySet<number> = new Set(articleFive(holidays, mask).keys());
  statutoryCache.set(key, daysOff);
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
 * Build a calendar (D1). `seed` (default true) adds the seed as it applies to the week pattern (kzSeedFor:
 * KZ_SEED on the five-day week; D15 on any other) and, for years outside KZ_SEED_YEARS, the Art. 5 fallback
 * on the same pattern; `fallback` can switch the fallback on or off on its own. Explicit `overrides` (the
 * administrator's days) always win over seed and fallback, whatever the pattern (to cancel a seeded day off,
 * add it as "working"; later duplicates win).
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
  const merged = new Map<LocalDate, DayKind>();
  for (const o of seed ? seedFor(maskOf(weekPattern)) : []) merged.set(o.date, o.kind);
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
  const mask = maskOf(calendar.weekPattern);
  const byDay = new Map<number, boolean>();
  for (const [date, kind] of calendar.overrides) byDay.set(toDayNumber(date), kind === "working");
  const table = new Int8Array(TABLE_SIZE);
  const resolve = (dayNumber: number): boolean => {
    let working = byDay.get(dayNumber);
    if (working === undefined) {
      const weekday = isoWeekdayOfDayNumber(dayNumber);
      working = week[weekday] === true;
      if (working && config.fallback) {
        // Seeded years come from the overrides alone (kzSeedFor); other years from Art. 5 on this
        // calendar's own pattern (D15; docs/calendar.md: on a six-day week a Saturday holiday is a day off
        // and does not move).
        const [year] = partsFromDayNumber(dayNumber);
        if (!config.explicitYears.has(year) && statutoryDayNumbers(year, mask).has(dayNumber))
          working = false;
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
