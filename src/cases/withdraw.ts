/** D6: the learner may withdraw the report until the head decides (also while it is sent back to them); the officials concerned are told. */
import { and, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Db } from "../db/client";
import { cases, stepMessages, students } from "../db/schema";
import { withdrawnNotice } from "../messages/notices";
import { roleHolders } from "../people/holders";
import { canWithdraw, isStudentFiledGround, localDateOf } from "../rules";
import { cancelPendingSteps, doneKeys, loadCaseContext } from "./common";
import { enqueue, langsOf } from "./outbox";
import { isOpen } from "./states";

/** not_withdrawable: a case on a ground the learner cannot withdraw (ch. 5, or opened by an official; D6). */
export type WithdrawResult = {
  status: "withdrawn" | "too_late" | "not_withdrawable" | "not_found" | "closed";
  caseId?: number;
};

export async function withdrawCase(
  db: Db,
  caseId: number,
  userId: number,
  now: Date,
): Promise<WithdrawResult> {
  return db.transaction(async (tx) => {
    const ctx = await loadCaseContext(tx, caseId, true);
    if (!ctx) return { status: "not_found" as const };
    const [own] = ctx.c.studentId
      ? await tx
          .select({ id: students.id })
          .from(students)
          .where(and(eq(students.id, ctx.c.studentId), eq(students.userId, userId)))
      : [];
    // Someone else's case looks exactly like a missing one: no information leaks.
    if (!own) return { status: "not_found" as const };
    if (!isOpen(ctx.c.state)) return { status: "closed" as const, caseId };
    if (!isStudentFiledGround(ctx.c.ground)) return { status: "not_withdrawable" as const, caseId };
    if (!canWithdraw(ctx.wf, doneKeys(ctx.steps))) return { status: "too_late" as const, caseId };

    const pendingIds = ctx.steps.filter((s) => s.state === "pending").map((s) => s.id);
    const pendingRoles = [...new Set(ctx.steps.filter((s) => s.state === "pending").map((s) => s.role))];
    // Whoever already holds a copy of a task message, plus today's holders of the pending roles.
    const copies = pendingIds.length
      ? await tx
          .select({ chatId: stepMessages.chatId })
          .from(stepMessages)
          .where(inArray(stepMessages.stepId, pendingIds))
      : [];
    const chats = new Set(copies.map((c) => c.chatId));
    for (const role of pendingRoles) {
      for (const h of await roleHolders(tx, ctx.c.institutionId, role, localDateOf(now)))
        chats.add(h.telegramId);
    }
    await cancelPendingSteps(tx, ctx, "withdrawn", now);
    await tx
      .update(cases)
      .set({ state: "withdrawn", closedAt: now, version: sql`${cases.version} + 1` })
      .where(eq(cases.id, caseId));
    const langs = await langsOf(tx, [...chats]);
    await enqueue(
      tx,
      [...chats].map((chatId) => ({
        chatId,
        caseId,
        text: withdrawnNotice(langs.get(chatId), caseId),
      })),
      now,
    );
    await audit(tx, {
      at: now,
      action: "case.withdrawn",
      actorUserId: userId,
      institutionId: ctx.c.institutionId,
      caseId,
      before: { state: ctx.c.state, version: ctx.c.version },
      after: { state: "withdrawn", version: ctx.c.version + 1 },
      details: { cancelledSteps: pendingIds },
    });
    return { status: "withdrawn" as const, caseId };
  });
}
