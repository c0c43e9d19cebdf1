/**
 * What the documents of a case are written from (D12: generated from the case, never typed twice): the
 * stored report, the learner's roster snapshot, the institution, the interview, the decision, the order.
 * Loaded once; the builders in ./build.ts are pure over it.
 */
import { eq, inArray } from "drizzle-orm";
import { type CaseContext, loadCaseContext } from "../cases/common";
import { currentReport } from "../cases/report-versions";
import type { Executor } from "../db/client";
import { officials } from "../db/schema";
import { roleHolders } from "../people/holders";
import { type Category, type DocumentLanguage, type Ground, type LocalDate, localDateOf } from "../rules";

export interface Person {
  name: string;
  position: string;
}

export interface DocFacts {
  caseId: number;
  ground: Ground;
  category: Category;
  institution: { nameKk: string; nameRu: string; headTitleKk: string; headTitleRu: string };
  learner: {
    fullName: string;
    rank: string;
    category: string;
    faculty: string;
    course: string;
    groupName: string;
    sendingUnit: string;
    /** "M", "F" or "" (unknown): the Russian agreement of the texts about the learner (issue 14.6). */
    sex?: string;
  };
  /** D12: the report as submitted (the latest version). */
  report: {
    version: number;
    lang: DocumentLanguage;
    reasons: string;
    phone: string | null;
    conscriptServed: boolean;
    submittedOn: LocalDate;
  } | null;
  /** Cl. 4–5: the interview, once recorded. */
  interview: { date: LocalDate; by: Person | null } | null;
  decisionOn: LocalDate | null;
  /** The head who decided, or today's head. */
  head: Person | null;
  order: { number: string; date: LocalDate } | null;
  /** D8: the personal data are purged; no document can be made any more. */
  purged: boolean;
}

export async function docFactsOf(db: Executor, caseId: number, now: Date): Promise<DocFacts | null> {
  const ctx = await loadCaseContext(db, caseId);
  return ctx ? docFactsFrom(db, ctx, now) : null;
}

export async function docFactsFrom(db: Executor, ctx: CaseContext, now: Date): Promise<DocFacts> {
  const { c, inst } = ctx;
  const s = c.studentSnapshot ?? {};
  const report = await currentReport(db, c.id);
  const byKey = new Map(ctx.steps.map((x) => [x.key, x]));
  const interview = byKey.get("interview");
  const decide = byKey.get("decide");
  const ids = [interview?.doneByOfficialId, decide?.doneByOfficialId].filter((x): x is number => !!x);
  const people = new Map(
    (ids.length
      ? await db
          .select({ id: officials.id, name: officials.fullName, position: officials.position })
          .from(officials)
          .where(inArray(officials.id, ids))
      : []
    ).map((o) => [o.id, { name: o.name, position: o.position }]),
  );
  let head = decide?.doneByOfficialId ? (people.get(decide.doneByOfficialId) ?? null) : null;
  if (!head) {
    const [h] = await roleHolders(db, c.institutionId, "head", localDateOf(now));
    if (h) {
      const [o] = await db
        .select({ position: officials.position })
        .from(officials)
        .where(eq(officials.id, h.officialId));
      head = { name: h.fullName, position: o?.position ?? "" };
    }
  }
  const interviewDate = (
    interview?.state === "done" ? (interview.result as { date?: string } | null)?.date : undefined
  ) as LocalDate | undefined;
  return {
    caseId: c.id,
    ground: c.ground,
    category: c.category,
    institution: {
      nameKk: inst.nameKk,
      nameRu: inst.nameRu,
      headTitleKk: inst.headTitleKk,
      headTitleRu: inst.headTitleRu,
    },
    learner: {
      fullName: s.fullName ?? "",
      rank: s.rank ?? "",
      category: s.category ?? c.category,
      faculty: s.faculty ?? "",
      course: s.course ?? "",
      groupName: s.groupName ?? "",
      sendingUnit: s.sendingUnit ?? "",
      sex: s.sex ?? "",
    },
    report: report
      ? {
          version: report.version,
          lang: report.lang === "ru" ? "ru" : "kk",
          reasons: report.reasons,
          phone: report.phone,
          conscriptServed: report.conscriptServed,
          submittedOn: localDateOf(report.submittedAt),
        }
      : null,
    interview: interviewDate
      ? {
          date: interviewDate,
          by: interview?.doneByOfficialId ? (people.get(interview.doneByOfficialId) ?? null) : null,
        }
      : null,
    decisionOn: (c.decisionOn ?? null) as LocalDate | null,
    head,
    order: c.orderNumber && c.orderDate ? { number: c.orderNumber, date: c.orderDate as LocalDate } : null,
    purged: c.purgedAt !== null,
  };
}
