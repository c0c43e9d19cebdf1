/**
 * Issue 16: an official opens a case for a learner of his institution (cl. 2, 12, 16). One transaction: the
 * case (registered on the cl. 14 trigger for ch. 2, else today), the filing as its stored document (D12),
 * the attachments, the opening step done by the official (ch. 2 submit_academic, ch. 3 submit_negative; cl. 2
 * has none), the next steps with their deadlines and task cards, the audit event and the learner's notice.
 */
import { and, eq } from "drizzle-orm";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { caseSteps, cases, institutions, officials, reportVersions, students } from "../db/schema";
import { isUniqueViolation } from "../errors";
import { attachmentsByKind, renderFiling } from "../messages/filing-document";
import { holdingsOn } from "../people/holders";
import {
  addCalendarDays,
  DEFAULT_REIMBURSEMENT,
  type DocumentLanguage,
  isDocumentLanguage,
  isOfficialOpenedGround,
  type LocalDate,
  localDateOf,
  OFFICIAL_OPENED_GROUNDS,
  type OfficialOpenedGround,
  OPENING_ROLE,
  REQUIRED_ATTACHMENTS,
  RULES_EDITION,
  type StepKey,
  stepOf,
} from "../rules";
import { type AttachmentInput, missingKinds, storeAttachments, validAttachments } from "./attachments";
import { type CaseContext, caseContextOf, insertStep, noticeStudent, openNextSteps } from "./common";
import { learnerOfCase } from "./report-versions";
import { openCaseOf, rosterSnapshot } from "./submit";
import { checkPastDate, checkText, type Invalid, isInvalid } from "./validate";

/** What the official typed: ch. 2 the debt in words, ch. 3 the reasons, cl. 2 the foreign document. */
export const FILING_TEXT_LIMITS: Readonly<Record<OfficialOpenedGround, { min: number; max: number }>> = {
  academic_failure: { min: 10, max: 2000 },
  negative_reasons: { min: 20, max: 2000 },
  foreign_org: { min: 3, max: 500 },
};
export const FOREIGN_ORG_LIMITS = { min: 3, max: 300 };
/** How far back a trigger date may go (a year: older is a typing mistake, or a case for paper). */
export const TRIGGER_LOOKBACK_DAYS = 366;

export interface OpenInput {
  actor: { userId: number; officialId: number };
  ground: OfficialOpenedGround;
  studentId: number;
  reportLang: DocumentLanguage;
  text: string;
  /** Ch. 2: the last day of the debt-clearing period; cl. 2: the organisation and the expulsion date. */
  facts: { debtEndsOn?: string; foreignOrg?: string; expelledOn?: string };
  attachments: readonly AttachmentInput[];
}

export type OpenResult =
  | { ok: true; caseId: number; registeredOn: string }
  | {
      ok: false;
      reason: "not_allowed" | "not_found" | "open_case" | "own_case" | "bad_input";
      caseId?: number;
      error?: Invalid;
    };

/** The earliest trigger date accepted on `today`. */
export const earliestTrigger = (today: LocalDate): LocalDate =>
  addCalendarDays(today, -TRIGGER_LOOKBACK_DAYS);

/** The typed fields, cleaned and checked as the conversation checks them; the first problem stops it. */
export function checkFiling(
  input: Pick<OpenInput, "ground" | "text" | "facts" | "attachments">,
  today: LocalDate,
): { text: string; facts: Record<string, string> } | Invalid {
  const lim = FILING_TEXT_LIMITS[input.ground];
  const text = checkText(input.text, lim.min, lim.max);
  if (isInvalid(text)) return text;
  const facts: Record<string, string> = {};
  const from = earliestTrigger(today);
  if (input.ground === "academic_failure") {
    const d = checkPastDate(input.facts.debtEndsOn ?? "", today, from);
    if (isInvalid(d)) return d;
    facts.debtEndsOn = d;
  }
  if (input.ground === "foreign_org") {
    const org = checkText(input.facts.foreignOrg ?? "", FOREIGN_ORG_LIMITS.min, FOREIGN_ORG_LIMITS.max);
    if (isInvalid(org)) return org;
    const d = checkPastDate(input.facts.expelledOn ?? "", today, from);
    if (isInvalid(d)) return d;
    facts.foreignOrg = org;
    facts.expelledOn = d;
  }
  const required = REQUIRED_ATTACHMENTS[input.ground]?.kinds ?? [];
  if (!validAttachments(input.attachments) || missingKinds(required, input.attachments).length > 0)
    return { key: "invalid.attachments" };
  return { text, facts };
}

/**
 * The grounds an official may open a case on today, own role or delegation (one statement): what /open
 * offers, and whether the menu shows "Open a case" to an acting delegate.
 */
export async function groundsOpenableToday(
  db: Executor,
  official: { id: number; institutionId: number },
  today: LocalDate,
): Promise<OfficialOpenedGround[]> {
  const roles = OFFICIAL_OPENED_GROUNDS.map((g) => OPENING_ROLE[g].role);
  const held = (await holdingsOn(db, [official.institutionId], today, { roles })).filter(
    (h) => h.officialId === official.id,
  );
  return OFFICIAL_OPENED_GROUNDS.filter((g) => held.some((h) => h.role === OPENING_ROLE[g].role));
}

export async function openCase(db: Db, input: OpenInput, now: Date): Promise<OpenResult> {
  const today = localDateOf(now);
  if (!isOfficialOpenedGround(input.ground) || !isDocumentLanguage(input.reportLang))
    return { ok: false, reason: "bad_input" };
  const checked = checkFiling(input, today);
  if (isInvalid(checked)) return { ok: false, reason: "bad_input", error: checked };
  try {
    return await db.transaction(async (tx) => {
      const [me] = await tx
        .select()
        .from(officials)
        .where(and(eq(officials.id, input.actor.officialId), eq(officials.active, true)));
      if (!me || me.userId !== input.actor.userId)
        return { ok: false as const, reason: "not_allowed" as const };
      // The learner is looked up in the official's own institution only: another's looks like nobody.
      const [row] = await tx
        .select({ student: students, inst: institutions })
        .from(students)
        .innerJoin(institutions, eq(institutions.id, students.institutionId))
        .where(
          and(
            eq(students.id, input.studentId),
            eq(students.institutionId, me.institutionId),
            eq(students.active, true),
          ),
        )
        .for("update", { of: students });
      if (!row) return { ok: false as const, reason: "not_found" as const };
      const { student, inst } = row;
      if (student.userId !== null && student.userId === input.actor.userId)
        return { ok: false as const, reason: "own_case" as const }; // issue 12.8: nobody acts on his own case
      if (!(await groundsOpenableToday(tx, me, today)).includes(input.ground))
        return { ok: false as const, reason: "not_allowed" as const };
      // D2: ch. 2 counts from the last day of the debt-clearing period (cl. 14); elsewhere the filing day.
      const registeredOn = checked.facts.debtEndsOn ?? today;
      const [c] = await tx
        .insert(cases)
        .values({
          institutionId: inst.id,
          studentId: student.id,
          ground: input.ground,
          category: student.category,
          rulesEdition: RULES_EDITION, // D9
          reportLang: input.reportLang,
          reasons: checked.text,
          // D11: unknown until personnel confirms it from the personal file before the order.
          conscriptServed: false,
          phone: null,
          facts: checked.facts,
          openedByOfficialId: me.id,
          studentSnapshot: rosterSnapshot(student),
          endorsers: inst.endorsers,
          targetDays: inst.targetDays,
          reimbursement: { ...DEFAULT_REIMBURSEMENT, ...inst.reimbursement },
          registeredAt: now,
          registeredOn,
        })
        .returning();
      if (!c) throw new Error("case insert returned nothing");
      await storeAttachments(tx, c.id, input.attachments, input.actor.userId, now);
      await tx.insert(reportVersions).values({
        caseId: c.id,
        version: 1,
        lang: c.reportLang,
        reasons: checked.text,
        conscriptServed: false,
        phone: null,
        document: renderFiling({
          ground: input.ground,
          lang: c.reportLang,
          date: today,
          headTitle: c.reportLang === "ru" ? inst.headTitleRu : inst.headTitleKk,
          by: { name: me.fullName, role: OPENING_ROLE[input.ground].role },
          student: learnerOfCase(c),
          text: checked.text,
          facts: checked.facts,
          attachments: attachmentsByKind(input.attachments),
        }),
        submittedAt: now,
      });
      const ctx = await caseContextOf(tx, c, inst, []);
      const first = await doOpeningStep(tx, ctx, me.id, now);
      const opened = await openNextSteps(tx, ctx, now);
      await audit(tx, {
        at: now,
        action: "case.opened",
        actorUserId: input.actor.userId,
        actorOfficialId: me.id,
        institutionId: c.institutionId,
        caseId: c.id,
        after: { state: c.state, ground: c.ground, category: c.category, rulesEdition: c.rulesEdition },
        details: {
          registeredOn,
          attachments: input.attachments.length,
          doneStep: first ? { id: first.id, key: first.key, dueOn: first.dueOn } : null,
          openedSteps: opened.map((s) => ({ id: s.id, key: s.key, dueOn: s.dueOn, dueKind: s.dueKind })),
        },
      });
      await noticeStudent(tx, c, { kind: "opened", ground: c.ground }, now);
      return { ok: true as const, caseId: c.id, registeredOn };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const caseId = await openCaseOf(db, input.studentId);
      return { ok: false, reason: "open_case", caseId: caseId ?? undefined };
    }
    throw err;
  }
}

/**
 * The workflow's first step, when the opening official's filing is it (ch. 2 submit_academic, cl. 14: within
 * 3 WD of the trigger; ch. 3 submit_negative): opened with its due date and done at once, by him. A filing
 * made after the cl. 14 period is recorded as done late, never refused.
 */
async function doOpeningStep(tx: Executor, ctx: CaseContext, officialId: number, now: Date) {
  const key = OPENING_STEP[ctx.c.ground as OfficialOpenedGround];
  const def = key ? stepOf(ctx.wf, key) : undefined;
  if (!def) return null;
  const row = await insertStep(tx, ctx, def, now);
  if (!row) return null;
  const [done] = await tx
    .update(caseSteps)
    .set({ state: "done", doneAt: now, doneByOfficialId: officialId, result: { action: "filed" } })
    .where(eq(caseSteps.id, row.id))
    .returning();
  ctx.steps.push(done ?? row);
  return done ?? row;
}

/** The step the filing itself is (cl. 12–14, cl. 16); cl. 2 has none: personnel's record opens the case. */
const OPENING_STEP: Partial<Record<OfficialOpenedGround, StepKey>> = {
  academic_failure: "submit_academic",
  negative_reasons: "submit_negative",
};
