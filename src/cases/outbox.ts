/** Writes messages to the outbox inside the caller's transaction; the dispatcher (src/jobs) sends them. */
import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "../db/client";
import { outbox, stepMessages, users } from "../db/schema";

export interface OutMessage {
  chatId: number;
  text: string;
  buttons?: { text: string; data: string }[][];
  stepId?: number | null;
  caseId?: number | null;
}

export async function enqueue(db: Executor, msgs: OutMessage[], now: Date): Promise<void> {
  if (msgs.length === 0) return;
  await db.insert(outbox).values(
    msgs.map((m) => ({
      chatId: m.chatId,
      method: "sendMessage",
      payload: {
        text: m.text,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(m.buttons?.length
          ? {
              reply_markup: {
                inline_keyboard: m.buttons.map((row) =>
                  row.map((b) => ({ text: b.text, callback_data: b.data })),
                ),
              },
            }
          : {}),
      },
      stepId: m.stepId ?? null,
      caseId: m.caseId ?? null,
      nextAttemptAt: now,
    })),
  );
}

/**
 * Every copy of a step's task message becomes a status line without buttons: sent copies are edited,
 * copies not sent yet are cancelled (so nobody gets buttons for a step already done).
 */
export async function retireTaskMessages(
  db: Executor,
  stepId: number,
  statusFor: (lang: string) => string,
  now: Date,
) {
  await db
    .update(outbox)
    .set({ state: "cancelled" })
    .where(and(eq(outbox.stepId, stepId), eq(outbox.state, "pending"), eq(outbox.method, "sendMessage")));
  const copies = await db
    .select({ chatId: stepMessages.chatId, messageId: stepMessages.messageId, lang: users.lang })
    .from(stepMessages)
    .leftJoin(users, eq(users.telegramId, stepMessages.chatId))
    .where(eq(stepMessages.stepId, stepId));
  if (copies.length === 0) return;
  await db.insert(outbox).values(
    copies.map((c) => ({
      chatId: c.chatId,
      method: "editMessageText",
      payload: { message_id: c.messageId, text: statusFor(c.lang ?? "kk"), parse_mode: "HTML" },
      stepId: null,
      nextAttemptAt: now,
    })),
  );
}

export async function langsOf(db: Executor, telegramIds: number[]): Promise<Map<number, string>> {
  if (telegramIds.length === 0) return new Map();
  const rows = await db
    .select({ telegramId: users.telegramId, lang: users.lang })
    .from(users)
    .where(inArray(users.telegramId, telegramIds));
  return new Map(rows.map((r) => [r.telegramId, r.lang]));
}
