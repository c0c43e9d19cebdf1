/**
 * The dashboard's statistics (issue 18, src/dashboard/statistics.ts) on a small hand-built data set whose
 * numbers are counted by hand in the comments: working days across Nauryz 2026 (Sat 21 – Wed 25 March off
 * on the five-day week; Sat 21 – Tue 24 on the six-day week, docs/calendar.md), nearest-rank medians and
 * 90th percentiles, statutory steps on time, overdue steps as of a day, monthly buckets by Asia/Almaty
 * dates, a purged case (D8), and no row of an institution not asked for. Then the CSV of each table.
 */
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Statistics } from "../../src/dashboard/contract";
import { computeStatistics, csvCell, nearestRank, statisticsCsv } from "../../src/dashboard/statistics";
import type { Database } from "../../src/db/client";
import { caseSteps, cases, institutions } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { setCalendarDay } from "../../src/people/calendar-store";
import type { CaseState, Category, DueKind, Ground, Role, StepKey, StepState } from "../../src/rules";
import { resetDatabase, testDatabase } from "../support/db";

interface StepSeed {
  key: StepKey;
  openedOn: string;
  /** An instant (ISO with offset), or a local date meaning noon in Almaty. */
  done?: string;
  dueOn?: string | null;
  dueKind?: DueKind | null;
  state?: StepState;
}

interface CaseSeed {
  ground?: Ground;
  category?: Category;
  state?: CaseState;
  registeredOn: string;
  closedAt?: string;
  steps?: StepSeed[];
}

const ROLE_OF: Partial<Record<StepKey, Role>> = {
  endorse: "deputy_personnel",
  decide: "head",
  order: "personnel_officer",
  conversation: "personnel_officer",
};

const instant = (s: string) => new Date(s.length === 10 ? `${s}T12:00:00+05:00` : s);

let database: Database;
let A: number; // five-day week
let B: number; // six-day week
let C: number; // five-day week, another institution

async function addInstitution(code: string, weekPattern = [1, 2, 3, 4, 5]) {
  const [row] = await database.db
    .insert(institutions)
    .values({ code, nameKk: code, nameRu: code, headTitleKk: "-", headTitleRu: "-", weekPattern })
    .returning({ id: institutions.id });
  return row!.id;
}

async function addCase(institutionId: number, c: CaseSeed) {
  const [row] = await database.db
    .insert(cases)
    .values({
      institutionId,
      ground: c.ground ?? "own_will",
      category: c.category ?? "cadet",
      rulesEdition: "75/қе (88/қе)",
      state: c.state ?? "open",
      reportLang: "kk",
      conscriptServed: false,
      registeredAt: instant(c.registeredOn),
      registeredOn: c.registeredOn,
      closedAt: c.closedAt ? instant(c.closedAt) : null,
    })
    .returning({ id: cases.id });
  for (const s of c.steps ?? []) {
    await database.db.insert(caseSteps).values({
      caseId: row!.id,
      key: s.key,
      role: ROLE_OF[s.key] ?? "head",
      state: s.state ?? (s.done ? "done" : "pending"),
      openedAt: instant(s.openedOn),
      openedOn: s.openedOn,
      dueOn: s.dueOn ?? null,
      dueKind: s.dueKind === undefined ? (s.dueOn ? "target" : null) : s.dueKind,
      cite: "D3",
      doneAt: s.done ? instant(s.done) : null,
    });
  }
  return row!.id;
}

/** Statutory "order" step: opened, due, done. */
const order = (openedOn: string, dueOn: string | null, done: string): StepSeed => ({
  key: "order",
  openedOn,
  dueOn,
  dueKind: "statutory",
  done,
});

/** Monday 6 April 2026. */
const TODAY = "2026-04-06";
let purgedCaseId: number;

beforeEach(async () => {
  database = await testDatabase();
  await resetDatabase(database);
  A = await addInstitution("A");
  B = await addInstitution("B", [1, 2, 3, 4, 5, 6]);
  C = await addInstitution("C");

  // Institution A, own will, cadets. Five-day week in March 2026: 16–20 working, 21–25 off (Nauryz and its
  // substitutes), 26–27 working, 28–29 weekend, 30–31 working, 1 April working.
  // endorse times (working days in (opened, done]): 0, 1, 1, 3, 4 → median (rank 3) 1, p90 (rank 5) 4.
  // order times: 2, 2, 3, 4, 0 → sorted 0,2,2,3,4 → median 2, p90 4.
  purgedCaseId = await addCase(A, {
    state: "closed",
    registeredOn: "2026-03-18",
    closedAt: "2026-04-02T10:00:00+05:00", // ended in April
    steps: [
      { key: "endorse", openedOn: "2026-03-18", done: "2026-03-18T15:00:00+05:00", dueOn: "2026-03-20" }, // 0
      order("2026-03-20", "2026-03-27", "2026-03-27T23:59:00+05:00"), // (20, 27] = 26, 27 → 2; on time, at 23:59 of the due day
    ],
  });
  await addCase(A, {
    state: "closed",
    registeredOn: "2026-03-18",
    closedAt: "2026-03-31T20:00:00Z", // 1 April 01:00 in Almaty: ended in April, not March
    steps: [
      // 20:30 UTC on the 19th is 01:30 on the 20th in Almaty: (19, 20] → 1
      { key: "endorse", openedOn: "2026-03-19", done: "2026-03-19T20:30:00Z", dueOn: "2026-03-23" },
      // 00:30 on Saturday 28 in Almaty (still the 27th in UTC): (20, 28] = 26, 27 → 2; late
      order("2026-03-20", "2026-03-27", "2026-03-27T19:30:00Z"),
    ],
  });
  await addCase(A, {
    state: "withdrawn",
    registeredOn: "2026-03-18",
    closedAt: "2026-03-30T12:00:00+05:00", // ended in March
    steps: [
      // Across Nauryz: (20, 26] = 26 → 1 working day for 6 calendar days
      { key: "endorse", openedOn: "2026-03-20", done: "2026-03-26" },
      order("2026-03-20", "2026-03-27", "2026-03-30"), // (20, 30] = 26, 27, 30 → 3; late
    ],
  });
  await addCase(A, {
    state: "approved",
    registeredOn: "2026-03-18",
    steps: [
      { key: "endorse", openedOn: "2026-03-19", done: "2026-03-27" }, // (19, 27] = 20, 26, 27 → 3
      order("2026-03-26", "2026-03-31", "2026-04-01"), // (26, 1.04] = 27, 30, 31, 1 → 4; late, in April
    ],
  });
  await addCase(A, {
    state: "rejected", // ended, but no closed_at: in no month's "ended"
    registeredOn: "2026-03-18",
    steps: [
      { key: "endorse", openedOn: "2026-03-20", done: "2026-03-31" }, // (20, 31] = 26, 27, 30, 31 → 4
      order("2026-03-26", null, "2026-03-26"), // 0; statutory without a due day: not in on_time
      // A target step done late: not in on_time either
      { key: "decide", openedOn: "2026-03-26", dueOn: "2026-03-27", dueKind: "target", done: "2026-04-01" },
    ],
  });
  // Pending steps as of Monday 6 April.
  await addCase(A, {
    registeredOn: "2026-04-01",
    steps: [
      { key: "decide", openedOn: "2026-04-01", dueOn: "2026-04-03", dueKind: "statutory" }, // overdue
      { key: "conversation", openedOn: "2026-04-01", dueOn: TODAY }, // due today: not overdue
    ],
  });
  await addCase(A, {
    registeredOn: "2026-04-01",
    steps: [{ key: "decide", openedOn: "2026-04-01", dueOn: "2026-04-01" }], // overdue
  });
  await addCase(A, {
    state: "sent_back", // with the learner (D6): its pending step is nobody's overdue task
    registeredOn: "2026-02-27",
    steps: [{ key: "decide", openedOn: "2026-02-27", dueOn: "2026-03-31" }],
  });
  await addCase(A, {
    ground: "academic_failure",
    category: "masters",
    state: "approved",
    registeredOn: "2026-03-02",
    steps: [
      { key: "order", openedOn: "2026-03-30", dueOn: "2026-04-02", dueKind: "statutory" }, // overdue
      { key: "transcript", openedOn: "2026-03-30", dueOn: null }, // no due day: never overdue
      { key: "endorse", openedOn: "2026-03-02", dueOn: "2026-03-03", state: "cancelled" }, // cancelled: nothing
    ],
  });

  // Institution B, six-day week: Saturdays work; Nauryz 21–24 off (Sunday's holiday moves to Tue 24), 25 works.
  // endorse times: 2, 2, 1, 4 → sorted 1,2,2,4 → median (rank 2) 2, p90 (rank 4) 4.
  // (On the five-day week the same steps take 1, 1, 0, 4: median 1.)
  const six: [string, string][] = [
    ["2026-03-20", "2026-03-26"], // (20, 26] = 25, 26 → 2
    ["2026-03-27", "2026-03-30"], // (27, 30] = Sat 28, Mon 30 → 2
    ["2026-03-13", "2026-03-14"], // (13, 14] = Sat 14 → 1
    ["2026-03-16", "2026-03-20"], // (16, 20] = 17, 18, 19, 20 → 4
  ];
  for (const [openedOn, done] of six)
    await addCase(B, {
      state: "approved",
      registeredOn: openedOn,
      steps: [{ key: "endorse", openedOn, done }],
    });

  // Institution C: one case.
  await addCase(C, {
    ground: "citizenship",
    registeredOn: "2026-03-26",
    steps: [
      // 19:30 UTC on the 26th is 00:30 on the 27th in Almaty: (26, 27] → 1 (the UTC date would give 0)
      { key: "endorse", openedOn: "2026-03-26", done: "2026-03-26T19:30:00Z" },
      { key: "decide", openedOn: "2026-03-26", dueOn: "2026-03-30", dueKind: "statutory" }, // overdue
    ],
  });
});

const stats = (ids: number[], today = TODAY) =>
  computeStatistics(database.db, { institutionIds: ids, today });

const timesOf = (s: Statistics, inst: number, step: string) =>
  s.step_times.filter((r) => r.institutionId === inst && r.step === step);

describe("statistics", () => {
  it("counts a step's working days on the five-day calendar across Nauryz, by the Almaty date it was done", async () => {
    const s = await stats([A]);
    expect(s.asOf).toBe(TODAY);
    expect(timesOf(s, A, "endorse")).toEqual([
      {
        institutionId: A,
        ground: "own_will",
        category: "cadet",
        step: "endorse",
        done: 5,
        medianDays: 1,
        p90Days: 4,
      },
    ]);
    expect(timesOf(s, A, "order")).toEqual([
      {
        institutionId: A,
        ground: "own_will",
        category: "cadet",
        step: "order",
        done: 5,
        medianDays: 2,
        p90Days: 4,
      },
    ]);
    // The target step done late (26 March → 1 April = 27, 30, 31, 1) and nothing pending or cancelled.
    expect(timesOf(s, A, "decide")).toMatchObject([{ done: 1, medianDays: 4, p90Days: 4 }]);
    // Done at 00:30 Almaty time on the next day (19:30 UTC the day it opened): one working day.
    expect(timesOf(await stats([C]), C, "endorse")).toMatchObject([{ done: 1, medianDays: 1, p90Days: 1 }]);
    expect(s.step_times.filter((r) => r.institutionId === A).map((r) => [r.ground, r.step])).toEqual([
      ["own_will", "endorse"],
      ["own_will", "decide"],
      ["own_will", "order"],
    ]);
  });

  it("counts Saturdays as working days on a six-day week", async () => {
    const s = await stats([B]);
    expect(timesOf(s, B, "endorse")).toEqual([
      {
        institutionId: B,
        ground: "own_will",
        category: "cadet",
        step: "endorse",
        done: 4,
        medianDays: 2,
        p90Days: 4,
      },
    ]);
  });

  it("counts a day the administrator adds to the calendar", async () => {
    expect(timesOf(await stats([C]), C, "endorse")).toMatchObject([{ medianDays: 1 }]);
    await setCalendarDay(database.db, { day: "2026-03-27", kind: "day_off", note: "test" }, new Date());
    expect(timesOf(await stats([C]), C, "endorse")).toMatchObject([{ medianDays: 0 }]);
  });

  it("shares statutory steps done on or before their due day; other steps and groups without one have no row", async () => {
    const s = await stats([A]);
    // Statutory with a due day: on time 27 ≤ 27 (23:59 local); late 28 > 27 (00:30 local, the 27th in UTC),
    // 30 > 27 and 1.04 > 31.03.
    expect(s.on_time).toEqual([
      { institutionId: A, ground: "own_will", category: "cadet", done: 4, onTime: 1, share: 0.25 },
    ]);
    expect((await stats([B])).on_time).toEqual([]);
  });

  it("counts pending steps of running cases past their due day as of `today`", async () => {
    const s = await stats([A]);
    expect(s.overdue).toEqual([
      { institutionId: A, ground: "academic_failure", category: "masters", step: "order", count: 1 },
      { institutionId: A, ground: "own_will", category: "cadet", step: "decide", count: 2 },
    ]);
    // On 2 April only the decide step due 1 April is late; on 1 April nothing is.
    expect((await stats([A], "2026-04-02")).overdue).toEqual([
      { institutionId: A, ground: "own_will", category: "cadet", step: "decide", count: 1 },
    ]);
    expect((await stats([A], "2026-04-01")).overdue).toEqual([]);
  });

  it("counts cases by state and by month: filed, ended (Almaty date of closed_at), statutory steps done", async () => {
    const s = await stats([A]);
    expect(s.states).toEqual([
      { institutionId: A, ground: "academic_failure", category: "masters", state: "approved", count: 1 },
      { institutionId: A, ground: "own_will", category: "cadet", state: "open", count: 2 },
      { institutionId: A, ground: "own_will", category: "cadet", state: "approved", count: 1 },
      { institutionId: A, ground: "own_will", category: "cadet", state: "sent_back", count: 1 },
      { institutionId: A, ground: "own_will", category: "cadet", state: "closed", count: 2 },
      { institutionId: A, ground: "own_will", category: "cadet", state: "rejected", count: 1 },
      { institutionId: A, ground: "own_will", category: "cadet", state: "withdrawn", count: 1 },
    ]);
    const m = (
      month: string,
      ground: string,
      category: string,
      filed: number,
      ended: number,
      sd: number,
      ot: number,
    ) => ({
      institutionId: A,
      month,
      ground,
      category,
      filed,
      ended,
      statutoryDone: sd,
      onTime: ot,
    });
    expect(s.monthly).toEqual([
      m("2026-02", "own_will", "cadet", 1, 0, 0, 0),
      m("2026-03", "academic_failure", "masters", 1, 0, 0, 0),
      // 5 filed; the withdrawal of 30 March; statutory done 27, 28, 30 March, one on time
      m("2026-03", "own_will", "cadet", 5, 1, 3, 1),
      // 2 filed; closed 2 April and 1 April (Almaty); the order done late on 1 April
      m("2026-04", "own_will", "cadet", 2, 2, 1, 0),
    ]);
  });

  it("still counts a purged case: the anonymised record keeps state, dates and step timings (D8)", async () => {
    const before = await stats([A]);
    await database.db
      .update(cases)
      .set({ purgedAt: new Date("2027-04-03T00:00:00Z"), studentSnapshot: null, reasons: null, phone: null })
      .where(eq(cases.id, purgedCaseId));
    await database.db.update(caseSteps).set({ result: null }).where(eq(caseSteps.caseId, purgedCaseId));
    const after = await stats([A]);
    expect(after).toEqual(before);
    expect(after.states.find((r) => r.state === "closed")?.count).toBe(2);
  });

  it("reads only the institutions asked for", async () => {
    const a = await stats([A]);
    const all = [a.states, a.step_times, a.on_time, a.overdue, a.monthly].flat();
    expect(new Set(all.map((r) => r.institutionId))).toEqual(new Set([A]));

    const ac = await stats([C, A, C]);
    expect(ac.overdue.map((r) => [r.institutionId, r.step])).toEqual([
      [A, "order"],
      [A, "decide"],
      [C, "decide"],
    ]);
    expect(ac.states.filter((r) => r.institutionId === C)).toEqual([
      { institutionId: C, ground: "citizenship", category: "cadet", state: "open", count: 1 },
    ]);
    expect(ac.step_times.filter((r) => r.institutionId === B)).toEqual([]);
    // A's rows are the same whoever else is asked for.
    expect(ac.step_times.filter((r) => r.institutionId === A)).toEqual(a.step_times);

    expect(await stats([])).toEqual({
      asOf: TODAY,
      states: [],
      step_times: [],
      on_time: [],
      overdue: [],
      monthly: [],
    });
  });

  it("takes the nearest-rank percentile: the smallest value with at least ⌈p·n⌉ values at or below it", () => {
    const h: [number, number][] = [
      [0, 1],
      [1, 2],
      [3, 1],
      [9, 1],
    ]; // 0, 1, 1, 3, 9
    expect(nearestRank(h, 5, 0.5)).toBe(1);
    expect(nearestRank(h, 5, 0.9)).toBe(9);
    expect(nearestRank(h, 5, 0.6)).toBe(1); // rank 3
    expect(nearestRank(h, 5, 0.61)).toBe(3); // rank 4
    expect(
      nearestRank(
        [
          [2, 1],
          [5, 1],
        ],
        2,
        0.5,
      ),
    ).toBe(2); // an even count: the lower middle
    expect(nearestRank([[7, 1]], 1, 0.9)).toBe(7);
  });
});

describe("statistics as CSV", () => {
  it("writes a BOM, CRLF lines and Kazakh headers and names", async () => {
    const csv = statisticsCsv(await stats([B]), "step_times", tFor("kk"));
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = csv.slice(1).split("\r\n");
    expect(lines).toEqual([
      'Оқу орны,Негіз,Санат,Қадам,Орындалған қадамдар,"Медиана, жұмыс күні","90-процентиль, жұмыс күні"',
      `${B},өз еркі бойынша (4-тарау),курсант (тыңдаушы),${tFor("kk")("step.endorse")},4,2,4`,
      "",
    ]);
  });

  it("writes Russian headers, quotes a name with a comma, and the share with three decimals", async () => {
    const s = await stats([A]);
    const t = tFor("ru");
    const states = statisticsCsv(s, "states", t).slice(1).split("\r\n");
    expect(states[0]).toBe("Учебное заведение,Основание,Категория,Состояние,Количество дел");
    // state.approved in Russian has a comma: the cell is quoted.
    expect(t("state.approved")).toContain(",");
    expect(states).toContain(
      `${A},по собственному желанию (гл. 4),курсант (слушатель),"${t("state.approved")}",1`,
    );
    expect(states).toHaveLength(s.states.length + 2);

    const onTime = statisticsCsv(s, "on_time", t).slice(1).split("\r\n");
    expect(onTime).toEqual([
      "Учебное заведение,Основание,Категория,Выполнено шагов с установленным сроком,Из них в срок,Доля выполненных в срок",
      `${A},по собственному желанию (гл. 4),курсант (слушатель),4,1,0.250`,
      "",
    ]);
    const monthly = statisticsCsv(s, "monthly", t).slice(1).split("\r\n");
    expect(monthly[0]).toBe(
      "Учебное заведение,Месяц,Основание,Категория,Зарегистрировано дел,Завершено дел,Выполнено шагов с установленным сроком,Из них в срок",
    );
    expect(monthly[4]).toBe(`${A},2026-04,по собственному желанию (гл. 4),курсант (слушатель),2,2,1,0`);
    const overdue = statisticsCsv(s, "overdue", t).slice(1).split("\r\n");
    expect(overdue[0]).toBe("Учебное заведение,Основание,Категория,Шаг,Просроченные шаги");
    expect(overdue[2]).toBe(`${A},по собственному желанию (гл. 4),курсант (слушатель),${t("step.decide")},2`);
  });

  it("keeps a value without a name as it is, quotes quotes, and never starts a cell with a formula", () => {
    const s: Statistics = {
      asOf: TODAY,
      states: [],
      step_times: [],
      on_time: [],
      monthly: [],
      overdue: [
        {
          institutionId: 1,
          ground: '=HYPERLINK("http://x","y")',
          category: "+1",
          step: "@SUM(A1)",
          count: 3,
        },
        { institutionId: 2, ground: "-2", category: "plain", step: "\tx", count: 0 },
      ],
    };
    const lines = statisticsCsv(s, "overdue", tFor("en")).slice(1).split("\r\n");
    expect(lines).toEqual([
      "Institution,Ground,Category,Step,Overdue steps",
      `1,"'=HYPERLINK(""http://x"",""y"")",'+1,'@SUM(A1),3`,
      "2,'-2,plain,'\tx,0",
      "",
    ]);
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvCell(-1)).toBe("-1");
  });
});
