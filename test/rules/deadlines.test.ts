import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCalendarDays,
  addWorkingDays,
  countWorkingDays,
  dueDateFor,
  dueInstant,
  fromDayNumber,
  isLocalDate,
  isOverdue,
  isoWeekday,
  isWorkingDay,
  localDateOf,
  makeCalendar,
  type StepDef,
  TIME_ZONE,
  toDayNumber,
  workflowFor,
  workingDaysLeft,
  workingDaysOverdue,
} from "../../src/rules/index";

describe("D1: N working days from the day after the trigger's local date", () => {
  it.each([
    // from, N, expected, why
    ["2026-03-20", 2, "2026-03-27", "docs/calendar.md: Fri + 2 across Nauryz 23–25 Mar"],
    ["2024-05-03", 2, "2024-05-06", "docs/calendar.md: Sat 04.05.2024 was a working day"],
    ["2025-01-02", 2, "2025-01-06", "docs/calendar.md: Sun 05.01.2025 was a working day"],
    ["2024-05-06", 1, "2024-05-10", "7–9 May 2024 off (8 May by transfer)"],
    ["2025-05-07", 1, "2025-05-08", "8 May 2025 worked"],
    ["2026-03-19", 1, "2026-03-20", "plain next day"],
    ["2026-03-20", 1, "2026-03-26", "Fri → Thu over weekend + Nauryz"],
    ["2026-03-20", 0, "2026-03-20", "0 days is the trigger date itself"],
    ["2026-03-21", 1, "2026-03-26", "trigger on a day off (Saturday, Nauryz)"],
    ["2026-03-23", 2, "2026-03-27", "trigger on a weekday holiday"],
    ["2026-05-26", 1, "2026-05-28", "Kurban Ait 27.05.2026"],
    ["2024-06-14", 1, "2024-06-17", "Kurban Ait 2024 on Sunday: Monday works"],
    ["2025-12-31", 1, "2026-01-05", "year boundary: 1–2 Jan 2026 Thu–Fri off"],
    ["2026-12-31", 1, "2027-01-05", "year boundary: 1 Jan Fri, 4 Jan substitute (2027 projection)"],
    ["2024-12-31", 1, "2025-01-05", "year boundary into the working Sunday"],
    ["2023-12-29", 1, "2024-01-03", "fallback 2023 into seeded 2024"],
    ["2027-12-31", 1, "2028-01-05", "seeded 2027 into fallback 2028 (1–2 Jan Sat–Sun → 3–4 Jan)"],
    ["2026-01-06", 1, "2026-01-08", "7 Jan is off"],
    ["2026-10-23", 1, "2026-10-27", "Republic Day substitute 26.10.2026"],
    ["2026-12-15", 1, "2026-12-17", "Independence Day"],
    ["2026-02-27", 10, "2026-03-16", "ten working days: 2–6, 10–13, 16 Mar (9 Mar substitute off)"],
  ])("%s + %i WD → %s (%s)", (from, n, expected) => {
    expect(addWorkingDays(from, n)).toBe(expected);
  });

  it("a Date trigger counts from its Asia/Almaty local date, not its UTC date", () => {
    // 20:30Z on 19.03 is 01:30 on Fri 20.03 in Almaty (UTC+5)
    expect(localDateOf(new Date("2026-03-19T20:30:00Z"))).toBe("2026-03-20");
    expect(addWorkingDays(new Date("2026-03-19T20:30:00Z"), 1)).toBe("2026-03-26");
    // late evening local: 23:59 Thu 19.03 local = 18:59Z, still Thursday
    expect(addWorkingDays(new Date("2026-03-19T18:59:00Z"), 1)).toBe("2026-03-20");
    expect(addWorkingDays(new Date("2026-03-19T19:00:00Z"), 1)).toBe("2026-03-26");
    expect(addWorkingDays(new Date("2026-03-19T19:00:00Z"), 0)).toBe("2026-03-20");
  });

  it("before 2024-03-01 Almaty was UTC+6 (IANA zone, not a fixed offset)", () => {
    expect(TIME_ZONE).toBe("Asia/Almaty");
    // 18:30Z on 28.02.2024 = 00:30 on 29.02 at UTC+6 (it would be 23:30 on 28.02 at UTC+5)
    expect(localDateOf(new Date("2024-02-28T18:30:00Z"))).toBe("2024-02-29");
    expect(localDateOf(new Date("2024-02-28T17:59:59Z"))).toBe("2024-02-28");
    // the switch: 18:00Z on 29.02.2024 became 23:00 local (+5) again, so 18:30Z is still 29.02
    expect(localDateOf(new Date("2024-02-29T18:30:00Z"))).toBe("2024-02-29");
    expect(localDateOf(new Date("2024-02-29T19:00:00Z"))).toBe("2024-03-01");
    // after the switch UTC+5
    expect(localDateOf(new Date("2024-03-01T18:59:59Z"))).toBe("2024-03-01");
    expect(localDateOf(new Date("2024-03-01T19:00:00Z"))).toBe("2024-03-02");
    expect(localDateOf(new Date("2023-06-30T18:00:00Z"))).toBe("2023-07-01");
  });

  it("dueInstant is 23:59:59.999 local on the due date", () => {
    expect(dueInstant("2026-03-27").toISOString()).toBe("2026-03-27T18:59:59.999Z");
    expect(dueInstant("2023-12-29").toISOString()).toBe("2023-12-29T17:59:59.999Z"); // UTC+6
    expect(dueInstant("2024-02-29").toISOString()).toBe("2024-02-29T18:59:59.999Z"); // the 25-hour day
    expect(dueInstant("2026-03-27")).not.toBe(dueInstant("2026-03-27")); // a fresh Date each time
  });

  it("isOverdue: only after the last millisecond of the due day", () => {
    expect(isOverdue("2026-03-27", new Date("2026-03-27T18:59:59.999Z"))).toBe(false);
    expect(isOverdue("2026-03-27", new Date("2026-03-27T19:00:00.000Z"))).toBe(true);
    expect(isOverdue("2026-03-27", new Date("2026-03-26T10:00:00Z"))).toBe(false);
  });

  it.each([
    // due, now (UTC), overdue WD, left WD
    ["2026-03-27", "2026-03-26T04:00:00Z", 0, 1, "Thu morning, due Fri"],
    ["2026-03-27", "2026-03-27T04:00:00Z", 0, 0, "due today"],
    ["2026-03-27", "2026-03-28T04:00:00Z", 0, 0, "Saturday after: overdue but no working day lost"],
    ["2026-03-27", "2026-03-30T04:00:00Z", 1, 0, "Monday after"],
    ["2026-03-27", "2026-03-31T04:00:00Z", 2, 0, "Tuesday after"],
    ["2026-03-20", "2026-03-26T04:00:00Z", 1, 0, "Nauryz days do not count"],
    ["2026-03-27", "2026-03-19T04:00:00Z", 0, 3, "from Thu 19.03: 20, 26, 27"],
    ["2026-03-27", "2026-03-19T19:30:00Z", 0, 2, "evening UTC = Fri 20.03 local"],
  ])("due %s at %s: overdue %i WD, left %i WD (%s)", (due, now, overdue, left) => {
    expect(workingDaysOverdue(due, new Date(now))).toBe(overdue);
    expect(workingDaysLeft(due, new Date(now))).toBe(left);
  });

  it("respects the calendar it is given", () => {
    const sixDay = makeCalendar({ weekPattern: [1, 2, 3, 4, 5, 6] });
    expect(workingDaysOverdue("2026-03-27", new Date("2026-03-28T04:00:00Z"), sixDay)).toBe(1);
    expect(workingDaysLeft("2026-03-28", new Date("2026-03-26T04:00:00Z"), sixDay)).toBe(2);
    // Six-day week (D15): 21, 23, 24 Mar off, 25 Mar works (it is the five-day week's substitute only).
    expect(countWorkingDays("2026-03-20", "2026-03-31", sixDay)).toBe(6);
    expect(countWorkingDays("2026-03-20", "2026-03-31")).toBe(4);
    expect(countWorkingDays("2026-03-31", "2026-03-20")).toBe(0);
  });

  it("rejects bad input", () => {
    expect(() => addWorkingDays("2026-3-20", 1)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-02-29", 1)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-03-20T00:00", 1)).toThrow(RangeError);
    expect(() => addWorkingDays(20260320 as unknown as string, 1)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-03-20", -1)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-03-20", 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date("nonsense"), 1)).toThrow(RangeError);
    expect(() => isOverdue("2026-03-20", new Date(Number.NaN))).toThrow(RangeError);
    expect(() => isOverdue("2026-03-20", "2026-03-21" as unknown as Date)).toThrow(RangeError);
  });
});

describe("D1: properties (fast-check)", () => {
  const day = fc
    .integer({ min: toDayNumber("2019-01-01"), max: toDayNumber("2031-12-31") })
    .map(fromDayNumber);
  const n = fc.integer({ min: 0, max: 40 });
  const calendars = [
    makeCalendar(),
    makeCalendar({ weekPattern: [1, 2, 3, 4, 5, 6] }),
    makeCalendar({ seed: false }),
  ];
  const calendar = fc.constantFrom(...calendars);

  it("the result is a working day (N >= 1)", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 40 }), calendar, (from, k, cal) =>
        isWorkingDay(addWorkingDays(from, k, cal), cal),
      ),
    );
  });

  it("exactly N working days lie in (from, result], and the day before the result is not needed", () => {
    fc.assert(
      fc.property(day, n, calendar, (from, k, cal) => {
        const result = addWorkingDays(from, k, cal);
        expect(countWorkingDays(from, result, cal)).toBe(k);
        if (k > 0) expect(countWorkingDays(from, addCalendarDays(result, -1), cal)).toBe(k - 1);
      }),
    );
  });

  it("is monotonic in from and in N", () => {
    fc.assert(
      fc.property(day, day, n, n, calendar, (a, b, k1, k2, cal) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(addWorkingDays(lo, k1, cal) <= addWorkingDays(hi, k1, cal)).toBe(true);
        const [m1, m2] = k1 <= k2 ? [k1, k2] : [k2, k1];
        const r1 = addWorkingDays(a, m1, cal);
        const r2 = addWorkingDays(a, m2, cal);
        expect(m1 < m2 ? r1 < r2 : r1 === r2).toBe(true);
      }),
    );
  });

  it("a Date trigger equals the string trigger of its local date", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("2020-01-01T00:00:00Z"),
          max: new Date("2030-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        n,
        (instant, k) => addWorkingDays(instant, k) === addWorkingDays(localDateOf(instant), k),
      ),
    );
  });

  it("localDateOf agrees with Intl for Asia/Almaty", () => {
    const fmt = new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Almaty",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("2000-01-01T00:00:00Z"),
          max: new Date("2035-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        (instant) => localDateOf(instant) === fmt.format(instant),
      ),
    );
  });

  it("workingDaysLeft counts down to 0 on the due date and workingDaysOverdue counts up after it", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 15 }), (from, k) => {
        const due = addWorkingDays(from, k);
        const noonOf = (d: string) => new Date(dueInstant(d).getTime() - 12 * 3_600_000);
        expect(workingDaysLeft(due, noonOf(from))).toBe(k);
        expect(workingDaysLeft(due, noonOf(due))).toBe(0);
        expect(workingDaysOverdue(due, noonOf(addWorkingDays(due, k)))).toBe(k);
      }),
    );
  });
});

describe("dates: parsing and formatting", () => {
  it.each(["2026-03-20", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"])(
    "%s is a local date",
    (d) => {
      expect(isLocalDate(d)).toBe(true);
      expect(fromDayNumber(toDayNumber(d))).toBe(d);
    },
  );

  it.each([
    "2025-02-29",
    "1900-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-04-31",
    "2026-04-00",
    "26-03-20",
    "",
    " 2026-03-20",
  ])("%j is not a local date", (d) => {
    expect(isLocalDate(d)).toBe(false);
    expect(() => toDayNumber(d)).toThrow(RangeError);
  });

  it("non-strings are not local dates", () => {
    expect(isLocalDate(20260320)).toBe(false);
    expect(isLocalDate(null)).toBe(false);
  });

  it("weekdays and calendar-day shifts", () => {
    expect(isoWeekday("1970-01-01")).toBe(4);
    expect(isoWeekday("2026-03-22")).toBe(7);
    expect(isoWeekday("1969-12-29")).toBe(1);
    expect(addCalendarDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addCalendarDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(() => addCalendarDays("2026-01-01", 0.5)).toThrow(RangeError);
  });

  it("refuses day numbers it cannot print", () => {
    expect(() => fromDayNumber(1.5)).toThrow(RangeError);
    expect(() => fromDayNumber(toDayNumber("9999-12-31") + 1)).toThrow(RangeError);
    expect(() => fromDayNumber(toDayNumber("0000-01-01") - 1)).toThrow(RangeError);
  });
});

describe("dueDateFor (D2 anchors + D1 counting)", () => {
  const wf = workflowFor("own_will", { category: "cadet", conscriptServed: true });
  const step = (key: string): StepDef => wf.steps.find((s) => s.key === key) as StepDef;
  const anchors = { registered: "2026-03-19", opened: "2026-03-20" };

  it.each([
    ["instruct", "2026-03-26", "cl. 20: 2 WD from registration (Thu 19.03 → 20, 26)"],
    [
      "conversation",
      "2026-03-27",
      "cl. 20 (D3: statutory): 2 WD from the instruction = opened (Fri 20.03 → 26, 27)",
    ],
  ])("%s is due %s (%s)", (key, expected) => {
    expect(step(key).deadline?.kind).toBe("statutory");
    expect(dueDateFor(step(key), anchors)).toBe(expected);
  });

  it("decision and order_date anchors", () => {
    expect(dueDateFor(step("order"), { ...anchors, decision: "2026-03-27" })).toBe("2026-03-31");
    expect(dueDateFor(step("notify_personnel_dept"), { ...anchors, order_date: "2026-03-31" })).toBe(
      "2026-04-07",
    );
  });

  it("null when the anchor is missing or the step has no period", () => {
    expect(dueDateFor(step("order"), anchors)).toBeNull();
    expect(dueDateFor(step("notify_personnel_dept"), anchors)).toBeNull();
    expect(dueDateFor({ ...step("order"), deadline: null }, anchors)).toBeNull();
  });

  it("uses the calendar it is given", () => {
    const cal = makeCalendar({ overrides: [{ date: "2026-03-26", kind: "day_off" }] });
    expect(dueDateFor(step("instruct"), anchors, cal)).toBe("2026-03-27");
  });
});
