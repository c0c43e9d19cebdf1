/**
 * The formal report (баянат / рапорт) addressed to the head (cl. 19, 25), in Kazakh or Russian as the
 * learner chooses (D10). Values are HTML-escaped by i18next; the layout is plain lines.
 */
import { tFor } from "../i18n";
import { conscriptMatters, type DocumentLanguage, type LearnerReportGround } from "../rules";
import { formatDate, unescaped } from "./format";

/** The learner's roster data the report is written from (src/cases/submit.ts rosterSnapshot). */
export interface ReportStudent {
  fullName: string;
  rank: string;
  category: string;
  faculty: string;
  course: string;
  groupName: string;
  sendingUnit: string;
  /** "M", "F"; anything else (null, "") is unknown. */
  sex?: string | null;
}

export interface ReportData {
  ground: LearnerReportGround;
  reasons: string;
  /** Not written in a ch. 5 report (no cl. 7 referral follows there, D11); stored as false for it. */
  conscriptServed: boolean;
  phone: string | null;
  lang: DocumentLanguage;
  date: string; // YYYY-MM-DD
  headTitle: string;
  /**
   * The learner's roster data, filled into the document's header and signature. `sex` ("M", "F"; else
   * unknown) only picks the Russian agreement of the conscript line (issue 14.6).
   */
  student: ReportStudent;
}

/** The report's parts, in its language: the address block, the title, the body lines, the signature line. */
export interface ReportParts {
  header: string[];
  title: string;
  body: string[];
  signed: string;
}

/**
 * The report as parts (D12: the one wording of the report, shared by the preview, the officials' cards and
 * the DOCX file). `html`: values HTML-escaped for Telegram; false for a document file (raw text).
 */
export function reportParts(d: ReportData, html = true): ReportParts {
  const base = tFor(d.lang);
  const t = html ? base : unescaped(base);
  const s = d.student;
  const header = [
    t("doc.to", { headTitle: d.headTitle }),
    t("doc.from", { rank: s.rank, name: s.fullName }),
    t("doc.from_details", {
      category: t(`doc.category_${s.category}`),
      faculty: s.faculty,
      course: s.course,
      group: s.groupName,
    }),
  ];
  // Master's and doctoral students return to the unit that sent them (cl. 21, 22).
  if (s.category !== "cadet" && s.sendingUnit) header.push(t("doc.from_unit", { unit: s.sendingUnit }));
  const body = [
    t(`doc.body_${d.ground}`),
    // Ch. 5: the learner writes the Decree's number and date and the circumstances, not reasons.
    t(d.ground === "citizenship" ? "doc.reasons_citizenship" : "doc.reasons", { reasons: d.reasons }),
  ];
  // D11: the conscript line only where a cl. 7 referral can follow (not ch. 5). Russian agrees with the
  // learner ("проходил" / "проходила"); unknown sex: a wording without it.
  const conscript = d.conscriptServed ? "doc.conscript_yes" : "doc.conscript_no";
  if (conscriptMatters(d.ground)) body.push(t(conscript, { context: sexContext(s.sex) }));
  if (d.phone) body.push(t("doc.phone", { phone: d.phone }));
  return {
    header,
    title: t("doc.title"),
    body,
    signed: t("doc.signed", { date: formatDate(d.date), rank: s.rank, name: s.fullName }),
  };
}

/** The report as Telegram HTML (the preview, and the text stored with the case, D12). */
export function renderReport(d: ReportData): string {
  const p = reportParts(d);
  return [p.header.join("\n"), `<b>${p.title}</b>`, p.body.join("\n"), p.signed].join("\n\n");
}

/**
 * The i18next context of a text about the learner: ru has key_male / key_female beside the base key, which
 * is worded without agreement and used when the sex is unknown (or in kk and en, which have no variants).
 */
export function sexContext(sex: string | null | undefined): "male" | "female" | undefined {
  if (sex === "M") return "male";
  if (sex === "F") return "female";
  return undefined;
}
