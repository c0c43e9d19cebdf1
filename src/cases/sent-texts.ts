/**
 * D8, data minimisation: an outbox row keeps its text and chat only while they may still be needed. Once a
 * message will not be sent again (sent, cancelled, or failed for good) and was sent (or, never sent, last
 * due) more than SENT_TEXT_DAYS ago, its payload is emptied and its chat id set to 0 (`cleared_at` records
 * when). What stays: method, case, step, state, attempts and the times.
 *
 * Nothing reads a sent row's text or chat again: the dispatcher reads pending rows only, and the copies of a
 * task message are edited through step_messages. A row that failed because the user had blocked the bot
 * keeps both (requeueBlocked sends it when the user writes again); the case's purge clears it.
 *
 * Why (issue 17): the purge must find every sent text naming a learner whose year is over. Reading every
 * text ever sent took half of a purge (300 MB for 10,000 cases, docs/performance-2026-11.md §8); now it
 * reads only the last SENT_TEXT_DAYS of texts, digests left out (`outbox_text_idx`: cleared_at null, not
 * nameless), and the rows of year-old cases are already empty (§10). It is also a year less of names and
 * chats in the outbox.
 */
import { sql } from "drizzle-orm";
import { type Executor, rowsOf } from "../db/client";
import { BLOCKED_BY_USER } from "./outbox";

/**
 * How long a message's text and chat are kept after it was sent: a week, for the questions of the next
 * working days ("what did the bot tell me?"); nothing in the program reads them (D8; a draft's is 14 days).
 */
export const SENT_TEXT_DAYS = 7;

/** Rows cleared per statement: each statement is short, so the dispatcher never waits long. */
export const CLEAR_BATCH = 5000;

/**
 * Clears the rows sent (or last due) before `now` − SENT_TEXT_DAYS that will not be sent again. The times
 * are the jobs' clock's (sent_at, next_attempt_at), not the database's. Idempotent; safe with several
 * runners (a row is cleared by one conditional UPDATE: `cleared_at IS NULL` is checked again under the row
 * lock). Returns how many rows it cleared.
 */
export async function clearSentTexts(
  db: Executor,
  now: Date,
  opts: { batch?: number } = {},
): Promise<number> {
  const batch = opts.batch ?? CLEAR_BATCH;
  const before = new Date(now.getTime() - SENT_TEXT_DAYS * 86_400_000).toISOString();
  let cleared = 0;
  // Keyset over outbox_kept_idx: each batch starts after the last row the one before it looked at, so the
  // index entries of rows already cleared (dead until vacuumed) are not read again batch after batch.
  for (let after = 0; ; ) {
    const [r] = rowsOf<{ n: number; last: string | number | null; seen: number }>(
      await db.execute(sql`
        WITH todo AS (
          SELECT id FROM outbox
          WHERE cleared_at IS NULL AND id > ${after}
            AND coalesce(sent_at, next_attempt_at) < ${before}::timestamptz
            AND (state IN ('sent', 'cancelled')
              OR (state = 'failed' AND last_error IS DISTINCT FROM ${BLOCKED_BY_USER}))
          ORDER BY id LIMIT ${batch}
        ), c AS (
          UPDATE outbox SET payload = '{}'::jsonb, chat_id = 0, cleared_at = ${now.toISOString()}::timestamptz
          WHERE id = any(array(SELECT id FROM todo)) AND cleared_at IS NULL AND state <> 'pending'
          RETURNING 1
        )
        SELECT (SELECT count(*)::int FROM c) AS n, (SELECT max(id) FROM todo) AS last,
          (SELECT count(*)::int FROM todo) AS seen`),
    );
    cleared += Number(r?.n ?? 0);
    if (Number(r?.seen ?? 0) < batch) return cleared;
    after = Number(r!.last);
  }
}
