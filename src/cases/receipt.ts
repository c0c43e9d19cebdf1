/**
 * The learner's receipt for a report (filed or re-submitted) is written to the outbox in the same
 * transaction as the case, due after a grace period; the report conversation answers at once and then marks
 * that row delivered. A process killed between the commit and the answer still delivers the receipt (the
 * dispatcher sends it when the grace period is over): a filed report is never left unacknowledged.
 *
 * Issue 17: enqueueReceipt returns the receipt's outbox row ids, which the use case hands back to the
 * conversation, so marking it delivered is one update by primary key (no re-reading the case and the
 * learner's chat, no scan of the outbox).
 */
import { and, eq, gt, inArray } from "drizzle-orm";
import type { Executor } from "../db/client";
import { cases, outbox } from "../db/schema";
import { type LearnerNotice, learnerNotice } from "../messages/notices";
import { type CaseRow, type StudentChat, studentChat } from "./common";
import { OutboxBatch } from "./outbox";

export const RECEIPT_GRACE_MS = 60_000;

/**
 * Queues the receipt to the learner's chat (none when they are not bound to Telegram) and returns its
 * outbox row ids. `chat`: the learner's chat when the caller has it (null: not bound), read otherwise.
 * `batch`: messages of the same transaction to write in the same statement, before the receipt.
 */
export async function enqueueReceipt(
  tx: Executor,
  c: CaseRow,
  receipt: Extract<LearnerNotice, { kind: "submitted" | "resubmitted" }>,
  now: Date,
  opts: { chat?: StudentChat | null; batch?: OutboxBatch } = {},
): Promise<number[]> {
  const chat = opts.chat === undefined ? await studentChat(tx, c) : opts.chat;
  const batch = opts.batch ?? new OutboxBatch();
  const at = chat
    ? batch.push({
        chatId: chat.chatId,
        caseId: c.id,
        ...learnerNotice(chat.lang, c.id, receipt),
        at: new Date(now.getTime() + RECEIPT_GRACE_MS),
      })
    : -1;
  const ids = await batch.flush(tx, now);
  return at >= 0 ? (ids[at] ?? []) : [];
}

/**
 * The conversation answered: the queued copy of the receipt is not sent again. `receipt`: its outbox row
 * ids as enqueueReceipt returned them; without them (a result stored before they were returned), the
 * case's pending receipt to the learner's chat is looked up. Only a row still pending and not yet due is
 * marked: once the grace period is over the dispatcher may have it, and it sends it exactly once.
 */
export async function markReceiptDelivered(
  db: Executor,
  caseId: number,
  now: Date,
  receipt?: readonly number[],
): Promise<void> {
  const stillQueued = and(eq(outbox.state, "pending"), gt(outbox.nextAttemptAt, now));
  if (receipt) {
    if (receipt.length === 0) return;
    await db
      .update(outbox)
      .set({ state: "sent", sentAt: now })
      .where(and(inArray(outbox.id, [...receipt]), stillQueued));
    return;
  }
  const [c] = await db.select().from(cases).where(eq(cases.id, caseId));
  const chat = c ? await studentChat(db, c) : null;
  if (!chat) return;
  await db
    .update(outbox)
    .set({ state: "sent", sentAt: now })
    .where(and(eq(outbox.caseId, caseId), eq(outbox.chatId, chat.chatId), stillQueued));
}
