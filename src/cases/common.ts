/** Pieces every use case shares: the case's workflow, opening steps and telling their holders. */
import { and, eq, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Executor } from "../db/client";
import { caseSteps, cases, institutions, students, users } from "../db/schema";
import { tFor } from "../i18n";
import { loadCalendar } from "../people/calendar-store";
import { roleHolders } from "../people/holders";
import {
  type Calendar,
  type Category,
  dueDateFor,
  type Ground,
  type LocalDate,
  localDateOf,
  openableSteps,
  type Role,
  type StepKey,
  type Workflow,
  workflowFor,
} from "../rules";
import { actionsFor } from "./actions";
import { dueLine, formatInstant } from "./format";
import { enqueue, type OutMessage, retireTaskMessages } from "./outbox";

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
  const [inst] = await db.select().from(institutions).where(eq(institutions.id, c.institutionId));
  if (!inst) return null;
  const steps = await db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId)).orderBy(caseSteps.id);
  return caseContextOf(db, c, inst, steps);
}

/** The context of a case whose rows are already at hand (a case just inserted has no steps yet). */
export async function caseContextOf(
  db: Executor,
  c: CaseRow,
  inst: InstitutionRow,
  steps: StepRow[],
): Promise<CaseContext> {
  const wf = workflowFor(c.ground as Ground, {
    category: c.category as Category,
    conscriptServed: c.conscriptServed,
    reimbursement: inst.reimbursement as Partial<Record<Ground, boolean>>,
    endorsers: c.endorsers as Role[],
  });
  const calendar = await loadCalendar(db, inst.weekPattern);
  return { c, inst, wf, steps, calendar };
}

export const doneKeys = (steps: StepRow[]) =>
  new Set(steps.filter((s) => s.state === "done").map((s) => s.key as StepKey));

/** The student's chat, if they are bound to Telegram (and their language). */
export async function studentChat(
  db: Executor,
  c: CaseRow,
): Promise<{ chatId: number; lang: string } | null> {
  if (!c.studentId) return null;
  const [row] = await db
    .select({ chatId: users.telegramId, lang: users.lang })
    .from(students)
    .innerJoin(users, eq(users.id, students.userId))
    .where(eq(students.id, c.studentId));
  return row ?? null;
}

export async function noticeStudent(
  db: Executor,
  c: CaseRow,
  key: string,
  params: (t: ReturnType<typeof tFor>) => Record<string, string | number>,
  now: Date,
) {
  const chat = await studentChat(db, c);
  if (!chat) return;
  const t = tFor(chat.lang);
  await enqueue(db, [{ chatId: chat.chatId, text: t(key, { id: c.id, ...params(t) }), caseId: c.id }], now);
}

/** The task message an official gets for a step: the facts at a glance and one button per action. */
export function taskMessage(
  lang: string,
  c: CaseRow,
  step: StepRow,
  now: Date,
  calendar: Calendar,
): Pick<OutMessage, "text" | "buttons"> {
  const t = tFor(lang);
  const s = c.studentSnapshot ?? {};
  const text = t("task.text", {
    id: c.id,
    ground: t(`ground.${c.ground}`),
    rank: s.rank ?? "",
    name: s.fullName ?? "",
    category: t(`category.${c.category}`),
    group: s.groupName ?? "",
    step: t(`step.${step.key}`),
    due: dueLine(t, step, now, calendar),
    reasons: c.reasons ?? "—",
  });
  const buttons = actionsFor(step.key as StepKey).map((a) => [
    { text: t(`btn.${a.action}`), data: `s:${step.id}:${a.action}` },
  ]);
  return { text, buttons };
}

/** Opens every step whose predecessors are done, with its due date, and sends it to the role's holders. */
export async function openNextSteps(db: Executor, ctx: CaseContext, now: Date): Promise<StepRow[]> {
  const { c, wf, calendar } = ctx;
  const today = localDateOf(now);
  const existing = new Set(ctx.steps.map((s) => s.key as StepKey));
  const next = openableSteps(wf, doneKeys(ctx.steps), existing);
  const opened: StepRow[] = [];
  for (const def of next) {
    const due = dueDateFor(
      def,
      {
        registered: c.registeredOn as LocalDate,
        decision: (c.decisionOn ?? undefined) as LocalDate | undefined,
        order_date: (c.orderDate ?? undefined) as LocalDate | undefined,
        opened: today,
      },
      calendar,
    );
    const [row] = await db
      .insert(caseSteps)
      .values({
        caseId: c.id,
        key: def.key,
        role: def.role,
        openedAt: now,
        openedOn: today,
        dueOn: due,
        dueKind: def.deadline?.kind ?? null,
        cite: def.deadline?.cite ?? def.cite,
      })
      .returning();
    if (!row) continue;
    opened.push(row);
    await sendTask(db, ctx, row, now);
  }
  ctx.steps.push(...opened);
  return opened;
}

export async function sendTask(db: Executor, ctx: CaseContext, step: StepRow, now: Date): Promise<number> {
  const holders = await roleHolders(db, ctx.c.institutionId, step.role as Role, localDateOf(now));
  if (holders.length === 0) {
    await audit(db, {
      at: now,
      action: "step.no_holder",
      institutionId: ctx.c.institutionId,
      caseId: ctx.c.id,
      details: { stepId: step.id, role: step.role },
    });
  }
  await enqueue(
    db,
    holders.map((h) => ({
      chatId: h.telegramId,
      stepId: step.id,
      caseId: ctx.c.id,
      ...taskMessage(h.lang, ctx.c, step, now, ctx.calendar),
    })),
    now,
  );
  return holders.length;
}

/** Cancels the pending steps of a case that ends early (return, rejection, withdrawal). */
export async function cancelPendingSteps(
  db: Executor,
  ctx: CaseContext,
  state: string,
  now: Date,
): Promise<StepRow[]> {
  const cancelled = await db
    .update(caseSteps)
    .set({ state: "cancelled", version: sql`${caseSteps.version} + 1` })
    .where(and(eq(caseSteps.caseId, ctx.c.id), eq(caseSteps.state, "pending")))
    .returning();
  for (const s of cancelled) {
    await retireTaskMessages(
      db,
      s.id,
      (lang) => {
        const t = tFor(lang);
        return t("task.cancelled", { id: ctx.c.id, step: t(`step.${s.key}`), state: t(`state.${state}`) });
      },
      now,
    );
  }
  return cancelled;
}

export { formatInstant };
