/**
 * D12: the formal report is stored with the case when it is submitted and never changed afterwards; a
 * re-submission after the head sent it back is a new version, and both are kept. What officials read on
 * their task cards, in the learner's chosen language, is this stored text.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Executor } from "../db/client";
import { reportVersions } from "../db/schema";
import { type ReportStudent, renderReport } from "../messages/report-document";
import { isLearnerReportGround, localDateOf } from "../rules";
import type { CaseRow, InstitutionRow } from "./common";

export type ReportVersionRow = typeof reportVersions.$inferSelect;
export type NewReportVersion = typeof reportVersions.$inferInsert &
  Pick<ReportVersionRow, "version" | "document">;

/** The learner as the case's roster snapshot has them (taken when the report was filed). */
export function learnerOfCase(c: CaseRow): ReportStudent {
  const s = c.studentSnapshot ?? {};
  return {
    fullName: s.fullName ?? "",
    rank: s.rank ?? "",
    category: s.category ?? c.category,
    faculty: s.faculty ?? "",
    course: s.course ?? "",
    groupName: s.groupName ?? "",
    sendingUnit: s.sendingUnit ?? "",
    sex: s.sex ?? "",
  };
}

/** The report document of a case as it stands (its fields, the institution's head title, the date given). */
export function renderCaseReport(c: CaseRow, inst: InstitutionRow, date: string): string {
  const lang = c.reportLang === "ru" ? "ru" : "kk";
  // A report is written only on the grounds a learner files (ch. 4, 5, 6); officials' filings: cases/open.ts.
  if (!isLearnerReportGround(c.ground)) throw new Error(`case ${c.id}: no report on ground ${c.ground}`);
  return renderReport({
    ground: c.ground,
    reasons: c.reasons ?? "",
    conscriptServed: c.conscriptServed,
    phone: c.phone,
    lang,
    date,
    headTitle: lang === "ru" ? inst.headTitleRu : inst.headTitleKk,
    student: learnerOfCase(c),
  });
}

/** What is stored as version `c.reportVersion` of the case's current report, dated `now` (pure). */
export function reportVersionOf(c: CaseRow, inst: InstitutionRow, now: Date): NewReportVersion {
  return {
    caseId: c.id,
    version: c.reportVersion,
    lang: c.reportLang,
    reasons: c.reasons ?? "",
    conscriptServed: c.conscriptServed,
    phone: c.phone,
    document: renderCaseReport(c, inst, localDateOf(now)),
    submittedAt: now,
  };
}

/** Stores a version made by reportVersionOf (in the caller's transaction). */
export async function insertReportVersion(db: Executor, values: NewReportVersion): Promise<void> {
  await db.insert(reportVersions).values(values);
}

/** Stores the case's current report as version `c.reportVersion`, dated `now` (in the caller's transaction). */
export async function storeReportVersion(
  db: Executor,
  c: CaseRow,
  inst: InstitutionRow,
  now: Date,
): Promise<ReportVersionRow> {
  const [row] = await db
    .insert(reportVersions)
    .values(reportVersionOf(c, inst, now))
    .returning();
  if (!row) throw new Error("report version insert returned nothing");
  return row;
}

/** The latest stored version of a case's report, or null (a purged case, or one filed by personnel). */
export async function currentReport(db: Executor, caseId: number): Promise<ReportVersionRow | null> {
  const [row] = await db
    .select()
    .from(reportVersions)
    .where(eq(reportVersions.caseId, caseId))
    .orderBy(desc(reportVersions.version))
    .limit(1);
  return row ?? null;
}

/** One stored version of a case's report. */
export async function reportVersion(
  db: Executor,
  caseId: number,
  version: number,
): Promise<ReportVersionRow | null> {
  const [row] = await db
    .select()
    .from(reportVersions)
    .where(and(eq(reportVersions.caseId, caseId), eq(reportVersions.version, version)));
  return row ?? null;
}
