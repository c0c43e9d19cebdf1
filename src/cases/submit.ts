/**
 * A learner files a report (cl. 19 own will, cl. 25 contract refusal). One transaction: the case with what
 * it is snapshotted under (D4 opinion-givers, D5 reimbursement map, D9 edition), the report as stored
 * (D12, version 1), its first steps with their deadlines (D4: the opinions, the cl. 4 interview and, in
 * ch. 4, the head's cl. 20 instruction, all at once), the audit event and the task cards. The learner's
 * receipt is the conversation's own reply, sent right after the commit.
 *
 * Issue 17, statements: the student row brings the institution, the learner's chat and the calendar's
 * fingerprint (an unchanged calendar is not read again); the report version just stored is what the cards
 * show; the steps, their holders and the outbox (every card and the receipt) are one statement each.
 */

import { and, eq, inArray } from "drizzle-orm";
import { audit } from "../audit";
import { type Db, together } from "../db/client";
import { cases, institutions, students, users } from "../db/schema";
import { isUniqueViolation } from "../errors";
import { CALENDAR_STAMP } from "../people/calendar-store";
import type { StudentEntry } from "../people/identity";
import {
  conscriptMatters,
  DEFAULT_REIMBURSEMENT,
  type DocumentLanguage,
  type Ground,
  isDocumentLanguage,
  isLearnerReportGround,
  localDateOf,
  REQUIRED_ATTACHMENTS,
  RULES_EDITION,
} from "../rules";
import { type AttachmentInput, missingKinds, storeAttachments, validAttachments } from "./attachments";
import { caseContextOf, openNextSteps } from "./common";
import { OutboxBatch } from "./outbox";
import { enqueueReceipt } from "./receipt";
import { insertReportVersion, reportVersionOf } from "./report-versions";
import { OPEN_STATES } from "./states";
import { checkPhone, checkText, isInvalid } from "./validate";

type RosterFields = Omit<StudentEntry, "id" | "institutionId" | "sex"> & { sex?: string | null };

/**
 * The roster fields a report is written from, frozen into the case when it is filed ("" for an unknown
 * sex), so that the stored report, its DOCX and later versions agree the same way.
 */
export function rosterSnapshot(s: RosterFields): Record<keyof RosterFields, string> {
  const { personalNumber, fullName, rank, category, faculty, course, groupName, sendingUnit } = s;
  const sex = s.sex ?? "";
  return { personalNumber, fullName, rank, category, faculty, course, groupName, sendingUnit, sex };
}

export const REASONS_MIN = 20;
export const REASONS_MAX = 2000;

/**
 * The server side of what the report conversation checks (issue 12.5), with the same functions: the reasons
 * cleaned and counted in visible characters (checkText), the phone cleaned and shaped like one (checkPhone).
 * null = refused.
 */
export function checkReportText(
  reasons: string,
  phone: string | null,
): { reasons: string; phone: string | null } | null {
  const r = checkText(reasons, REASONS_MIN, REASONS_MAX);
  const p = phone === null ? null : checkPhone(phone);
  if (isInvalid(r) || isInvalid(p)) return null;
  return { reasons: r, phone: p };
}

export interface SubmitInput {
  userId: number;
  ground: Ground;
  reasons: string;
  /** Ignored in ch. 5 (no cl. 7 referral follows there, D11): stored as false, the column is NOT NULL. */
  conscriptServed: boolean;
  phone: string | null;
  reportLang: DocumentLanguage;
  /** Ch. 5 (cl. 23): the Decree, as photos or a PDF sent to the bot, or pages on paper. */
  attachments?: readonly AttachmentInput[];
}

export type SubmitResult =
  /**
   * interview: the case has the cl. 4 interview (D5), which the receipt names. receipt: the queued
   * receipt's outbox rows (markReceiptDelivered).
   */
  | { ok: true; caseId: number; registeredOn: string; interview: boolean; receipt: number[] }
  | { ok: false; reason: "not_student" | "open_case" | "bad_input"; caseId?: number };

export async function openCaseOf(db: Db, studentId: number): Promise<number | null> {
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.studentId, studentId), inArray(cases.state, [...OPEN_STATES])));
  return row?.id ?? null;
}

export async function submitReport(db: Db, input: SubmitInput, now: Date): Promise<SubmitResult> {
  const text = checkReportText(input.reasons, input.phone);
  const attachments = input.attachments ?? [];
  const required = REQUIRED_ATTACHMENTS[input.ground]?.kinds ?? [];
  if (
    !text ||
    !isLearnerReportGround(input.ground) ||
    !isDocumentLanguage(input.reportLang) ||
    !validAttachments(attachments) ||
    missingKinds(required, attachments).length > 0
  ) {
    return { ok: false, reason: "bad_input" };
  }
  const { reasons, phone } = text;
  try {
    return await db.transaction(async (tx) => {
      // The student row is locked, so two submits of one learner queue here; a second open case is then
      // refused by the partial unique index (handled below), with no extra query on the common path.
      const [row] = await tx
        .select({
          student: students,
          inst: institutions,
          chat: { chatId: users.telegramId, lang: users.lang },
          calendarStamp: CALENDAR_STAMP,
        })
        .from(students)
        .innerJoin(institutions, eq(institutions.id, students.institutionId))
        .innerJoin(users, eq(users.id, students.userId))
        .where(and(eq(students.userId, input.userId), eq(students.active, true)))
        .for("update", { of: students });
      if (!row) return { ok: false as const, reason: "not_student" as const };
      const { student, inst, chat } = row;
      const registeredOn = localDateOf(now);
      const [c] = await tx
        .insert(cases)
        .values({
          institutionId: student.institutionId,
          studentId: student.id,
          ground: input.ground,
          category: student.category,
          rulesEdition: RULES_EDITION, // D9
          reportLang: input.reportLang,
          reasons,
          conscriptServed: conscriptMatters(input.ground) && input.conscriptServed, // D11: not asked in ch. 5
          phone,
          studentSnapshot: rosterSnapshot(student),
          endorsers: inst.endorsers, // D4, frozen for the life of the case
          targetDays: inst.targetDays, // D3, likewise
          reimbursement: { ...DEFAULT_REIMBURSEMENT, ...inst.reimbursement }, // D5, likewise
          registeredAt: now,
          registeredOn,
        })
        .returning();
      if (!c) throw new Error("case insert returned nothing");
      await storeAttachments(tx, c.id, attachments, input.userId, now);
      const report = reportVersionOf(c, inst, now);
      const ctx = await caseContextOf(tx, c, inst, [], row.calendarStamp);
      // The cards and the receipt are written together, with the audit event. Issue 17: statements that
      // need nothing of each other go together (one round trip): the report's version with the steps and
      // their holders, then the audit event with the outbox.
      const out = new OutboxBatch();
      const [, opened] = await together(
        insertReportVersion(tx, report),
        openNextSteps(tx, ctx, now, { report, out }),
      );
      const audited = audit(tx, {
        at: now,
        action: "case.submitted",
        actorUserId: input.userId,
        institutionId: c.institutionId,
        caseId: c.id,
        after: { state: c.state, ground: c.ground, category: c.category, rulesEdition: c.rulesEdition },
        details: {
          reportVersion: c.reportVersion,
          openedSteps: opened.map((s) => ({ id: s.id, key: s.key, dueOn: s.dueOn, dueKind: s.dueKind })),
        },
      });
      // The receipt says what comes next: ch. 5 the Decree check, and the interview where there is one.
      const interview = opened.some((s) => s.key === "interview");
      const [, receipt] = await together(
        audited,
        enqueueReceipt(tx, c, { kind: "submitted", date: registeredOn, ground: c.ground, interview }, now, {
          chat,
          batch: out,
        }),
      );
      return { ok: true as const, caseId: c.id, registeredOn, interview, receipt };
    });
  } catch (err) {
    // Two submits racing past the check: the partial unique index keeps one open case per student.
    if (isUniqueViolation(err)) {
      const [student] = await db
        .select({ id: students.id })
        .from(students)
        .where(eq(students.userId, input.userId));
      const caseId = student ? await openCaseOf(db, student.id) : null;
      return { ok: false, reason: "open_case", caseId: caseId ?? undefined };
    }
    throw err;
  }
}
