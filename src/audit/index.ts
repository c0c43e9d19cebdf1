/** Appends to the audit trail (append-only in the database). Ids and states only, no personal data. */
import type { Executor } from "../db/client";
import { auditEvents } from "../db/schema";
import { currentStranger, NOISE_ACTIONS, noteStrangerNoise } from "./stranger";

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
}

export async function audit(db: Executor, e: AuditEntry): Promise<void> {
  // A refusal caused by a stranger is counted, not logged one row per press (src/audit/stranger.ts).
  const stranger = currentStranger();
  if (stranger && NOISE_ACTIONS.has(e.action))
    return noteStrangerNoise(db, stranger.telegramId, e.action, e.at);
  await db.insert(auditEvents).values({
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
}
