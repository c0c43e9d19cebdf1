/** Pieces every use case shares: the case's workflow, opening steps and telling their holders. */
import { and, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../audit";
import { type Executor, together } from "../db/client";
import { caseSteps, cases, institutions, officials, students, users } from "../db/schema";
import { type LearnerNotice, learnerNotice } from "../messages/notices";
import { type CardFacts, stepCancelledLine, taskCard } from "../messages/task";
import { CALENDAR_STAMP, loadCalendar } from "../people/calendar-store";
import { type Holder, holdingsOn, roleHolders } from "../people/holders";
import {
  type Anchors,
  type Calendar,
  dueDateFor,
  type LocalDate,
  localDateOf,
  openableSteps,
  REQUIRED_ATTACHMENTS,
  type Role,
  type StepDef,
  type Workflow,
  workflowFor,
} from "../rules";
import { actionsFor } from "./actions";
import { attachmentCount } from "./attachments";
import { alertNoHolder } from "./no-holder";
import { enqueue, OutboxBatch, type OutMessage, retireTaskMessages } from "./outbox";
import { currentReport, type ReportVersionRow } from "./report-versions";

export type CaseRow = typeof cases.$inferSelect;
export type StepRow = typeof caseSteps.$inferSelect;
export type InstitutionRow = typeof institutions.$inferSelect;

export interface CaseContext {
  c: CaseRow;
  inst: InstitutionRow;
  wf: Workflow;
  steps: StepRow[];
  calendar: Calendar;
}

export async function loadCaseContext(
  db: Executor,
  caseId: number,
  lock = false,
): Promise<CaseContext | null> {
  const q = db.select().from(cases).where(eq(cases.id, caseId));
  const [c] = lock ? await q.for("update") : await q;
  if (!c) return null;
  // The calendar's fingerprint rides along: an unchanged calendar is not read again (calendar-store.ts).
  const [row] = await db
    .select({ inst: institutions, calendarStamp: CALENDAR_STAMP })
    .from(institutions)
    .where(eq(institutions.id, c.institutionId));
  if (!row) return null;
  const steps = await db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId)).orderBy(caseSteps.id);
  return caseContextOf(db, c, row.inst, steps, row.calendarStamp);
}

/**
 * The one way to build a case's workflow (the engine, the recompute after a calendar change and the chain
 * migration all use it): from the case row alone, with what was snapshotted when it opened (D4 endorsers,
 * D5 reimbursement map) and the conscript answer as it stands (D11).
 */
export function caseWorkflow(
  c: Pick<CaseRow, "ground" | "category" | "conscriptServed" | "reimbursement" | "endorsers" | "targetDays">,
): Workflow {
  return workflowFor(c.ground, {
    category: c.category,
    conscriptServed: c.conscriptServed,
    reimbursement: c.reimbursement,
    endorsers: c.endorsers,
    targetDays: c.targetDays, // D3, frozen in the case like the map and the endorsers
  });
}

/**
 * The context of a case whose rows are already at hand (a case just inserted has no steps yet);
 * `calendarStamp`, when the caller read CALENDAR_STAMP with them, spares reading an unchanged calendar.
 */
export async function caseContextOf(
  db: Executor,
  c: CaseRow,
  inst: InstitutionRow,
  steps: StepRow[],
  calendarStamp?: string,
): Promise<CaseContext> {
  const calendar = await loadCalendar(db, inst.weekPattern, calendarStamp);
  return { c, inst, wf: caseWorkflow(c), steps, calendar };
}

export const doneKeys = (steps: StepRow[]) =>
  new Set(steps.filter((s) => s.state === "done").map((s) => s.key));

export interface StudentChat {
  chatId: number;
  lang: string;
}

/** The student's chat, if they are bound to Telegram (and their language). */
export async function studentChat(db: Executor, c: CaseRow): Promise<StudentChat | null> {
  if (!c.studentId) return null;
  const [row] = await db
    .select({ chatId: users.telegramId, lang: users.lang })
    .from(students)
    .innerJoin(users, eq(users.id, students.userId))
    .where(eq(students.id, c.studentId));
  return row ?? null;
}

/** Tells the learner (if bound to Telegram) of a milestone of their case, in their language. */
export async function noticeStudent(db: Executor, c: CaseRow, notice: LearnerNotice, now: Date) {
  const chat = await studentChat(db, c);
  if (!chat) return;
  await enqueue(db, [{ chatId: chat.chatId, caseId: c.id, ...learnerNotice(chat.lang, c.id, notice) }], now);
}

/**
 * What every card of a case needs, loaded once per case (not per official). `report`: the case's current
 * report when the caller has it at hand (the version it just stored); read otherwise.
 */
export async function cardFacts(
  db: Executor,
  ctx: CaseContext,
  report?: Pick<ReportVersionRow, "version" | "document"> | null,
): Promise<CardFacts> {
  if (report === undefined) report = await currentReport(db, ctx.c.id);
  const ids = [
    ...new Set(
      ctx.steps.flatMap((s) => [s.doneByOfficialId, s.onBehalfOfOfficialId]).filter((x) => x !== null),
    ),
  ] as number[];
  const rows = ids.length
    ? await db
        .select({ id: officials.id, name: officials.fullName })
        .from(officials)
        .where(inArray(officials.id, ids))
    : [];
  // Issue 16: only the grounds that carry attachments look for them (cl. 2, 13, 16, 23).
  const attachments = REQUIRED_ATTACHMENTS[ctx.c.ground] ? await attachmentCount(db, ctx.c.id) : undefined;
  return {
    report: report ? { version: report.version, document: report.document } : null,
    names: new Map(rows.map((r) => [r.id, r.name])),
    attachments,
  };
}

/** The dates a case's periods count from (D2); `opened` is the day the step at hand opened. */
export function anchorsOf(c: CaseRow, opened: LocalDate): Anchors {
  return {
    registered: c.registeredOn as LocalDate,
    decision: (c.decisionOn ?? undefined) as LocalDate | undefined,
    order_date: (c.orderDate ?? undefined) as LocalDate | undefined,
    opened,
  };
}

/** The row of a step of the case's workflow opened now, with its due date (D1, D2) and what it cites. */
function stepValues(ctx: CaseContext, def: StepDef, now: Date) {
  const today = localDateOf(now);
  return {
    caseId: ctx.c.id,
    key: def.key,
    role: def.role,
    openedAt: now,
    openedOn: today,
    dueOn: dueDateFor(def, anchorsOf(ctx.c, today), ctx.calendar),
    dueKind: def.deadline?.kind ?? null,
    cite: def.deadline?.cite ?? def.cite,
  };
}

/** Inserts a step of the case's workflow, opened now, with its due date (D1, D2) and what it cites. */
export async function insertStep(
  db: Executor,
  ctx: CaseContext,
  def: StepDef,
  now: Date,
): Promise<StepRow | undefined> {
  const [row] = await db
    .insert(caseSteps)
    .values(stepValues(ctx, def, now))
    .returning();
  return row;
}

/** Inserts several steps in one statement; the rows in the order of `defs` (a step's key is unique in its case). */
async function insertSteps(db: Executor, ctx: CaseContext, defs: readonly StepDef[], now: Date) {
  if (defs.length === 0) return [];
  const rows = await db
    .insert(caseSteps)
    .values(defs.map((def) => stepValues(ctx, def, now)))
    .returning();
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return defs.map((def) => byKey.get(def.key)).filter((r) => r !== undefined);
}

export interface OpenOptions {
  /** The case's current report, when the caller has it at hand (the version it is storing). */
  report?: Pick<ReportVersionRow, "version" | "document"> | null;
  /**
   * The cards go into this batch, for the caller to write with its own messages; without it they are
   * written before openNextSteps returns.
   */
  out?: OutboxBatch;
}

/**
 * Opens every step whose predecessors are done, with its due date, and sends it to the role's holders.
 * Issue 17: one statement each for the steps, their holders (all roles at once) and their cards, whatever
 * the number of steps; a step without a holder is still audited and alerted on its own (D14), after the
 * cards of the steps before it, so the outbox keeps the order of one step at a time.
 */
export async function openNextSteps(
  db: Executor,
  ctx: CaseContext,
  now: Date,
  opts: OpenOptions = {},
): Promise<StepRow[]> {
  const existing = new Set(ctx.steps.map((s) => s.key));
  const next = openableSteps(ctx.wf, doneKeys(ctx.steps), existing);
  if (next.length === 0) return [];
  // An official who gets several cards of this case at once (the opinion and the interview) reads the
  // report on the first one only; what the cards show is loaded once for the batch.
  const shown = new Set<number>();
  // What the cards show, the steps and their holders do not wait for each other: one round trip (issue 17).
  const [facts, opened, holders] = await together(
    cardFacts(db, ctx, opts.report),
    insertSteps(db, ctx, next, now),
    holdersByRole(db, ctx.c.institutionId, next, now),
  );
  const out = opts.out ?? new OutboxBatch();
  for (const row of opened) {
    const to = holders.get(row.role) ?? [];
    if (to.length === 0) {
      await out.flush(db, now);
      await noHolder(db, ctx, row, now);
    }
    out.push(...taskMessages(ctx, row, to, now, facts, shown));
  }
  if (!opts.out) await out.flush(db, now);
  ctx.steps.push(...opened);
  return opened;
}

/** The holders of every role of these steps on the day of `now`, by role: one statement. */
async function holdersByRole(
  db: Executor,
  institutionId: number,
  steps: readonly { role: Role }[],
  now: Date,
): Promise<Map<Role, Holder[]>> {
  const roles = [...new Set(steps.map((s) => s.role))];
  const map = new Map<Role, Holder[]>();
  for (const { officialId, fullName, telegramId, lang, onBehalfOfOfficialId, role } of await holdingsOn(
    db,
    [institutionId],
    localDateOf(now),
    { roles },
  )) {
    const list = map.get(role) ?? [];
    list.push({ officialId, fullName, telegramId, lang, onBehalfOfOfficialId });
    map.set(role, list);
  }
  return map;
}

/** D14: a step nobody can act on is audited, and the institution's administrators and head are told at once. */
async function noHolder(db: Executor, ctx: CaseContext, step: StepRow, now: Date): Promise<void> {
  await audit(db, {
    at: now,
    action: "step.no_holder",
    institutionId: ctx.c.institutionId,
    caseId: ctx.c.id,
    details: { stepId: step.id, role: step.role },
  });
  // D14: no case waits on nobody; the institution's administrators and head are told at once.
  await alertNoHolder(
    db,
    {
      caseId: ctx.c.id,
      institutionId: ctx.c.institutionId,
      stepId: step.id,
      stepKey: step.key,
      role: step.role,
    },
    now,
  );
}

export async function sendTask(
  db: Executor,
  ctx: CaseContext,
  step: StepRow,
  now: Date,
  shown?: Set<number>,
  facts?: CardFacts,
): Promise<number> {
  const holders = await roleHolders(db, ctx.c.institutionId, step.role, localDateOf(now));
  if (holders.length === 0) await noHolder(db, ctx, step, now);
  await sendTaskTo(db, ctx, step, holders, now, facts, shown);
  return holders.length;
}

/** The step's task card (D4: with the report; D6: for the head, the opinions) to these officials. */
export async function sendTaskTo(
  db: Executor,
  ctx: CaseContext,
  step: StepRow,
  to: readonly { telegramId: number; lang: string }[],
  now: Date,
  facts?: CardFacts,
  /** Chats that already got the report in this batch (filled as cards go out). */
  shown?: Set<number>,
): Promise<void> {
  if (to.length === 0) return;
  const f = facts ?? (await cardFacts(db, ctx));
  await enqueue(db, taskMessages(ctx, step, to, now, f, shown), now);
}

/** The messages of a step's task card to these officials; `shown` as for sendTaskTo. */
function taskMessages(
  ctx: CaseContext,
  step: StepRow,
  to: readonly { telegramId: number; lang: string }[],
  now: Date,
  f: CardFacts,
  shown?: Set<number>,
): OutMessage[] {
  const actions = actionsFor(step.key, ctx.c.ground);
  const msgs: OutMessage[] = [];
  for (const h of to) {
    const parts = taskCard(h.lang, ctx, step, actions, now, f, !shown?.has(h.telegramId));
    shown?.add(h.telegramId);
    // Only the part with the buttons is the step's message (retired in place once the step is done).
    for (const p of parts)
      msgs.push({ chatId: h.telegramId, caseId: ctx.c.id, stepId: p.buttons ? step.id : null, ...p });
  }
  return msgs;
}

/**
 * Cancels pending steps: all of them when a case ends early (rejection, withdrawal), or only the given ones
 * (D4: opinions still pending when the head decides are no longer needed). `state` names why, for the cards.
 */
export async function cancelPendingSteps(
  db: Executor,
  ctx: CaseContext,
  state: string,
  now: Date,
  only?: readonly number[],
): Promise<StepRow[]> {
  if (only && only.length === 0) return [];
  const cancelled = await db
    .update(caseSteps)
    .set({ state: "cancelled", version: sql`${caseSteps.version} + 1` })
    .where(
      and(
        eq(caseSteps.caseId, ctx.c.id),
        eq(caseSteps.state, "pending"),
        only ? inArray(caseSteps.id, [...only]) : undefined,
      ),
    )
    .returning();
  ctx.steps = ctx.steps.map((s) => cancelled.find((x) => x.id === s.id) ?? s);
  for (const s of cancelled) {
    await retireTaskMessages(db, s.id, (lang) => stepCancelledLine(lang, ctx.c.id, s.key, state), now);
  }
  return cancelled;
}
