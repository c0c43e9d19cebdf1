/** Appends to the audit trail (append-only in the database). Ids and states only, no personal data. */
import { sql } from "drizzle-orm";
import type { Executor } from "../db/client";
import { auditEvents } from "../db/schema";
import { NOISE_ACTIONS, noteStrangerNoise, type Stranger } from "./stranger";

export type { Stranger } from "./stranger";

export interface AuditEntry {
  at: Date;
  action: string;
  actorUserId?: number | null;
  actorOfficialId?: number | null;
  onBehalfOfOfficialId?: number | null;
  institutionId?: number | null;
  caseId?: number | null;
  before?: unknown;
  after?: unknown;
  details?: unknown;
  /**
   * The stranger whose update caused this (issue 12.17), given by the bot: a noise action is then counted
   * in stranger_activity instead of written here (src/audit/stranger.ts). Not a column.
   */
  stranger?: Stranger;
}

const row = (e: AuditEntry) => ({
  at: e.at,
  action: e.action,
  actorUserId: e.actorUserId ?? null,
  actorOfficialId: e.actorOfficialId ?? null,
  onBehalfOfOfficialId: e.onBehalfOfOfficialId ?? null,
  institutionId: e.institutionId ?? null,
  caseId: e.caseId ?? null,
  before: e.before ?? null,
  after: e.after ?? null,
  details: e.details ?? null,
});

export async function audit(db: Executor, e: AuditEntry): Promise<void> {
  // A refusal caused by a stranger is counted, not logged one row per press (src/audit/stranger.ts).
  if (e.stranger && NOISE_ACTIONS.has(e.action))
    return noteStrangerNoise(db, e.stranger.telegramId, e.action, e.at);
  await db.insert(auditEvents).values(row(e));
}

/**
 * The same rows as audit() for each entry, in order, in one statement (issue 17: a job's thousands of
 * one-row inserts were its slowest part). Like the outbox (src/cases/outbox.ts enqueue), the rows go as
 * one JSON parameter expanded by jsonb_to_recordset (a JSON null, or a missing key, is SQL NULL), not as
 * ten bound parameters a row: no limit of 65,535 parameters, and drizzle does not build 50,000 of them.
 * Rows get their ids in the order of the ordinality. With an entry of a stranger, entry by entry.
 */
export async function auditMany(db: Executor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (entries.some((e) => e.stranger)) {
    for (const e of entries) await audit(db, e);
    return;
  }
  const rows = entries.map((e) => {
    const r = row(e);
    return {
      at: r.at.toISOString(),
      action: r.action,
      au: r.actorUserId,
      ao: r.actorOfficialId,
      ob: r.onBehalfOfOfficialId,
      i: r.institutionId,
      c: r.caseId,
      b: r.before,
      a: r.after,
      d: r.details,
    };
  });
  await db.execute(sql`
    INSERT INTO audit_events
      (at, action, actor_user_id, actor_official_id, on_behalf_of_official_id, institution_id, case_id,
       before, after, details)
    SELECT r.at, r.action, r.au, r.ao, r.ob, r.i, r.c, r.b, r.a, r.d
    FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS (at timestamptz, action text, au int, ao int, ob int, i int, c int, b jsonb, a jsonb, d jsonb))
      WITH ORDINALITY AS r(at, action, au, ao, ob, i, c, b, a, d, n)
    ORDER BY r.n`);
}
