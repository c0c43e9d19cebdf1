import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  DEFAULT_CALENDAR,
  isWorkingDay,
  KURBAN_AIT,
  KZ_SEED,
  KZ_SEED_YEARS,
  makeCalendar,
  statutoryDaysOff,
  statutoryHolidays,
} from "../../src/rules/index";

// CALENDAR.md §3.3, copied by hand (DD.MM) so that the test does not read the seed it checks.
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

describe("KZ seed (CALENDAR.md §3.3)", () => {
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

  it("a six-day week makes Saturdays working days, but holidays and seeded days off stay off", () => {
    const cal = makeCalendar({ weekPattern: [6, 1, 2, 3, 4, 5, 5] });
    expect(cal.weekPattern).toEqual([1, 2, 3, 4, 5, 6]);
    expect(isWorkingDay("2026-03-28", cal)).toBe(true);
    expect(isWorkingDay("2026-03-29", cal)).toBe(false);
    expect(isWorkingDay("2026-03-21", cal)).toBe(false); // Nauryz on Saturday is a holiday for everyone
    expect(isWorkingDay("2026-03-24", cal)).toBe(false);
    expect(isWorkingDay("2028-03-25", cal)).toBe(true); // an ordinary Saturday in a fallback year
    expect(isWorkingDay("2028-01-01", cal)).toBe(false); // New Year on Saturday, fallback year
    expect(addWorkingDays("2026-03-20", 2, cal)).toBe("2026-03-27");
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
