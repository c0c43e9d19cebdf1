/**
 * What the documents of a case are written from (D12: generated from the case, never typed twice): the
 * stored report, the learner's roster snapshot, the institution, the interview, the decision, the order.
 * Loaded once; the builders in ./build.ts are pure over it.
 */
import { eq, inArray } from "drizzle-orm";
import { attachmentsOf } from "../cases/attachments";
import { type CaseContext, loadCaseContext } from "../cases/common";
import { currentReport, learnerOfCase } from "../cases/report-versions";
import type { Executor } from "../db/client";
import { officials } from "../db/schema";
import { attachmentsByKind, type FilingData } from "../messages/filing-document";
import type { ReportStudent } from "../messages/report-document";
import { roleHolders } from "../people/holders";
import {
  type Category,
  type DocumentLanguage,
  type Ground,
  isOfficialOpenedGround,
  type LocalDate,
  localDateOf,
  OPENING_ROLE,
} from "../rules";

export interface Person {
  name: string;
  position: string;
}

export interface DocFacts {
  caseId: number;
  ground: Ground;
  category: Category;
  institution: { nameKk: string; nameRu: string; headTitleKk: string; headTitleRu: string };
  /** The roster data the report was written from; the sex ("M", "F", else unknown) agrees the Russian texts. */
  learner: ReportStudent;
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
  /** Issue 16: the official's filing that opened the case (cl. 2, 12, 16); null on a learner's report. */
  filing: Pick<FilingData, "ground" | "by" | "text" | "facts" | "attachments"> | null;
}

export async function docFactsOf(db: Executor, caseId: number, now: Date): Promise<DocFacts | null> {
  const ctx = await loadCaseContext(db, caseId);
  return ctx ? docFactsFrom(db, ctx, now) : null;
}

export async function docFactsFrom(db: Executor, ctx: CaseContext, now: Date): Promise<DocFacts> {
  const { c, inst } = ctx;
  const report = await currentReport(db, c.id);
  const byKey = new Map(ctx.steps.map((x) => [x.key, x]));
  const interview = byKey.get("interview");
  const decide = byKey.get("decide");
  const people = await peopleByIds(
    db,
    [interview?.doneByOfficialId, decide?.doneByOfficialId].filter((x): x is number => !!x),
  );
  const head = await headOf(db, c.institutionId, personOf(people, decide?.doneByOfficialId), now);
  const filing = await filingOf(db, c, report?.reasons ?? c.reasons ?? "");
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
    learner: learnerOfCase(c),
    report: report ? reportFacts(report) : null,
    interview: interviewDate
      ? { date: interviewDate, by: personOf(people, interview?.doneByOfficialId) }
      : null,
    decisionOn: (c.decisionOn ?? null) as LocalDate | null,
    head,
    order: c.orderNumber && c.orderDate ? { number: c.orderNumber, date: c.orderDate as LocalDate } : null,
    purged: c.purgedAt !== null,
    filing,
  };
}

/** The filing that opened a case on cl. 2, 12 or 16: who filed it, what was typed, what is attached. */
async function filingOf(db: Executor, c: CaseContext["c"], text: string): Promise<DocFacts["filing"]> {
  if (!isOfficialOpenedGround(c.ground)) return null;
  const by = await peopleByIds(db, c.openedByOfficialId ? [c.openedByOfficialId] : []);
  const attached = await attachmentsOf(db, c.id);
  return {
    ground: c.ground,
    by: { name: personOf(by, c.openedByOfficialId)?.name ?? "", role: OPENING_ROLE[c.ground].role },
    text,
    facts: c.facts,
    attachments: attachmentsByKind(attached),
  };
}

/** The officials who did steps of the case, by id (one query, none without ids). */
async function peopleByIds(db: Executor, ids: number[]): Promise<Map<number, Person>> {
  const rows = ids.length
    ? await db
        .select({ id: officials.id, name: officials.fullName, position: officials.position })
        .from(officials)
        .where(inArray(officials.id, ids))
    : [];
  return new Map(rows.map((o) => [o.id, { name: o.name, position: o.position }]));
}

const personOf = (people: Map<number, Person>, id: number | null | undefined): Person | null =>
  id ? (people.get(id) ?? null) : null;

/** The head who decided, else the institution's head today (null when there is none). */
async function headOf(
  db: Executor,
  institutionId: CaseContext["c"]["institutionId"],
  decidedBy: Person | null,
  now: Date,
): Promise<Person | null> {
  if (decidedBy) return decidedBy;
  const [h] = await roleHolders(db, institutionId, "head", localDateOf(now));
  if (!h) return null;
  const [o] = await db
    .select({ position: officials.position })
    .from(officials)
    .where(eq(officials.id, h.officialId));
  return { name: h.fullName, position: o?.position ?? "" };
}

function reportFacts(report: NonNullable<Awaited<ReturnType<typeof currentReport>>>): DocFacts["report"] {
  return {
    version: report.version,
    lang: report.lang === "ru" ? "ru" : "kk",
    reasons: report.reasons,
    phone: report.phone,
    conscriptServed: report.conscriptServed,
    submittedOn: localDateOf(report.submittedAt),
  };
}
