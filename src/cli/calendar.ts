import { recomputeDueDates } from "../cases/recompute";
import { listCalendarDays, loadCalendar, removeCalendarDay, setCalendarDay } from "../people/calendar-store";
import { requireInstitution } from "../people/institutions";
import {
  addCalendarDays,
  FIVE_DAY_WEEK,
  isoWeekday,
  isWorkingDay,
  KZ_SEED_YEARS,
  kzSeedFor,
  statutoryHolidays,
} from "../rules";
import { type Command, int, str, table } from "./io";

const WEEKDAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/** The seed's notes as they apply to a week pattern (D15: a six-day week has its own substitutes, no transfers). */
const seedNotesFor = (week: readonly number[]) => new Map(kzSeedFor(week).map((o) => [o.date, o.note]));
const kindText = (k: string) => (k === "working" ? "working day" : "day off");

const addDay = (kind: "day_off" | "working"): Command => ({
  name: kind === "day_off" ? "calendar add-day-off" : "calendar add-working-day",
  args: ["date"],
  synopsis: '[--note "…"]',
  summary:
    kind === "day_off"
      ? "make a date a day off (a holiday, a transfer by government decree)"
      : "make a date a working day (a transferred working Saturday; or cancel a seeded day off)",
  details: ["The database entry wins over the built-in calendar (D1); calendar remove <date> undoes it."],
  options: { note: { type: "string" } },
  async run(ctx, a) {
    const change = await setCalendarDay(
      await ctx.db(),
      { day: a.positionals[0]!, kind, note: str(a, "note") },
      ctx.now(),
      ctx.actor,
    );
    const was = change.before ? kindText(change.before.kind) : "the built-in calendar";
    ctx.out(
      change.changed
        ? `${change.day} (${WEEKDAYS[isoWeekday(change.day)]}): ${kindText(kind)} (was: ${was})`
        : `${change.day}: already a ${kindText(kind)}; nothing changed`,
    );
    if (change.changed) await reportRecompute(ctx);
  },
});

/**
 * A calendar change (or an institution's working week) moves the due dates of open steps: recompute them
 * (audited, holders told).
 */
export async function reportRecompute(ctx: Parameters<Command["run"]>[0]) {
  const changes = await recomputeDueDates(await ctx.db(), ctx.now());
  ctx.out(`due dates recomputed: ${changes.length} open step(s) moved`);
  for (const c of changes.slice(0, 20))
    ctx.out(`  case ${c.caseId}, ${c.stepKey}: ${c.before ?? "—"} → ${c.after}`);
}

type CalendarEntry = Awaited<ReturnType<typeof listCalendarDays>>[number];

/**
 * The days of a year where the calendar departs from the working week: days off on working weekdays, and
 * working days outside the week; each as [date, weekday, source, note].
 */
function exceptionsOf(
  year: number,
  week: readonly number[],
  calendar: Awaited<ReturnType<typeof loadCalendar>>,
  entries: CalendarEntry[],
): { daysOff: string[][]; workingWeekend: string[][] } {
  const stored = new Map(entries.map((e) => [e.day, e]));
  const holidays = new Map(statutoryHolidays(year).map((h) => [h.date, h.name]));
  const seeded = KZ_SEED_YEARS.includes(year);
  const seedNotes = seedNotesFor(week);
  const daysOff: string[][] = [];
  const workingWeekend: string[][] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addCalendarDays(d, 1)) {
    const inWeek = week.includes(isoWeekday(d));
    const working = isWorkingDay(d, calendar);
    if (inWeek === working) continue;
    const entry = stored.get(d);
    const source = entry ? "database" : seedNotes.has(d) || seeded ? "seed" : "Art. 5";
    const note =
      entry?.note || seedNotes.get(d) || holidays.get(d) || (source === "Art. 5" ? "substitute day off" : "");
    (working ? workingWeekend : daysOff).push([d, WEEKDAYS[isoWeekday(d)]!, source, note]);
  }
  return { daysOff, workingWeekend };
}

export const calendarCommands: Command[] = [
  {
    name: "calendar show",
    args: ["year"],
    synopsis: "[--institution code]",
    summary: "the database entries and every day off on a working weekday of a year",
    details: [
      "Days are counted on the institution's week (--institution) or Monday–Friday.",
      "Sources: database (calendar add-…), seed (built-in 2024–2027), Art. 5 (computed for other years).",
    ],
    options: { institution: { type: "string" } },
    async run(ctx, a) {
      const year = int(a.positionals[0]!, "year", 1900, 2199);
      const db = await ctx.db();
      const code = str(a, "institution");
      const week = code ? (await requireInstitution(db, code)).weekPattern : [...FIVE_DAY_WEEK];
      const calendar = await loadCalendar(db, week);
      const entries = await listCalendarDays(db, year);

      ctx.out(`Calendar ${year}, working week ${week.join(",")}${code ? ` (${code.toUpperCase()})` : ""}`);
      ctx.out("");
      ctx.out(`Database entries (${entries.length})`);
      if (entries.length > 0)
        for (const line of table(
          ["date", "day", "kind", "source", "note"],
          entries.map((e) => [e.day, WEEKDAYS[isoWeekday(e.day)]!, e.kind, e.source, e.note]),
        ))
          ctx.out(`  ${line}`);

      const { daysOff, workingWeekend } = exceptionsOf(year, week, calendar, entries);
      ctx.out("");
      ctx.out(`Days off on working weekdays (${daysOff.length})`);
      for (const line of table(["date", "day", "source", "note"], daysOff)) ctx.out(`  ${line}`);
      ctx.out("");
      ctx.out(`Working days outside the working week (${workingWeekend.length})`);
      if (workingWeekend.length > 0)
        for (const line of table(["date", "day", "source", "note"], workingWeekend)) ctx.out(`  ${line}`);
    },
  },
  addDay("day_off"),
  addDay("working"),
  {
    name: "calendar remove",
    args: ["date"],
    summary: "remove a date's database entry (the built-in calendar decides again)",
    async run(ctx, a) {
      const change = await removeCalendarDay(await ctx.db(), a.positionals[0]!, ctx.now(), ctx.actor);
      if (!change.changed) {
        ctx.err(
          `error: ${change.day} has no database entry; to cancel a built-in day off use calendar add-working-day ${change.day}`,
        );
        return 1;
      }
      ctx.out(
        `${change.day}: entry removed (was: ${kindText(change.before!.kind)}); the built-in calendar decides again`,
      );
      ctx.out(
        `${change.day} is now a ${isWorkingDay(change.day, await loadCalendar(await ctx.db())) ? "working day" : "day off"} on Monday–Friday`,
      );
      await reportRecompute(ctx);
    },
  },
];
