/**
 * The documents of a case (D12), each in Kazakh or Russian (English for reading only): the learner's report
 * (cl. 19, 25), the cl. 5 interview sheet, the draft order (cl. 21, 26 "prepares"; with the submission for
 * master's and doctoral students, D7) and the cl. 7 letter to the NSC Personnel Department. Pure over
 * DocFacts: generated from the case, never typed twice.
 */
import type { Paragraph } from "docx";
import { filingParts } from "../messages/filing-document";
import { formatDate, plainTextsFor } from "../messages/format";
import { reportParts, sexContext } from "../messages/report-document";
import { expulsionOutcome, isLearnerReportGround, type Language, ORDER_BASIS } from "../rules";
import type { DocFacts } from "./facts";
import type * as Layout from "./layout";

/**
 * The layout (and with it the docx library, some 16 MB of memory) is loaded on the first document built,
 * not when the bot starts: most processes never build one (issue 17, RSS). Set by buildDocument before any
 * builder below runs.
 */
let L: typeof Layout;

export const DOCUMENT_KINDS = ["report", "interview_sheet", "draft_order", "letter"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
/** The report is in the learner's D10 document language; the other documents in the reader's interface language. */
export type DocLang = Language;

/** Raw text (no HTML escaping): documents are not Telegram messages. */
const rawT = (lang: DocLang) => plainTextsFor(lang);

/** Which documents exist for a case as it stands (an interview sheet once the interview is recorded, …). */
export function availableDocuments(f: DocFacts): DocumentKind[] {
  if (f.purged) return [];
  const kinds: DocumentKind[] = [];
  if (f.report) kinds.push("report");
  if (f.interview) kinds.push("interview_sheet");
  kinds.push("draft_order");
  if (f.order) kinds.push("letter");
  return kinds;
}

/** The language a document is written in: the report in the learner's; the others in the reader's (kk/ru). */
export function documentLang(kind: DocumentKind, f: DocFacts, readerLang: string): DocLang {
  if (kind === "report") return f.report?.lang ?? "kk";
  return readerLang === "ru" ? "ru" : readerLang === "en" ? "en" : "kk";
}

/** "Баянат_Нұрланов_А_С_№12.docx": what it is, whose, which case; safe in every file system. */
export function documentFileName(kind: DocumentKind, f: DocFacts, lang: DocLang): string {
  const t = rawT(lang);
  const [surname = "", ...rest] = f.learner.fullName.trim().split(/\s+/);
  const initials = rest.map((w) => [...w][0] ?? "").filter(Boolean);
  const person = [surname, ...initials]
    .join("_")
    .replace(/[^\p{L}\p{N}_-]/gu, "")
    .slice(0, 60);
  // Issue 16: an official's filing is named for what it is (submission, reasoned report, record).
  const what = kind === "report" && f.filing ? t(`filing.file_${f.filing.ground}`) : t(`docx.file_${kind}`);
  return `${what}${person ? `_${person}` : ""}_№${f.caseId}.docx`;
}

function learnerLine(t: ReturnType<typeof rawT>, f: DocFacts): string {
  const l = f.learner;
  return t("docx.learner", {
    rank: l.rank,
    name: l.fullName,
    category: t(`doc.category_${l.category}`),
    faculty: l.faculty,
    course: l.course,
    group: l.groupName,
  });
}

/** Russian texts about this learner agree with their sex; unknown: the base wording (issue 14.6). */
const aboutLearner = (f: DocFacts) => ({ context: sexContext(f.learner.sex) });

const headSignature = (t: ReturnType<typeof rawT>, f: DocFacts) =>
  L.signature(f.head?.position || t("docx.head_position"), f.head?.name ?? "");

/** The stored report's parts: the learner's (ch. 4, 5, 6) or the official's filing (cl. 2, 12, 16). */
function reportOrFilingParts(f: DocFacts) {
  const r = f.report;
  if (!r) throw new Error(`case ${f.caseId} has no stored report`);
  const headTitle = r.lang === "ru" ? f.institution.headTitleRu : f.institution.headTitleKk;
  if (f.filing)
    return filingParts(
      { ...f.filing, lang: r.lang, date: r.submittedOn, headTitle, student: f.learner },
      false,
    );
  if (!isLearnerReportGround(f.ground)) throw new Error(`case ${f.caseId}: no report on ground ${f.ground}`);
  return reportParts(
    {
      ground: f.ground,
      reasons: r.reasons,
      conscriptServed: r.conscriptServed,
      phone: r.phone,
      lang: r.lang,
      date: r.submittedOn,
      headTitle,
      student: { ...f.learner },
    },
    false,
  );
}

function reportDoc(f: DocFacts): { title: string; lang: DocLang; children: Paragraph[] } {
  const r = f.report;
  if (!r) throw new Error(`case ${f.caseId} has no stored report`);
  const p = reportOrFilingParts(f);
  // The signature line "date   rank name": the date left, the learner's signature place right.
  const [date = "", ...who] = p.signed.split(/\s{2,}/);
  return {
    title: p.title,
    lang: r.lang,
    children: [
      ...L.addressee(p.header),
      L.blank(),
      L.centred(p.title, { bold: true, after: 240 }),
      ...p.body.map((line) => L.para(line)),
      L.blank(),
      L.leftRight(date, `________________ ${who.join(" ")}`),
    ],
  };
}

function interviewDoc(f: DocFacts, lang: DocLang) {
  const t = rawT(lang);
  const i = f.interview;
  if (!i) throw new Error(`case ${f.caseId}: no interview recorded yet`);
  const title = t("docx.interview_title");
  const inst = lang === "ru" ? f.institution.nameRu : f.institution.nameKk;
  return {
    title,
    lang,
    children: [
      L.centred(inst),
      L.blank(),
      L.centred(title, { bold: true, after: 240 }),
      L.para(t("docx.interview_date", { date: formatDate(i.date) })),
      L.para(t("docx.interview_learner", { learner: learnerLine(t, f), ...aboutLearner(f) })),
      L.para(t("docx.interview_ground", { ground: t(`docx.ground_${f.ground}`) })),
      L.para(t("docx.interview_by", { position: i.by?.position ?? "", name: i.by?.name ?? "" })),
      L.para(t("docx.interview_body", aboutLearner(f))),
      L.blank(),
      L.para(t("docx.interview_sign_official")),
      L.signature(i.by?.position ?? "", i.by?.name ?? ""),
      L.blank(),
      L.para(t("docx.interview_sign_learner")),
      L.signature(f.learner.rank, f.learner.fullName),
      L.blank(),
      L.para(t("docx.interview_copy", aboutLearner(f))),
    ],
  };
}

function draftOrderDoc(f: DocFacts, lang: DocLang) {
  const t = rawT(lang);
  const basis = ORDER_BASIS[f.ground];
  const release = expulsionOutcome(f.ground, f.category).outcome === "release_to_sending_unit";
  const learner = learnerLine(t, f);
  const ground = t(`docx.ground_${f.ground}`);
  const title = t("docx.order_title");
  const items = [
    L.para(t(release ? "docx.order_item_expulsion" : "docx.order_item_dismissal", { learner, ground })),
  ];
  // D7: master's and doctoral students also get the submission to the sending body's personnel subdivision.
  if (release)
    items.push(
      L.para(
        t("docx.order_item_submission", {
          unit: f.learner.sendingUnit,
          name: `${f.learner.rank} ${f.learner.fullName}`.trim(),
          clause: basis.clause,
        }),
      ),
    );
  return {
    title,
    lang,
    children: [
      L.leftRight("", t("docx.order_draft")),
      L.centred(lang === "ru" ? f.institution.nameRu : f.institution.nameKk),
      L.blank(),
      L.centred(title, { bold: true }),
      L.leftRight(t("docx.order_date_blank"), t("docx.number_blank")),
      L.blank(),
      L.centred(t("docx.order_subject"), { bold: true, after: 240 }),
      L.para(
        t("docx.order_preamble", {
          clause: basis.clause,
          article: basis.article,
          paragraph: basis.paragraph,
        }),
      ),
      ...items,
      L.para(
        t("docx.order_basis", {
          date: f.report ? formatDate(f.report.submittedOn) : t("docx.no_order"),
          decision: f.decisionOn ? formatDate(f.decisionOn) : t("docx.no_order"),
          ...aboutLearner(f),
        }),
      ),
      L.blank(),
      headSignature(t, f),
    ],
  };
}

function letterDoc(f: DocFacts, lang: DocLang) {
  const t = rawT(lang);
  const release = expulsionOutcome(f.ground, f.category).outcome === "release_to_sending_unit";
  const title = t("docx.letter_title", aboutLearner(f));
  return {
    title,
    lang,
    children: [
      ...L.addressee([t("docx.letter_to")]),
      L.blank(),
      L.leftRight(t("docx.number_blank"), t("docx.order_date_blank")),
      L.blank(),
      L.centred(title, { bold: true, after: 240 }),
      L.para(
        t("docx.letter_body", {
          number: f.order?.number ?? t("docx.no_order"),
          date: f.order ? formatDate(f.order.date) : t("docx.no_order"),
          institution: lang === "ru" ? f.institution.nameRu : f.institution.nameKk,
          learner: learnerLine(t, f),
          ground: t(`docx.ground_${f.ground}`),
          ...aboutLearner(f),
        }),
      ),
      L.para(
        release
          ? t("docx.letter_outcome_release", { unit: f.learner.sendingUnit })
          : t("docx.letter_outcome_dismissal"),
      ),
      L.blank(),
      headSignature(t, f),
    ],
  };
}

/** One document of a case as a DOCX file. */
export async function buildDocument(
  kind: DocumentKind,
  f: DocFacts,
  readerLang: string,
): Promise<{ fileName: string; lang: DocLang; data: Buffer }> {
  L ??= await import("./layout");
  const lang = documentLang(kind, f, readerLang);
  const d =
    kind === "report"
      ? reportDoc(f)
      : kind === "interview_sheet"
        ? interviewDoc(f, lang)
        : kind === "draft_order"
          ? draftOrderDoc(f, lang)
          : letterDoc(f, lang);
  const data = await L.toBuffer(L.officialDocument(d.title, d.lang, d.children));
  return { fileName: documentFileName(kind, f, d.lang), lang: d.lang, data };
}
