import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  DEFAULT_CALENDAR,
  isWorkingDay,
  KURBAN_AIT,
  KZ_SEED,
  KZ_SEED_DAYS,
  KZ_SEED_YEARS,
  kzSeedFor,
  makeCalendar,
  statutoryDaysOff,
  statutoryHolidays,
} from "../../src/rules/index";

// docs/calendar.md ("Days off on weekdays"), copied by hand (DD.MM) so as not to read the seed it checks.
const WEEKDAY_DAYS_OFF: Record<number, string> = {
  2024: "01.01 02.01 08.03 21.03 22.03 25.03 01.05 07.05 08.05 09.05 08.07 30.08 25.10 16.12",
  2025: "01.01 02.01 03.01 07.01 10.03 21.03 24.03 25.03 01.05 07.05 09.05 06.06 07.07 01.09 27.10 16.12",
  2026: "01.01 02.01 07.01 09.03 23.03 24.03 25.03 01.05 07.05 11.05 27.05 06.07 26.10 16.12",
  2027: "01.01 04.01 07.01 08.03 15.03 22.03 23.03 24.03 03.05 07.05 10.05 06.07 25.10 16.12",
};
const WORKING_WEEKENDS = ["2024-05-04", "2025-01-05"];

const iso = (year: number, ddmm: string): string => `${year}-${ddmm.slice(3, 5)}-${ddmm.slice(0, 2)}`;
const listFor = (year: number): string[] =>
  (WEEKDAY_DAYS_OFF[year] ?? "").split(" ").map((d) => iso(year, d));
const weekday = (date: string): number => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
};
function* daysOf(year: number): Generator<string> {
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

describe("KZ seed (docs/calendar.md)", () => {
  it("is exactly the §3.3 weekday lists plus the two working weekends", () => {
    const off = KZ_SEED.filter((o) => o.kind === "day_off").map((o) => o.date);
    const working = KZ_SEED.filter((o) => o.kind === "working").map((o) => o.date);
    expect(off).toEqual([2024, 2025, 2026, 2027].flatMap(listFor));
    expect(working).toEqual(WORKING_WEEKENDS);
    expect(KZ_SEED_YEARS).toEqual([2024, 2025, 2026, 2027]);
  });

  it("every seeded day off is a weekday and every entry has a note", () => {
    for (const o of KZ_SEED) {
      expect(o.note, o.date).toMatch(/\S/);
      if (o.kind === "day_off") expect(weekday(o.date), o.date).toBeLessThanOrEqual(5);
      else expect(weekday(o.date), o.date).toBeGreaterThanOrEqual(6);
    }
  });

  it.each([2024, 2025, 2026, 2027])(
    "every day of %i: working iff weekday not off, or a working weekend",
    (year) => {
      const off = new Set(listFor(year));
      for (const date of daysOf(year)) {
        const expected = (weekday(date) <= 5 && !off.has(date)) || WORKING_WEEKENDS.includes(date);
        expect(isWorkingDay(date), date).toBe(expected);
      }
    },
  );

  it.each([2024, 2025, 2026].flatMap((y) => listFor(y)))("%s is not a working day", (date) => {
    expect(isWorkingDay(date)).toBe(false);
  });

  it.each(WORKING_WEEKENDS)("transfer: weekend %s is a working day", (date) => {
    expect(isWorkingDay(date)).toBe(true);
  });

  it.each([
    ["2024-05-05", "Sunday after the working Saturday"],
    ["2024-05-11", "ordinary Saturday"],
    ["2025-01-04", "Saturday before the working Sunday"],
    ["2025-01-11", "ordinary Saturday"],
    ["2026-03-21", "Nauryz on Saturday"],
    ["2026-03-22", "Nauryz on Sunday"],
    ["2026-08-30", "former Constitution Day, Sunday"],
  ])("ordinary weekend %s (%s) is not a working day", (date) => {
    expect(isWorkingDay(date)).toBe(false);
  });

  it.each([
    ["2024-06-17", "Kurban Ait 2024 moved to Sunday 16.06 by ДУМК: Monday 17.06 works"],
    ["2025-05-08", "no other 2025 transfer: 8 May 2025 works"],
    ["2026-03-16", "no Constitution Day on 15.03.2026, so no substitute"],
    ["2026-08-31", "30 Aug not a day off from 2026"],
    ["2026-01-05", "1–4 Jan 2026 off without transfer; Monday works"],
    ["2027-05-17", "Kurban Ait 2027 est. on Sunday 16.05: not moved"],
  ])("%s is a working day (%s)", (date) => {
    expect(isWorkingDay(date)).toBe(true);
  });
});

describe("Law 'On holidays' Art. 5 fallback (statutoryDaysOff)", () => {
  it("reproduces the seed for 2024–2027 except the ministerial transfers", () => {
    expect(statutoryDaysOff(2024)).toEqual(listFor(2024).filter((d) => d !== "2024-05-08"));
    expect(statutoryDaysOff(2025)).toEqual(listFor(2025).filter((d) => d !== "2025-01-03"));
    expect(statutoryDaysOff(2026)).toEqual(listFor(2026));
    expect(statutoryDaysOff(2027)).toEqual(listFor(2027));
  });

  it.each([
    // year, expected weekday days off
    [
      2020,
      "01.01 02.01 07.01 09.03 23.03 24.03 25.03 01.05 07.05 11.05 06.07 31.08 01.12 16.12 17.12",
      "Nauryz Sat–Mon gives 23–25 Mar; 1 Dec and 17 Dec still holidays; Kurban Ait unknown",
    ],
    [
      2022,
      "03.01 04.01 07.01 08.03 21.03 22.03 23.03 02.05 09.05 10.05 06.07 30.08 25.10 16.12",
      "New Year Sat–Sun moves to Mon–Tue; 7 May Sat → 10 May after Victory Day; 25 Oct restored",
    ],
    [
      2028,
      "03.01 04.01 07.01 08.03 15.03 21.03 22.03 23.03 01.05 08.05 09.05 06.07 25.10 18.12",
      "16 Dec on Saturday → Monday 18 Dec; 7 Jan (Fri) kept",
    ],
    [
      2029,
      "01.01 02.01 08.03 15.03 21.03 22.03 23.03 01.05 07.05 09.05 06.07 25.10 17.12",
      "7 Jan on Sunday is not moved; single-day 16 Dec on Sunday → Monday 17 Dec",
    ],
  ])("%i", (year, expected, _why) => {
    expect(statutoryDaysOff(year)).toEqual(expected.split(" ").map((d) => iso(year, d)));
  });

  it("lists holidays with their move rule; 7 Jan and Kurban Ait never move", () => {
    const h2026 = statutoryHolidays(2026);
    expect(h2026.find((h) => h.date === "2026-01-07")?.moves).toBe(false);
    expect(h2026.find((h) => h.date === "2026-05-27")).toMatchObject({
      name: "Kurban Ait, first day",
      moves: false,
    });
    expect(h2026.some((h) => h.date === "2026-08-30")).toBe(false);
    expect(h2026.some((h) => h.date === "2026-03-15")).toBe(false);
    expect(statutoryHolidays(2027).some((h) => h.date === "2027-03-15")).toBe(true);
    expect(statutoryHolidays(2025).some((h) => h.date === "2025-08-30")).toBe(true);
    expect(KURBAN_AIT[2027]).toEqual({ date: "2027-05-16", estimated: true });
  });

  it("follows the history of the Law (2005: one Nauryz day, no 7 Jan, no 7 May, no 6 Jul)", () => {
    const dates = statutoryHolidays(2005).map((h) => h.date);
    expect(dates).toEqual([
      "2005-01-01",
      "2005-01-02",
      "2005-03-08",
      "2005-03-22",
      "2005-05-01",
      "2005-05-09",
      "2005-08-30",
      "2005-12-16",
      "2005-12-17",
    ]);
  });

  it("rejects impossible years", () => {
    expect(() => statutoryDaysOff(2025.5)).toThrow(RangeError);
    expect(() => statutoryHolidays(99)).toThrow(RangeError);
  });

  it("DEFAULT_CALENDAR uses the fallback outside the seeded years", () => {
    expect(isWorkingDay("2028-12-18")).toBe(false);
    expect(isWorkingDay("2023-03-21")).toBe(false);
    expect(isWorkingDay("2030-06-14")).toBe(true); // an ordinary Friday
    expect(addWorkingDays("2028-12-15", 1)).toBe("2028-12-19");
  });
});

describe("makeCalendar (D1: per-institution week pattern and overrides)", () => {
  it("DEFAULT_CALENDAR is the seeded five-day week", () => {
    expect(DEFAULT_CALENDAR.weekPattern).toEqual([1, 2, 3, 4, 5]);
    expect(DEFAULT_CALENDAR.overrides.get("2024-05-04")).toBe("working");
    expect(DEFAULT_CALENDAR.overrides.get("2026-03-23")).toBe("day_off");
    expect(DEFAULT_CALENDAR.overrides.size).toBe(KZ_SEED.length);
  });

  it("explicit overrides win over the seed and over the fallback", () => {
    const cal = makeCalendar({
      overrides: [
        { date: "2026-05-27", kind: "working", note: "Kurban Ait moved" },
        { date: "2026-05-28", kind: "day_off", note: "Kurban Ait moved" },
        { date: "2028-12-18", kind: "working" },
        { date: "2028-12-19", kind: "day_off" },
        { date: "2028-12-19", kind: "working" }, // a later duplicate wins
      ],
    });
    expect(isWorkingDay("2026-05-27", cal)).toBe(true);
    expect(isWorkingDay("2026-05-28", cal)).toBe(false);
    expect(isWorkingDay("2028-12-18", cal)).toBe(true);
    expect(isWorkingDay("2028-12-19", cal)).toBe(true);
    expect(isWorkingDay("2026-03-23", cal)).toBe(false); // rest of the seed stays
  });

  it("seed: false is a bare week pattern with the institution's own overrides", () => {
    const cal = makeCalendar({ seed: false, overrides: [{ date: "2026-03-24", kind: "day_off" }] });
    expect(cal.overrides.size).toBe(1);
    expect(isWorkingDay("2026-03-23", cal)).toBe(true);
    expect(isWorkingDay("2026-03-24", cal)).toBe(false);
    expect(isWorkingDay("2028-12-18", cal)).toBe(true);
  });

  it("seed: false, fallback: true applies Art. 5 to every year, seeded ones included", () => {
    const cal = makeCalendar({ seed: false, fallback: true });
    expect(isWorkingDay("2024-05-08", cal)).toBe(true); // the transfer is not statutory
    expect(isWorkingDay("2024-05-07", cal)).toBe(false);
    expect(isWorkingDay("2028-12-18", cal)).toBe(false);
  });

  it("seed: true, fallback: false gives no days off outside the seed", () => {
    const cal = makeCalendar({ fallback: false });
    expect(isWorkingDay("2028-12-18", cal)).toBe(true);
    expect(isWorkingDay("2026-03-23", cal)).toBe(false);
  });

  it("normalises the week pattern (sorted, no duplicates)", () => {
    const cal = makeCalendar({ weekPattern: [6, 1, 2, 3, 4, 5, 5] });
    expect(cal.weekPattern).toEqual([1, 2, 3, 4, 5, 6]);
    expect(isWorkingDay("2026-03-28", cal)).toBe(true); // an ordinary Saturday
    expect(isWorkingDay("2026-03-29", cal)).toBe(false); // Sunday
  });

  it("rejects a bad week pattern, a bad override date or kind", () => {
    expect(() => makeCalendar({ weekPattern: [] })).toThrow(RangeError);
    expect(() => makeCalendar({ weekPattern: [0, 1] })).toThrow(RangeError);
    expect(() => makeCalendar({ weekPattern: [1.5] })).toThrow(RangeError);
    expect(() => makeCalendar({ overrides: [{ date: "2026-02-30", kind: "day_off" }] })).toThrow(RangeError);
    expect(() => makeCalendar({ overrides: [{ date: "2026-03-02", kind: "holiday" as "day_off" }] })).toThrow(
      RangeError,
    );
  });

  it("is immutable", () => {
    const cal = makeCalendar();
    const overrides = cal.overrides as Map<string, "day_off" | "working">;
    expect(() => overrides.set("2026-03-02", "day_off")).toThrow(TypeError);
    expect(() => overrides.delete("2026-03-23")).toThrow(TypeError);
    expect(() => overrides.clear()).toThrow(TypeError);
    expect(Object.isFrozen(cal)).toBe(true);
    expect(Object.isFrozen(cal.weekPattern)).toBe(true);
    expect(Object.isFrozen(KZ_SEED)).toBe(true);
  });

  it("a hand-built Calendar value works (pattern + overrides, no fallback)", () => {
    const cal = { weekPattern: [1, 2, 3, 4, 5], overrides: new Map([["2028-12-18", "day_off" as const]]) };
    expect(isWorkingDay("2028-12-18", cal)).toBe(false);
    expect(isWorkingDay("2026-03-23", cal)).toBe(true);
  });

  it("works far outside the cached table range", () => {
    expect(isWorkingDay("1899-12-29")).toBe(true); // a Friday
    expect(isWorkingDay("2200-01-01")).toBe(false); // New Year, Art. 5
    expect(addWorkingDays("2299-12-30", 2)).toBe("2300-01-04"); // Sat; 1–2 Jan 2300 off
  });

  it("a hand-built calendar without working days fails instead of looping", () => {
    const never = { weekPattern: [], overrides: new Map() };
    expect(() => addWorkingDays("2026-03-20", 1, never)).toThrow(/No working day/);
  });
});

// D15; docs/calendar.md. Six-day week: Art. 5 moves a holiday only off a day off (Sunday), so a Saturday
// holiday is a day off itself and nothing moves to Monday; the five-day week's decree transfers do not apply.
// Mon–Sat days off worked out by hand from the holidays in docs/calendar.md (not read from the seed). Nauryz
// 2026 (Sat 21, Sun 22, Mon 23): the Sunday moves to the next working day after the holiday, Tue 24, so 21–24
// are off and Wed 25 works, as kazpravda.kz (19.02.2026) published: "при 6-дневной рабочей неделе: 4 дня – с 21
// по 24 марта". Likewise 2025: 21–24 March (atpress.kz), 2024: 21–24 March, Mon 25 works (zakon.kz).
const SIX_DAY_DAYS_OFF: Record<number, string> = {
  2024: "01.01 02.01 08.03 21.03 22.03 23.03 01.05 07.05 09.05 06.07 30.08 25.10 16.12",
  2025: "01.01 02.01 07.01 08.03 21.03 22.03 24.03 01.05 07.05 09.05 06.06 07.07 30.08 25.10 16.12",
  2026: "01.01 02.01 07.01 09.03 21.03 23.03 24.03 01.05 07.05 09.05 27.05 06.07 26.10 16.12",
  2027: "01.01 02.01 07.01 08.03 15.03 22.03 23.03 24.03 01.05 07.05 10.05 06.07 25.10 16.12",
};
const SIX_DAY = [1, 2, 3, 4, 5, 6];
const sixListFor = (year: number): string[] =>
  (SIX_DAY_DAYS_OFF[year] ?? "").split(" ").map((d) => iso(year, d));

describe("D15: six-day week (docs/calendar.md)", () => {
  const six = makeCalendar({ weekPattern: SIX_DAY });

  it.each([2024, 2025, 2026, 2027])("every day of %i: working iff Mon–Sat and not a day off", (year) => {
    const off = new Set(sixListFor(year));
    expect(off.size).toBeGreaterThan(12); // the list parsed
    for (const date of daysOf(year)) {
      expect(isWorkingDay(date, six), date).toBe(weekday(date) <= 6 && !off.has(date));
    }
  });

  it.each([
    // date, five-day working?, six-day working?, why
    ["2024-01-08", true, true, "7 Jan on Sunday moves for nobody (Labour Code Art. 84 p. 5)"],
    ["2024-03-23", false, false, "Nauryz on Saturday: a holiday, off on both weeks"],
    ["2024-03-25", false, true, "Monday substitute for Sat 23.03: five-day only"],
    ["2024-05-04", true, true, "Saturday: transfer on five-day, the pattern itself on six-day"],
    ["2024-05-08", false, true, "transfer from Sat 04.05 is for the five-day week only"],
    ["2024-06-17", true, true, "Kurban Ait on Sunday 16.06 is not moved"],
    ["2024-07-06", false, false, "Capital Day on Saturday"],
    ["2024-07-08", false, true, "Monday substitute for Sat 06.07: five-day only"],
    ["2025-01-03", false, true, "transfer from Sun 05.01: five-day only"],
    ["2025-01-04", false, true, "an ordinary Saturday"],
    ["2025-01-05", true, false, "the working Sunday of the transfer: five-day only"],
    ["2025-03-10", false, true, "Monday substitute for Sat 08.03: five-day only"],
    ["2025-03-24", false, false, "Nauryz Sun 23.03 moves to Mon 24.03 on six-day (Sat 22.03's on five-day)"],
    ["2025-03-25", false, true, "five-day substitute for Sun 23.03; six-day already moved it to 24.03"],
    ["2025-07-07", false, false, "Capital Day on Sunday 06.07 moves on both weeks"],
    ["2025-08-30", false, false, "Constitution Day on Saturday"],
    ["2025-09-01", false, true, "Monday substitute for Sat 30.08: five-day only"],
    ["2025-10-27", false, true, "Monday substitute for Sat 25.10: five-day only"],
    ["2026-01-03", false, true, "Saturday after New Year, no transfer in 2026"],
    ["2026-03-09", false, false, "Women's Day on Sunday 08.03 moves on both weeks"],
    ["2026-03-21", false, false, "Nauryz on Saturday"],
    ["2026-03-22", false, false, "Nauryz on Sunday"],
    ["2026-03-23", false, false, "Nauryz"],
    ["2026-03-24", false, false, "five-day: for Sat 21.03; six-day: for Sun 22.03 (23.03 is a holiday)"],
    ["2026-03-25", false, true, "five-day: for Sun 22.03; six-day: nothing left to move"],
    ["2026-05-09", false, false, "Victory Day on Saturday"],
    ["2026-05-11", false, true, "Monday substitute for Sat 09.05: five-day only"],
    ["2026-10-26", false, false, "Republic Day on Sunday 25.10 moves on both weeks"],
    ["2027-01-02", false, false, "New Year on Saturday"],
    ["2027-01-04", false, true, "Monday substitute for Sat 02.01: five-day only"],
    ["2027-03-24", false, false, "Nauryz Sun 21.03 moves past 22–23.03 to Wed 24.03 on both weeks"],
    ["2027-05-03", false, true, "Monday substitute for Sat 01.05: five-day only"],
    ["2027-05-10", false, false, "Victory Day on Sunday 09.05 moves on both weeks"],
    ["2027-05-17", true, true, "Kurban Ait est. on Sunday 16.05 is not moved"],
  ])("%s: five-day working %s, six-day working %s (%s)", (date, five, sixWorks) => {
    expect(isWorkingDay(date)).toBe(five);
    expect(isWorkingDay(date, six)).toBe(sixWorks);
  });

  it.each([
    // from, N, five-day result, six-day result
    ["2024-03-22", 1, "2024-03-26", "2024-03-25"], // Sat 23.03 holiday: Mon 25.03 substitute on five-day only
    ["2024-05-03", 1, "2024-05-04", "2024-05-04"],
    ["2024-05-03", 3, "2024-05-10", "2024-05-08"], // 07–09.05 off on five-day; only 07 and 09 on six-day
    ["2024-07-05", 1, "2024-07-09", "2024-07-08"],
    ["2025-01-02", 1, "2025-01-05", "2025-01-03"], // five-day: working Sunday; six-day: Friday 03.01 works
    ["2025-01-02", 2, "2025-01-06", "2025-01-04"],
    ["2025-03-07", 1, "2025-03-11", "2025-03-10"],
    ["2025-03-20", 1, "2025-03-26", "2025-03-25"],
    ["2026-03-20", 1, "2026-03-26", "2026-03-25"],
    ["2026-03-20", 2, "2026-03-27", "2026-03-26"],
    ["2026-05-08", 1, "2026-05-12", "2026-05-11"],
    ["2026-10-23", 1, "2026-10-27", "2026-10-24"], // six-day: Saturday works, Sun 25.10 → Mon 26.10 off
    ["2027-12-31", 1, "2028-01-05", "2028-01-04"], // fallback year: Sat 01.01 not moved on six-day
  ] as const)("%s + %i WD: five-day %s, six-day %s", (from, n, five, sixResult) => {
    expect(addWorkingDays(from, n)).toBe(five);
    expect(addWorkingDays(from, n, six)).toBe(sixResult);
  });

  it("Art. 5 fallback on the six-day week for years outside the seed", () => {
    // 2022: New Year Sat–Sun gives Mon 03.01 only; 1 May Sun → Mon 02.05; 7 May Sat is not moved.
    expect(statutoryDaysOff(2022, SIX_DAY)).toEqual(
      "01.01 03.01 07.01 08.03 21.03 22.03 23.03 02.05 07.05 09.05 06.07 30.08 25.10 16.12"
        .split(" ")
        .map((d) => iso(2022, d)),
    );
    // 2028: Sat 01.01 stays, Sun 02.01 → Mon 03.01; Sun 07.05 → Mon 08.05; Sat 16.12 stays.
    expect(statutoryDaysOff(2028, SIX_DAY)).toEqual(
      "01.01 03.01 07.01 08.03 15.03 21.03 22.03 23.03 01.05 08.05 09.05 06.07 25.10 16.12"
        .split(" ")
        .map((d) => iso(2028, d)),
    );
    expect(statutoryDaysOff(2028)).toContain("2028-12-18"); // the five-day week's Monday substitute
    expect(isWorkingDay("2028-12-16", six)).toBe(false);
    expect(isWorkingDay("2028-12-18", six)).toBe(true);
    expect(isWorkingDay("2028-12-18")).toBe(false);
    expect(isWorkingDay("2028-03-25", six)).toBe(true); // an ordinary Saturday
    // seed: false, fallback: true applies Art. 5 on the six-day week to seeded years too: no transfer.
    const bare = makeCalendar({ weekPattern: SIX_DAY, seed: false, fallback: true });
    expect(isWorkingDay("2024-05-08", bare)).toBe(true);
    expect(isWorkingDay("2026-03-24", bare)).toBe(false);
    expect(isWorkingDay("2026-03-25", bare)).toBe(true);
  });

  it("the six-day seed has the holidays on Mon–Sat and its own substitutes, and no transfers", () => {
    const seed = kzSeedFor(SIX_DAY);
    expect(seed.some((d) => d.basis === "transfer")).toBe(false);
    expect(seed.filter((d) => d.kind === "day_off").map((d) => d.date)).toEqual(
      [2024, 2025, 2026, 2027].flatMap(sixListFor),
    );
    const subs = seed.flatMap((d) => (d.basis === "substitute" ? [[d.date, d.for, d.note]] : []));
    expect(subs).toEqual([
      ["2025-03-24", "2025-03-23", "Nauryz: substitute for Sun 23.03 (Art. 5)"],
      ["2025-07-07", "2025-07-06", "Capital Day: substitute for Sun 06.07 (Art. 5)"],
      ["2026-03-09", "2026-03-08", "International Women's Day: substitute for Sun 08.03 (Art. 5)"],
      ["2026-03-24", "2026-03-22", "Nauryz: substitute for Sun 22.03 (Art. 5)"],
      ["2026-10-26", "2026-10-25", "Republic Day: substitute for Sun 25.10 (Art. 5)"],
      ["2027-03-24", "2027-03-21", "Nauryz: substitute for Sun 21.03 (Art. 5)"],
      ["2027-05-10", "2027-05-09", "Victory Day: substitute for Sun 09.05 (Art. 5)"],
    ]);
    expect(kzSeedFor(SIX_DAY)).toBe(seed); // cached per pattern
    expect(kzSeedFor()).toBe(KZ_SEED); // the five-day week keeps the seed as decreed
    expect(six.overrides.has("2024-05-08")).toBe(false);
    expect(six.overrides.get("2026-03-21")).toBe("day_off");
    expect(() => kzSeedFor([])).toThrow(RangeError);
  });

  it("administrator overrides win over the six-day seed and fallback", () => {
    const cal = makeCalendar({
      weekPattern: SIX_DAY,
      overrides: [
        { date: "2026-03-25", kind: "day_off", note: "a decree for six-day institutions" },
        { date: "2026-03-21", kind: "working" },
        { date: "2024-05-08", kind: "day_off" },
        { date: "2028-12-16", kind: "working" },
        { date: "2028-12-17", kind: "working" },
      ],
    });
    expect(isWorkingDay("2026-03-25", cal)).toBe(false);
    expect(isWorkingDay("2026-03-21", cal)).toBe(true);
    expect(isWorkingDay("2024-05-08", cal)).toBe(false);
    expect(isWorkingDay("2028-12-16", cal)).toBe(true);
    expect(isWorkingDay("2028-12-17", cal)).toBe(true); // a Sunday made working
    expect(isWorkingDay("2026-03-24", cal)).toBe(false); // the rest of the six-day seed stays
  });
});

describe("seed tags (D15: what each seed day is, as data)", () => {
  it.each(KZ_SEED_YEARS)(
    "the holidays of %i are those of statutoryHolidays, with their move rule",
    (year) => {
      const seeded = KZ_SEED_DAYS.filter((d) => d.basis === "holiday" && d.date.startsWith(`${year}-`));
      expect(seeded.map((d) => [d.date, d.basis === "holiday" && d.moves])).toEqual(
        statutoryHolidays(year).map((h) => [h.date, h.moves]),
      );
    },
  );

  it("each five-day substitute stands in for a moving weekend holiday, one each, in order", () => {
    const holidays = new Map(KZ_SEED_DAYS.flatMap((d) => (d.basis === "holiday" ? [[d.date, d]] : [])));
    const subs = KZ_SEED_DAYS.flatMap((d) => (d.basis === "substitute" ? [d] : []));
    for (const s of subs) {
      const h = holidays.get(s.for);
      expect(h?.basis === "holiday" && h.moves, s.date).toBe(true);
      expect(weekday(s.for), s.date).toBeGreaterThanOrEqual(6);
      expect(s.date > s.for, s.date).toBe(true);
      expect(s.note, s.date).toContain(`${s.for.slice(8, 10)}.${s.for.slice(5, 7)}`);
    }
    const movingWeekend = [...holidays.values()]
      .filter((h) => h.basis === "holiday" && h.moves && weekday(h.date) >= 6)
      .map((h) => h.date);
    expect(subs.map((s) => s.for)).toEqual(movingWeekend); // one substitute each, in date order
  });

  it("transfers come in pairs: a working weekend day and the weekday off it went to", () => {
    const transfers = KZ_SEED_DAYS.flatMap((d) => (d.basis === "transfer" ? [d] : []));
    expect(transfers.map((t) => [t.date, t.kind, t.pair])).toEqual([
      ["2024-05-04", "working", "2024-05-08"],
      ["2024-05-08", "day_off", "2024-05-04"],
      ["2025-01-03", "day_off", "2025-01-05"],
      ["2025-01-05", "working", "2025-01-03"],
    ]);
  });

  it("KZ_SEED is KZ_SEED_DAYS without the weekend holidays, in date order", () => {
    expect(KZ_SEED).toEqual(KZ_SEED_DAYS.filter((d) => d.basis !== "holiday" || weekday(d.date) <= 5));
    const dates = KZ_SEED_DAYS.map((d) => d.date);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
    expect(Object.isFrozen(KZ_SEED_DAYS)).toBe(true);
  });
});
