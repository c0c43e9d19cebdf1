/**
 * An official acts on a step (endorse, instruct, record, decide, record the order, done). One transaction
 * under the case's row lock; the step's completion is a conditional update (pending and same version),
 * so a double tap or two officials at once give exactly one transition and the other is told who did it.
 */
import { and, eq, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { caseSteps, cases, officials } from "../db/schema";
import { tFor } from "../i18n";
import { actingCapacity } from "../people/holders";
import { isComplete, type LocalDate, localDateOf, type Role, type StepKey } from "../rules";
import { type ActionDef, actionDef, actionsFor, ORDER_STEPS, REASON_MAX, TEXT_MIN } from "./actions";
import {
  type CaseContext,
  cancelPendingSteps,
  doneKeys,
  loadCaseContext,
  noticeStudent,
  openNextSteps,
  type StepRow,
} from "./common";
import { formatDate, formatInstant } from "./format";
import { retireTaskMessages } from "./outbox";
import { checkPastDate, checkText, type Invalid, isInvalid } from "./validate";

export interface Actor {
  userId: number;
  officialId: number | null;
}

export interface ActInput {
  stepId: number;
  action: string;
  actor: Actor;
  input?: { date?: string; reason?: string; note?: string; number?: string };
}

export type AccessResult =
  | {
      status: "ok";
      ctx: CaseContext;
      step: StepRow;
      def: ActionDef;
      onBehalfOfOfficialId: number | null;
      notBefore: LocalDate;
    }
  | { status: "not_found" | "not_allowed" }
  | { status: "already_done"; caseId: number; byName: string | null; at: Date | null }
  | { status: "closed"; caseId: number; state: string };

export type ActResult =
  | { status: "done"; caseId: number; stepKey: StepKey; caseState: string }
  | { status: "invalid"; error: Invalid }
  | Exclude<AccessResult, { status: "ok" }>;

/** Can this actor take this action on this step now? Checks role, institution, delegation and state. */
export async function checkAccess(
  db: Executor,
  stepId: number,
  /** null: any action of the step (to decide whether to show its buttons). */
  action: string | null,
  actor: Actor,
  now: Date,
  lock = false,
): Promise<AccessResult> {
  const [step] = await db.select().from(caseSteps).where(eq(caseSteps.id, stepId));
  if (!step) return { status: "not_found" };
  const ctx = await loadCaseContext(db, step.caseId, lock);
  if (!ctx) return { status: "not_found" };
  const fresh = ctx.steps.find((s) => s.id === stepId) ?? step;
  const def = action === null ? actionsFor(fresh.key as StepKey)[0] : actionDef(fresh.key as StepKey, action);
  if (!def || actor.officialId === null) return { status: "not_allowed" };
  const [official] = await db.select().from(officials).where(eq(officials.id, actor.officialId));
  if (
    !official?.active ||
    official.userId !== actor.userId ||
    official.institutionId !== ctx.c.institutionId
  ) {
    return { status: "not_allowed" };
  }
  const capacity = await actingCapacity(
    db,
    official.id,
    ctx.c.institutionId,
    fresh.role as Role,
    localDateOf(now),
  );
  if (!capacity.allowed) return { status: "not_allowed" };
  if (fresh.state === "done") {
    const [by] = fresh.doneByOfficialId
      ? await db
          .select({ name: officials.fullName })
          .from(officials)
          .where(eq(officials.id, fresh.doneByOfficialId))
      : [];
    return { status: "already_done", caseId: ctx.c.id, byName: by?.name ?? null, at: fresh.doneAt };
  }
  if (fresh.state !== "pending" || !["open", "approved"].includes(ctx.c.state)) {
    return { status: "closed", caseId: ctx.c.id, state: ctx.c.state };
  }
  // Dates entered for this step can't be before the report (interview) or the decision (order).
  const notBefore = (
    ORDER_STEPS.has(fresh.key as StepKey) ? (ctx.c.decisionOn ?? ctx.c.registeredOn) : ctx.c.registeredOn
  ) as LocalDate;
  return {
    status: "ok",
    ctx,
    step: fresh,
    def,
    onBehalfOfOfficialId: capacity.onBehalfOfOfficialId,
    notBefore,
  };
}

/** Validates one free-text answer for an action's input. */
export function validateInput(
  kind: "date" | "reason" | "note" | "number",
  text: string,
  today: LocalDate,
  notBefore: LocalDate,
) {
  switch (kind) {
    case "date":
      return checkPastDate(text, today, notBefore);
    case "number":
      return checkText(text, 1, 50);
    default:
      return checkText(text, TEXT_MIN, REASON_MAX);
  }
}

/** A refused or stale press changes nothing but is recorded. */
export async function auditRefusal(
  db: Executor,
  cmd: Pick<ActInput, "stepId" | "action" | "actor">,
  refusal: Exclude<AccessResult, { status: "ok" }>,
  now: Date,
): Promise<void> {
  await audit(db, {
    at: now,
    action:
      refusal.status === "not_allowed" || refusal.status === "not_found" ? "step.refused" : "step.stale",
    actorUserId: cmd.actor.userId,
    actorOfficialId: cmd.actor.officialId,
    caseId: "caseId" in refusal ? refusal.caseId : null,
    details: { stepId: cmd.stepId, action: cmd.action, result: refusal.status },
  });
}

export async function act(db: Db, cmd: ActInput, now: Date): Promise<ActResult> {
  return db.transaction(async (tx) => {
    const access = await checkAccess(tx, cmd.stepId, cmd.action, cmd.actor, now, true);
    if (access.status !== "ok") {
      await auditRefusal(tx, cmd, access, now);
      return access;
    }
    const { ctx, step, def } = access;
    const today = localDateOf(now);
    const values: Record<string, string> = {};
    for (const kind of def.inputs) {
      const raw = cmd.input?.[kind] ?? "";
      const v = validateInput(kind, raw, today, access.notBefore);
      if (isInvalid(v)) return { status: "invalid" as const, error: v };
      values[kind] = v;
    }
    const before = {
      step: { state: step.state, version: step.version },
      case: { state: ctx.c.state, version: ctx.c.version },
    };
    const updated = await tx
      .update(caseSteps)
      .set({
        state: "done",
        version: sql`${caseSteps.version} + 1`,
        doneAt: now,
        doneByOfficialId: cmd.actor.officialId,
        onBehalfOfOfficialId: access.onBehalfOfOfficialId,
        result: { action: def.action, ...values },
      })
      .where(
        and(eq(caseSteps.id, step.id), eq(caseSteps.state, "pending"), eq(caseSteps.version, step.version)),
      )
      .returning();
    const done = updated[0];
    if (!done) return { status: "already_done" as const, caseId: ctx.c.id, byName: null, at: null };
    ctx.steps = ctx.steps.map((s) => (s.id === done.id ? done : s));

    // Case-level effects.
    const casePatch: Partial<typeof cases.$inferInsert> = {};
    if (def.ends) {
      casePatch.state = def.ends;
      casePatch.outcomeReason = values.reason ?? null;
      casePatch.closedAt = now;
    } else if (def.action === "approve") {
      casePatch.state = "approved";
      casePatch.decisionOn = today; // D2: cl. 21 and cl. 26 periods count from the decision
    } else if (ORDER_STEPS.has(step.key as StepKey)) {
      casePatch.orderDate = values.date; // D2: cl. 7 counts from the order's date
      casePatch.orderNumber = values.number;
    }
    if (Object.keys(casePatch).length > 0) {
      const [c] = await tx
        .update(cases)
        .set({ ...casePatch, version: sql`${cases.version} + 1` })
        .where(eq(cases.id, ctx.c.id))
        .returning();
      if (c) ctx.c = c;
    }

    const [me] = await tx
      .select({ name: officials.fullName })
      .from(officials)
      .where(eq(officials.id, cmd.actor.officialId!));
    await retireTaskMessages(
      tx,
      step.id,
      (lang) => {
        const t = tFor(lang);
        const actionText = t(`action.${def.action}`, {
          date: values.date ? formatDate(values.date) : "",
          reason: values.reason ?? "",
          number: values.number ?? "",
        });
        return t("task.done", {
          id: ctx.c.id,
          step: t(`step.${step.key}`),
          action: actionText,
          name: me?.name ?? "",
          at: formatInstant(now),
        });
      },
      now,
    );

    let opened: StepRow[] = [];
    if (def.ends) {
      await cancelPendingSteps(tx, ctx, def.ends, now);
    } else {
      opened = await openNextSteps(tx, ctx, now);
      if (isComplete(ctx.wf, doneKeys(ctx.steps))) {
        const [c] = await tx
          .update(cases)
          .set({ state: "closed", closedAt: now, version: sql`${cases.version} + 1` })
          .where(eq(cases.id, ctx.c.id))
          .returning();
        if (c) ctx.c = c;
      }
    }

    await audit(tx, {
      at: now,
      action: `step.${def.action}`,
      actorUserId: cmd.actor.userId,
      actorOfficialId: cmd.actor.officialId,
      onBehalfOfOfficialId: access.onBehalfOfOfficialId,
      institutionId: ctx.c.institutionId,
      caseId: ctx.c.id,
      before,
      after: {
        step: { state: done.state, version: done.version },
        case: { state: ctx.c.state, version: ctx.c.version },
      },
      // Reasons and numbers are the case's data (purged under D8); the trail keeps which inputs were given.
      details: {
        stepId: step.id,
        stepKey: step.key,
        inputs: Object.keys(values),
        opened: opened.map((s) => s.key),
      },
    });
    await tellStudent(tx, ctx, step.key as StepKey, def, values, now);
    return {
      status: "done" as const,
      caseId: ctx.c.id,
      stepKey: step.key as StepKey,
      caseState: ctx.c.state,
    };
  });
}

/** The learner hears of every milestone, in their language, with what comes next. */
async function tellStudent(
  db: Executor,
  ctx: CaseContext,
  key: StepKey,
  def: ActionDef,
  values: Record<string, string>,
  now: Date,
) {
  const c = ctx.c;
  const orderDoc = (t: ReturnType<typeof tFor>) =>
    t(`step.${ctx.wf.steps.find((s) => ORDER_STEPS.has(s.key))?.key ?? "order"}`);
  if (def.action === "return")
    return noticeStudent(db, c, "notice.returned", () => ({ reason: values.reason ?? "" }), now);
  if (def.action === "reject")
    return noticeStudent(db, c, "notice.rejected", () => ({ reason: values.reason ?? "" }), now);
  if (c.state === "closed") return noticeStudent(db, c, "notice.closed", () => ({}), now);
  if (key === "endorse") return noticeStudent(db, c, "notice.endorsed", () => ({}), now);
  if (key === "instruct") return noticeStudent(db, c, "notice.instructed", () => ({}), now);
  if (key === "conversation") return noticeStudent(db, c, "notice.conversation", () => ({}), now);
  if (def.action === "approve")
    return noticeStudent(db, c, "notice.approved", (t) => ({ document: orderDoc(t) }), now);
  if (ORDER_STEPS.has(key)) {
    const referral = ctx.wf.steps.some((s) => s.key === "military_referral");
    return noticeStudent(
      db,
      c,
      "notice.order",
      (t) => ({
        document: t(`step.${key}`),
        number: values.number ?? "",
        date: formatDate(values.date ?? ""),
        extra: referral ? `, ${t("step.military_referral")}` : "",
      }),
      now,
    );
  }
}
