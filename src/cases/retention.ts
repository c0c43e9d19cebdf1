/**
 * D8 retention: a case's personal data is kept one year from the expulsion order date (`retentionEndsOn`),
 * then purged (`isRetentionOver`). Removed: the report's reasons, the phone, the learner's snapshot and the
 * link to the roster entry, the outcome reason, the order number, every step's result, the texts of the
 * case's outbox messages (replaced by a stub; unsent ones are cancelled) and the copies of its task
 * messages (step_messages; the copies in officials' chats are edited into the stub). Kept: the anonymised
 * record (institution, ground, category, rules edition, state, dates, step timings) and the audit skeleton.
 *
 * One transaction per case, claimed with a conditional UPDATE … WHERE purged_at IS NULL RETURNING, so two
 * runners never purge (or audit) a case twice.
 */
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Db } from "../db/client";
import { caseSteps, cases, outbox, stepMessages } from "../db/schema";
import { tFor } from "../i18n";
import {
  addCalendarDays,
  dueInstant,
  isRetentionOver,
  type LocalDate,
  localDateOf,
  RETENTION_CITE,
  retentionEndsOn,
  retentionStartsOn,
} from "../rules";

export interface PurgedCase {
  caseId: number;
  institutionId: number;
  /** Null for a case that ended without an order (counted from the day it ended). */
  orderDate: LocalDate | null;
  retentionEndedOn: LocalDate;
}

/** The case fields that hold personal data (D8). */
export const PURGED_CASE_FIELDS = [
  "reasons",
  "phone",
  "student_snapshot",
  "student_id",
  "outcome_reason",
  "order_number",
] as const;

/** The stub that replaces a purged message's text (D8). */
export const purgeStub = (): string => tFor("kk")("purge.stub");

/** Purges every case whose retention is over at `now`; returns the cases purged by this call. */
export async function purgeExpired(db: Db, now: Date, opts: { limit?: number } = {}): Promise<PurgedCase[]> {
  // A year is at least 365 days, so an order dated on or after today − 365 days is never over: prefilter in
  // SQL, decide with the rule.
  const cutoff = addCalendarDays(localDateOf(now), -365);
  const candidates = (
    await db
      .select({
        id: cases.id,
        institutionId: cases.institutionId,
        orderDate: cases.orderDate,
        closedAt: cases.closedAt,
      })
      .from(cases)
      .where(
        and(
          isNull(cases.purgedAt),
          or(
            lt(cases.orderDate, cutoff),
            // Ended without an order (rejected, returned, withdrawn): counted from the day it ended.
            and(isNull(cases.orderDate), lt(cases.closedAt, dueInstant(cutoff))),
          ),
        ),
      )
      .orderBy(cases.id)
      .limit(opts.limit ?? 10_000)
  ).filter((c) => {
    const from = retentionStartsOn(
      c.orderDate as LocalDate | null,
      c.closedAt ? localDateOf(c.closedAt) : null,
    );
    return from !== null && isRetentionOver(from, now);
  });
  const purged: PurgedCase[] = [];
  for (const c of candidates) {
    const done = await purgeCase(db, c.id, now);
    if (done) purged.push(done);
  }
  return purged;
}

/** Purges one case if its retention is over and nobody purged it yet; null otherwise. */
export async function purgeCase(db: Db, caseId: number, now: Date): Promise<PurgedCase | null> {
  const stub = purgeStub();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ orderDate: cases.orderDate, closedAt: cases.closedAt, purgedAt: cases.purgedAt })
      .from(cases)
      .where(eq(cases.id, caseId));
    const from = row
      ? retentionStartsOn(row.orderDate as LocalDate | null, row.closedAt ? localDateOf(row.closedAt) : null)
      : null;
    if (!row || from === null || row.purgedAt || !isRetentionOver(from, now)) return null;
    const [claimed] = await tx
      .update(cases)
      .set({
        reasons: null,
        phone: null,
        studentSnapshot: null,
        studentId: null,
        outcomeReason: null,
        orderNumber: null,
        purgedAt: now,
      })
      .where(and(eq(cases.id, caseId), isNull(cases.purgedAt)))
      .returning({ id: cases.id, institutionId: cases.institutionId, orderDate: cases.orderDate });
    if (!claimed) return null;

    const steps = await tx
      .update(caseSteps)
      .set({ result: null })
      .where(eq(caseSteps.caseId, caseId))
      .returning({ id: caseSteps.id });
    const stepIds = steps.map((s) => s.id);
    const copies = stepIds.length
      ? await tx
          .select({ chatId: stepMessages.chatId, messageId: stepMessages.messageId })
          .from(stepMessages)
          .where(inArray(stepMessages.stepId, stepIds))
      : [];

    // The case's messages: those written for it (case_id), its task messages (step_id) and the edits of
    // its task messages into status lines (chat and message id of a copy).
    const edits = copies.map((c) => sql`(${c.chatId}::bigint, ${String(c.messageId)}::text)`);
    const mine = or(
      eq(outbox.caseId, caseId),
      stepIds.length ? inArray(outbox.stepId, stepIds) : undefined,
      edits.length
        ? sql`(${outbox.method} = 'editMessageText' AND (${outbox.chatId}, ${outbox.payload}->>'message_id') IN (${sql.join(edits, sql`, `)}))`
        : undefined,
    );
    const stubbed = await tx
      .update(outbox)
      .set({
        payload: sql`jsonb_set(${outbox.payload} - 'reply_markup', '{text}', to_jsonb(${stub}::text))`,
        state: sql`CASE WHEN ${outbox.state} = 'pending' THEN 'cancelled' ELSE ${outbox.state} END`,
      })
      .where(mine)
      .returning({ id: outbox.id });
    if (stepIds.length) await tx.delete(stepMessages).where(inArray(stepMessages.stepId, stepIds));
    // The copies still shown in officials' chats lose their text and buttons too.
    if (copies.length) {
      await tx.insert(outbox).values(
        copies.map((c) => ({
          chatId: c.chatId,
          method: "editMessageText",
          payload: { message_id: c.messageId, text: stub },
          caseId,
          nextAttemptAt: now,
        })),
      );
    }

    const orderDate = (claimed.orderDate ?? null) as LocalDate | null;
    const retentionEndedOn = retentionEndsOn(from);
    await audit(tx, {
      at: now,
      action: "case.purged",
      institutionId: claimed.institutionId,
      caseId,
      after: { purged: true },
      details: {
        cite: RETENTION_CITE,
        orderDate,
        retentionEndedOn,
        fields: [...PURGED_CASE_FIELDS, "case_steps.result", "outbox.payload.text", "step_messages"],
        steps: stepIds.length,
        outboxStubbed: stubbed.length,
        copiesEdited: copies.length,
      },
    });
    return { caseId, institutionId: claimed.institutionId, orderDate, retentionEndedOn };
  });
}
