/**
 * The learner's receipt for a report (filed or re-submitted) is written to the outbox in the same
 * transaction as the case, due after a grace period; the report conversation answers at once and then marks
 * that row delivered. A process killed between the commit and the answer still delivers the receipt (the
 * dispatcher sends it when the grace period is over): a filed report is never left unacknowledged.
 */
import { and, eq, gt } from "drizzle-orm";
import type { Executor } from "../db/client";
import { cases, outbox } from "../db/schema";
import type { LearnerNotice } from "../messages/notices";
import { type CaseRow, noticeStudent, studentChat } from "./common";

export const RECEIPT_GRACE_MS = 60_000;

export async function enqueueReceipt(
  tx: Executor,
  c: CaseRow,
  receipt: Extract<LearnerNotice, { kind: "submitted" | "resubmitted" }>,
  now: Date,
): Promise<void> {
  await noticeStudent(tx, c, receipt, new Date(now.getTime() + RECEIPT_GRACE_MS));
}

/** The conversation answered: the queued copy of the receipt is not sent again. */
export async function markReceiptDelivered(db: Executor, caseId: number, now: Date): Promise<void> {
  const [c] = await db.select().from(cases).where(eq(cases.id, caseId));
  const chat = c ? await studentChat(db, c) : null;
  if (!chat) return;
  await db
    .update(outbox)
    .set({ state: "sent", sentAt: now })
    .where(
      and(
        eq(outbox.caseId, caseId),
        eq(outbox.chatId, chat.chatId),
        eq(outbox.state, "pending"),
        gt(outbox.nextAttemptAt, now),
      ),
    );
}
