// Working-day arithmetic (D1). A period of N working days starts the day after the trigger's Asia/Almaty
// local date and ends at 23:59:59.999 local time of the N-th working day.
import { type Calendar, compileCalendar, DEFAULT_CALENDAR, isWorkingDayNumber } from "./calendar";
import { dueInstantMs, fromDayNumber, type LocalDate, localDayNumberOf, toDayNumber } from "./dates";
import type { StepDef } from "./workflows";

/** D1 cites for the counting convention. */
export const COUNTING_CITE = "D1; docs/calendar.md";

// A calendar without a working day in this many consecutive days is broken (e.g. an empty week pattern
// in a hand-built calendar): fail instead of looping for ever.
const MAX_DAYS_OFF_IN_A_ROW = 400;

function dayNumberOfInput(from: LocalDate | Date): number {
  return typeof from === "string" ? toDayNumber(from) : localDayNumberOf(from);
}

/**
 * D1: the N-th working day after `from`'s local date (a Date is first turned into its Asia/Almaty local
 * date). `days` = 0 returns that local date itself.
 */
export function addWorkingDays(
  from: LocalDate | Date,
  days: number,
  calendar: Calendar = DEFAULT_CALENDAR,
): LocalDate {
  const start = dayNumberOfInput(from);
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number >= 0: ${days}`);
  const c = compileCalendar(calendar);
  const { table, base, size } = c;
  let d = start;
  let left = days;
  let idle = 0;
  while (left > 0) {
    d++;
    // Inlined isWorkingDayNumber: a table hit is the common case.
    const i = d - base;
    const s = i >= 0 && i < size ? (table[i] as number) : 0;
    if (s === 0 ? c.resolve(d) : s === 1) {
      left--;
      idle = 0;
    } else if (++idle > MAX_DAYS_OFF_IN_A_ROW) {
      throw new RangeError(
        `No working day in ${MAX_DAYS_OFF_IN_A_ROW} days after ${fromDayNumber(d - idle)}`,
      );
    }
  }
  return fromDayNumber(d);
}

/** Number of working days in (from, to]; 0 when to <= from. */
export function countWorkingDays(
  from: LocalDate,
  to: LocalDate,
  calendar: Calendar = DEFAULT_CALENDAR,
): number {
  return countBetween(toDayNumber(from), toDayNumber(to), calendar);
}

function countBetween(fromDay: number, toDay: number, calendar: Calendar): number {
  const c = compileCalendar(calendar);
  let n = 0;
  for (let d = fromDay + 1; d <= toDay; d++) if (isWorkingDayNumber(c, d)) n++;
  return n;
}

/** D1: a period ending on `due` is overdue once `now` is after 23:59:59.999 Asia/Almaty of that day. */
export function isOverdue(due: LocalDate, now: Date): boolean {
  const ms = now instanceof Date ? now.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
  return ms > dueInstantMs(toDayNumber(due));
}

/**
 * 0 if not overdue; otherwise the working days after `due` up to and including now's local date (today
 * counts if it is a working day). Overdue on the weekend after a Friday deadline is therefore 0 working days.
 */
export function workingDaysOverdue(due: LocalDate, now: Date, calendar: Calendar = DEFAULT_CALENDAR): number {
  if (!isOverdue(due, now)) return 0;
  return countBetween(toDayNumber(due), localDayNumberOf(now), calendar);
}

/** Working days in (today, due], today being now's local date; 0 if due is today or already overdue. */
export function workingDaysLeft(due: LocalDate, now: Date, calendar: Calendar = DEFAULT_CALENDAR): number {
  if (isOverdue(due, now)) return 0;
  return countBetween(localDayNumberOf(now), toDayNumber(due), calendar);
}

/** The dates a step's period can be counted from (D2); see DeadlineAnchor. */
export interface Anchors {
  registered: LocalDate;
  decision?: LocalDate;
  order_date?: LocalDate;
  /** The day this step opened. */
  opened: LocalDate;
}

/** The due date of a step: its anchor + N working days (D1); null if it has no period or the anchor is unknown. */
export function dueDateFor(
  step: StepDef,
  anchors: Anchors,
  calendar: Calendar = DEFAULT_CALENDAR,
): LocalDate | null {
  const rule = step.deadline;
  if (rule === null) return null;
  const from = anchors[rule.from];
  if (from === undefined) return null;
  return addWorkingDays(from, rule.workingDays, calendar);
}
