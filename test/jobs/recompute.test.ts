import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recomputeDueDates } from "../../src/cases/recompute";
import { auditEvents, caseSteps, institutions } from "../../src/db/schema";
import { removeCalendarDay, setCalendarDay } from "../../src/people/calendar-store";
import { addInstitution, addOfficial } from "../support/fixtures";
import { useHarness } from "../support/harness";
import { actOn, at, buttonsOf, fileCase, interviewAndApprove, sentTo, staff, stepOf, tick } from "./helpers";

describe("calendar change: recomputeDueDates", () => {
  const hr = useHarness({ now: "2026-03-16T05:00:00Z" });

  it("moves a due date when a day off is added, audits it and tells the holders", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    // Own will, registered Mon 16.03: the deputy's opinion and the cl. 4 interview (targets, 2 WD) and the
    // head's cl. 20 instruction (statutory, 2 WD from registration) all open at once, due Wed 18.03.
    const id = await fileCase(h, inst.id);
    // A second case where the head has instructed the same day: the cl. 20 conversation is statutory, 2 WD
    // from the instruction (D3), also due 18.03.
    const other = await fileCase(h, inst.id);
    await actOn(h, s.deputy, other, "endorse", "agree");
    await actOn(h, s.deputy, other, "interview", "interview", { date: "16.03.2026" });
    await actOn(h, s.head, other, "instruct", "instruct");
    await h.flush();
    h.tg.clear();
    const pending = async () =>
      (await h.db.select().from(caseSteps).where(eq(caseSteps.state, "pending")).orderBy(caseSteps.id)).map(
        (x) => [x.caseId, x.key, x.dueKind, x.dueOn],
      );
    expect(await pending()).toEqual([
      [id, "endorse", "target", "2026-03-18"],
      [id, "interview", "target", "2026-03-18"],
      [id, "instruct", "statutory", "2026-03-18"],
      [other, "conversation", "statutory", "2026-03-18"],
    ]);

    // Nothing changed yet: nothing to do.
    expect(await recomputeDueDates(h.db, h.clock())).toEqual([]);

    at(h, "2026-03-16 12:00");
    await setCalendarDay(h.db, { day: "2026-03-17", kind: "day_off", note: "Extra day off" }, h.clock());
    const changes = await recomputeDueDates(h.db, h.clock());
    expect(await pending()).toEqual([
      [id, "endorse", "target", "2026-03-19"],
      [id, "interview", "target", "2026-03-19"],
      [id, "instruct", "statutory", "2026-03-19"],
      [other, "conversation", "statutory", "2026-03-19"],
    ]);
    const endorse = await stepOf(h.db, id, "endorse");
    const conversation = await stepOf(h.db, other, "conversation");
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
      expect.objectContaining({ caseId: id, stepKey: "interview", role: "deputy_personnel" }),
      expect.objectContaining({ caseId: id, stepKey: "instruct", role: "head", dueKind: "statutory" }),
      expect.objectContaining({
        stepId: conversation.id,
        caseId: other,
        stepKey: "conversation",
        role: "personnel_officer",
        dueKind: "statutory",
        before: "2026-03-18",
        after: "2026-03-19",
      }),
    ]);
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.due_changed"));
    expect(audits.map((a) => [a.caseId, a.before, a.after])).toEqual([
      [id, { dueOn: "2026-03-18" }, { dueOn: "2026-03-19" }],
      [id, { dueOn: "2026-03-18" }, { dueOn: "2026-03-19" }],
      [id, { dueOn: "2026-03-18" }, { dueOn: "2026-03-19" }],
      [other, { dueOn: "2026-03-18" }, { dueOn: "2026-03-19" }],
    ]);
    expect(audits[0]?.details).toMatchObject({ stepId: endorse.id, stepKey: "endorse" });

    await h.flush();
    // One message per holder, listing their moved steps; targets named as the institution's (D13).
    const toDeputy = sentTo(h, s.deputy.tg.id);
    expect(toDeputy).toHaveLength(1);
    expect(toDeputy[0]?.text).toContain("Due dates changed");
    expect(toDeputy[0]?.text).toContain(`Case No. ${id} · opinion of the deputy head`);
    expect(toDeputy[0]?.text).toContain(`Case No. ${id} · interview on reimbursing`);
    expect(toDeputy[0]?.text).toContain("was 18.03.2026 → now the institution's target: 19.03.2026");
    expect(buttonsOf(toDeputy[0]!)).toEqual([`c:${id}`]);
    const [toHead] = sentTo(h, s.head.tg.id);
    expect(toHead?.text).toContain("now statutory deadline 19.03.2026 (cl. 20)");
    expect(buttonsOf(toHead!)).toEqual([`c:${id}`]);
    const [toPersonnel] = sentTo(h, s.personnel.tg.id);
    expect(toPersonnel?.text).toContain(`Case No. ${other} · fact-check conversation`);
    expect(toPersonnel?.text).toContain("now statutory deadline 19.03.2026 (cl. 20)");
    expect(buttonsOf(toPersonnel!)).toEqual([`c:${other}`]);
    for (const m of [...toDeputy, toHead!, toPersonnel!]) expect(m.text).not.toMatch(/\bD\d{1,2}\b/);

    // Idempotent: a second run (or a second instance) changes and tells nothing.
    expect(await recomputeDueDates(h.db, h.clock())).toEqual([]);
    await h.flush();
    expect(sentTo(h, s.deputy.tg.id)).toHaveLength(1);

    // Removing the day off brings the seed's answer back.
    await removeCalendarDay(h.db, "2026-03-17", h.clock());
    const back = await recomputeDueDates(h.db, h.clock());
    expect(back.map((c) => [c.stepKey, c.before, c.after])).toEqual([
      ["endorse", "2026-03-19", "2026-03-18"],
      ["interview", "2026-03-19", "2026-03-18"],
      ["instruct", "2026-03-19", "2026-03-18"],
      ["conversation", "2026-03-19", "2026-03-18"],
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
    // The deputy's part of `done` is done: only the head's instruction is pending there.
    await actOn(h, s6.deputy, done, "endorse", "agree");
    await actOn(h, s6.deputy, done, "interview", "interview", { date: "12.03.2026" });
    for (const key of ["endorse", "interview", "instruct"] as const) {
      expect((await stepOf(h.db, a, key)).dueOn).toBe("2026-03-16");
      expect((await stepOf(h.db, b, key)).dueOn).toBe("2026-03-16");
    }
    const doneBefore = [await stepOf(h.db, done, "endorse"), await stepOf(h.db, done, "interview")];
    expect(doneBefore.map((x) => x.state)).toEqual(["done", "done"]);

    // The second institution moves to a six-day week: Saturday 14.03 becomes a working day there.
    await h.db
      .update(institutions)
      .set({ weekPattern: [1, 2, 3, 4, 5, 6] })
      .where(eq(institutions.id, six.id));
    const changes = await recomputeDueDates(h.db, h.clock());
    expect(changes.map((c) => [c.caseId, c.stepKey, c.after])).toEqual([
      [b, "endorse", "2026-03-14"],
      [b, "interview", "2026-03-14"],
      [b, "instruct", "2026-03-14"],
      [done, "instruct", "2026-03-14"],
    ]);
    for (const key of ["endorse", "interview", "instruct"] as const)
      expect((await stepOf(h.db, a, key)).dueOn).toBe("2026-03-16");
    expect([await stepOf(h.db, done, "endorse"), await stepOf(h.db, done, "interview")]).toEqual(doneBefore);
  });

  it("recomputes the extra opinions from the case's own snapshot of opinion-givers (D4; was skipped before)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await h.db
      .update(institutions)
      .set({ endorsers: ["unit_head"] })
      .where(eq(institutions.id, inst.id));
    await staff(h, inst.id);
    const unitHead = await addOfficial(h.db, inst.id, ["unit_head"], "Unit U.U.", "en");
    at(h, "2026-03-16 10:00");
    const id = await fileCase(h, inst.id, "contract_refusal");
    const extra = await stepOf(h.db, id, "pre_endorse_1");
    expect(extra).toMatchObject({ role: "unit_head", dueKind: "target", dueOn: "2026-03-18" });
    // The institution drops its extra opinion-giver after the case was filed: the open case keeps its
    // snapshot (D4), and the recompute must build the case's workflow from that snapshot, not from today's
    // institution (built without it, the step had no rule and its due date was never recounted).
    await h.db.update(institutions).set({ endorsers: [] }).where(eq(institutions.id, inst.id));
    await h.flush();
    h.tg.clear();

    await setCalendarDay(h.db, { day: "2026-03-17", kind: "day_off" }, h.clock());
    const changes = await recomputeDueDates(h.db, h.clock());
    expect(changes.map((c) => [c.stepKey, c.role, c.before, c.after])).toEqual([
      ["endorse", "deputy_personnel", "2026-03-18", "2026-03-19"],
      ["pre_endorse_1", "unit_head", "2026-03-18", "2026-03-19"],
      ["interview", "deputy_personnel", "2026-03-18", "2026-03-19"],
    ]);
    expect((await stepOf(h.db, id, "pre_endorse_1")).dueOn).toBe("2026-03-19");
    await h.flush();
    const [told] = sentTo(h, unitHead.tg.id);
    expect(told?.text).toContain(`Case No. ${id} · opinion for the head (advisory)`);
    expect(told?.text).toContain("was 18.03.2026 → now the institution's target: 19.03.2026");
  });

  it("lets a step breach again when its date moves past a breach already notified", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const id = await fileCase(h, inst.id, "contract_refusal");
    await interviewAndApprove(h, s, id); // order: cl. 26, due Thu 05.03; the opinion closed by the decision
    at(h, "2026-03-06 10:00");
    expect((await tick(h)).breaches).toHaveLength(1);
    // The administrator records 04–06.03 as days off (say, a late government transfer).
    for (const day of ["2026-03-04", "2026-03-05", "2026-03-06"])
      await setCalendarDay(h.db, { day, kind: "day_off" }, h.clock());
    const moved = await recomputeDueDates(h.db, h.clock());
    expect(moved).toHaveLength(1); // the only pending step
    const [change] = moved;
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
