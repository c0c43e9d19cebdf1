/**
 * The dashboard's statistics (issue 18): what the charts show and the CSV behind each (contract.ts,
 * `Statistics`). Read-only; reads no personal column, so a purged case (D8 keeps its anonymised record:
 * institution, ground, category, state, dates, step timings) counts like any other. Only the institutions
 * asked for are read.
 *
 * Definitions (each row is per institution, ground and category):
 * - states: cases by their current state.
 * - step_times: steps done (state done, done_at set). A step's time is the number of working days in
 *   (opened_on, done date], the done date being the Asia/Almaty date of done_at: countWorkingDays's
 *   convention (D1), the one due dates are counted with. So a step done on the day it opened took 0, one
 *   done on the next working day 1, one done on its due day exactly its period's N (one with a done date
 *   before opened_on 0). Counted on the institution's calendar (calendar_days over the seed, its own week
 *   pattern, D1, D15). medianDays and p90Days are nearest-rank percentiles: the smallest time t such that
 *   at least p of the steps took ≤ t (the value at rank ⌈p·n⌉ of the sorted times; the median of an even
 *   count is the lower middle one).
 * - on_time: statutory steps done (due_kind statutory with a due_on); on time when the done date ≤ due_on
 *   (D1: a period ends at 23:59:59.999 local time of its last day). share = onTime / done. A group with no
 *   statutory step done has no row.
 * - overdue: pending steps of cases with the officials (ACTIVE_CASE_STATES: open, approved; a sent-back
 *   case waits for the learner, D6) whose due_on < today, per step key: what inboxes and digests call
 *   overdue on `today`.
 * - monthly, per calendar month ("YYYY-MM") of the event: filed = cases registered that month
 *   (registered_on); ended = cases now in an ended state (ENDED_CASE_STATES) whose end (the Asia/Almaty date
 *   of closed_at, as D8 counts it) falls in that month (an ended case without closed_at is in no month);
 *   statutoryDone and onTime = statutory steps done that month (done date), and of them those on time. A row
 *   exists when one of the four is not 0.
 * Rows are ordered by institution, then ground, category, state and step in the rules' order (months
 * ascending, first, in monthly).
 *
 * Speed (issue 18: ≤ 200 ms for 10,000 cases with 80,000 steps; bench/statistics.bench.ts): five grouped
 * statements, sent together, each returning at most a few thousand rows. No per-step row leaves the
 * database: a step's working days are computed in SQL as the difference of two lookups in a per-day
 * cumulative index of its institution's calendar, built here (D1 lives in src/rules) and sent as one
 * array; the nearest-rank percentiles are then read off the (working days → steps) histogram.
 */
import { and, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { type Executor, rowsOf } from "../db/client";
import { caseSteps, cases, institutions } from "../db/schema";
import { CALENDAR_STAMP, loadCalendar } from "../people/calendar-store";
import {
  ACTIVE_CASE_STATES,
  CASE_STATES,
  CATEGORIES,
  type Calendar,
  ENDED_CASE_STATES,
  fromDayNumber,
  GROUNDS,
  isWorkingDay,
  type LocalDate,
  STEP_KEYS,
  TIME_ZONE,
  toDayNumber,
} from "../rules";
import type { Statistics, StatsTable } from "./contract";

export interface StatisticsOptions {
  /** The institutions to count (one for an institution's officials; every one for HQ). */
  institutionIds: readonly number[];
  /** The day "now" is counted from (overdue steps), Asia/Almaty. */
  today: LocalDate;
}

/** The percentiles of step_times (nearest rank). */
const MEDIAN = 0.5;
const P90 = 0.9;

/**
 * The days the working-day index covers: ten years before `today` to a year after. A date outside counts as
 * the nearest end (no step of this program is that old; a done date is never in the future).
 */
const INDEX_DAYS_BEFORE = 3653;
const INDEX_DAYS_AFTER = 366;

// Local dates in SQL: the zone is a constant, so an expression in the select list and the same one in
// GROUP BY are the same text.
const ZONE = sql.raw(`'${TIME_ZONE}'`);
/** Whether the server's time zone data knows Asia/Almaty is UTC+5 since 1 March 2024 (tzdata 2024a). */
const ZONE_CHECK = sql<boolean>`((timestamptz '2024-06-01 18:30+00' at time zone ${ZONE})::date = date '2024-06-01')`;

type Inst = { id: number; weekPattern: number[]; stamp: string; zoneOk: boolean };
interface CaseGroup {
  inst: number;
  ground: string;
  category: string;
  state: string;
  regMonth: string;
  endMonth: string | null;
  count: number;
}
/** A bar of a step's histogram: `steps` steps took `wd` working days. */
interface TimeBar {
  inst: number;
  ground: string;
  category: string;
  key: string;
  wd: number;
  steps: number;
}

export async function computeStatistics(db: Executor, opts: StatisticsOptions): Promise<Statistics> {
  const ids = [...new Set(opts.institutionIds)];
  const stats: Statistics = {
    asOf: opts.today,
    states: [],
    step_times: [],
    on_time: [],
    overdue: [],
    monthly: [],
  };
  if (ids.length === 0) return stats;

  // Sent together (a pool runs them side by side); the steps done wait only for the calendars.
  const instsQ = db
    .select({
      id: institutions.id,
      weekPattern: institutions.weekPattern,
      stamp: CALENDAR_STAMP,
      zoneOk: ZONE_CHECK,
    })
    .from(institutions)
    .where(inArray(institutions.id, ids));
  const timesQ = instsQ.then(async (insts) => {
    if (insts.some((i) => !i.zoneOk))
      throw new Error(
        `PostgreSQL's time zone data puts ${TIME_ZONE} at UTC+6 after 2024-03-01: update the server's tzdata (2024a or later)`,
      );
    return stepTimes(db, await workingDayIndex(db, insts, opts.today));
  });
  const [caseGroups, timeBars, statutoryGroups, overdueGroups] = await Promise.all([
    caseFigures(db, ids),
    timesQ,
    statutorySteps(db, ids),
    overdueSteps(db, ids, opts.today),
  ]);

  // --- states, filed, ended -------------------------------------------------------------------------------
  const states = new Map<string, Statistics["states"][number]>();
  const monthly = new Map<string, Statistics["monthly"][number]>();
  const monthRow = (inst: number, month: string, ground: string, category: string) => {
    const k = key(inst, month, ground, category);
    let r = monthly.get(k);
    if (!r) {
      r = { institutionId: inst, month, ground, category, filed: 0, ended: 0, statutoryDone: 0, onTime: 0 };
      monthly.set(k, r);
    }
    return r;
  };
  const ended = new Set<string>(ENDED_CASE_STATES);
  for (const g of caseGroups) {
    const k = key(g.inst, g.ground, g.category, g.state);
    const r = states.get(k);
    if (r) r.count += g.count;
    else
      states.set(k, {
        institutionId: g.inst,
        ground: g.ground,
        category: g.category,
        state: g.state,
        count: g.count,
      });
    monthRow(g.inst, g.regMonth, g.ground, g.category).filed += g.count;
    if (g.endMonth !== null && ended.has(g.state))
      monthRow(g.inst, g.endMonth, g.ground, g.category).ended += g.count;
  }

  // --- steps done: times, on time, monthly statutory --------------------------------------------------
  /** (inst, ground, category, step) → [working days, steps] bars. */
  const times = new Map<string, { group: [number, string, string, string]; bars: [number, number][] }>();
  const onTime = new Map<string, Statistics["on_time"][number]>();
  for (const g of timeBars) {
    const k = key(g.inst, g.ground, g.category, g.key);
    let t = times.get(k);
    if (!t) {
      t = { group: [g.inst, g.ground, g.category, g.key], bars: [] };
      times.set(k, t);
    }
    t.bars.push([g.wd, g.steps]);
  }
  for (const g of statutoryGroups) {
    const k = key(g.inst, g.ground, g.category);
    let o = onTime.get(k);
    if (!o) {
      o = { institutionId: g.inst, ground: g.ground, category: g.category, done: 0, onTime: 0, share: 0 };
      onTime.set(k, o);
    }
    o.done += g.done;
    o.onTime += g.onTime;
    const m = monthRow(g.inst, g.month, g.ground, g.category);
    m.statutoryDone += g.done;
    m.onTime += g.onTime;
  }

  stats.states = [...states.values()].sort(byGroup((r) => rank(CASE_STATES, r.state)));
  stats.step_times = [...times.values()]
    .map(({ group: [inst, ground, category, step], bars }) => {
      bars.sort((a, b) => a[0] - b[0]);
      let n = 0;
      for (const [, c] of bars) n += c;
      return {
        institutionId: inst,
        ground,
        category,
        step,
        done: n,
        medianDays: nearestRank(bars, n, MEDIAN),
        p90Days: nearestRank(bars, n, P90),
      };
    })
    .sort(byGroup((r) => rank(STEP_KEYS, r.step)));
  stats.on_time = [...onTime.values()]
    .map((r) => ({ ...r, share: r.onTime / r.done }))
    .sort(byGroup(() => 0));
  stats.overdue = overdueGroups
    .map((g) => ({
      institutionId: g.inst,
      ground: g.ground,
      category: g.category,
      step: g.key,
      count: g.count,
    }))
    .sort(byGroup((r) => rank(STEP_KEYS, r.step)));
  stats.monthly = [...monthly.values()].sort(
    (a, b) => a.institutionId - b.institutionId || a.month.localeCompare(b.month) || byGroup(() => 0)(a, b),
  );
  return stats;
}

// --- Statements -----------------------------------------------------------------------------------------

/** Every case-level figure from one pass over the cases: states, filed (registration month), ended (end month). */
function caseFigures(db: Executor, ids: number[]): Promise<CaseGroup[]> {
  const regMonth = sql<string>`to_char(${cases.registeredOn}, 'YYYY-MM')`;
  const endMonth = sql<string | null>`to_char(${cases.closedAt} at time zone ${ZONE}, 'YYYY-MM')`;
  return db
    .select({
      inst: cases.institutionId,
      ground: cases.ground,
      category: cases.category,
      state: cases.state,
      regMonth,
      endMonth,
      count: sql<number>`count(*)::int`,
    })
    .from(cases)
    .where(inArray(cases.institutionId, ids))
    .groupBy(cases.institutionId, cases.ground, cases.category, cases.state, regMonth, endMonth);
}

/** Pending steps of running cases (ACTIVE_CASE_STATES) past their due day on `today`. */
function overdueSteps(db: Executor, ids: number[], today: LocalDate) {
  return db
    .select({
      inst: cases.institutionId,
      ground: cases.ground,
      category: cases.category,
      key: caseSteps.key,
      count: sql<number>`count(*)::int`,
    })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .where(
      and(
        inArray(cases.institutionId, ids),
        inArray(cases.state, [...ACTIVE_CASE_STATES]),
        eq(caseSteps.state, "pending"),
        lt(caseSteps.dueOn, today),
      ),
    )
    .groupBy(cases.institutionId, cases.ground, cases.category, caseSteps.key);
}

/** The Asia/Almaty date a step was done (D1). */
const doneOn = sql`(${caseSteps.doneAt} at time zone ${ZONE})::date`;
const isDone = and(eq(caseSteps.state, "done"), isNotNull(caseSteps.doneAt));

/**
 * Statutory steps done (due_kind statutory, with a due_on) per month of the done date, and how many of them
 * on or before their due day.
 */
function statutorySteps(db: Executor, ids: number[]) {
  const month = sql`date_trunc('month', ${caseSteps.doneAt} at time zone ${ZONE})`;
  return db
    .select({
      inst: cases.institutionId,
      ground: cases.ground,
      category: cases.category,
      month: sql<string>`to_char(${month}, 'YYYY-MM')`,
      done: sql<number>`count(*)::int`,
      onTime: sql<number>`(count(*) filter (where ${doneOn} <= ${caseSteps.dueOn}))::int`,
    })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .where(
      and(
        inArray(cases.institutionId, ids),
        isDone,
        eq(caseSteps.dueKind, "statutory"),
        isNotNull(caseSteps.dueOn),
      ),
    )
    .groupBy(cases.institutionId, cases.ground, cases.category, month);
}

/**
 * The histogram of step_times, made by the database: per (institution, ground, category, step, working
 * days) how many steps were done. A step's working days are cum[done date] − cum[opened_on] on its
 * institution's slice of the index (countWorkingDays in SQL: two array lookups), never below 0.
 */
async function stepTimes(db: Executor, index: WorkingDayIndex): Promise<TimeBar[]> {
  // The index is a constant of the statement, never a column: a column would be copied into every row.
  const cum = pgArray(index.cum);
  const at = (day: unknown) =>
    sql`(${cum}::int[])[k.base + least(${index.span}, greatest(0, ${day} - ${index.first}::date))]`;
  const res = await db.execute(sql`
    select ${cases.institutionId} as inst, ${cases.ground} as ground, ${cases.category} as category,
      ${caseSteps.key} as key, greatest(0, ${at(doneOn)} - ${at(caseSteps.openedOn)}) as wd, count(*)::int as steps
    from ${caseSteps}
    join ${cases} on ${cases.id} = ${caseSteps.caseId}
    join (select unnest(${pgArray(index.ids)}::int[]) as id, unnest(${pgArray(index.bases)}::int[]) as base) k
      on k.id = ${cases.institutionId}
    where ${isDone}
    group by 1, 2, 3, 4, 5`);
  return rowsOf<TimeBar>(res);
}

// --- Working days ---------------------------------------------------------------------------------------

/**
 * D1, D15: each institution's calendar (calendar_days over the seed, on its own week pattern) as a
 * cumulative count of working days per day from `first`: cum[i] = working days in (first, first + i]. So
 * the working days in (a, b] are cum[b − first] − cum[a − first] (countWorkingDays's convention). One slice
 * per distinct calendar, concatenated in `cum`; `bases[i]` is where the slice of institution `ids[i]`
 * starts (1-based, as SQL arrays are).
 */
interface WorkingDayIndex {
  ids: number[];
  bases: number[];
  cum: number[];
  first: LocalDate;
  /** The last index inside a slice (its length − 1). */
  span: number;
}

async function workingDayIndex(
  db: Executor,
  insts: readonly Inst[],
  today: LocalDate,
): Promise<WorkingDayIndex> {
  const from = toDayNumber(today) - INDEX_DAYS_BEFORE;
  const span = INDEX_DAYS_BEFORE + INDEX_DAYS_AFTER;
  const cum: number[] = [];
  const baseOf = new Map<Calendar, number>();
  const ids: number[] = [];
  const bases: number[] = [];
  for (const i of insts) {
    // The stamp read with the institutions lets loadCalendar answer from its cache without a statement.
    const calendar = await loadCalendar(db, i.weekPattern, i.stamp);
    let base = baseOf.get(calendar);
    if (base === undefined) {
      base = cum.length + 1;
      baseOf.set(calendar, base);
      let n = 0;
      cum.push(0);
      for (let d = from + 1; d <= from + span; d++) {
        if (isWorkingDay(fromDayNumber(d), calendar)) n++;
        cum.push(n);
      }
    }
    ids.push(i.id);
    bases.push(base);
  }
  return { ids, bases, cum, first: fromDayNumber(from), span };
}

/** A Postgres array literal of whole numbers, sent as one text parameter (drizzle spreads a JS array). */
const pgArray = (xs: readonly number[]) => `{${xs.join(",")}}`;

/**
 * The nearest-rank percentile p (0 < p ≤ 1) of a histogram (value → how many, `n` in all): the smallest value
 * with at least ⌈p·n⌉ values ≤ it. `sorted` is the histogram's entries by value.
 */
export function nearestRank(sorted: readonly (readonly [number, number])[], n: number, p: number): number {
  const wanted = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= wanted) return value;
  }
  return sorted.at(-1)?.[0] ?? 0;
}

// --- Grouping and order ---------------------------------------------------------------------------------

const key = (...parts: (string | number)[]) => parts.join("\u0000");

/** Position in the rules' list; values the rules do not know (old data) go last. */
function rank(list: readonly string[], value: string): number {
  const i = list.indexOf(value);
  return i < 0 ? list.length : i;
}

/** Institution, ground, category in the rules' order, then `then`, then the raw values (stable for unknowns). */
function byGroup<R extends { institutionId: number; ground: string; category: string }>(
  then: (r: R) => number,
) {
  return (a: R, b: R): number =>
    a.institutionId - b.institutionId ||
    rank(GROUNDS, a.ground) - rank(GROUNDS, b.ground) ||
    a.ground.localeCompare(b.ground) ||
    rank(CATEGORIES, a.category) - rank(CATEGORIES, b.category) ||
    a.category.localeCompare(b.category) ||
    then(a) - then(b);
}

// --- CSV ------------------------------------------------------------------------------------------------

/** Names for the CSV's columns and values, in the reader's language (from locales/). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

type Cell = string | number;
interface Column<R> {
  /** locales key under webapp.csv */
  header: string;
  value: (r: R, t: Translate) => Cell;
}

/**
 * The name of a ground, category, state or step in the reader's language (locales' ground.*, category.*,
 * state.*, step.*). A value the rules do not know (old data) stays as it is: it is never made into a key,
 * since i18next would read a colon in it as a namespace.
 */
const named =
  (prefix: string, known: readonly string[]) =>
  (value: string, t: Translate): string =>
    known.includes(value) ? t(`${prefix}.${value}`) : value;
const groundName = named("ground", GROUNDS);
const categoryName = named("category", CATEGORIES);
const stateName = named("state", CASE_STATES);
const stepName = named("step", STEP_KEYS);

const col = {
  institution: { header: "institution", value: (r: { institutionId: number }) => r.institutionId },
  ground: { header: "ground", value: (r: { ground: string }, t: Translate) => groundName(r.ground, t) },
  category: {
    header: "category",
    value: (r: { category: string }, t: Translate) => categoryName(r.category, t),
  },
  step: { header: "step", value: (r: { step: string }, t: Translate) => stepName(r.step, t) },
};

const COLUMNS: { [T in StatsTable]: Column<Statistics[T][number]>[] } = {
  states: [
    col.institution,
    col.ground,
    col.category,
    { header: "state", value: (r, t) => stateName(r.state, t) },
    { header: "cases", value: (r) => r.count },
  ],
  step_times: [
    col.institution,
    col.ground,
    col.category,
    col.step,
    { header: "steps_done", value: (r) => r.done },
    { header: "median_days", value: (r) => r.medianDays },
    { header: "p90_days", value: (r) => r.p90Days },
  ],
  on_time: [
    col.institution,
    col.ground,
    col.category,
    { header: "statutory_done", value: (r) => r.done },
    { header: "on_time", value: (r) => r.onTime },
    { header: "share", value: (r) => r.share.toFixed(3) },
  ],
  overdue: [
    col.institution,
    col.ground,
    col.category,
    col.step,
    { header: "overdue", value: (r) => r.count },
  ],
  monthly: [
    col.institution,
    { header: "month", value: (r) => r.month },
    col.ground,
    col.category,
    { header: "filed", value: (r) => r.filed },
    { header: "ended", value: (r) => r.ended },
    { header: "statutory_done", value: (r) => r.statutoryDone },
    { header: "on_time", value: (r) => r.onTime },
  ],
};

/**
 * A text cell as RFC 4180 wants it (quoted when it holds a comma, a quote or a line break; quotes doubled),
 * and never a formula: a cell starting with = + - @ (or a tab or CR) gets a leading apostrophe (OWASP "CSV
 * injection"). Numbers go out as they are.
 */
export function csvCell(v: Cell): string {
  if (typeof v === "number") return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One table of `stats` as CSV (RFC 4180, UTF-8 with a BOM so Excel reads Cyrillic), headers in the reader's language. */
export function statisticsCsv(stats: Statistics, table: StatsTable, t: Translate): string {
  const columns = COLUMNS[table] as Column<unknown>[];
  if (!columns) throw new Error(`no such statistics table: ${String(table)}`);
  const lines = [columns.map((c) => csvCell(t(`webapp.csv.${c.header}`))).join(",")];
  for (const r of stats[table] as unknown[]) lines.push(columns.map((c) => csvCell(c.value(r, t))).join(","));
  return `\uFEFF${lines.map((l) => `${l}\r\n`).join("")}`;
}
