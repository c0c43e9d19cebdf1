/**
 * Issue 16: the document an official files to open a case, as stored with it (D12: officials read what is
 * stored) and shown on every card like a learner's report. Ch. 2: the academic-methods head's submission
 * (cl. 12–14); ch. 3: the educational subdivision head's reasoned report (cl. 16); cl. 2: personnel's record
 * of an expulsion by a foreign educational organisation. In Kazakh or Russian (D10).
 */
import { tFor } from "../i18n";
import type { DocumentLanguage, OfficialOpenedGround } from "../rules";
import { formatDate, unescaped } from "./format";
import type { ReportParts, ReportStudent } from "./report-document";

export interface FilingData {
  ground: OfficialOpenedGround;
  lang: DocumentLanguage;
  /** YYYY-MM-DD: the day it was filed. */
  date: string;
  headTitle: string;
  /** The official who files it, and his role (for the signature). */
  by: { name: string; role: string };
  student: ReportStudent & { personalNumber?: string };
  /** Ch. 2: the debt in words; ch. 3: the reasons; cl. 2: the foreign organisation's document. */
  text: string;
  /** Ch. 2: the last day of the debt-clearing period; cl. 2: the foreign organisation and its date. */
  facts: { debtEndsOn?: string; foreignOrg?: string; expelledOn?: string };
  /** What is attached, by kind: files sent to the bot and pages on paper. */
  attachments: readonly { kind: string; files: number; pages: number }[];
}

/** The filing's parts, like a report's (reportParts): `html` false for a document file (raw text). */
export function filingParts(d: FilingData, html = true): ReportParts {
  const t = html ? tFor(d.lang) : unescaped(tFor(d.lang));
  const s = d.student;
  const header = [
    t("doc.to", { headTitle: d.headTitle }),
    t("filing.from", { role: t(`role.${d.by.role}`), name: d.by.name }),
  ];
  const learner = t("filing.learner", {
    rank: s.rank,
    name: s.fullName,
    category: t(`doc.category_${s.category}`),
    group: s.groupName,
  });
  const body = [t(`filing.body_${d.ground}`, { learner })];
  if (d.facts.debtEndsOn) body.push(t("filing.debt_ends", { date: formatDate(d.facts.debtEndsOn) }));
  if (d.facts.foreignOrg) body.push(t("filing.foreign_org", { org: d.facts.foreignOrg }));
  if (d.facts.expelledOn) body.push(t("filing.expelled_on", { date: formatDate(d.facts.expelledOn) }));
  body.push(t(`filing.text_${d.ground}`, { text: d.text }));
  if (d.attachments.length > 0) {
    body.push(t("filing.attached"));
    for (const a of d.attachments) {
      const what = [
        ...(a.files > 0 ? [t("filing.files", { count: a.files })] : []),
        ...(a.pages > 0 ? [t("filing.pages", { count: a.pages })] : []),
      ].join(", ");
      body.push(t("filing.attached_item", { name: t(`attachment.${a.kind}`), what }));
    }
  }
  return {
    header,
    title: t(`filing.title_${d.ground}`),
    body,
    signed: t("filing.signed", { date: formatDate(d.date), name: d.by.name }),
  };
}

/** The filing as Telegram HTML (values escaped by i18next), stored with the case (D12). */
export function renderFiling(d: FilingData): string {
  const p = filingParts(d);
  return [p.header.join("\n"), `<b>${p.title}</b>`, p.body.join("\n"), p.signed].join("\n\n");
}

/** Attachments counted by kind, in the order of `kinds` (the ground's required kinds first). */
export function attachmentsByKind(
  list: readonly { kind: string; media: string; pages?: number | null }[],
): { kind: string; files: number; pages: number }[] {
  const out = new Map<string, { kind: string; files: number; pages: number }>();
  for (const a of list) {
    const row = out.get(a.kind) ?? { kind: a.kind, files: 0, pages: 0 };
    if (a.media === "paper") row.pages += a.pages ?? 0;
    else row.files += 1;
    out.set(a.kind, row);
  }
  return [...out.values()];
}
