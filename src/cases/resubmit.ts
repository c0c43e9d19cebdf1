/**
 * D6, D12: the learner re-submits a report the head sent back. One transaction: the new version is stored
 * (the old one is kept), the case is open again, the head's decision step is counted afresh from today
 * (the head's target) and its card goes out with the new text, and every official who saw an earlier
 * version gets the new one.
 */

import { and, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { caseSteps, cases, stepMessages, students, users } from "../db/schema";
import { newVersionNotice } from "../messages/notices";
import { roleHolders } from "../people/holders";
import {
  type DocumentLanguage,
  dueDateFor,
  isDocumentLanguage,
  type LocalDate,
  localDateOf,
  stepOf,
} from "../rules";
import { type CaseContext, cardFacts, loadCaseContext, type StepRow, sendTaskTo } from "./common";
import { enqueue, langsOf } from "./outbox";
import { enqueueReceipt } from "./receipt";
import { storeReportVersion } from "./report-versions";
import { checkReportText } from "./submit";

export interface ResubmitInput {
  userId: number;
  caseId: number;
  reasons: string;
  conscriptServed: boolean;
  phone: string | null;
  reportLang: DocumentLanguage;
}

export type ResubmitResult =
  /** receipt: the queued receipt's outbox rows (markReceiptDelivered). */
  | { ok: true; caseId: number; version: number; receipt: number[] }
  | { ok: false; reason: "not_found" | "not_sent_back" | "bad_input"; state?: string };

export async function resubmitReport(db: Db, input: ResubmitInput, now: Date): Promise<ResubmitResult> {
  // The same check as a first submit (issue 12.5).
  const text = checkReportText(input.reasons, input.phone);
  if (!text || !isDocumentLanguage(input.reportLang)) return { ok: false, reason: "bad_input" };
  const { reasons, phone } = text;
  return db.transaction(async (tx) => {
    const ctx = await loadCaseContext(tx, input.caseId, true);
    // The learner's chat comes with the ownership check (the receipt goes there).
    const [own] = ctx?.c.studentId
      ? await tx
          .select({ id: students.id, chatId: users.telegramId, lang: users.lang })
          .from(students)
          .innerJoin(users, eq(users.id, students.userId))
          .where(and(eq(students.id, ctx.c.studentId), eq(students.userId, input.userId)))
      : [];
    // Someone else's case looks exactly like a missing one.
    if (!ctx || !own) return { ok: false as const, reason: "not_found" as const };
    if (ctx.c.state !== "sent_back")
      return { ok: false as const, reason: "not_sent_back" as const, state: ctx.c.state };
    const before = { state: ctx.c.state, version: ctx.c.version, reportVersion: ctx.c.reportVersion };
    const [c] = await tx
      .update(cases)
      .set({
        state: "open",
        reasons,
        conscriptServed: input.conscriptServed,
        phone,
        reportLang: input.reportLang,
        reportVersion: sql`${cases.reportVersion} + 1`,
        outcomeReason: null,
        version: sql`${cases.version} + 1`,
      })
      .where(eq(cases.id, ctx.c.id))
      .returning();
    if (!c) throw new Error("case update returned nothing");
    ctx.c = c;
    const report = await storeReportVersion(tx, c, ctx.inst, now);

    // The head's decision: counted afresh from today, with the new text on its card.
    const decideRow = await recountDecision(tx, ctx, now);
    const heads = decideRow ? await roleHolders(tx, c.institutionId, "head", localDateOf(now)) : [];
    // The head's card shows the version just stored (not read again).
    if (decideRow && heads.length > 0)
      await sendTaskTo(tx, ctx, decideRow, heads, now, await cardFacts(tx, ctx, report));
    const others = await tellEarlierReaders(tx, ctx, heads, report, now);
    await audit(tx, {
      at: now,
      action: "case.resubmitted",
      actorUserId: input.userId,
      institutionId: c.institutionId,
      caseId: c.id,
      before,
      after: { state: c.state, version: c.version, reportVersion: c.reportVersion },
      details: { decideDueOn: decideRow?.dueOn ?? null, toldOfficials: others.length + heads.length },
    });
    const receipt = await enqueueReceipt(tx, c, { kind: "resubmitted", version: c.reportVersion }, now, {
      chat: { chatId: own.chatId, lang: own.lang },
    });
    return { ok: true as const, caseId: c.id, version: c.reportVersion, receipt };
  });
}

/** The pending decision step opened again today and its due date counted from today (the head's target). */
async function recountDecision(tx: Executor, ctx: CaseContext, now: Date): Promise<StepRow | undefined> {
  const decide = ctx.steps.find((s) => s.key === "decide" && s.state === "pending");
  const def = stepOf(ctx.wf, "decide");
  if (!decide || !def) return decide;
  const today = localDateOf(now);
  const dueOn = dueDateFor(
    def,
    {
      registered: ctx.c.registeredOn as LocalDate,
      opened: today,
      decision: undefined,
      order_date: undefined,
    },
    ctx.calendar,
  );
  const [decideRow] = await tx
    .update(caseSteps)
    .set({
      openedAt: now,
      openedOn: today,
      dueOn,
      breachNotifiedOn: null,
      version: sql`${caseSteps.version} + 1`,
    })
    .where(eq(caseSteps.id, decide.id))
    .returning();
  if (decideRow) ctx.steps = ctx.steps.map((s) => (s.id === decideRow.id ? decideRow : s));
  return decideRow;
}

/**
 * Everyone else who saw an earlier version (a copy of any of the case's task cards) gets the new one;
 * returns the chats told.
 */
async function tellEarlierReaders(
  tx: Executor,
  ctx: CaseContext,
  heads: { telegramId: number }[],
  report: Parameters<typeof newVersionNotice>[2],
  now: Date,
): Promise<number[]> {
  const stepIds = ctx.steps.map((s) => s.id);
  const copies = stepIds.length
    ? await tx
        .selectDistinct({ chatId: stepMessages.chatId })
        .from(stepMessages)
        .where(inArray(stepMessages.stepId, stepIds))
    : [];
  const headChats = new Set(heads.map((h) => h.telegramId));
  const others = copies.map((r) => r.chatId).filter((id) => !headChats.has(id));
  const langs = await langsOf(tx, others);
  await enqueue(
    tx,
    others.map((chatId) => ({
      chatId,
      caseId: ctx.c.id,
      text: newVersionNotice(langs.get(chatId), ctx.c.id, report),
    })),
    now,
  );
  return others;
}
