import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, caseSteps } from "../../src/db/schema";
import { addInstitution } from "../support/fixtures";
import { useHarness } from "../support/harness";
import {
  actOn,
  at,
  breachesTo,
  buttonsOf,
  digestsTo,
  escalationsTo,
  fileCase,
  interviewAndApprove,
  staff,
  stepOf,
  tick,
} from "./helpers";

describe("breach notices", () => {
  const hr = useHarness({ now: "2026-03-02T05:00:00Z" });

  /** Contract refusal decided on Mon 02.03: the cl. 26 order (3 WD, statutory) is due Thu 05.03. */
  async function decidedCase() {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const id = await fileCase(h, inst.id, "contract_refusal");
    await interviewAndApprove(h, s, id);
    expect(await stepOf(h.db, id, "order")).toMatchObject({ dueOn: "2026-03-05", dueKind: "statutory" });
    // The deputy's opinion was never given: the decision closed it (D4), so nothing of it can breach.
    expect((await stepOf(h.db, id, "endorse")).state).toBe("cancelled");
    await h.flush();
    return { h, inst, s, id };
  }

  it("tells the holder and escalates to the head and the deputy for personnel, once", async () => {
    const { h, s, id } = await decidedCase();
    // The last day of the period: not yet a breach (D1: it ends at 23:59:59 local).
    at(h, "2026-03-05 23:59");
    expect((await tick(h)).breaches).toEqual([]);
    // The next morning before the reminder hour: still quiet (no notices in the night).
    at(h, "2026-03-06 08:30");
    expect((await tick(h)).breaches).toEqual([]);

    at(h, "2026-03-06 09:00");
    const r = await tick(h);
    expect(r.breaches).toMatchObject([
      { caseId: id, stepKey: "order", role: "personnel_officer", recipients: 3 },
    ]);
    const [own] = breachesTo(h, s.personnel.tg.id);
    expect(own?.text).toContain("Statutory deadline missed");
    expect(own?.text).toContain(`Case No. ${id} · order on expulsion`);
    expect(own?.text).toContain("statutory deadline 05.03.2026 (cl. 26) · ⚠️ overdue by 1 working day");
    // D13: the clause is cited; the product decision behind the period is never shown as a code.
    expect(own?.text).not.toMatch(/\bD\d{1,2}\b/);
    expect(buttonsOf(own!)).toEqual([`c:${id}`]);
    for (const who of [s.head, s.deputy]) {
      const [e] = escalationsTo(h, who.tg.id);
      expect(e?.text).toContain("Escalation: statutory deadline missed");
      expect(e?.text).toContain("Responsible: personnel subdivision (Personnel P.P.)");
      expect(e?.text).not.toMatch(/\bD\d{1,2}\b/);
      expect(buttonsOf(e!)).toEqual([`c:${id}`]);
    }
    expect(breachesTo(h, s.head.tg.id)).toHaveLength(0);
    expect(escalationsTo(h, s.personnel.tg.id)).toHaveLength(0);
    const step = await stepOf(h.db, id, "order");
    expect(step.breachNotifiedOn).toBe("2026-03-06");
    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.caseId, id), eq(auditEvents.action, "step.breach_notified")));
    expect(audits).toHaveLength(1);
    expect(audits[0]?.details).toMatchObject({ stepId: step.id, dueOn: "2026-03-05", recipients: 3 });

    // The same day's digests repeat it as an escalation for the head and the deputy.
    expect(digestsTo(h, s.head.tg.id).at(-1)?.text).toContain("Escalations — statutory deadlines missed: 1");
    expect(digestsTo(h, s.deputy.tg.id).at(-1)?.text).toContain(
      "Escalations — statutory deadlines missed: 1",
    );
    expect(digestsTo(h, s.personnel.tg.id).at(-1)?.text).toContain("Overdue: 1");

    // Sent once: later ticks, later days.
    for (const t of ["2026-03-06 09:30", "2026-03-06 15:00", "2026-03-10 09:00", "2026-03-11 10:00"]) {
      at(h, t);
      expect((await tick(h)).breaches).toEqual([]);
    }
    expect(breachesTo(h, s.personnel.tg.id)).toHaveLength(1);
    expect(escalationsTo(h, s.head.tg.id)).toHaveLength(1);
    expect(escalationsTo(h, s.deputy.tg.id)).toHaveLength(1);
    // While overdue, the head's digest repeats the escalation every working day (09.03 is a day off).
    const headDigests = digestsTo(h, s.head.tg.id);
    expect(headDigests.map((d) => d.text.match(/· (\d\d\.\d\d\.\d{4})/)?.[1])).toEqual([
      "06.03.2026",
      "10.03.2026",
      "11.03.2026",
    ]);
    expect(headDigests[2]?.text).toContain("overdue by 3 working days");

    // Once the order is recorded, the escalation is gone from the next digest.
    at(h, "2026-03-11 11:00");
    // D11: in ch. 6 personnel confirms the conscript answer with the order.
    await actOn(h, s.personnel, id, "order", "order", {
      number: "12-к",
      date: "10.03.2026",
      conscript: "no",
    });
    at(h, "2026-03-12 09:00");
    await tick(h);
    // Nothing left to report to the head: no digest at all.
    expect(digestsTo(h, s.head.tg.id)).toHaveLength(3);
  });

  it("never sends breach notices or escalations for targets (D3)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    // Ch. 6: at registration only targets open (the deputy's opinion, D4, and the cl. 4 interview, D5), both
    // due 04.03; the head's decision waits for the interview.
    const id = await fileCase(h, inst.id, "contract_refusal");
    const opened = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, id));
    expect(opened.map((x) => [x.key, x.dueKind, x.dueOn])).toEqual([
      ["endorse", "target", "2026-03-04"],
      ["interview", "target", "2026-03-04"],
    ]);
    at(h, "2026-03-10 09:00");
    const r = await tick(h);
    expect(r.breaches).toEqual([]);
    expect(breachesTo(h, s.deputy.tg.id)).toHaveLength(0);
    expect(escalationsTo(h, s.head.tg.id)).toHaveLength(0);
    expect(digestsTo(h, s.head.tg.id)).toHaveLength(0);
    // The targets show in their holder's digest as overdue, named as the institution's target (D13).
    const [d] = digestsTo(h, s.deputy.tg.id);
    expect(d?.text).toContain("Overdue: 2");
    expect(d?.text).toContain("the institution's target: 04.03.2026 · ⚠️ overdue by 3 working days");
    expect(d?.text).not.toContain("statutory");
    expect(d?.text).not.toMatch(/\bD\d{1,2}\b/);
    for (const key of ["endorse", "interview"] as const)
      expect((await stepOf(h.db, id, key)).breachNotifiedOn).toBeNull();
  });

  it("escalates a head's own statutory step to nobody else (cl. 20 instruction)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const id = await fileCase(h, inst.id);
    // The instruction opened at registration, alongside the deputy's steps (D4): the deputy acting on time
    // neither opens nor moves it; the head's 2 WD count from registration (D2).
    await actOn(h, s.deputy, id, "endorse", "agree");
    await actOn(h, s.deputy, id, "interview", "interview", { date: "02.03.2026" });
    expect(await stepOf(h.db, id, "instruct")).toMatchObject({
      dueOn: "2026-03-04",
      dueKind: "statutory",
      openedOn: "2026-03-02",
    });
    at(h, "2026-03-05 09:00");
    const r = await tick(h);
    expect(r.breaches).toMatchObject([{ caseId: id, stepKey: "instruct", role: "head", recipients: 1 }]);
    const [own] = breachesTo(h, s.head.tg.id);
    expect(breachesTo(h, s.head.tg.id)).toHaveLength(1);
    expect(own?.text).toContain("instruction to hold the fact-check conversation (cl. 20)");
    expect(own?.text).toContain("statutory deadline 04.03.2026 (cl. 20) · ⚠️ overdue by 1 working day");
    expect(escalationsTo(h, s.deputy.tg.id)).toHaveLength(0);
    expect(escalationsTo(h, s.head.tg.id)).toHaveLength(0);
    expect(breachesTo(h, s.deputy.tg.id)).toHaveLength(0);
  });

  it("notifies and escalates an overdue cl. 20 conversation, statutory 2 WD from the instruction (D3)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const id = await fileCase(h, inst.id);
    // The head instructs on Tue 03.03: the conversation opens then and is due 2 WD later, Thu 05.03
    // (counted from the instruction, not from registration: that would be 04.03).
    at(h, "2026-03-03 11:00");
    await actOn(h, s.head, id, "instruct", "instruct");
    expect(await stepOf(h.db, id, "conversation")).toMatchObject({
      role: "personnel_officer",
      openedOn: "2026-03-03",
      dueOn: "2026-03-05",
      dueKind: "statutory",
    });
    // The last day of the period is still in time.
    at(h, "2026-03-05 23:59");
    expect((await tick(h)).breaches).toEqual([]);
    at(h, "2026-03-06 09:00");
    const r = await tick(h);
    // Only the conversation breaches: the deputy's overdue opinion and interview are targets (D3).
    expect(r.breaches).toMatchObject([
      { caseId: id, stepKey: "conversation", role: "personnel_officer", dueOn: "2026-03-05", recipients: 3 },
    ]);
    const [own] = breachesTo(h, s.personnel.tg.id);
    expect(own?.text).toContain(`Case No. ${id} · fact-check conversation with the learner (cl. 20)`);
    expect(own?.text).toContain("statutory deadline 05.03.2026 (cl. 20) · ⚠️ overdue by 1 working day");
    expect(own?.text).not.toMatch(/\bD\d{1,2}\b/);
    // Escalated to the head and to the deputy head for personnel, who supervises the subdivision.
    for (const who of [s.head, s.deputy]) {
      const [e] = escalationsTo(h, who.tg.id);
      expect(escalationsTo(h, who.tg.id)).toHaveLength(1);
      expect(e?.text).toContain("fact-check conversation with the learner (cl. 20)");
      expect(e?.text).toContain("Responsible: personnel subdivision (Personnel P.P.)");
      expect(buttonsOf(e!)).toEqual([`c:${id}`]);
    }
    expect(breachesTo(h, s.deputy.tg.id)).toHaveLength(0);
    expect((await stepOf(h.db, id, "conversation")).breachNotifiedOn).toBe("2026-03-06");
    // Once only.
    at(h, "2026-03-10 09:00");
    expect((await tick(h)).breaches).toEqual([]);
    expect(breachesTo(h, s.personnel.tg.id)).toHaveLength(1);
  });

  it("waits for a working day (a weekend after a Friday deadline)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-04 10:00");
    const id = await fileCase(h, inst.id, "contract_refusal");
    await interviewAndApprove(h, s, id);
    // 3 WD from Wed 04.03: 05, 06, then Mon 09.03 is a day off → Tue 10.03.
    expect((await stepOf(h.db, id, "order")).dueOn).toBe("2026-03-10");
    await h.db.update(caseSteps).set({ dueOn: "2026-03-06" }).where(eq(caseSteps.caseId, id));
    for (const t of ["2026-03-07 10:00", "2026-03-08 10:00", "2026-03-09 10:00"]) {
      at(h, t);
      expect((await tick(h)).breaches).toEqual([]);
    }
    at(h, "2026-03-10 09:00");
    expect((await tick(h)).breaches).toHaveLength(1);
    expect(breachesTo(h, s.personnel.tg.id)[0]?.text).toContain("overdue by 1 working day");
  });

  it("lists several steps breached at once in one notice per recipient", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await fileCase(h, inst.id, "contract_refusal");
      await interviewAndApprove(h, s, id);
      ids.push(id);
    }
    await h.flush();
    h.tg.clear();
    at(h, "2026-03-06 09:00");
    const r = await tick(h);
    expect(r.breaches.map((b) => b.caseId)).toEqual(ids);
    const [own] = breachesTo(h, s.personnel.tg.id);
    expect(breachesTo(h, s.personnel.tg.id)).toHaveLength(1);
    expect(own?.text).toContain("Statutory deadlines missed: 3");
    for (const id of ids) expect(own?.text).toContain(`Case No. ${id} · order on expulsion`);
    expect(buttonsOf(own!)).toEqual(ids.map((id) => `c:${id}`));
    for (const who of [s.head, s.deputy]) {
      const list = escalationsTo(h, who.tg.id);
      expect(list).toHaveLength(1);
      expect(list[0]?.text).toContain("Escalation: statutory deadlines missed: 3");
      expect(list[0]?.text).toContain("personnel subdivision (Personnel P.P.)");
    }
    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "step.breach_notified"));
    expect(audits.map((a) => a.caseId)).toEqual(ids);
  });
});
