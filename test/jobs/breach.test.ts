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
    await actOn(h, s.deputy, id, "endorse", "interview", { date: "02.03.2026" });
    await actOn(h, s.head, id, "decide", "approve");
    expect(await stepOf(h.db, id, "order")).toMatchObject({ dueOn: "2026-03-05", dueKind: "statutory" });
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
    expect(own?.text).toContain(`Case No. ${id} · order on dismissal`);
    expect(own?.text).toContain("statutory deadline 05.03.2026 (cl. 26; D2) · ⚠️ overdue by 1 working day(s)");
    expect(buttonsOf(own!)).toEqual([`c:${id}`]);
    for (const who of [s.head, s.deputy]) {
      const [e] = escalationsTo(h, who.tg.id);
      expect(e?.text).toContain("Escalation: statutory deadline missed");
      expect(e?.text).toContain("Responsible: personnel subdivision (Personnel P.P.)");
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
    expect(headDigests[2]?.text).toContain("overdue by 3 working day(s)");

    // Once the order is recorded, the escalation is gone from the next digest.
    at(h, "2026-03-11 11:00");
    await actOn(h, s.personnel, id, "order", "order", { number: "12-к", date: "10.03.2026" });
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
    const id = await fileCase(h, inst.id); // endorse: target, due 04.03
    at(h, "2026-03-10 09:00");
    const r = await tick(h);
    expect(r.breaches).toEqual([]);
    expect(breachesTo(h, s.deputy.tg.id)).toHaveLength(0);
    expect(escalationsTo(h, s.head.tg.id)).toHaveLength(0);
    expect(digestsTo(h, s.head.tg.id)).toHaveLength(0);
    // The target shows in its holder's digest as overdue, labelled as a target.
    const [d] = digestsTo(h, s.deputy.tg.id);
    expect(d?.text).toContain("Overdue: 1");
    expect(d?.text).toContain("target 04.03.2026 (D3)");
    expect(d?.text).not.toContain("statutory");
    expect((await stepOf(h.db, id, "endorse")).breachNotifiedOn).toBeNull();
  });

  it("escalates a head's own statutory step to nobody else (cl. 20 instruction)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const id = await fileCase(h, inst.id);
    await actOn(h, s.deputy, id, "endorse", "interview", { date: "02.03.2026" });
    expect(await stepOf(h.db, id, "instruct")).toMatchObject({ dueOn: "2026-03-04", dueKind: "statutory" });
    at(h, "2026-03-05 09:00");
    const r = await tick(h);
    expect(r.breaches).toMatchObject([{ caseId: id, stepKey: "instruct", role: "head", recipients: 1 }]);
    expect(breachesTo(h, s.head.tg.id)).toHaveLength(1);
    expect(escalationsTo(h, s.deputy.tg.id)).toHaveLength(0);
    expect(escalationsTo(h, s.head.tg.id)).toHaveLength(0);
  });

  it("waits for a working day (a weekend after a Friday deadline)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-04 10:00");
    const id = await fileCase(h, inst.id, "contract_refusal");
    await actOn(h, s.deputy, id, "endorse", "waive", { reason: "Отказ от беседы" });
    await actOn(h, s.head, id, "decide", "approve");
    // 3 WD from Wed 04.03: 05, 06, then Mon 09.03 is a day off → Tue 10.03.
    expect((await stepOf(h.db, id, "order")).dueOn).toBe("2026-03-10");
    await h.db.update(caseSteps).set({ dueOn: "2026-03-06" }).where(eq(caseSteps.caseId, id));
    for (const t of ["2026-03-07 10:00", "2026-03-08 10:00", "2026-03-09 10:00"]) {
      at(h, t);
      expect((await tick(h)).breaches).toEqual([]);
    }
    at(h, "2026-03-10 09:00");
    expect((await tick(h)).breaches).toHaveLength(1);
    expect(breachesTo(h, s.personnel.tg.id)[0]?.text).toContain("overdue by 1 working day(s)");
  });

  it("lists several steps breached at once in one notice per recipient", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await fileCase(h, inst.id, "contract_refusal");
      await actOn(h, s.deputy, id, "endorse", "interview", { date: "02.03.2026" });
      await actOn(h, s.head, id, "decide", "approve");
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
    for (const id of ids) expect(own?.text).toContain(`Case No. ${id} · order on dismissal`);
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
