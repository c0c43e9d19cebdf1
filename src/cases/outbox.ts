/** Writes messages to the outbox inside the caller's transaction; the dispatcher (src/jobs) sends them. */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type Executor, rowsOf } from "../db/client";
import { caseSteps, outbox, stepMessages, users } from "../db/schema";
import { splitHtml } from "../messages/fit";
import { inlineMarkup, type Rendered } from "../messages/keyboards";

/** last_error of a row Telegram refused with 403 because the user blocked the bot. */
export const BLOCKED_BY_USER = "403: blocked by the user";

/** A rendered message (src/messages) to a chat. */
export interface OutMessage extends Rendered {
  chatId: number;
  stepId?: number | null;
  caseId?: number | null;
  /** When it is due, if not at once (the learner's receipt waits for the conversation's own answer). */
  at?: Date;
  /** The text names no learner by construction (outbox.nameless: the purge's name search skips it). */
  nameless?: boolean;
}

/**
 * One row per message, in order. The safety net of issue 12.4: a text over Telegram's limit (which would
 * fail with 400 and be dropped for good) becomes several rows, split at line breaks and never inside a tag
 * or an entity (src/messages/fit.ts); the buttons go with the last part, and every part keeps the step and
 * the case, so retiring a step's task message still cancels or edits each of them.
 *
 * One statement for all of them; returns the ids of each message's rows (one per part), in order.
 *
 * Issue 17: the rows go as two JSON parameters, the distinct payloads and per row (chat, payload index,
 * step, case, due), expanded by jsonb_to_recordset, instead of six bound parameters per row: a day's
 * digests are 10,000 rows but some 900 distinct texts (officials with the same roles get the same one),
 * so each text crosses the wire and is serialised once, and drizzle does not build 60,000 parameters.
 * Rows get their ids in the order of the ordinality, so the ids sorted are the rows in order.
 */
export async function enqueue(db: Executor, msgs: readonly OutMessage[], now: Date): Promise<number[][]> {
  if (msgs.length === 0) return [];
  const payloads: Record<string, unknown>[] = [];
  // text → buttons (by identity: a shared rendering is one object) → index in payloads.
  const seen = new Map<string, Map<unknown, number>>();
  const payloadOf = (text: string, buttons: OutMessage["buttons"]): number => {
    let byButtons = seen.get(text);
    if (!byButtons) {
      byButtons = new Map();
      seen.set(text, byButtons);
    }
    let i = byButtons.get(buttons);
    if (i === undefined) {
      const markup = buttons ? inlineMarkup(buttons) : undefined;
      i =
        payloads.push({
          text,
          parse_mode: "HTML",
          link_preview_options: { is_disabled: true },
          protect_content: true, // issue 14.11: task cards and notices carry personal data
          ...(markup ? { reply_markup: markup } : {}),
        }) - 1;
      byButtons.set(buttons, i);
    }
    return i;
  };
  const of: number[] = [];
  const rows: { c: number; p: number; s: number | null; k: number | null; a: string; x: boolean }[] = [];
  for (const [i, m] of msgs.entries()) {
    const parts = splitHtml(m.text);
    const a = (m.at ?? now).toISOString();
    for (const [k, text] of parts.entries()) {
      const buttons = k === parts.length - 1 ? m.buttons : undefined;
      const x = m.nameless === true;
      rows.push({ c: m.chatId, p: payloadOf(text, buttons), s: m.stepId ?? null, k: m.caseId ?? null, a, x });
      of.push(i);
    }
  }
  const inserted = rowsOf<{ id: number | string }>(
    await db.execute(sql`
      INSERT INTO outbox (chat_id, method, payload, step_id, case_id, next_attempt_at, nameless)
      SELECT r.c, 'sendMessage', p.list -> r.p, r.s, r.k, r.a, r.x
      FROM (SELECT ${JSON.stringify(payloads)}::jsonb AS list) p,
        ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS (c bigint, p int, s int, k int, a timestamptz, x boolean)) WITH ORDINALITY AS r(c, p, s, k, a, x, n)
      ORDER BY r.n
      RETURNING id`),
  );
  const ids: number[][] = msgs.map(() => []);
  const sorted = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
  for (const [row, id] of sorted.entries()) ids[of[row]!]!.push(id);
  return ids;
}

/**
 * Messages gathered across a use case (the task cards of every step it opens, the learner's receipt) to be
 * written in one statement (issue 17). flush() writes what was pushed, in order, and returns each message's
 * row ids by the index push() gave it.
 */
export class OutboxBatch {
  private msgs: OutMessage[] = [];

  get size(): number {
    return this.msgs.length;
  }

  /** Adds messages; returns the index of the first one in the next flush. */
  push(...msgs: OutMessage[]): number {
    const at = this.msgs.length;
    this.msgs.push(...msgs);
    return at;
  }

  async flush(db: Executor, now: Date): Promise<number[][]> {
    const msgs = this.msgs;
    this.msgs = [];
    return enqueue(db, msgs, now);
  }
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
      method: "editMessageText" as const,
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

/**
 * The user wrote to the bot again, so they unblocked it: what failed with 403 while they had blocked it is
 * sent now, in its original order (the rows keep their ids). Task messages of steps that are no longer
 * pending stay failed: their buttons would act on a finished step.
 */
export async function requeueBlocked(db: Executor, chatId: number, now: Date): Promise<number> {
  const rows = await db
    .update(outbox)
    .set({ state: "pending", nextAttemptAt: now, lastError: null })
    .where(
      and(
        eq(outbox.chatId, chatId),
        eq(outbox.state, "failed"),
        eq(outbox.lastError, BLOCKED_BY_USER),
        or(
          isNull(outbox.stepId),
          sql`exists (select 1 from ${caseSteps} where ${caseSteps.id} = ${outbox.stepId} and ${caseSteps.state} = 'pending')`,
        ),
      ),
    )
    .returning({ id: outbox.id });
  return rows.length;
}
