import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recomputeDueDates } from "../../src/cases/recompute";
import { auditEvents, caseSteps, institutions } from "../../src/db/schema";
import { removeCalendarDay, setCalendarDay } from "../../src/people/calendar-store";
import { addInstitution } from "../support/fixtures";
import { useHarness } from "../support/harness";
import { actOn, at, buttonsOf, fileCase, sentTo, staff, stepOf, tick } from "./helpers";

describe("calendar change: recomputeDueDates", () => {
  const hr = useHarness({ now: "2026-03-16T05:00:00Z" });

  it("moves a due date when a day off is added, audits it and tells the holders", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    const id = await fileCase(h, inst.id); // endorse: target 2 WD → Wed 18.03
    const other = await fileCase(h, inst.id);
    await actOn(h, s.deputy, other, "endorse", "interview", { date: "16.03.2026" }); // instruct: cl. 20 → 18.03
    await h.flush();
    h.tg.clear();
    expect((await stepOf(h.db, id, "endorse")).dueOn).toBe("2026-03-18");
    expect((await stepOf(h.db, other, "instruct")).dueOn).toBe("2026-03-18");

    // Nothing changed yet: nothing to do.
    expect(await recomputeDueDates(h.db, h.clock())).toEqual([]);

    at(h, "2026-03-16 12:00");
    await setCalendarDay(h.db, { day: "2026-03-17", kind: "day_off", note: "Extra day off" }, h.clock());
    const changes = await recomputeDueDates(h.db, h.clock());
    const endorse = await stepOf(h.db, id, "endorse");
    const instruct = await stepOf(h.db, other, "instruct");
    expect(endorse.dueOn).toBe("2026-03-19");
    expect(instruct.dueOn).toBe("2026-03-19");
    expect(changes).toEqual([
      expect.objectContaining({
        stepId: endorse.id,
        caseId: id,
        stepKey: "endorse",
        role: "deputy_personnel",
        dueKind: "target",
        before: "2026-03-18",
        after: "2026-03-19",
      }),
      expect.objectContaining({
        stepId: instruct.id,
        caseId: other,
        stepKey: "instruct",
        role: "head",
        dueKind: "statutory",
        before: "2026-03-18",
        after: "2026-03-19",
      }),
    ]);
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.due_changed"));
    expect(audits.map((a) => [a.caseId, a.before, a.after])).toEqual([
      [id, { dueOn: "2026-03-18" }, { dueOn: "2026-03-19" }],
      [other, { dueOn: "2026-03-18" }, { dueOn: "2026-03-19" }],
    ]);
    expect(audits[0]?.details).toMatchObject({ stepId: endorse.id, stepKey: "endorse" });

    await h.flush();
    const [toDeputy] = sentTo(h, s.deputy.tg.id);
    expect(toDeputy?.text).toContain("Due dates changed");
    expect(toDeputy?.text).toContain(`Case No. ${id}`);
    expect(toDeputy?.text).toContain("was 18.03.2026 → now target 19.03.2026 (D3)");
    expect(buttonsOf(toDeputy!)).toEqual([`c:${id}`]);
    const [toHead] = sentTo(h, s.head.tg.id);
    expect(toHead?.text).toContain("now statutory deadline 19.03.2026 (cl. 20; D2)");
    expect(sentTo(h, s.personnel.tg.id)).toHaveLength(0);

    // Idempotent: a second run (or a second instance) changes and tells nothing.
    expect(await recomputeDueDates(h.db, h.clock())).toEqual([]);
    await h.flush();
    expect(sentTo(h, s.deputy.tg.id)).toHaveLength(1);

    // Removing the day off brings the seed's answer back.
    await removeCalendarDay(h.db, "2026-03-17", h.clock());
    const back = await recomputeDueDates(h.db, h.clock());
    expect(back.map((c) => [c.stepKey, c.before, c.after])).toEqual([
      ["endorse", "2026-03-19", "2026-03-18"],
      ["instruct", "2026-03-19", "2026-03-18"],
    ]);
  });

  it("counts on each institution's week pattern and leaves done steps alone", async () => {
    const h = hr.current;
    const five = await addInstitution(h.db, "FIVE");
    const six = await addInstitution(h.db, "SIX");
    await staff(h, five.id);
    const s6 = await staff(h, six.id);
    at(h, "2026-03-12 10:00"); // Thu
    const a = await fileCase(h, five.id); // Fri 13, Mon 16
    const b = await fileCase(h, six.id);
    const done = await fileCase(h, six.id);
    await actOn(h, s6.deputy, done, "endorse", "interview", { date: "12.03.2026" });
    expect((await stepOf(h.db, a, "endorse")).dueOn).toBe("2026-03-16");
    expect((await stepOf(h.db, b, "endorse")).dueOn).toBe("2026-03-16");
    const doneBefore = await stepOf(h.db, done, "endorse");

    // The second institution moves to a six-day week: Saturday 14.03 becomes a working day there.
    await h.db
      .update(institutions)
      .set({ weekPattern: [1, 2, 3, 4, 5, 6] })
      .where(eq(institutions.id, six.id));
    const changes = await recomputeDueDates(h.db, h.clock());
    expect(changes.map((c) => [c.caseId, c.stepKey, c.after])).toEqual([
      [b, "endorse", "2026-03-14"],
      [done, "instruct", "2026-03-14"],
    ]);
    expect((await stepOf(h.db, a, "endorse")).dueOn).toBe("2026-03-16");
    expect(await stepOf(h.db, done, "endorse")).toEqual(doneBefore);
  });

  it("lets a step breach again when its date moves past a breach already notified", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const id = await fileCase(h, inst.id, "contract_refusal");
    await actOn(h, s.deputy, id, "endorse", "interview", { date: "02.03.2026" });
    await actOn(h, s.head, id, "decide", "approve"); // order: cl. 26, due Thu 05.03
    at(h, "2026-03-06 10:00");
    expect((await tick(h)).breaches).toHaveLength(1);
    // The administrator records 04–06.03 as days off (say, a late government transfer).
    for (const day of ["2026-03-04", "2026-03-05", "2026-03-06"])
      await setCalendarDay(h.db, { day, kind: "day_off" }, h.clock());
    const [change] = await recomputeDueDates(h.db, h.clock());
    // 3 WD from 02.03: 03.03, (04–06 off, 07–08 weekend, 09 off) 10.03, 11.03.
    expect(change).toMatchObject({ stepKey: "order", before: "2026-03-05", after: "2026-03-11" });
    const [step] = await h.db
      .select()
      .from(caseSteps)
      .where(and(eq(caseSteps.caseId, id), eq(caseSteps.key, "order")));
    expect(step?.breachNotifiedOn).toBeNull();
    at(h, "2026-03-12 09:00");
    expect((await tick(h)).breaches).toMatchObject([{ caseId: id, dueOn: "2026-03-11" }]);
  });
});
