/**
 * An official acts on a step (an opinion, the interview, the instruction, the conversation, the head's
 * decision, an order, a letter, a sum, done). One transaction under the case's row lock; the step's
 * completion is a conditional update (pending and same version), so a double tap or two officials at once
 * give exactly one transition and the other is told who did it.
 *
 * Only the head decides (docs/decisions.md): no opinion (D4) ends, returns or holds up the case; it is shown
 * to the head when given. The head approves, rejects with a reason (not in ch. 6) or sends the report back
 * to the learner (D6); sending back keeps the case open and the decision step pending.
 */
import { and, eq, sql } from "drizzle-orm";
import { audit, type Stranger } from "../audit";
import type { Db, Executor } from "../db/client";
import { caseSteps, cases, officials, students } from "../db/schema";
import { type LearnerNotice, opinionNotice } from "../messages/notices";
import { stepDoneLine } from "../messages/task";
import { actingCapacity, roleHolders } from "../people/holders";
import {
  conscriptMatters,
  dueDateFor,
  isComplete,
  type LocalDate,
  localDateOf,
  missingBefore,
  type StepDef,
  type StepKey,
  stepOf,
} from "../rules";
import {
  type ActionDef,
  actionDef,
  DOCUMENT_STEPS,
  type InputKind,
  ORDER_STEPS,
  REASON_MAX,
  TEXT_MIN,
} from "./actions";
import {
  type CaseContext,
  cancelPendingSteps,
  caseWorkflow,
  doneKeys,
  loadCaseContext,
  noticeStudent,
  openNextSteps,
  type StepRow,
} from "./common";
import { enqueue, retireTaskMessages } from "./outbox";
import { isActive } from "./states";
import { checkAmount, checkConscript, checkPastDate, checkText, type Invalid, isInvalid } from "./validate";

export interface Actor {
  userId: number;
  officialId: number | null;
}

export interface ActInput {
  stepId: number;
  action: string;
  actor: Actor;
  input?: Partial<Record<InputKind, string>>;
  /** Pressed by a stranger (the bot knows): a refusal is counted as their noise, issue 12.17. */
  stranger?: Stranger;
}

export type AccessResult =
  | {
      status: "ok";
      ctx: CaseContext;
      step: StepRow;
      def: ActionDef;
      /** The answers this action still needs (D11: no conscript question once personnel confirmed it). */
      inputs: InputKind[];
      onBehalfOfOfficialId: number | null;
      notBefore: LocalDate;
    }
  | { status: "not_found" | "not_allowed" }
  | { status: "already_done"; caseId: number; byName: string | null; at: Date | null }
  | { status: "closed"; caseId: number; state: string }
  /** D6: what the text puts before this step is not done yet (a case opened under the first chain). */
  | { status: "waiting"; caseId: number; missing: StepKey[] };

export type ActResult =
  | { status: "done"; caseId: number; stepKey: StepKey; action: string; caseState: string }
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
  const key = fresh.key;
  const ground = ctx.c.ground;
  const def = action === null ? undefined : actionDef(key, ground, action);
  if (action !== null && !def) return { status: "not_allowed" };
  const officialId = await actingOfficial(db, ctx, actor);
  if (officialId === null) return { status: "not_allowed" };
  const capacity = await actingCapacity(db, officialId, ctx.c.institutionId, fresh.role, localDateOf(now));
  if (!capacity.allowed) return { status: "not_allowed" };
  if (fresh.state === "done") return alreadyDone(db, ctx, fresh);
  if (fresh.state !== "pending" || !isActive(ctx.c.state)) {
    return { status: "closed", caseId: ctx.c.id, state: ctx.c.state };
  }
  const missing = missingBefore(ctx.wf, key, doneKeys(ctx.steps));
  if (missing.length > 0) return { status: "waiting", caseId: ctx.c.id, missing };
  const chosen = def ?? actionDef(key, ground, "agree") ?? { action: "done" as const, inputs: [] };
  // D11: the conscript answer is confirmed once (ch. 4 in the cl. 20 conversation, elsewhere before the
  // order), and only where a referral can follow (not ch. 5).
  const inputs = chosen.inputs.filter(
    (k) => k !== "conscript" || (ctx.c.conscriptConfirmedAt === null && conscriptMatters(ground)),
  );
  return {
    status: "ok",
    ctx,
    step: fresh,
    def: chosen,
    inputs,
    onBehalfOfOfficialId: capacity.onBehalfOfOfficialId,
    notBefore: notBeforeFor(ctx, key),
  };
}

/**
 * The actor's official id when the official is active, is the actor and works at the case's institution,
 * and the case is not their own; otherwise null.
 */
async function actingOfficial(db: Executor, ctx: CaseContext, actor: Actor): Promise<number | null> {
  if (actor.officialId === null) return null;
  const [official] = await db.select().from(officials).where(eq(officials.id, actor.officialId));
  if (
    !official?.active ||
    official.userId !== actor.userId ||
    official.institutionId !== ctx.c.institutionId
  ) {
    return null;
  }
  // Separation of duties (issue 12.8): nobody acts on a step of their own case, whatever roles they hold.
  if (ctx.c.studentId !== null) {
    const [learner] = await db
      .select({ userId: students.userId })
      .from(students)
      .where(eq(students.id, ctx.c.studentId));
    if (learner?.userId === actor.userId) return null;
  }
  return official.id;
}

/** A step someone else did already: who and when, for the refusal. */
async function alreadyDone(db: Executor, ctx: CaseContext, step: StepRow): Promise<AccessResult> {
  const [by] = step.doneByOfficialId
    ? await db
        .select({ name: officials.fullName })
        .from(officials)
        .where(eq(officials.id, step.doneByOfficialId))
    : [];
  return { status: "already_done", caseId: ctx.c.id, byName: by?.name ?? null, at: step.doneAt };
}

/** Dates entered for a step can't be before what it follows: the report, the decision, the order (cl. 7). */
function notBeforeFor(ctx: CaseContext, key: StepKey): LocalDate {
  const { c } = ctx;
  if (key === "notify_personnel_dept") return (c.orderDate ?? c.decisionOn ?? c.registeredOn) as LocalDate;
  if (DOCUMENT_STEPS.has(key) && c.decisionOn) return c.decisionOn as LocalDate;
  return c.registeredOn as LocalDate;
}

/** Validates one answer for an action's input. */
export function validateInput(kind: InputKind, text: string, today: LocalDate, notBefore: LocalDate) {
  switch (kind) {
    case "date":
      return checkPastDate(text, today, notBefore);
    case "number":
      return checkText(text, 1, 50);
    case "amount":
      return checkAmount(text);
    case "conscript":
      return checkConscript(text);
    default:
      return checkText(text, TEXT_MIN, REASON_MAX);
  }
}

/** A refused or stale press changes nothing but is recorded. */
export async function auditRefusal(
  db: Executor,
  cmd: Pick<ActInput, "stepId" | "action" | "actor" | "stranger">,
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
    stranger: cmd.stranger,
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
    const read = readInputs(access, cmd, today);
    if (!read.ok) return { status: "invalid" as const, error: read.error };
    const { values } = read;
    const before = {
      step: { state: step.state, version: step.version },
      case: { state: ctx.c.state, version: ctx.c.version },
    };
    const name = await officialName(tx, cmd.actor.officialId!);
    const statusLine = (lang: string) =>
      stepDoneLine(lang, { caseId: ctx.c.id, stepKey: step.key, action: def.action, values, name, at: now });

    if (def.sendsBack) return sendBack(tx, cmd, access, values.reason ?? "", statusLine, before, now);

    const done = await completeStep(tx, cmd, access, values, now);
    if (!done) return { status: "already_done" as const, caseId: ctx.c.id, byName: null, at: null };
    ctx.steps = ctx.steps.map((s) => (s.id === done.id ? done : s));

    const conscriptCorrected =
      values.conscript !== undefined && (values.conscript === "yes") !== ctx.c.conscriptServed;
    await patchCase(tx, ctx, casePatchFor(def, step.key, values, today, now));

    await retireTaskMessages(tx, step.id, statusLine, now);
    // D2: cl. 7 counts from the order on expulsion; a step already open on an earlier date (a case moved
    // from the first chain, where a submission's date stood in) is counted again from the order.
    if (ORDER_STEPS.has(step.key)) await redateFromOrder(tx, ctx);

    const stepDef = stepOf(ctx.wf, step.key);
    const opened = await advance(tx, ctx, def, stepDef, now);
    if (stepDef?.advisory) await tellHeadOfOpinion(tx, ctx, done, def.action, values, name, now);

    await auditDone(tx, cmd, access, { before, done, values, opened, conscriptCorrected }, now);
    await tellStudent(tx, ctx, step.key, def, values, now);
    return {
      status: "done" as const,
      caseId: ctx.c.id,
      stepKey: step.key,
      action: def.action,
      caseState: ctx.c.state,
    };
  });
}

type Granted = Extract<AccessResult, { status: "ok" }>;

/** Every answer the action needs, checked; the first invalid one stops it. */
function readInputs(
  access: Granted,
  cmd: ActInput,
  today: LocalDate,
): { ok: true; values: Record<string, string> } | { ok: false; error: Invalid } {
  const values: Record<string, string> = {};
  for (const kind of access.inputs) {
    const v = validateInput(kind, cmd.input?.[kind] ?? "", today, access.notBefore);
    if (isInvalid(v)) return { ok: false, error: v };
    values[kind] = v;
  }
  return { ok: true, values };
}

async function officialName(db: Executor, officialId: number): Promise<string> {
  const [me] = await db
    .select({ name: officials.fullName })
    .from(officials)
    .where(eq(officials.id, officialId));
  return me?.name ?? "";
}

/** The conditional completion: still pending and the version read, so only one of two presses wins. */
async function completeStep(
  tx: Executor,
  cmd: ActInput,
  access: Granted,
  values: Record<string, string>,
  now: Date,
): Promise<StepRow | undefined> {
  const { step, def } = access;
  const [done] = await tx
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
  return done;
}

/** Pure: what the action changes on the case itself (empty: nothing). */
function casePatchFor(
  def: ActionDef,
  stepKey: StepKey,
  values: Record<string, string>,
  today: LocalDate,
  now: Date,
): Partial<typeof cases.$inferInsert> {
  const patch: Partial<typeof cases.$inferInsert> = {};
  if (def.ends) {
    patch.state = def.ends;
    patch.outcomeReason = values.reason ?? null;
    patch.closedAt = now;
  } else if (def.action === "approve") {
    patch.state = "approved";
    patch.decisionOn = today; // D2: cl. 15, 18, 21 and 26 periods count from the decision
  }
  if (ORDER_STEPS.has(stepKey)) {
    patch.orderDate = values.date; // D2: cl. 7 counts from the order on expulsion, never a submission
    patch.orderNumber = values.number;
  }
  if (values.conscript !== undefined) {
    patch.conscriptServed = values.conscript === "yes"; // D11: personnel confirms or corrects
    patch.conscriptConfirmedAt = now;
  }
  return patch;
}

async function patchCase(tx: Executor, ctx: CaseContext, patch: Partial<typeof cases.$inferInsert>) {
  if (Object.keys(patch).length === 0) return;
  const [c] = await tx
    .update(cases)
    .set({ ...patch, version: sql`${cases.version} + 1` })
    .where(eq(cases.id, ctx.c.id))
    .returning();
  if (c) {
    ctx.c = c;
    ctx.wf = caseWorkflow(c); // the conscript answer may add or drop the cl. 7 referral (D11)
  }
}

/** After the step: an ending cancels what is pending; otherwise the next steps open and a complete case closes. */
async function advance(
  tx: Executor,
  ctx: CaseContext,
  def: ActionDef,
  stepDef: StepDef | undefined,
  now: Date,
): Promise<StepRow[]> {
  if (def.ends) {
    await cancelPendingSteps(tx, ctx, def.ends, now);
    return [];
  }
  if (stepDef?.terminal === "decision") {
    // D4: opinions still pending when the head decides are no longer needed.
    const late = ctx.steps.filter((s) => s.state === "pending" && stepOf(ctx.wf, s.key)?.advisory);
    await cancelPendingSteps(
      tx,
      ctx,
      "decided",
      now,
      late.map((s) => s.id),
    );
  }
  const opened = await openNextSteps(tx, ctx, now);
  if (isComplete(ctx.wf, doneKeys(ctx.steps))) {
    // Opinions never given by the end (D4, advisory) are closed with the case.
    await cancelPendingSteps(tx, ctx, "closed", now);
    const [c] = await tx
      .update(cases)
      .set({ state: "closed", closedAt: now, version: sql`${cases.version} + 1` })
      .where(eq(cases.id, ctx.c.id))
      .returning();
    if (c) ctx.c = c;
  }
  return opened;
}

async function auditDone(
  tx: Executor,
  cmd: ActInput,
  access: Granted,
  r: {
    before: unknown;
    done: StepRow;
    values: Record<string, string>;
    opened: StepRow[];
    conscriptCorrected: boolean;
  },
  now: Date,
) {
  const { ctx, step, def } = access;
  await audit(tx, {
    at: now,
    action: `step.${def.action}`,
    actorUserId: cmd.actor.userId,
    actorOfficialId: cmd.actor.officialId,
    onBehalfOfOfficialId: access.onBehalfOfOfficialId,
    institutionId: ctx.c.institutionId,
    caseId: ctx.c.id,
    before: r.before,
    after: {
      step: { state: r.done.state, version: r.done.version },
      case: { state: ctx.c.state, version: ctx.c.version },
    },
    // Reasons and numbers are the case's data (purged under D8); the trail keeps which inputs were given.
    details: {
      stepId: step.id,
      stepKey: step.key,
      inputs: Object.keys(r.values),
      opened: r.opened.map((s) => s.key),
      ...(r.values.conscript !== undefined ? { conscriptCorrected: r.conscriptCorrected } : {}),
    },
  });
}

/**
 * D6: the head sends the report back to the learner to complete it. The decision step stays pending (its
 * version moves on, so the card's old buttons are stale); the case waits in "sent_back" until the learner
 * re-submits (cases/resubmit.ts) or withdraws.
 */
async function sendBack(
  tx: Executor,
  cmd: ActInput,
  access: Extract<AccessResult, { status: "ok" }>,
  reason: string,
  statusLine: (lang: string) => string,
  before: unknown,
  now: Date,
): Promise<ActResult> {
  const { ctx, step } = access;
  const [bumped] = await tx
    .update(caseSteps)
    .set({ version: sql`${caseSteps.version} + 1` })
    .where(
      and(eq(caseSteps.id, step.id), eq(caseSteps.state, "pending"), eq(caseSteps.version, step.version)),
    )
    .returning();
  if (!bumped) return { status: "already_done", caseId: ctx.c.id, byName: null, at: null };
  const [c] = await tx
    .update(cases)
    .set({ state: "sent_back", outcomeReason: reason, version: sql`${cases.version} + 1` })
    .where(eq(cases.id, ctx.c.id))
    .returning();
  if (c) ctx.c = c;
  await retireTaskMessages(tx, step.id, statusLine, now);
  await audit(tx, {
    at: now,
    action: "step.sendback",
    actorUserId: cmd.actor.userId,
    actorOfficialId: cmd.actor.officialId,
    onBehalfOfOfficialId: access.onBehalfOfOfficialId,
    institutionId: ctx.c.institutionId,
    caseId: ctx.c.id,
    before,
    after: {
      step: { state: bumped.state, version: bumped.version },
      case: { state: ctx.c.state, version: ctx.c.version },
    },
    details: { stepId: step.id, stepKey: step.key, inputs: ["reason"], reportVersion: ctx.c.reportVersion },
  });
  await noticeStudent(tx, ctx.c, { kind: "sent_back", reason }, now);
  return {
    status: "done",
    caseId: ctx.c.id,
    stepKey: step.key,
    action: "sendback",
    caseState: ctx.c.state,
  };
}

/** D4, D6: an opinion goes to the head when it is given (the head's card also lists it). */
async function tellHeadOfOpinion(
  tx: Executor,
  ctx: CaseContext,
  step: StepRow,
  action: string,
  values: Record<string, string>,
  name: string,
  now: Date,
) {
  if (!isActive(ctx.c.state) || ctx.steps.some((s) => s.key === "decide" && s.state === "done")) return;
  const heads = await roleHolders(tx, ctx.c.institutionId, "head", localDateOf(now));
  await enqueue(
    tx,
    heads.map((h) => ({
      chatId: h.telegramId,
      caseId: ctx.c.id,
      ...opinionNotice(h.lang, {
        caseId: ctx.c.id,
        role: step.role,
        name,
        disagree: action === "disagree",
        reason: values.reason ?? "",
      }),
    })),
    now,
  );
}

async function redateFromOrder(tx: Executor, ctx: CaseContext) {
  for (const s of ctx.steps.filter((x) => x.state === "pending")) {
    const def = stepOf(ctx.wf, s.key);
    if (def?.deadline?.from !== "order_date" || !ctx.c.orderDate) continue;
    const dueOn = dueDateFor(
      def,
      {
        registered: ctx.c.registeredOn as LocalDate,
        order_date: ctx.c.orderDate as LocalDate,
        opened: s.openedOn as LocalDate,
      },
      ctx.calendar,
    );
    if (dueOn && dueOn !== s.dueOn)
      await tx.update(caseSteps).set({ dueOn, breachNotifiedOn: null }).where(eq(caseSteps.id, s.id));
  }
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
  const tell = (notice: LearnerNotice) => noticeStudent(db, c, notice, now);
  if (def.action === "reject") return tell({ kind: "rejected", reason: values.reason ?? "" });
  if (key === "interview") await tell({ kind: "interview", date: values.date ?? "" });
  else if (key === "instruct") await tell({ kind: "instructed" });
  else if (key === "conversation") await tell({ kind: "conversation" });
  else if (def.action === "approve") {
    const documents = ctx.wf.steps.filter((s) => DOCUMENT_STEPS.has(s.key)).map((s) => s.key);
    await tell({ kind: "approved", documents });
  }
  // The after-order steps the learner must act on (D11): collect the transcript, report to the military
  // administration body, the amount to reimburse.
  else if (key === "transcript") await tell({ kind: "transcript" });
  else if (key === "military_referral") await tell({ kind: "referral" });
  else if (key === "cost_calculation") await tell({ kind: "amount", amount: values.amount ?? "" });
  else if (DOCUMENT_STEPS.has(key)) {
    await tell({
      kind: ORDER_STEPS.has(key) ? "order" : "submission",
      number: values.number ?? "",
      date: values.date ?? "",
      referral: ctx.wf.steps.some((s) => s.key === "military_referral"),
    });
  }
  if (c.state === "closed") await tell({ kind: "closed" });
}
