import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { purgeExpired } from "../../src/cases/retention";
import { auditEvents, caseSteps, cases, outbox, stepMessages } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, REASONS } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";
import { at, fileCase, tick } from "./helpers";

const NAME = "Әбілқайыр Сәкенұлы Нұрғалиев";
const ORDER_NO = "45-к/2026";

function press(h: Harness, tg: TgUser, action: string) {
  const b = h.buttonsTo(tg.id).find((d) => d.endsWith(`:${action}`));
  if (!b) throw new Error(`no ${action} button for ${tg.id}`);
  return h.press(tg, b);
}

/** A contract-refusal case walked through the bot to its order (dated 20.03.2026) and two more steps. */
async function orderedCase(h: Harness) {
  const inst = await addInstitution(h.db);
  const staff = await addStaff(h.db, inst.id);
  const { tg: student } = await addStudent(h.db, inst.id, { name: NAME });
  await fileReport(h, student, "contract_refusal");
  await h.flush();
  await press(h, staff.deputy.tg, "interview");
  await h.text(staff.deputy.tg, "20.03.2026");
  await h.flush();
  await press(h, staff.head.tg, "approve");
  await h.flush();
  await press(h, staff.personnel.tg, "order");
  await h.text(staff.personnel.tg, ORDER_NO);
  await h.text(staff.personnel.tg, "20.03.2026");
  await h.flush();
  const [c] = await h.db.select().from(cases);
  const steps = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c!.id));
  for (const s of steps.filter((x) => x.key === "transcript" || x.key === "notify_personnel_dept"))
    await h.press(staff.personnel.tg, `s:${s.id}:done`);
  await h.flush();
  return { inst, staff, student, caseId: c!.id };
}

describe("D8 retention: purgeExpired", () => {
  const hr = useHarness({ now: "2026-03-20T04:00:00Z" });

  it("removes the personal data one year after the order date and keeps the anonymised record", async () => {
    const h = hr.current;
    const { inst, staff, caseId } = await orderedCase(h);
    const [before] = await h.db.select().from(cases).where(eq(cases.id, caseId));
    expect(before).toMatchObject({ orderDate: "2026-03-20", orderNumber: ORDER_NO, reasons: REASONS });
    const stepsBefore = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId));
    const stepIds = stepsBefore.map((s) => s.id);
    expect(stepsBefore.some((s) => s.result !== null)).toBe(true);
    expect(
      await h.db.select().from(stepMessages).where(inArray(stepMessages.stepId, stepIds)),
    ).not.toHaveLength(0);
    expect(JSON.stringify(await h.db.select().from(outbox))).toContain(ORDER_NO);
    // A later case of the same institution is not touched.
    at(h, "2026-06-01 10:00");
    const recent = await fileCase(h, inst.id, "own_will", { name: "Basqa B.B." });

    // The last day of retention (20.03.2027): kept.
    at(h, "2027-03-20 23:30");
    expect(await purgeExpired(h.db, h.clock())).toEqual([]);

    at(h, "2027-03-21 00:30");
    const purged = await purgeExpired(h.db, h.clock());
    expect(purged).toEqual([
      { caseId, institutionId: inst.id, orderDate: "2026-03-20", retentionEndedOn: "2027-03-20" },
    ]);

    const [after] = await h.db.select().from(cases).where(eq(cases.id, caseId));
    expect(after).toMatchObject({
      reasons: null,
      phone: null,
      studentSnapshot: null,
      studentId: null,
      outcomeReason: null,
      orderNumber: null,
      // The anonymised record.
      institutionId: inst.id,
      ground: "contract_refusal",
      category: "cadet",
      rulesEdition: before!.rulesEdition,
      state: before!.state,
      registeredOn: before!.registeredOn,
      decisionOn: before!.decisionOn,
      orderDate: "2026-03-20",
    });
    expect(after?.purgedAt?.toISOString()).toBe(h.clock().toISOString());
    const stepsAfter = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId));
    expect(stepsAfter.every((s) => s.result === null)).toBe(true);
    // Step timings stay.
    const timing = (s: (typeof stepsBefore)[number]) => [s.id, s.key, s.state, s.openedAt, s.dueOn, s.doneAt];
    expect(stepsAfter.map(timing).sort()).toEqual(stepsBefore.map(timing).sort());
    expect(await h.db.select().from(stepMessages).where(inArray(stepMessages.stepId, stepIds))).toEqual([]);

    // No personal data left in the outbox; the case's messages are stubs, unsent ones cancelled.
    const rows = (await h.db.select().from(outbox)).filter((r) => r.caseId !== recent);
    const dump = JSON.stringify(rows);
    for (const secret of [NAME, REASONS, ORDER_NO, "+7 700 123 45 67", "Нұрғалиев"])
      expect(dump).not.toContain(secret);
    const stub = tFor("kk")("purge.stub");
    const mine = rows.filter((r) => r.caseId === caseId);
    expect(mine.length).toBeGreaterThan(0);
    for (const r of mine) {
      expect(r.payload.text).toBe(stub);
      expect(r.payload.reply_markup).toBeUndefined();
      // Pending now: only the edits that turn the chat copies into the stub.
      if (r.state === "pending") expect(r.method).toBe("editMessageText");
    }
    // The copies in the officials' chats are edited into the stub on the next dispatch.
    h.tg.clear();
    await h.flush();
    const edits = h.tg.sent("editMessageText");
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((e) => e.text === stub)).toBe(true);
    expect(edits.map((e) => Number(e.chat_id))).toContain(staff.personnel.tg.id);

    // The audit trail keeps its skeleton and one purge event, with no personal data.
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.caseId, caseId));
    const purgeEvents = audits.filter((a) => a.action === "case.purged");
    expect(purgeEvents).toHaveLength(1);
    expect(purgeEvents[0]?.details).toMatchObject({
      orderDate: "2026-03-20",
      retentionEndedOn: "2027-03-20",
    });
    expect(audits.map((a) => a.action)).toContain("case.submitted");
    const auditDump = JSON.stringify(audits);
    for (const secret of [NAME, REASONS, ORDER_NO, "+7 700"]) expect(auditDump).not.toContain(secret);

    // Once: a second run (or a second runner) does nothing.
    expect(await purgeExpired(h.db, h.clock())).toEqual([]);
    const [untouched] = await h.db.select().from(cases).where(eq(cases.id, recent));
    expect(untouched?.reasons).toBe(REASONS);
    expect(untouched?.purgedAt).toBeNull();
  });

  it("runs from the jobs tick, once across two runners", async () => {
    const h = hr.current;
    const { caseId } = await orderedCase(h);
    at(h, "2027-03-22 03:00");
    const { runTick } = await import("../../src/jobs/runner");
    const { createLogger } = await import("../../src/logger");
    const deps = { db: h.db, clock: h.clock, log: createLogger("silent") };
    const [a, b] = await Promise.all([runTick(deps, { purge: true }), runTick(deps, { purge: true })]);
    expect([...(a.purged ?? []), ...(b.purged ?? [])].map((p) => p.caseId)).toEqual([caseId]);
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
    expect(events).toHaveLength(1);
    await tick(h, { purge: true });
  });

  it("a case that ended without an order (withdrawn) is purged one year after it ended (D8 [I])", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id, { name: NAME });
    await fileReport(h, tg, "own_will");
    await h.press(tg, "wy:1");
    const [withdrawn] = await h.db.select().from(cases);
    expect(withdrawn).toMatchObject({ state: "withdrawn", orderDate: null });
    expect(await purgeExpired(h.db, new Date("2027-03-20T12:00:00Z"))).toEqual([]); // last day kept
    const purged = await purgeExpired(h.db, new Date("2027-03-21T04:00:00Z"));
    expect(purged).toEqual([
      { caseId: 1, institutionId: inst.id, orderDate: null, retentionEndedOn: "2027-03-20" },
    ]);
    const [after] = await h.db.select().from(cases);
    expect(after).toMatchObject({
      reasons: null,
      studentSnapshot: null,
      studentId: null,
      state: "withdrawn",
      ground: "own_will",
    });
    expect(JSON.stringify(await h.db.select().from(outbox))).not.toContain(NAME);
  });
});
