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
import { tFor } from "../i18n";
import { loadCalendar } from "../people/calendar-store";
import { roleHolders } from "../people/holders";
import {
  type Calendar,
  dueDateFor,
  type LocalDate,
  localDateOf,
  type Role,
  type StepKey,
  stepOf,
  type Workflow,
} from "../rules";
import { caseWorkflow } from "./common";
import { dueLine, formatDate } from "./format";
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

/** Most steps listed in one official's message. */
const MAX_LISTED = 20;

/** Recomputes the due dates of all pending steps of open cases; returns the changes made (may be empty). */
export async function recomputeDueDates(db: Db, now: Date): Promise<DueChange[]> {
  const today = localDateOf(now);
  return db.transaction(async (tx) => {
    const rows = await tx
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
    if (rows.length === 0) return [];

    const calendars = new Map<string, Calendar>();
    const workflows = new Map<string, Workflow>();
    const candidates: (DueChange & { cite: string })[] = [];
    for (const r of rows) {
      const pattern = Array.isArray(r.weekPattern) && r.weekPattern.length > 0 ? r.weekPattern : undefined;
      const calKey = JSON.stringify(pattern ?? null);
      let calendar = calendars.get(calKey);
      if (!calendar) {
        calendar = await loadCalendar(tx, pattern);
        calendars.set(calKey, calendar);
      }
      // The same workflow the engine built for the case (its snapshots included: D4 opinion-givers, D5 map).
      const wfKey = JSON.stringify([
        r.ground,
        r.category,
        r.conscriptServed,
        r.caseReimbursement,
        r.endorsers,
      ]);
      let wf = workflows.get(wfKey);
      if (!wf) {
        wf = caseWorkflow({
          ground: r.ground,
          category: r.category,
          conscriptServed: r.conscriptServed,
          reimbursement: r.caseReimbursement,
          endorsers: r.endorsers,
        });
        workflows.set(wfKey, wf);
      }
      const def = stepOf(wf, r.key as StepKey);
      if (!def) continue;
      const after = dueDateFor(
        def,
        {
          registered: r.registeredOn,
          decision: r.decisionOn ?? undefined,
          order_date: r.orderDate ?? undefined,
          opened: r.openedOn,
        },
        calendar,
      );
      // No period, or its anchor is unknown: nothing to recount (never wipe a due date).
      if (after === null || after === r.dueOn) continue;
      candidates.push({
        stepId: r.stepId,
        caseId: r.caseId,
        institutionId: r.institutionId,
        stepKey: r.key,
        role: r.role as Role,
        dueKind: r.dueKind,
        cite: r.cite,
        before: r.dueOn,
        after,
      });
    }
    if (candidates.length === 0) return [];

    const changed: (DueChange & { cite: string })[] = [];
    for (let i = 0; i < candidates.length; i += 500) {
      const part = candidates.slice(i, i + 500);
      const ids = await updateDueDates(tx, part, today);
      for (const c of part) if (ids.has(c.stepId)) changed.push(c);
    }

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
    await tellHolders(tx, changed, today, now, calendars, rows);
    return changed.map(({ cite: _cite, ...c }) => c);
  });
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
  changed: (DueChange & { cite: string })[],
  today: LocalDate,
  now: Date,
  calendars: Map<string, Calendar>,
  rows: { institutionId: number; weekPattern: number[] }[],
) {
  if (changed.length === 0) return;
  const patternOf = new Map(rows.map((r) => [r.institutionId, r.weekPattern]));
  const calendarOf = (inst: number): Calendar | undefined => {
    const p = patternOf.get(inst);
    return calendars.get(JSON.stringify(Array.isArray(p) && p.length > 0 ? p : null));
  };
  const holdersCache = new Map<string, Awaited<ReturnType<typeof roleHolders>>>();
  const perOfficial = new Map<
    number,
    { chatId: number; lang: string; items: (DueChange & { cite: string })[] }
  >();
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
    const t = tFor(lang);
    const shown = items.slice(0, MAX_LISTED);
    const lines = shown.map((c) =>
      t("due_change.item", {
        id: c.caseId,
        step: t(`step.${c.stepKey}`),
        before: c.before ? formatDate(c.before) : "—",
        due: dueLine(
          t,
          { dueOn: c.after, dueKind: c.dueKind, cite: c.cite },
          now,
          calendarOf(c.institutionId)!,
        ),
      }),
    );
    if (items.length > shown.length) lines.push(t("due_change.more", { count: items.length - shown.length }));
    const caseIds = [...new Set(shown.map((c) => c.caseId))].slice(0, MAX_LISTED);
    const buttons: { text: string; data: string }[][] = [];
    for (let i = 0; i < caseIds.length; i += 2)
      buttons.push(caseIds.slice(i, i + 2).map((id) => ({ text: t("btn.open", { id }), data: `c:${id}` })));
    msgs.push({
      chatId,
      // A single case: attach it, so D8's purge finds the message; lists of several cases carry no names.
      caseId: caseIds.length === 1 ? caseIds[0] : null,
      text: [t("due_change.header"), ...lines].join("\n"),
      buttons,
    });
  }
  for (let i = 0; i < msgs.length; i += 500) await enqueue(tx, msgs.slice(i, i + 500), now);
}
