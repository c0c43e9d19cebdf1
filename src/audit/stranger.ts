/**
 * Stranger noise (issue 12.17): what people who are nobody to us do (a Telegram account bound to no roster
 * entry and no official, not an administrator) is counted, not logged press by press. The refusals the
 * handlers audit for such a sender (a forged button, a guessed invite token, a case they may not see) go to
 * stranger_activity: one row per account and local date with a count per kind, and one `stranger.noise`
 * audit row for the first of the day. A flood of forged presses costs one row a day, and the rate limit
 * caps how fast it can be counted.
 *
 * The stranger is explicit, not ambient: the bot, which knows the sender's identity, passes it to the use
 * cases that audit these refusals, and they hand it to audit() in the entry (`AuditEntry.stranger`). An
 * ambient async context did this before; keeping one turns on Node's promise hooks for the whole process,
 * 4-7 % of the bot's CPU (issue 17).
 */
import { sql } from "drizzle-orm";
import type { Executor } from "../db/client";
import { auditEvents, strangerActivity } from "../db/schema";
import { type LocalDate, localDateOf } from "../rules";

/** The audited refusals that are noise when a stranger causes them. */
export const NOISE_ACTIONS: ReadonlySet<string> = new Set([
  "step.refused",
  "step.stale",
  "invite.refused",
  "case.view_refused",
]);

/** Days stranger_activity rows are kept (the retention job deletes older ones). */
export const STRANGER_NOISE_DAYS = 90;

/** The Telegram account of a stranger whose update caused what is audited. */
export interface Stranger {
  telegramId: number;
}

/**
 * Counts one event of a stranger: the day's row is created or incremented; creating it also writes the one
 * audit row of the day (ids only: the Telegram id, the date, the first kind).
 */
export async function noteStrangerNoise(
  db: Executor,
  telegramId: number,
  action: string,
  at: Date,
): Promise<void> {
  const day: LocalDate = localDateOf(at);
  const res = await db.execute(sql`
    INSERT INTO ${strangerActivity} (telegram_id, on_date, count, kinds, first_at, last_at)
    VALUES (${telegramId}, ${day}, 1, jsonb_build_object(${action}::text, 1), ${at.toISOString()}::timestamptz,
      ${at.toISOString()}::timestamptz)
    ON CONFLICT (telegram_id, on_date) DO UPDATE SET
      count = stranger_activity.count + 1,
      kinds = stranger_activity.kinds || jsonb_build_object(${action}::text,
        coalesce((stranger_activity.kinds ->> ${action}::text)::int, 0) + 1),
      last_at = greatest(stranger_activity.last_at, excluded.last_at)
    RETURNING (xmax = 0) AS inserted`);
  const rows = (Array.isArray(res) ? res : ((res as { rows?: unknown[] }).rows ?? [])) as {
    inserted: boolean;
  }[];
  if (!rows[0]?.inserted) return;
  await db.insert(auditEvents).values({
    at,
    action: "stranger.noise",
    details: { telegramId, onDate: day, first: action, countedIn: "stranger_activity" },
  });
}
