/**
 * Issue 17: the breach job renders each distinct list once and shares labels, due lines and step lines
 * across recipients (ctx.cache). The texts and buttons must be byte-identical to the renderer before the
 * cache: `renderedBefore` below is that renderer, frozen, and both render the same lists in every language, with
 * and without links, one step, a few, more than MAX_LISTED, long and HTML-special names (split lists).
 */
import { describe, expect, it } from "vitest";
import { tFor } from "../../src/i18n";
import { type BreachItem, breachMessages, holderNames } from "../../src/messages/breach";
import { MAX_LISTED, MESSAGE_BUDGET, packLines, textLength } from "../../src/messages/fit";
import { caseRef, dueLine } from "../../src/messages/format";
import { caseButtons } from "../../src/messages/keyboards";
import { type Calendar, DEFAULT_CALENDAR, makeCalendar } from "../../src/rules";

/** src/messages/breach.ts breachMessages as it was before the cache (issue 17), unchanged. */
function renderedBefore(
  lang: string,
  steps: readonly BreachItem[],
  escalation: boolean,
  ctx: { now: Date; calendarOf: (institutionId: number) => Calendar; botUsername?: string | null },
) {
  const t = tFor(lang);
  const args = (s: BreachItem) => ({
    ref: caseRef(t, s.caseId, ctx.botUsername),
    step: t(`step.${s.key}`),
    role: t(`role.${s.role}`),
    names: holderNames(s.names),
    due: dueLine(t, s, ctx.now, ctx.calendarOf(s.institutionId)),
  });
  const message = (text: string, caseIds: number[]) => ({ text, buttons: caseButtons(t, caseIds), caseIds });
  if (steps.length === 1)
    return [
      message(t(escalation ? "breach.escalation" : "breach.holder", args(steps[0]!)), [steps[0]!.caseId]),
    ];
  const shown = steps.slice(0, MAX_LISTED);
  const lines = shown.map((s) => ({
    caseId: s.caseId,
    text: t(escalation ? "breach.escalation_item" : "breach.item", args(s)),
  }));
  if (steps.length > shown.length)
    lines.push({ caseId: 0, text: t("breach.more", { count: steps.length - shown.length }) });
  const wrap = (items: string) =>
    t(escalation ? "breach.escalation_many" : "breach.holder_many", { count: steps.length, items });
  const budget = MESSAGE_BUDGET - textLength(wrap(""));
  return packLines(lines, budget).map((chunk) =>
    message(
      wrap(chunk.map((l) => l.text).join("\n")),
      [...new Set(chunk.map((l) => l.caseId))].filter((id) => id > 0),
    ),
  );
}

const now = new Date("2026-03-20T04:00:00Z");
// Two institutions, one with a day off on 19.03: the same due date is overdue by a different count.
const calendars = new Map<number, Calendar>([
  [1, DEFAULT_CALENDAR],
  [2, makeCalendar({ overrides: [{ date: "2026-03-19", kind: "day_off" }] })],
]);
const KEYS = ["order", "decide", "submission", "notify_personnel_dept", "endorse"];
const ROLES = ["personnel_officer", "head", "unit_head", "deputy_personnel", "academic_methods_head"];
const NAMES = [
  ["Serikov S."],
  ["O'Brien & <Sons>", "Ахметова А.", '{{step}} $t(step.order) "q"'],
  Array.from({ length: 6 }, (_, i) => `${"Н".repeat(60)} ${i}`),
];

/** Step `id` of a set: varied institution, step, role, date, kind, cite and names; fixed per id. */
const step = (id: number): BreachItem => ({
  id,
  caseId: 1000 + Math.floor(id / 2), // two steps of one case now and then
  institutionId: 1 + (id % 2),
  key: KEYS[id % KEYS.length]!,
  role: ROLES[id % ROLES.length]!,
  dueOn: `2026-03-${String(10 + (id % 9)).padStart(2, "0")}`,
  dueKind: "statutory",
  cite: id % 3 === 0 ? "cl. 26; D2" : "cl. 20",
  names: NAMES[id % NAMES.length]!,
});

describe("breach notices rendered with the job's cache (issue 17)", () => {
  it("are byte-identical to the renderer without it, for every language, kind and list", () => {
    const lists: number[][] = [
      [1],
      [2],
      [1, 2, 3],
      [3, 1, 2, 2],
      Array.from({ length: MAX_LISTED + 7 }, (_, i) => i + 1),
      Array.from({ length: 40 }, (_, i) => 2 * i + 2), // long names: split into several messages
      [5, 8, 13, 21, 34],
    ];
    for (const botUsername of [null, "bench_bot"]) {
      // One cache for the whole run, as the job shares it across recipients and chunks.
      const cache = new Map<string, string>();
      const ctx = { now, calendarOf: (i: number) => calendars.get(i)!, botUsername };
      let compared = 0;
      for (
        let round = 0;
        round < 2;
        round++ // the second round renders from a warm cache
      )
        for (const lang of ["kk", "ru", "en"])
          for (const escalation of [false, true])
            for (const ids of lists) {
              const steps = ids.map(step);
              const was = renderedBefore(lang, steps, escalation, ctx);
              const is = breachMessages(lang, steps, escalation, { ...ctx, cache });
              expect(is).toEqual(was);
              for (const [k, m] of is.entries()) expect(m.text === was[k]!.text).toBe(true);
              compared += is.length;
            }
      expect(compared).toBeGreaterThan(2 * 3 * 2 * lists.length); // some lists were split
      // Steps without ids (nothing cached by step): the same texts.
      for (const ids of lists) {
        const steps = ids.map((id) => ({ ...step(id), id: undefined }));
        expect(breachMessages("kk", steps, true, { ...ctx, cache })).toEqual(
          renderedBefore("kk", steps, true, ctx),
        );
      }
      // And without a cache (other callers): the same texts.
      for (const ids of lists)
        expect(breachMessages("ru", ids.map(step), true, ctx)).toEqual(
          renderedBefore("ru", ids.map(step), true, ctx),
        );
    }
  });
});
