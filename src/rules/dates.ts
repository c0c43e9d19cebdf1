// Local dates and instants for counting periods (D1; UTC+5: docs/calendar.md, "The counting").
//
// Hot-path date math works on integer day numbers (days since 1970-01-01, proleptic Gregorian), never on
// luxon objects: addWorkingDays must do >= 1e6 calls/s. luxon is used only to ask the IANA zone for its
// UTC offset, so that Asia/Almaty's move from UTC+6 to UTC+5 on 2024-03-01 (tzdata 2024a) is respected.
import { DateTime, IANAZone } from "luxon";

/** D1: every period is counted on the local calendar of Asia/Almaty (all of Kazakhstan is UTC+5 since 2024-03-01). */
export const TIME_ZONE = "Asia/Almaty";

/** A calendar date without time, "YYYY-MM-DD" (ISO 8601), on the Asia/Almaty calendar. */
export type LocalDate = string;

const MS_PER_DAY = 86_400_000;
const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function dayNumberFromParts(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** [year, month, day] of a day number (H. Hinnant's civil_from_days). */
export function partsFromDayNumber(dayNumber: number): [number, number, number] {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekdayOfDayNumber(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

// Parse cache: the same few hundred dates are parsed again and again (anchors, due dates).
const parseCache = new Map<string, number>();
const PARSE_CACHE_LIMIT = 200_000;

/** Strict check that a string is a real "YYYY-MM-DD" date (no 2025-02-30, no time part). */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== "string") return false;
  if (parseCache.has(value)) return true;
  return parseSlow(value) !== undefined;
}

function parseSlow(value: string): number | undefined {
  const m = LOCAL_DATE_RE.exec(value);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const n = dayNumberFromParts(year, month, day);
  const [y2, m2, d2] = partsFromDayNumber(n);
  if (y2 !== year || m2 !== month || d2 !== day) return undefined; // e.g. 2025-02-30
  return n;
}

/** Day number of a LocalDate; throws RangeError on anything that is not a real "YYYY-MM-DD" date. */
export function toDayNumber(date: LocalDate): number {
  const cached = parseCache.get(date);
  if (cached !== undefined) return cached;
  const n = typeof date === "string" ? parseSlow(date) : undefined;
  if (n === undefined) throw new RangeError(`Not a local date "YYYY-MM-DD": ${String(date)}`);
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
  parseCache.set(date, n);
  return n;
}

// Format cache over 1900–2199, filled lazily; outside it the string is built each time.
const FORMAT_BASE = dayNumberFromParts(1900, 1, 1);
const FORMAT_SIZE = dayNumberFromParts(2200, 1, 1) - FORMAT_BASE;
const formatCache: (string | undefined)[] = new Array(FORMAT_SIZE);

/** LocalDate of a day number (years 0000–9999). */
export function fromDayNumber(dayNumber: number): LocalDate {
  const i = dayNumber - FORMAT_BASE;
  if (i >= 0 && i < FORMAT_SIZE) {
    const hit = formatCache[i];
    if (hit !== undefined) return hit;
    const s = formatSlow(dayNumber);
    formatCache[i] = s;
    return s;
  }
  return formatSlow(dayNumber);
}

function formatSlow(dayNumber: number): LocalDate {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`Not a day number: ${dayNumber}`);
  const [y, m, d] = partsFromDayNumber(dayNumber);
  if (y < 0 || y > 9999) throw new RangeError(`Date out of range (years 0000–9999): day ${dayNumber}`);
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a LocalDate. */
export function isoWeekday(date: LocalDate): number {
  return isoWeekdayOfDayNumber(toDayNumber(date));
}

/** Shift a LocalDate by whole calendar days. */
export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

// --- Instants <-> Asia/Almaty local dates ---------------------------------------------------------------

let zone: IANAZone | undefined;

// The zone is checked on first use, not at import: the workflow half of this module must load anywhere.
function almaty(): IANAZone {
  if (zone === undefined) {
    const z = IANAZone.create(TIME_ZONE);
    // tzdata older than 2024a still puts Almaty at UTC+6 after 2024-03-01: every evening would be a day off.
    if (!z.isValid || z.offset(Date.UTC(2024, 2, 1, 12)) !== 300) {
      throw new Error(`${TIME_ZONE} is unknown or its tzdata predates 2024a (UTC+5 from 2024-03-01)`);
    }
    zone = z;
  }
  return zone;
}

// UTC offset (minutes) per UTC day, cached when it is the same at both ends of that day (no transition).
const offsetCache = new Map<number, number>();

function offsetMinutesAt(ms: number): number {
  const utcDay = Math.floor(ms / MS_PER_DAY);
  const hit = offsetCache.get(utcDay);
  if (hit !== undefined) return hit;
  const z = almaty();
  const start = z.offset(utcDay * MS_PER_DAY);
  const end = z.offset((utcDay + 1) * MS_PER_DAY - 1);
  if (start === end) {
    if (offsetCache.size >= PARSE_CACHE_LIMIT) offsetCache.clear();
    offsetCache.set(utcDay, start);
    return start;
  }
  return z.offset(ms); // a transition falls inside this UTC day: ask for the exact instant
}

function instantMs(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
  return ms;
}

/** Day number of the Asia/Almaty local date of an instant (D1). */
export function localDayNumberOf(instant: Date): number {
  const ms = instantMs(instant);
  return Math.floor((ms + offsetMinutesAt(ms) * 60_000) / MS_PER_DAY);
}

/** The Asia/Almaty local date of an instant (D1). Uses the IANA zone: UTC+6 before 2024-03-01, UTC+5 after. */
export function localDateOf(instant: Date): LocalDate {
  return fromDayNumber(localDayNumberOf(instant));
}

const dueCache = new Map<number, number>();

/** Epoch ms of 23:59:59.999 Asia/Almaty on a day number (D1: a period ends at the end of its last day). */
export function dueInstantMs(dayNumber: number): number {
  const hit = dueCache.get(dayNumber);
  if (hit !== undefined) return hit;
  const [year, month, day] = partsFromDayNumber(dayNumber);
  const ms = DateTime.fromObject({ year, month, day }, { zone: almaty() }).endOf("day").toMillis();
  if (dueCache.size >= PARSE_CACHE_LIMIT) dueCache.clear();
  dueCache.set(dayNumber, ms);
  return ms;
}

/** D1: a period that ends on `date` ends at 23:59:59.999 Asia/Almaty local time of that day (as a UTC Date). */
export function dueInstant(date: LocalDate): Date {
  return new Date(dueInstantMs(toDayNumber(date)));
}
