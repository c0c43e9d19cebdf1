import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { purgeCase, purgeExpired } from "../../src/cases/retention";
import {
  auditEvents,
  caseSteps,
  cases,
  conversationState,
  type OutboxState,
  outbox,
  stepMessages,
  users,
} from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import type { CaseState } from "../../src/rules";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, PHONE, REASONS, submitOwnWill } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";
import { almaty, at, fileCase, tick } from "./helpers";

const NAME = "Әбілқайыр Сәкенұлы Нұрғалиев";
const ORDER_NO = "45-к/2026";
const REJECTION = "Себептер расталмады, құжаттар толық емес.";

type Inst = Awaited<ReturnType<typeof addInstitution>>;

/** Rows of report_versions (D12) of a case; raw SQL like the purge (the table is the lead's). */
async function reportVersionsOf(h: Harness, caseId: number): Promise<number> {
  const res = await h.db.execute(
    sql`SELECT count(*)::int AS n FROM report_versions WHERE case_id = ${caseId}`,
  );
  const rows = (Array.isArray(res) ? res : (res as unknown as { rows: { n: number }[] }).rows) as {
    n: number;
  }[];
  return Number(rows[0]?.n ?? 0);
}

/**
 * A learner's case filed through the bot at the harness clock (the report conversation, the real submission,
 * the task messages delivered to the officials), then ended by writing its end directly: the chain that ends
 * a case is another module's (and is being rewritten), while the purge reads only what is stored (state,
 * closed_at). What the after-order steps would leave is added too: a step result and a notice to the learner
 * naming the order, one sent, one that failed, one still pending.
 */
async function endedCase(
  h: Harness,
  inst: Inst,
  opts: { state: CaseState; endedAt: string; orderDate?: string; name?: string },
): Promise<{ caseId: number; tg: TgUser }> {
  const { tg, student } = await addStudent(h.db, inst.id, { name: opts.name ?? NAME });
  await fileReport(h, tg, "own_will");
  await h.flush();
  const [c] = await h.db.select().from(cases).where(eq(cases.studentId, student.id));
  if (!c) throw new Error("the report was not filed");
  await h.db
    .update(cases)
    .set({
      state: opts.state,
      closedAt: almaty(opts.endedAt),
      orderDate: opts.orderDate ?? null,
      orderNumber: opts.orderDate ? ORDER_NO : null,
      outcomeReason: opts.state === "rejected" ? REJECTION : null,
    })
    .where(eq(cases.id, c.id));
  const [first] = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c.id)).limit(1);
  await h.db
    .update(caseSteps)
    .set({ result: { action: "order", number: ORDER_NO } })
    .where(eq(caseSteps.id, first!.id));
  const notice = (state: OutboxState) => ({
    chatId: tg.id,
    method: "sendMessage" as const,
    payload: { text: `${NAME}: ${ORDER_NO}`, parse_mode: "HTML" },
    caseId: c.id,
    state,
    nextAttemptAt: almaty("2099-01-01 00:00"), // the dispatcher leaves the pending one alone
  });
  await h.db.insert(outbox).values([notice("sent"), notice("failed"), notice("pending")]);
  return { caseId: c.id, tg };
}

describe("D8 (rev.) retention: purgeExpired", () => {
  const hr = useHarness({ now: "2026-03-20T04:00:00Z" });

  it("a closed case: kept through the anniversary of the day it ended, purged the day after (day 366); the anonymised record stays", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { caseId, tg } = await endedCase(h, inst, {
      state: "closed",
      endedAt: "2026-03-20 15:00",
      orderDate: "2026-03-20",
    });
    const [before] = await h.db.select().from(cases).where(eq(cases.id, caseId));
    expect(before).toMatchObject({ state: "closed", orderNumber: ORDER_NO, reasons: REASONS, phone: PHONE });
    const stepsBefore = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId));
    const stepIds = stepsBefore.map((s) => s.id);
    expect(stepsBefore.some((s) => s.result !== null)).toBe(true);
    expect(
      await h.db.select().from(stepMessages).where(inArray(stepMessages.stepId, stepIds)),
    ).not.toHaveLength(0);
    const mineBefore = await h.db.select().from(outbox).where(eq(outbox.caseId, caseId));
    expect(new Set(mineBefore.map((r) => r.state))).toEqual(new Set(["sent", "failed", "pending"]));
    expect(JSON.stringify(mineBefore)).toContain(NAME);
    const versionsBefore = await reportVersionsOf(h, caseId);
    expect(versionsBefore).toBeGreaterThan(0); // submit stores version 1 (D12)
    // A later case of the same institution is not touched.
    at(h, "2026-06-01 10:00");
    const recent = await fileCase(h, inst.id, "own_will", { name: "Basqa B.B." });

    // The last day of retention (20.03.2027, day 365): kept.
    at(h, "2027-03-20 23:30");
    expect(await purgeExpired(h.db, h.clock())).toEqual([]);

    // Day 366 after it ended: purged.
    at(h, "2027-03-21 00:30");
    const purged = await purgeExpired(h.db, h.clock());
    expect(purged).toEqual([
      {
        caseId,
        institutionId: inst.id,
        state: "closed",
        endedOn: "2026-03-20",
        retentionEndedOn: "2027-03-20",
      },
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
      ground: "own_will",
      category: "cadet",
      rulesEdition: before!.rulesEdition,
      state: "closed",
      registeredOn: before!.registeredOn,
      decisionOn: before!.decisionOn,
      orderDate: "2026-03-20",
    });
    expect(after?.closedAt?.toISOString()).toBe(before!.closedAt!.toISOString());
    expect(after?.purgedAt?.toISOString()).toBe(h.clock().toISOString());
    const stepsAfter = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId));
    expect(stepsAfter.every((s) => s.result === null)).toBe(true);
    // Step timings stay.
    const timing = (s: (typeof stepsBefore)[number]) => [s.id, s.key, s.state, s.openedAt, s.dueOn, s.doneAt];
    expect(stepsAfter.map(timing).sort()).toEqual(stepsBefore.map(timing).sort());
    expect(await h.db.select().from(stepMessages).where(inArray(stepMessages.stepId, stepIds))).toEqual([]);
    // The stored versions of the report (D12) are gone.
    expect(await reportVersionsOf(h, caseId)).toBe(0);

    // No personal data left in the outbox; every message of the case, sent or not, is a stub, unsent ones
    // cancelled, a failed one stays failed.
    const rows = (await h.db.select().from(outbox)).filter((r) => r.caseId !== recent);
    const dump = JSON.stringify(rows);
    for (const secret of [NAME, REASONS, ORDER_NO, PHONE, "Нұрғалиев"]) expect(dump).not.toContain(secret);
    const stub = tFor("kk")("purge.stub");
    const mine = rows.filter((r) => r.caseId === caseId);
    expect(mine.length).toBeGreaterThan(mineBefore.length);
    for (const r of mine) {
      expect(r.payload.text).toBe(stub);
      expect(r.payload.reply_markup).toBeUndefined();
      // Pending now: only the edits that turn the chat copies into the stub.
      if (r.state === "pending") expect(r.method).toBe("editMessageText");
    }
    const wasFailed = mineBefore.find((r) => r.state === "failed")!;
    expect(mine.find((r) => r.id === wasFailed.id)?.state).toBe("failed");
    const wasPending = mineBefore.find((r) => r.state === "pending")!;
    expect(mine.find((r) => r.id === wasPending.id)?.state).toBe("cancelled");
    // The learner's messages are stubs too.
    expect(rows.filter((r) => r.chatId === tg.id).every((r) => r.payload.text === stub)).toBe(true);
    // The copies in the officials' chats are edited into the stub on the next dispatch.
    h.tg.clear();
    await h.flush();
    const edits = h.tg.sent("editMessageText");
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((e) => e.text === stub)).toBe(true);
    expect(edits.map((e) => Number(e.chat_id))).toContain(staff.deputy.tg.id);

    // The audit trail keeps its skeleton and one purge event, with no personal data.
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.caseId, caseId));
    const purgeEvents = audits.filter((a) => a.action === "case.purged");
    expect(purgeEvents).toHaveLength(1);
    expect(purgeEvents[0]?.details).toMatchObject({
      state: "closed",
      endedOn: "2026-03-20",
      retentionEndedOn: "2027-03-20",
      reportVersions: versionsBefore,
    });
    expect(audits.map((a) => a.action)).toContain("case.submitted");
    const auditDump = JSON.stringify(audits);
    for (const secret of [NAME, REASONS, ORDER_NO, "+7 700"]) expect(auditDump).not.toContain(secret);

    // Once: a second run (or a second runner) does nothing.
    expect(await purgeExpired(h.db, h.clock())).toEqual([]);
    expect(await purgeCase(h.db, caseId, h.clock())).toBeNull();
    const [untouched] = await h.db.select().from(cases).where(eq(cases.id, recent));
    expect(untouched?.reasons).toBe(REASONS);
    expect(untouched?.purgedAt).toBeNull();
  });

  it("counts from the day the case ended, not the order: an order two years old, closed six months ago, is kept", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    at(h, "2025-03-03 10:00");
    const { caseId } = await endedCase(h, inst, {
      state: "closed",
      orderDate: "2025-03-20",
      endedAt: "2026-09-20 12:00",
    });
    // Two years after the order, six months after the end.
    at(h, "2027-03-20 12:00");
    expect(await purgeExpired(h.db, h.clock())).toEqual([]);
    expect(await purgeCase(h.db, caseId, h.clock())).toBeNull();
    // The anniversary of the end: still kept.
    at(h, "2027-09-20 23:59");
    expect(await purgeExpired(h.db, h.clock())).toEqual([]);
    const [kept] = await h.db.select().from(cases).where(eq(cases.id, caseId));
    expect(kept).toMatchObject({ reasons: REASONS, orderNumber: ORDER_NO, purgedAt: null });

    at(h, "2027-09-21 00:01");
    expect(await purgeExpired(h.db, h.clock())).toEqual([
      {
        caseId,
        institutionId: inst.id,
        state: "closed",
        endedOn: "2026-09-20",
        retentionEndedOn: "2027-09-20",
      },
    ]);
  });

  it.each(["rejected", "withdrawn", "returned"] as const)(
    "a case that ended %s is purged one year and one day after it ended, not on the anniversary",
    async (state) => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      await addStaff(h.db, inst.id);
      const { caseId } = await endedCase(h, inst, { state, endedAt: "2026-05-10 11:00" });
      at(h, "2027-05-10 23:59");
      expect(await purgeExpired(h.db, h.clock())).toEqual([]);
      at(h, "2027-05-11 00:01");
      expect(await purgeExpired(h.db, h.clock())).toEqual([
        { caseId, institutionId: inst.id, state, endedOn: "2026-05-10", retentionEndedOn: "2027-05-10" },
      ]);
      const [after] = await h.db.select().from(cases).where(eq(cases.id, caseId));
      expect(after).toMatchObject({
        reasons: null,
        phone: null,
        outcomeReason: null,
        studentId: null,
        state,
      });
      expect(JSON.stringify(await h.db.select().from(outbox))).not.toContain(NAME);
    },
  );

  it.each(["open", "approved", "sent_back"] as const)(
    "a running case (%s) registered years ago is never purged, even with an end date and an old order",
    async (state) => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      await addStaff(h.db, inst.id);
      at(h, "2020-01-10 10:00");
      const { caseId } = await endedCase(h, inst, {
        state,
        orderDate: "2020-01-20",
        endedAt: "2020-02-01 10:00",
      });
      at(h, "2027-03-20 12:00");
      expect(await purgeExpired(h.db, h.clock())).toEqual([]);
      expect(await purgeCase(h.db, caseId, h.clock())).toBeNull();
      const r = await tick(h, { purge: true });
      expect(r.purged).toEqual([]);
      const [kept] = await h.db.select().from(cases).where(eq(cases.id, caseId));
      expect(kept).toMatchObject({ state, reasons: REASONS, phone: PHONE, purgedAt: null });
      expect(kept?.studentSnapshot).not.toBeNull();
      expect(JSON.stringify(await h.db.select().from(outbox))).toContain(NAME);
    },
  );

  it("deletes the learner's conversation drafts, keeps a conversation the learner started after the end and other chats", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const DRAFT = "Жобадағы себептер: отбасылық жағдай, әлі жіберілмеген.";
    const submit = (userId: number) => submitOwnWill(h, userId);
    const end = (caseId: number) =>
      h.db
        .update(cases)
        .set({ state: "closed", closedAt: almaty("2026-04-01 10:00") })
        .where(eq(cases.id, caseId));

    // Learner A starts a report in the bot and leaves it half-written; the case is filed all the same.
    at(h, "2026-03-20 09:00");
    const a = await addStudent(h.db, inst.id, { name: NAME });
    await h.command(a.tg, "report");
    await h.press(a.tg, "r:g:own_will");
    await h.text(a.tg, DRAFT);
    // The storage keys a chat's conversations by the chat id in decimal (the learner's Telegram id).
    const [draft] = await h.db
      .select()
      .from(conversationState)
      .where(eq(conversationState.key, String(a.tg.id)));
    expect(draft?.value).toContain(DRAFT);
    expect(draft?.value).toContain(NAME);
    const caseA = await submit(a.user.id);

    // Learner B's case ends too; a year later B is writing a new report in the bot.
    const b = await addStudent(h.db, inst.id, { name: "Басқа Б.Б." });
    const caseB = await submit(b.user.id);
    await end(caseA.caseId);
    await end(caseB.caseId);
    // An official's half-typed answer in another chat.
    await h.db
      .insert(conversationState)
      .values({ key: String(staff.head.tg.id), value: "{}", updatedAt: almaty("2026-03-30 10:00") });
    at(h, "2027-03-30 10:00");
    await h.command(b.tg, "report");
    const [newDraft] = await h.db
      .select()
      .from(conversationState)
      .where(eq(conversationState.key, String(b.tg.id)));
    expect(newDraft?.updatedAt.toISOString()).toBe(h.clock().toISOString());

    at(h, "2027-04-02 10:00");
    const purged = await purgeExpired(h.db, h.clock());
    expect(purged.map((p) => p.caseId).sort()).toEqual([caseA.caseId, caseB.caseId].sort());
    const keys = (await h.db.select().from(conversationState)).map((r) => r.key).sort();
    expect(keys).toEqual([String(b.tg.id), String(staff.head.tg.id)].sort());
    const drafts = await h.db
      .select({ caseId: auditEvents.caseId, details: auditEvents.details })
      .from(auditEvents)
      .where(eq(auditEvents.action, "case.purged"));
    const count = (id: number) =>
      (drafts.find((d) => d.caseId === id)?.details as { conversationDrafts?: number })?.conversationDrafts;
    expect(count(caseA.caseId)).toBe(1);
    expect(count(caseB.caseId)).toBe(0);
    // Both learners left (their cases closed: expelled) and have no other case: their users rows are gone
    // (issue 12.10), so the audit trail's actor ids join to nothing; the conversation key kept above is a
    // bare Telegram id that joins to no row either.
    expect(await h.db.select().from(users).where(eq(users.telegramId, a.tg.id))).toHaveLength(0);
    expect(await h.db.select().from(users).where(eq(users.telegramId, b.tg.id))).toHaveLength(0);
  });

  it("runs from the jobs tick, once across two runners", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { caseId } = await endedCase(h, inst, { state: "closed", endedAt: "2026-03-20 15:00" });
    at(h, "2027-03-22 03:00");
    const { runTick } = await import("../../src/jobs/runner");
    const { createLogger } = await import("../../src/logger");
    const deps = { db: h.db, clock: h.clock, log: createLogger("silent") };
    const [a, b] = await Promise.all([runTick(deps, { purge: true }), runTick(deps, { purge: true })]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect([...(a.purged ?? []), ...(b.purged ?? [])].map((p) => p.caseId)).toEqual([caseId]);
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
    expect(events).toHaveLength(1);
    await tick(h, { purge: true });
  });

  it("a case the learner withdrew in the bot is purged one year after the withdrawal", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id, { name: NAME });
    await fileReport(h, tg, "own_will");
    await h.press(tg, "wy:1");
    const [withdrawn] = await h.db.select().from(cases);
    expect(withdrawn).toMatchObject({ state: "withdrawn", orderDate: null });
    expect(withdrawn?.closedAt).not.toBeNull();
    expect(await purgeExpired(h.db, new Date("2027-03-20T12:00:00Z"))).toEqual([]); // last day kept
    const purged = await purgeExpired(h.db, new Date("2027-03-21T04:00:00Z"));
    expect(purged).toEqual([
      {
        caseId: 1,
        institutionId: inst.id,
        state: "withdrawn",
        endedOn: "2026-03-20",
        retentionEndedOn: "2027-03-20",
      },
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
