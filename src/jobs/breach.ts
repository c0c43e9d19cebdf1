/**
 * Breach notices: when a statutory deadline has passed (after the end of its local day, D1 `isOverdue`),
 * the step's holders are told once, and it is escalated to the head (and, for the personnel subdivision's
 * steps, to the deputy head for personnel work). Targets (D3) never get breach notices.
 *
 * A recipient with several steps breached at once gets one list (per kind: own steps, escalations).
 *
 * Once per step across runners and restarts: the step is claimed with a conditional
 * UPDATE … WHERE breach_notified_on IS NULL RETURNING in the transaction that enqueues the notices.
 * Notices go out on the institution's working days from its reminder hour on (Asia/Almaty), like the
 * digest: not in the night, and on a working day the overdue count is at least one working day.
 */
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import { type AuditEntry, auditMany } from "../audit";
import { enqueue, type OutMessage } from "../cases/outbox";
import { pendingSteps } from "../cases/queries";
import type { Db, Executor } from "../db/client";
import { caseSteps } from "../db/schema";
import { breachMessages } from "../messages/breach";
import { type Holding, holdingsOn, indexHoldings } from "../people/holders";
import { type DueKind, escalationRoles, isOverdue, type LocalDate, type Role, type StepKey } from "../rules";
import { institutionsAt } from "./schedule";

export interface BreachNotice {
  stepId: number;
  caseId: number;
  institutionId: number;
  stepKey: string;
  role: Role;
  dueOn: LocalDate;
  /** Officials told (holders and escalation). */
  recipients: number;
}

interface Candidate {
  id: number;
  caseId: number;
  institutionId: number;
  key: StepKey;
  role: Role;
  dueOn: LocalDate;
  dueKind: DueKind | null;
  cite: string;
}

/**
 * Finds the statutory steps overdue and not yet notified, claims them and enqueues the notices. With the
 * bot's username (`botUsername`), each case is a link that opens it in the bot (issue 14.10).
 */
export async function sendBreachNotices(
  db: Db,
  now: Date,
  opts: { chunk?: number; botUsername?: string | null } = {},
): Promise<BreachNotice[]> {
  const due = (await institutionsAt(db, now)).filter((i) => i.workingDay && i.afterReminderHour);
  if (due.length === 0) return [];
  const today = due[0]!.today;
  const calendars = new Map(due.map((i) => [i.inst.id, i.calendar]));
  const candidates = (
    await pendingSteps(
      db,
      [...calendars.keys()],
      and(eq(caseSteps.dueKind, "statutory"), isNull(caseSteps.breachNotifiedOn), lt(caseSteps.dueOn, today)),
    ).orderBy(caseSteps.id)
  ).filter((s): s is Candidate => s.dueOn !== null && isOverdue(s.dueOn, now));
  if (candidates.length === 0) return [];

  const instIds = [...new Set(candidates.map((c) => c.institutionId))];
  const holders = indexHoldings(await holdingsOn(db, instIds, today));
  const holdersOf = (inst: number, role: Role): Holding[] => holders.get(`${inst}:${role}`) ?? [];

  /**
   * One step: the full notice; several (one tick, one recipient): a list (src/messages/breach.ts), with the
   * holders' names for escalations. A message showing one case belongs to it (D8's purge finds it).
   *
   * Issue 17: recipients with the same language, kind and list of steps (a role's holders, the head of many
   * units) get the same text, so each distinct one is rendered once (`rendered`, per chunk: a step is in
   * one chunk only) and shared; the lines and labels that lists repeat are made once per run (`lines`).
   */
  const lines = new Map<string, string>();
  let rendered = new Map<string, ReturnType<typeof breachMessages>>();
  const render = (h: Holding, steps: Candidate[], escalation: boolean): OutMessage[] => {
    const key = `${h.lang}|${escalation ? "e" : "o"}|${steps.map((s) => s.id).join(",")}`;
    let made = rendered.get(key);
    if (!made) {
      made = breachMessages(
        h.lang,
        steps.map((s) => ({ ...s, names: holdersOf(s.institutionId, s.role).map((x) => x.fullName) })),
        escalation,
        { now, calendarOf: (inst) => calendars.get(inst)!, botUsername: opts.botUsername, cache: lines },
      );
      rendered.set(key, made);
    }
    return made.map(({ caseIds, ...m }) => ({
      chatId: h.telegramId,
      caseId: caseIds.length === 1 ? caseIds[0] : null,
      ...m,
    }));
  };

  const notices: BreachNotice[] = [];
  // Issue 17: 5,000 steps a transaction (claim, audit, enqueue): fewer round trips, and a recipient's list
  // covers more of a catch-up tick; each chunk still commits, or not, as a whole.
  const chunk = opts.chunk ?? 5000;
  for (let i = 0; i < candidates.length; i += chunk) {
    const part = candidates.slice(i, i + chunk);
    rendered = new Map();
    await db.transaction(async (tx) => {
      const wonIds = await claimSteps(tx, part, today);
      // Per recipient: the steps they hold (own) and those escalated to them, one message each kind.
      const inbox = new Map<number, InboxEntry>();
      const audits: AuditEntry[] = [];
      for (const s of part) {
        if (!wonIds.has(s.id)) continue;
        const to = recipientsOf(s, holdersOf);
        addToInbox(inbox, s, to);
        audits.push(breachAudit(s, to, now));
        notices.push({
          stepId: s.id,
          caseId: s.caseId,
          institutionId: s.institutionId,
          stepKey: s.key,
          role: s.role,
          dueOn: s.dueOn as LocalDate,
          recipients: to.own.length + to.escalated.length,
        });
      }
      const msgs: OutMessage[] = [];
      for (const { h, own, escalated } of inbox.values()) {
        if (own.length) msgs.push(...render(h, own, false));
        if (escalated.length) msgs.push(...render(h, escalated, true));
      }
      await auditMany(tx, audits);
      await enqueue(tx, msgs, now);
    });
  }
  return notices;
}

/** Marks the steps notified today, unless another runner did first; returns the ids this run won. */
async function claimSteps(tx: Executor, part: Candidate[], today: LocalDate): Promise<Set<number>> {
  const won = await tx
    .update(caseSteps)
    .set({ breachNotifiedOn: today })
    .where(
      and(
        inArray(
          caseSteps.id,
          part.map((s) => s.id),
        ),
        isNull(caseSteps.breachNotifiedOn),
        eq(caseSteps.state, "pending"),
      ),
    )
    .returning({ id: caseSteps.id });
  return new Set(won.map((w) => w.id));
}

interface Recipients {
  /** The step's holders as found (own or delegated; an official may appear twice). */
  holders: Holding[];
  /** Each official once: the holders first, then those it escalates to who do not hold it. */
  own: Holding[];
  escalated: Holding[];
}

/** Pure: who is told of one breached step, each official once. */
function recipientsOf(s: Candidate, holdersOf: (inst: number, role: Role) => Holding[]): Recipients {
  const holders = holdersOf(s.institutionId, s.role);
  const told = new Set<number>();
  const once = (list: Holding[]) =>
    list.filter((h) => {
      if (told.has(h.officialId)) return false;
      told.add(h.officialId);
      return true;
    });
  const own = once(holders);
  const escalated = escalationRoles(s.role).flatMap((r) => once(holdersOf(s.institutionId, r)));
  return { holders, own, escalated };
}

interface InboxEntry {
  h: Holding;
  own: Candidate[];
  escalated: Candidate[];
}

function addToInbox(inbox: Map<number, InboxEntry>, s: Candidate, to: Recipients) {
  const add = (h: Holding, kind: "own" | "escalated") => {
    let e = inbox.get(h.officialId);
    if (!e) {
      e = { h, own: [], escalated: [] };
      inbox.set(h.officialId, e);
    }
    e[kind].push(s);
  };
  for (const h of to.own) add(h, "own");
  for (const h of to.escalated) add(h, "escalated");
}

/** The audit row of one notified step (ids and states only). */
function breachAudit(s: Candidate, to: Recipients, now: Date): AuditEntry {
  return {
    at: now,
    action: "step.breach_notified",
    institutionId: s.institutionId,
    caseId: s.caseId,
    details: {
      stepId: s.id,
      stepKey: s.key,
      role: s.role,
      dueOn: s.dueOn,
      cite: s.cite,
      holders: to.holders.map((h) => h.officialId),
      escalatedTo: escalationRoles(s.role),
      recipients: to.own.length + to.escalated.length,
    },
  };
}
