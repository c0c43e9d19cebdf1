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
import { audit } from "../audit";
import { MESSAGE_BUDGET, packLines, textLength } from "../cases/fit";
import { dueLine } from "../cases/format";
import { enqueue, type OutMessage } from "../cases/outbox";
import type { Db } from "../db/client";
import { caseSteps } from "../db/schema";
import { tFor } from "../i18n";
import { type Holding, holdingsOn, indexHoldings } from "../people/holders";
import { isOverdue, type LocalDate, type Role } from "../rules";
import { caseRef } from "./case-ref";
import { escalationRoles, institutionsAt, pendingSteps } from "./holdings";

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

/** Most steps listed in one notice. */
const MAX_LISTED = 20;
/** How much of an escalation item the holders' names may take (characters). */
const NAMES_BUDGET = 150;

interface Candidate {
  id: number;
  caseId: number;
  institutionId: number;
  key: string;
  role: string;
  dueOn: LocalDate;
  dueKind: string | null;
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

  /** The holders' names, as many as fit NAMES_BUDGET (always the first), then "+N" (issue 12.4). */
  const namesOf = (s: Candidate) => {
    const all = [...new Set(holdersOf(s.institutionId, s.role as Role).map((h) => h.fullName))];
    if (all.length === 0) return "—";
    const shown = [all[0]!];
    let len = all[0]!.length;
    for (const n of all.slice(1)) {
      if (len + 2 + n.length > NAMES_BUDGET) break;
      shown.push(n);
      len += 2 + n.length;
    }
    return all.length > shown.length
      ? `${shown.join(", ")}, +${all.length - shown.length}`
      : shown.join(", ");
  };
  /**
   * One step: the full notice; several (one tick, one recipient): a list of at most MAX_LISTED items. A list
   * too long for one message (long names) goes as several, whole items each, every part with its header
   * and the buttons of its own cases.
   */
  const render = (h: Holding, steps: Candidate[], escalation: boolean): OutMessage[] => {
    const t = tFor(h.lang);
    const args = (s: Candidate) => ({
      ref: caseRef(t, s.caseId, opts.botUsername),
      step: t(`step.${s.key}`),
      role: t(`role.${s.role}`),
      names: namesOf(s),
      due: dueLine(t, s, now, calendars.get(s.institutionId)!),
    });
    const message = (text: string, caseIds: number[]): OutMessage => {
      const buttons: { text: string; data: string }[][] = [];
      for (let i = 0; i < caseIds.length; i += 2)
        buttons.push(caseIds.slice(i, i + 2).map((id) => ({ text: t("btn.open", { id }), data: `c:${id}` })));
      return { chatId: h.telegramId, caseId: caseIds.length === 1 ? caseIds[0] : null, text, buttons };
    };
    if (steps.length === 1)
      return [
        message(t(escalation ? "breach.escalation" : "breach.holder", args(steps[0]!)), [steps[0]!.caseId]),
      ];
    const shown = steps.slice(0, MAX_LISTED);
    const lines = shown.map((s) => ({
      caseId: s.caseId,
      text: t(escalation ? "breach.escalation_item" : "breach.item", args(s)),
    }));
    if (steps.length > shown.length)
      lines.push({ caseId: 0, text: t("breach.more", { count: steps.length - shown.length }) });
    const wrap = (items: string) =>
      t(escalation ? "breach.escalation_many" : "breach.holder_many", { count: steps.length, items });
    const budget = MESSAGE_BUDGET - textLength(wrap(""));
    return packLines(lines, budget).map((chunk) =>
      message(
        wrap(chunk.map((l) => l.text).join("\n")),
        [...new Set(chunk.map((l) => l.caseId))].filter((id) => id > 0),
      ),
    );
  };

  const notices: BreachNotice[] = [];
  const chunk = opts.chunk ?? 500;
  for (let i = 0; i < candidates.length; i += chunk) {
    const part = candidates.slice(i, i + chunk);
    await db.transaction(async (tx) => {
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
      const wonIds = new Set(won.map((w) => w.id));
      // Per recipient: the steps they hold (own) and those escalated to them, one message each kind.
      const inbox = new Map<number, { h: Holding; own: Candidate[]; escalated: Candidate[] }>();
      const add = (h: Holding, s: Candidate, kind: "own" | "escalated") => {
        let e = inbox.get(h.officialId);
        if (!e) {
          e = { h, own: [], escalated: [] };
          inbox.set(h.officialId, e);
        }
        e[kind].push(s);
      };
      for (const s of part) {
        if (!wonIds.has(s.id)) continue;
        const role = s.role as Role;
        const own = holdersOf(s.institutionId, role);
        const told = new Set<number>();
        for (const h of own) {
          if (told.has(h.officialId)) continue;
          told.add(h.officialId);
          add(h, s, "own");
        }
        for (const r of escalationRoles(role)) {
          for (const h of holdersOf(s.institutionId, r)) {
            if (told.has(h.officialId)) continue;
            told.add(h.officialId);
            add(h, s, "escalated");
          }
        }
        await audit(tx, {
          at: now,
          action: "step.breach_notified",
          institutionId: s.institutionId,
          caseId: s.caseId,
          details: {
            stepId: s.id,
            stepKey: s.key,
            role,
            dueOn: s.dueOn,
            cite: s.cite,
            holders: own.map((h) => h.officialId),
            escalatedTo: escalationRoles(role),
            recipients: told.size,
          },
        });
        notices.push({
          stepId: s.id,
          caseId: s.caseId,
          institutionId: s.institutionId,
          stepKey: s.key,
          role,
          dueOn: s.dueOn as LocalDate,
          recipients: told.size,
        });
      }
      const msgs: OutMessage[] = [];
      for (const { h, own, escalated } of inbox.values()) {
        if (own.length) msgs.push(...render(h, own, false));
        if (escalated.length) msgs.push(...render(h, escalated, true));
      }
      await enqueue(tx, msgs, now);
    });
  }
  return notices;
}
