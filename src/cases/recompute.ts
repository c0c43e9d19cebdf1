/**
 * After a change of the working-day calendar (or of an institution's week pattern): every pending step of
 * an open case gets its due date counted again from its workflow rule (D1, D2: `workflowFor` + `dueDateFor`
 * from the registration, decision, order or opening date) on the current calendar. In one transaction the
 * changed steps are updated (conditionally: still pending, due date unchanged since read, so a second run
 * or a second instance changes nothing twice), each change is audited ("step.due_changed", before and
 * after) and the step's holders are told (one message per official, listing their moved steps).
 * A step whose breach notice was sent and which is no longer overdue on the new date may breach again.
 *
 *   const changes = await recomputeDueDates(db, now); // the admin CLI calls it after a calendar edit
 */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { caseSteps, cases, institutions } from "../db/schema";
import { dueChangeMessage } from "../messages/due-change";
import { loadCalendar } from "../people/calendar-store";
import { roleHolders } from "../people/holders";
import {
  type Calendar,
  dueDateFor,
  type LocalDate,
  localDateOf,
  type Role,
  stepOf,
  type Workflow,
} from "../rules";
import { caseWorkflow } from "./common";
import { enqueue, type OutMessage } from "./outbox";
import { ACTIVE_STATES } from "./states";

export interface DueChange {
  stepId: number;
  caseId: number;
  institutionId: number;
  stepKey: string;
  role: Role;
  dueKind: string | null;
  before: LocalDate | null;
  after: LocalDate;
}

/** Recomputes the due dates of all pending steps of open cases; returns the changes made (may be empty). */
export async function recomputeDueDates(db: Db, now: Date): Promise<DueChange[]> {
  const today = localDateOf(now);
  return db.transaction(async (tx) => {
    const rows = await pendingRows(tx);
    if (rows.length === 0) return [];
    const calendars = await loadCalendars(tx, rows);
    const candidates = planDueChanges(rows, calendars);
    if (candidates.length === 0) return [];
    const changed = await applyDueChanges(tx, candidates, today);
    await auditDueChanges(tx, changed, now);
    await tellHolders(tx, changed, today, now, calendars, rows);
    return changed.map(({ cite: _cite, ...c }) => c);
  });
}

type PlannedChange = DueChange & { cite: string };
type PendingRow = Awaited<ReturnType<typeof pendingRows>>[number];

/** The pending steps of open cases, with what their due dates count from. */
function pendingRows(tx: Executor) {
  return tx
    .select({
      stepId: caseSteps.id,
      caseId: caseSteps.caseId,
      key: caseSteps.key,
      role: caseSteps.role,
      dueOn: caseSteps.dueOn,
      dueKind: caseSteps.dueKind,
      cite: caseSteps.cite,
      openedOn: caseSteps.openedOn,
      institutionId: cases.institutionId,
      ground: cases.ground,
      category: cases.category,
      conscriptServed: cases.conscriptServed,
      caseReimbursement: cases.reimbursement,
      endorsers: cases.endorsers,
      targetDays: cases.targetDays,
      registeredOn: cases.registeredOn,
      decisionOn: cases.decisionOn,
      orderDate: cases.orderDate,
      weekPattern: institutions.weekPattern,
    })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .innerJoin(institutions, eq(institutions.id, cases.institutionId))
    .where(and(eq(caseSteps.state, "pending"), inArray(cases.state, [...ACTIVE_STATES])))
    .orderBy(caseSteps.id);
}

/** The calendar key of an institution's week pattern (none or empty: the default week). */
function patternKey(weekPattern: number[] | undefined): { key: string; pattern: number[] | undefined } {
  const pattern = Array.isArray(weekPattern) && weekPattern.length > 0 ? weekPattern : undefined;
  return { key: JSON.stringify(pattern ?? null), pattern };
}

/** One calendar per distinct week pattern among the rows. */
async function loadCalendars(tx: Executor, rows: PendingRow[]): Promise<Map<string, Calendar>> {
  const calendars = new Map<string, Calendar>();
  for (const r of rows) {
    const { key, pattern } = patternKey(r.weekPattern);
    if (!calendars.has(key)) calendars.set(key, await loadCalendar(tx, pattern));
  }
  return calendars;
}

/** Pure: the steps whose due date, counted again on the given calendars, differs from the stored one. */
function planDueChanges(rows: PendingRow[], calendars: ReadonlyMap<string, Calendar>): PlannedChange[] {
  const workflows = new Map<string, Workflow>();
  const candidates: PlannedChange[] = [];
  for (const r of rows) {
    const def = stepOf(workflowOfRow(r, workflows), r.key);
    if (!def) continue;
    const after = dueDateFor(
      def,
      {
        registered: r.registeredOn,
        decision: r.decisionOn ?? undefined,
        order_date: r.orderDate ?? undefined,
        opened: r.openedOn,
      },
      calendars.get(patternKey(r.weekPattern).key)!,
    );
    // No period, or its anchor is unknown: nothing to recount (never wipe a due date).
    if (after === null || after === r.dueOn) continue;
    candidates.push({
      stepId: r.stepId,
      caseId: r.caseId,
      institutionId: r.institutionId,
      stepKey: r.key,
      role: r.role,
      dueKind: r.dueKind,
      cite: r.cite,
      before: r.dueOn,
      after,
    });
  }
  return candidates;
}

/** The same workflow the engine built for the case (its snapshots included: D3 target, D4 opinion-givers, D5 map). */
function workflowOfRow(r: PendingRow, cache: Map<string, Workflow>): Workflow {
  const key = JSON.stringify([
    r.ground,
    r.category,
    r.conscriptServed,
    r.caseReimbursement,
    r.endorsers,
    r.targetDays,
  ]);
  let wf = cache.get(key);
  if (!wf) {
    wf = caseWorkflow({
      ground: r.ground,
      category: r.category,
      conscriptServed: r.conscriptServed,
      reimbursement: r.caseReimbursement,
      endorsers: r.endorsers,
      targetDays: r.targetDays,
    });
    cache.set(key, wf);
  }
  return wf;
}

/** The planned changes, 500 per statement; returns those that still applied. */
async function applyDueChanges(
  tx: Executor,
  candidates: PlannedChange[],
  today: LocalDate,
): Promise<PlannedChange[]> {
  const changed: PlannedChange[] = [];
  for (let i = 0; i < candidates.length; i += 500) {
    const part = candidates.slice(i, i + 500);
    const ids = await updateDueDates(tx, part, today);
    for (const c of part) if (ids.has(c.stepId)) changed.push(c);
  }
  return changed;
}

async function auditDueChanges(tx: Executor, changed: PlannedChange[], now: Date) {
  for (const c of changed) {
    await audit(tx, {
      at: now,
      action: "step.due_changed",
      institutionId: c.institutionId,
      caseId: c.caseId,
      before: { dueOn: c.before },
      after: { dueOn: c.after },
      details: {
        stepId: c.stepId,
        stepKey: c.stepKey,
        dueKind: c.dueKind,
        cite: c.cite,
        reason: "calendar",
      },
    });
  }
}

/** One UPDATE … FROM (VALUES …): only steps still pending with the due date we read. */
async function updateDueDates(tx: Executor, part: DueChange[], today: LocalDate): Promise<Set<number>> {
  const values: SQL[] = part.map((c) => sql`(${c.stepId}::int, ${c.before}::date, ${c.after}::date)`);
  const res = await tx.execute(sql`
    UPDATE case_steps AS s
    SET due_on = v.new_due,
        breach_notified_on = CASE WHEN v.new_due >= ${today}::date THEN NULL ELSE s.breach_notified_on END
    FROM (VALUES ${sql.join(values, sql`, `)}) AS v(id, old_due, new_due)
    WHERE s.id = v.id AND s.state = 'pending' AND s.due_on IS NOT DISTINCT FROM v.old_due
    RETURNING s.id`);
  const list = (Array.isArray(res) ? res : (res as unknown as { rows: unknown[] }).rows) as {
    id: number | string;
  }[];
  return new Set(list.map((r) => Number(r.id)));
}

/** One message per holder (own or delegated, today) listing the steps whose due date moved. */
async function tellHolders(
  tx: Executor,
  changed: PlannedChange[],
  today: LocalDate,
  now: Date,
  calendars: Map<string, Calendar>,
  rows: { institutionId: number; weekPattern: number[] }[],
) {
  if (changed.length === 0) return;
  const patternOf = new Map(rows.map((r) => [r.institutionId, r.weekPattern]));
  const calendarOf = (inst: number): Calendar | undefined =>
    calendars.get(patternKey(patternOf.get(inst)).key);
  const holdersCache = new Map<string, Awaited<ReturnType<typeof roleHolders>>>();
  const perOfficial = new Map<number, { chatId: number; lang: string; items: PlannedChange[] }>();
  for (const c of changed) {
    const key = `${c.institutionId}:${c.role}`;
    let holders = holdersCache.get(key);
    if (!holders) {
      holders = await roleHolders(tx, c.institutionId, c.role, today);
      holdersCache.set(key, holders);
    }
    for (const h of holders) {
      const e = perOfficial.get(h.officialId);
      if (e) e.items.push(c);
      else perOfficial.set(h.officialId, { chatId: h.telegramId, lang: h.lang, items: [c] });
    }
  }
  const msgs: OutMessage[] = [];
  for (const { chatId, lang, items } of perOfficial.values()) {
    const { caseIds, ...message } = dueChangeMessage(lang, items, now, (inst) => calendarOf(inst)!);
    // A single case: attach it, so D8's purge finds the message; lists of several cases carry no names.
    msgs.push({ chatId, caseId: caseIds.length === 1 ? caseIds[0] : null, ...message });
  }
  for (let i = 0; i < msgs.length; i += 500) await enqueue(tx, msgs.slice(i, i + 500), now);
}
