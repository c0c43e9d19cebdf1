/**
 * D14: no case waits on nobody. A step whose role has no bound holder today (nobody holds it, or its
 * holders have not joined the bot yet) is told at once to the institution's administrators and head
 * (alertNoHolder, from sendTask), and every day in their digest (waitingOnNobody, from src/jobs/digest.ts);
 * the administrator's readiness check (readiness, `npm run admin -- institution check`) lists every role the
 * procedure needs without a bound holder; and an official who joins late, or gets the role later, receives
 * the tasks already waiting for them (sendWaitingTasks, from redeemInvite and changeRoles).
 *
 * "Bound holder" is the one rule of src/people/holders.ts (holdingsOn): an active official bound to Telegram
 * with the role, or an acting delegate on the day. The global administrators of ADMIN_TELEGRAM_IDS are
 * configuration the bot and the jobs get at start-up (deps), not data a use case can read inside its
 * transaction, so they are not told here: the institution's own administrators (role "admin") and the head
 * are.
 */
import { and, asc, eq, inArray, isNull, or, type SQL } from "drizzle-orm";
import { audit } from "../audit";
import type { Executor } from "../db/client";
import { caseSteps, cases, institutions, officialRoles, officials, outbox, stepMessages } from "../db/schema";
import { noHolderAlert } from "../messages/notices";
import { type Holding, holdingsOn } from "../people/holders";
import {
  CATEGORIES,
  type Ground,
  isRole,
  LEARNER_REPORT_GROUNDS,
  type LocalDate,
  localDateOf,
  OFFICIAL_OPENED_GROUNDS,
  OPENING_ROLE,
  ROLES,
  type Role,
  type StepKey,
  workflowFor,
} from "../rules";
import { loadCaseContext, type StepRow, sendTaskTo } from "./common";
import { enqueue, type OutMessage } from "./outbox";
import { type PendingStep, pendingSteps } from "./queries";
import { ACTIVE_STATES } from "./states";

/** Who is told that a step waits on nobody: the head decides (cl. 19, 23, 25), administrators bind people. */
export const NO_HOLDER_RECIPIENT_ROLES: readonly Role[] = Object.freeze(["admin", "head"]);

export interface NoHolderAlert {
  caseId: number;
  institutionId: number;
  stepId: number;
  stepKey: StepKey;
  role: Role;
}

/** An official record with the role that cannot act yet: not bound to Telegram, or deactivated. */
export interface UnboundOfficial {
  officialId: number;
  fullName: string;
  active: boolean;
}

/** Official records of the institution with this role that are not bound to Telegram (active first). */
export async function unboundOfficials(
  db: Executor,
  institutionId: number,
  roles: readonly Role[],
): Promise<(UnboundOfficial & { role: Role })[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .select({
      officialId: officials.id,
      fullName: officials.fullName,
      active: officials.active,
      role: officialRoles.role,
    })
    .from(officialRoles)
    .innerJoin(officials, eq(officials.id, officialRoles.officialId))
    .where(
      and(
        eq(officials.institutionId, institutionId),
        inArray(officialRoles.role, [...roles]),
        isNull(officials.userId),
      ),
    )
    .orderBy(asc(officials.id));
  return rows.sort((a, b) => Number(b.active) - Number(a.active) || a.officialId - b.officialId);
}

/**
 * Tells the institution's administrators and head, each in their language, that a step of a case has nobody
 * to act on it, and what to do (invite the official who has not joined, or add one with the role). Enqueued
 * in the caller's transaction. If the head role itself has no holder, the administrators are still told.
 * Returns the number of people told (0 when the institution has neither an administrator nor a head in the
 * bot: the audit event of sendTask and the readiness check remain).
 */
export async function alertNoHolder(db: Executor, a: NoHolderAlert, now: Date): Promise<number> {
  const today = localDateOf(now);
  const recipients = new Map<number, string>();
  for (const h of await holdingsOn(db, [a.institutionId], today))
    if (NO_HOLDER_RECIPIENT_ROLES.includes(h.role) && !recipients.has(h.telegramId))
      recipients.set(h.telegramId, h.lang);
  if (recipients.size === 0) return 0;
  const [inst] = await db
    .select({ code: institutions.code })
    .from(institutions)
    .where(eq(institutions.id, a.institutionId));
  const waiting = (await unboundOfficials(db, a.institutionId, [a.role])).filter((o) => o.active);
  const msgs: OutMessage[] = [...recipients].map(([chatId, lang]) => ({
    chatId,
    caseId: a.caseId,
    text: noHolderAlert(lang, { ...a, institutionCode: inst?.code ?? "", waiting }),
  }));
  await enqueue(db, msgs, now);
  return msgs.length;
}

/** A pending step of an open case whose role nobody at the institution holds today. */
export type WaitingStep = PendingStep;

/**
 * The pending steps of open cases at these institutions whose role has no bound holder on `on`. Who holds
 * a role is holdingsOn's rule. `held` may name pairs `${institutionId}:${role}` already known to be held
 * (the digest has most holdings at hand): then only the other pairs are looked up, one role at a time. The steps
 * are read only for roles nobody holds (one query, none at all when every role is held).
 */
export async function waitingOnNobody(
  db: Executor,
  institutionIds: readonly number[],
  on: LocalDate,
  opts: { held?: ReadonlySet<string> } = {},
): Promise<WaitingStep[]> {
  const ids = [...new Set(institutionIds)];
  if (ids.length === 0) return [];
  const held = new Set(
    opts.held ?? (await holdingsOn(db, ids, on)).map((h) => `${h.institutionId}:${h.role}`),
  );
  if (opts.held)
    for (const role of ROLES) {
      const unknown = ids.filter((id) => !held.has(`${id}:${role}`));
      if (unknown.length === 0) continue;
      for (const h of await holdingsOn(db, unknown, on, { role })) held.add(`${h.institutionId}:${h.role}`);
    }
  // Institutions that lack the same roles share one condition.
  const byMissing = new Map<string, { ids: number[]; roles: Role[] }>();
  for (const id of ids) {
    const missing = ROLES.filter((r) => !held.has(`${id}:${r}`));
    if (missing.length === 0) continue;
    const key = missing.join(",");
    const g = byMissing.get(key);
    if (g) g.ids.push(id);
    else byMissing.set(key, { ids: [id], roles: missing });
  }
  if (byMissing.size === 0) return [];
  const which: SQL[] = [...byMissing.values()].map(
    (g) => and(inArray(cases.institutionId, g.ids), inArray(caseSteps.role, g.roles)) as SQL,
  );
  return pendingSteps(db, ids, or(...which)).orderBy(asc(caseSteps.caseId), asc(caseSteps.id));
}

/**
 * Sends an official the task messages of the steps already waiting for a role they now hold (D14: joined
 * late, or got the role late): the pending steps of open cases at their institution, each as sendTask
 * would have sent it, with its buttons. Steps whose task this chat already has are skipped. `roles` narrows
 * it to roles just given. Enqueued in the caller's transaction; returns the number of tasks sent.
 */
export async function sendWaitingTasks(
  db: Executor,
  officialId: number,
  now: Date,
  roles?: readonly Role[],
): Promise<number> {
  const [o] = await db
    .select({ institutionId: officials.institutionId })
    .from(officials)
    .where(eq(officials.id, officialId));
  if (!o) return 0;
  const mine: Holding[] = (await holdingsOn(db, [o.institutionId], localDateOf(now))).filter(
    (h) => h.officialId === officialId && (!roles || roles.includes(h.role)),
  );
  const me = mine[0];
  if (!me) return 0; // not bound, deactivated, or none of these roles
  const held = [...new Set(mine.map((h) => h.role))];
  const steps = await db
    .select({ step: caseSteps })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .where(
      and(
        eq(cases.institutionId, o.institutionId),
        inArray(cases.state, [...ACTIVE_STATES]),
        eq(caseSteps.state, "pending"),
        inArray(caseSteps.role, held),
      ),
    )
    .orderBy(asc(caseSteps.caseId), asc(caseSteps.id));
  if (steps.length === 0) return 0;
  const ids = steps.map((s) => s.step.id);
  const sent = new Set<number>();
  for (const r of await db
    .select({ stepId: stepMessages.stepId })
    .from(stepMessages)
    .where(and(eq(stepMessages.chatId, me.telegramId), inArray(stepMessages.stepId, ids))))
    sent.add(r.stepId);
  for (const r of await db
    .select({ stepId: outbox.stepId })
    .from(outbox)
    .where(and(eq(outbox.chatId, me.telegramId), inArray(outbox.stepId, ids), eq(outbox.state, "pending"))))
    if (r.stepId !== null) sent.add(r.stepId);

  const byCase = new Map<number, StepRow[]>();
  for (const { step } of steps) {
    if (sent.has(step.id)) continue;
    const list = byCase.get(step.caseId);
    if (list) list.push(step);
    else byCase.set(step.caseId, [step]);
  }
  const stepIds: number[] = [];
  for (const [caseId, list] of byCase) {
    const ctx = await loadCaseContext(db, caseId);
    if (!ctx) continue;
    // The same task card sendTask sends, with its buttons.
    for (const step of list) {
      await sendTaskTo(db, ctx, step, [me], now);
      stepIds.push(step.id);
    }
  }
  if (stepIds.length > 0)
    // No caseId: an institution-level event (the cases' own trails are unchanged).
    await audit(db, {
      at: now,
      action: "tasks.sent_late",
      actorOfficialId: officialId,
      institutionId: o.institutionId,
      details: { officialId, stepIds },
    });
  return stepIds.length;
}

// --- Readiness ----------------------------------------------------------------------------------------------

/**
 * The roles the procedure needs at an institution, in the order of ROLES: those of the reports learners
 * file (ch. 4, 5, 6: LEARNER_REPORT_GROUNDS, every category, with or without conscript service, the
 * institution's D5 map and D4 extra endorsers), the administrator who binds people, and (issue 16) the
 * whole chain of every ground an official opens (ch. 2, 3, cl. 2) whose opening role someone holds or has
 * been given: such a case, once opened, must not wait on nobody (D14).
 */
export function proceduralRoles(
  inst: { reimbursement: unknown; endorsers: unknown },
  openers: readonly Role[] = [],
): Role[] {
  const endorsers = (Array.isArray(inst.endorsers) ? inst.endorsers : []).filter(isRole);
  const need = new Set<Role>(["admin", ...endorsers]);
  const grounds: Ground[] = [
    ...LEARNER_REPORT_GROUNDS,
    ...OFFICIAL_OPENED_GROUNDS.filter((g) => openers.includes(OPENING_ROLE[g].role)),
  ];
  for (const ground of grounds)
    for (const category of CATEGORIES)
      for (const conscriptServed of [false, true])
        for (const s of workflowFor(ground, {
          category,
          conscriptServed,
          reimbursement: (inst.reimbursement ?? {}) as Partial<Record<Ground, boolean>>,
          endorsers,
        }).steps)
          need.add(s.role);
  return ROLES.filter((r) => need.has(r));
}

export interface RoleReadiness {
  role: Role;
  /** Officials who can act in the role today (bound to Telegram; acting delegates included). */
  holders: { officialId: number; fullName: string; acting: boolean; unreachable: boolean }[];
  /** Official records with the role that cannot act: not bound to Telegram yet, or deactivated. */
  unbound: UnboundOfficial[];
}

/** D14: every role the procedure needs, who holds it in the bot on `on`, and who has not joined yet. */
export async function readiness(
  db: Executor,
  inst: { id: number; reimbursement: unknown; endorsers: unknown },
  on: LocalDate,
): Promise<RoleReadiness[]> {
  const holdings = await holdingsOn(db, [inst.id], on);
  const openingRoles = OFFICIAL_OPENED_GROUNDS.map((g) => OPENING_ROLE[g].role);
  const openersUnbound = await unboundOfficials(db, inst.id, openingRoles);
  const openers = [...holdings, ...openersUnbound].map((h) => h.role);
  const roles = proceduralRoles(inst, openers);
  const unbound = await unboundOfficials(db, inst.id, roles);
  return roles.map((role) => ({
    role,
    holders: holdings
      .filter((h) => h.role === role)
      .map((h) => ({
        officialId: h.officialId,
        fullName: h.fullName,
        acting: h.onBehalfOfOfficialId !== null,
        unreachable: h.unreachable,
      })),
    unbound: unbound
      .filter((u) => u.role === role)
      .map(({ officialId, fullName, active }) => ({ officialId, fullName, active })),
  }));
}
