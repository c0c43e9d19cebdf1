/**
 * Moves cases opened under the first chain (cases.chain_version = 1) onto the lawful chain of the revised
 * decisions (docs/decisions.md: D4–D7, D11, D12), so none is lost or stuck. Runs at start-up (bot and jobs),
 * once per case: each case is claimed under its row lock and marked chain_version = 2 in the same
 * transaction, so two instances starting together never migrate a case twice.
 *
 * For an open case (open / approved):
 * - the deputy head's step "endorse" becomes the advisory opinion (D4). If it was done with an interview,
 *   the cl. 4 interview is recorded as its own step, done with that date; if it was done with a waiver, the
 *   interview, mandatory on reimbursement grounds (D5), opens now: it can't be waived;
 * - steps the new chain opens at registration (the extra opinions, the head's cl. 20 instruction) open now;
 *   steps it opens later open when their predecessors are done (e.g. master's and doctoral students who were
 *   approved get the order on expulsion beside the submission, D7);
 * - every pending step gets its period under the new rule (D3: the cl. 20 conversation is statutory);
 *   pending steps the new chain no longer has (a military referral for a learner who returns to the sending
 *   unit, D11) are closed as no longer needed;
 * - the task cards of pending steps are sent again (the old buttons, e.g. "waive", no longer exist);
 * - a step the text puts after another (the decision after the interview) waits for it (act.ts "waiting").
 * Every case, open or ended, gets its report stored as version 1 (D12) if it has none.
 */
import { and, eq, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { caseSteps, cases } from "../db/schema";
import { stepMigratedLine } from "../messages/task";
import { dueDateFor, type LocalDate, stepOf } from "../rules";
import {
  anchorsOf,
  type CaseContext,
  cancelPendingSteps,
  insertStep,
  loadCaseContext,
  openNextSteps,
  type StepRow,
  sendTask,
} from "./common";
import { retireTaskMessages } from "./outbox";
import { currentReport, storeReportVersion } from "./report-versions";
import { isActive } from "./states";

export interface MigratedCase {
  caseId: number;
  opened: string[];
  cancelled: string[];
  resent: string[];
}

/** Migrates every case still on the first chain; returns what changed for the open ones. */
export async function migrateToLawfulChain(db: Db, now: Date): Promise<MigratedCase[]> {
  const done: MigratedCase[] = [];
  for (;;) {
    const batch = await db
      .select({ id: cases.id })
      .from(cases)
      .where(eq(cases.chainVersion, 1))
      .orderBy(cases.id)
      .limit(100);
    if (batch.length === 0) return done;
    for (const { id } of batch) {
      const r = await db.transaction((tx) => migrateCase(tx, id, now));
      if (r) done.push(r);
    }
  }
}

async function migrateCase(tx: Executor, caseId: number, now: Date): Promise<MigratedCase | null> {
  const [claimed] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.id, caseId), eq(cases.chainVersion, 1)))
    .for("update", { skipLocked: true });
  if (!claimed) return null; // another instance has it, or it is done
  const ctx = await loadCaseContext(tx, caseId);
  if (!ctx) return null;
  if (!ctx.c.purgedAt && ctx.c.reasons !== null && !(await currentReport(tx, caseId)))
    await storeReportVersion(tx, ctx.c, ctx.inst, ctx.c.registeredAt);
  let result: MigratedCase | null = null;
  if (isActive(ctx.c.state)) result = await moveOpenCase(tx, ctx, now);
  await tx.update(cases).set({ chainVersion: 2 }).where(eq(cases.id, caseId));
  await audit(tx, {
    at: now,
    action: "case.migrated",
    institutionId: ctx.c.institutionId,
    caseId,
    details: { toChain: 2, ...(result ? { opened: result.opened, cancelled: result.cancelled } : {}) },
  });
  return result;
}

async function moveOpenCase(tx: Executor, ctx: CaseContext, now: Date): Promise<MigratedCase> {
  const byKey = () => new Map(ctx.steps.map((s) => [s.key, s]));
  const before = new Set(ctx.steps.filter((s) => s.state === "pending").map((s) => s.id));
  const opened: string[] = [];

  // The interview (cl. 4–5) was part of the deputy head's endorsement: make it a step of its own.
  const endorse = byKey().get("endorse");
  const interviewDef = stepOf(ctx.wf, "interview");
  const heldOn = (endorse?.result as { action?: string; date?: string } | null)?.action === "interview";
  if (interviewDef && endorse?.state === "done" && heldOn && !byKey().has("interview")) {
    const [row] = await tx
      .insert(caseSteps)
      .values({
        caseId: ctx.c.id,
        key: "interview",
        role: interviewDef.role,
        state: "done",
        openedAt: endorse.openedAt,
        openedOn: endorse.openedOn,
        dueOn: endorse.dueOn,
        dueKind: "target",
        cite: interviewDef.deadline?.cite ?? interviewDef.cite,
        doneAt: endorse.doneAt,
        doneByOfficialId: endorse.doneByOfficialId,
        onBehalfOfOfficialId: endorse.onBehalfOfOfficialId,
        result: { action: "interview", date: (endorse.result as { date?: string }).date },
      })
      .returning();
    if (row) ctx.steps.push(row);
  }
  // A waived interview, or one never held yet, opens now (D5: mandatory, never waived).
  if (interviewDef && !byKey().has("interview")) {
    const row = await insertStep(tx, ctx, interviewDef, now);
    if (row) {
      ctx.steps.push(row);
      opened.push("interview");
      await sendTask(tx, ctx, row, now);
    }
  }

  // Steps the new chain no longer has are closed; the rest get the period of the new rule.
  const gone = ctx.steps.filter((s) => s.state === "pending" && !stepOf(ctx.wf, s.key));
  const cancelled = await cancelPendingSteps(
    tx,
    ctx,
    "closed",
    now,
    gone.map((s) => s.id),
  );
  for (const s of ctx.steps.filter((x) => x.state === "pending")) {
    const def = stepOf(ctx.wf, s.key)!;
    const dueOn = dueDateFor(def, anchorsOf(ctx.c, s.openedOn as LocalDate), ctx.calendar) ?? s.dueOn;
    const dueKind = def.deadline?.kind ?? null;
    const cite = def.deadline?.cite ?? def.cite;
    if (dueOn === s.dueOn && dueKind === s.dueKind && cite === s.cite) continue;
    const [row] = await tx
      .update(caseSteps)
      .set({ dueOn, dueKind, cite, breachNotifiedOn: null })
      .where(eq(caseSteps.id, s.id))
      .returning();
    if (row) ctx.steps = ctx.steps.map((x) => (x.id === row.id ? row : x));
  }

  // Steps the new chain opens at registration (extra opinions, the head's instruction) or after what is done.
  const fresh = await openNextSteps(tx, ctx, now);
  opened.push(...fresh.map((s) => s.key));

  // The old cards of steps still pending carry buttons that no longer exist: retire them, send new ones.
  const resent: string[] = [];
  for (const s of ctx.steps.filter((x: StepRow) => x.state === "pending" && before.has(x.id))) {
    await retireTaskMessages(tx, s.id, (lang) => stepMigratedLine(lang, ctx.c.id, s.key), now);
    await sendTask(tx, ctx, s, now);
    resent.push(s.key);
  }
  await tx
    .update(cases)
    .set({ version: sql`${cases.version} + 1` })
    .where(eq(cases.id, ctx.c.id));
  return { caseId: ctx.c.id, opened, cancelled: cancelled.map((s) => s.key), resent };
}
