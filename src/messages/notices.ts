/**
 * Notices: to the learner at every milestone of their case (each ends with "📋 Status"), and to officials
 * and administrators when something about a case changes under them (an opinion for the head, a withdrawal,
 * a new version of the report, nobody to act on a step, a user who blocked the bot).
 */
import { DEFAULT_LANG, type T, tFor } from "../i18n";
import { completeReport, MENU } from "./callbacks";
import { formatAmount, formatDate } from "./format";
import { type Buttons, caseButtons, type Rendered, statusButton } from "./keyboards";

/** What the learner is told, by milestone (src/cases/act.ts says which, D6, D11). */
export type LearnerNotice =
  /**
   * The receipt of a report filed (its registration date) or completed (its version). What comes next
   * depends on the ground (ch. 5: the Decree is checked, cl. 23) and on whether the case has the cl. 4
   * interview (D5); without them, a ch. 4 or ch. 6 report with the interview.
   */
  | { kind: "submitted"; date: string; ground?: string; interview?: boolean }
  /** Issue 16: an official opened a case on the learner (cl. 2, 12, 16). */
  | { kind: "opened"; ground: string }
  | { kind: "resubmitted"; version: number }
  | { kind: "rejected"; reason: string }
  /** D6: the head sent the report back; "Complete the report" comes with it. */
  | { kind: "sent_back"; reason: string }
  | { kind: "interview"; date: string }
  | { kind: "instructed" }
  | { kind: "conversation" }
  /** `documents`: the keys of the steps that record the personnel documents to come (order, submission). */
  | { kind: "approved"; documents: readonly string[] }
  | { kind: "transcript" }
  | { kind: "referral" }
  | { kind: "amount"; amount: string }
  /** An order or a submission recorded; `referral`: the case also has the cl. 7 referral to come. */
  | { kind: "order" | "submission"; number: string; date: string; referral: boolean }
  | { kind: "closed" };

/** A notice to the learner about case `caseId`, in their language, with "📋 Status" (and what it needs). */
export function learnerNotice(lang: string, caseId: number, n: LearnerNotice): Rendered {
  const t = tFor(lang);
  const buttons: Buttons = [];
  let params: Record<string, string | number> = {};
  switch (n.kind) {
    case "interview":
      params = { date: formatDate(n.date) };
      break;
    case "opened":
      params = { ground: t(`ground.${n.ground}`) };
      break;
    case "resubmitted":
      params = { version: n.version };
      break;
    case "rejected":
      params = { reason: n.reason };
      break;
    case "sent_back":
      params = { reason: n.reason };
      buttons.push([{ text: t("btn.complete_report"), data: completeReport.pack(caseId) }]);
      break;
    case "approved":
      params = { documents: n.documents.map((k) => t(`doc_name.${k}`)).join(t("list.and")) };
      break;
    case "amount":
      params = { amount: n.amount ? formatAmount(n.amount) : "" };
      break;
    case "order":
    case "submission":
      params = {
        number: n.number,
        date: formatDate(n.date),
        extra: n.referral ? t("notice.order_referral") : "",
      };
      break;
  }
  // Every notice to a learner ends with "📋 Status" (the case's whole road, what comes next).
  buttons.push([statusButton(t)]);
  if (n.kind === "submitted") return { text: submittedText(t, caseId, n), buttons };
  return { text: t(`notice.${n.kind}`, { id: caseId, ...params }), buttons };
}

/**
 * The receipt of a filed report: the queued notice and the report conversation's own answer say the same.
 * Ch. 5: the personnel subdivision checks the Decree (cl. 23), and the cl. 4 interview only where the
 * institution's map makes citizenship a reimbursement ground (D5); elsewhere the interview is named when the
 * case has it.
 */
export function submittedText(
  t: T,
  caseId: number,
  n: { date: string; ground?: string; interview?: boolean },
): string {
  const interview = n.interview ?? true;
  const key =
    n.ground === "citizenship"
      ? interview
        ? "notice.submitted_citizenship_interview"
        : "notice.submitted_citizenship"
      : interview
        ? "notice.submitted"
        : "notice.submitted_no_interview";
  return t(key, { id: caseId, date: formatDate(n.date) });
}

/**
 * Issue 14.5: the learner's report draft goes tomorrow (untouched since `since`); the button resumes it
 * (the menu's report button).
 */
export function draftExpiringNotice(lang: string, since: string): Rendered {
  const t = tFor(lang);
  return {
    text: t("draft.expiring", { date: formatDate(since) }),
    buttons: [[{ text: t("draft.resume"), data: MENU.report }]],
  };
}

/** D4, D6: an opinion, told to the head when it is given, with the case's button. */
export function opinionNotice(
  lang: string,
  o: { caseId: number; role: string; name: string; disagree: boolean; reason: string },
): Rendered {
  const t = tFor(lang);
  return {
    text: t(o.disagree ? "opinion.notice_disagree" : "opinion.notice_agree", {
      id: o.caseId,
      role: t(`role.${o.role}`),
      name: o.name,
      reason: o.reason,
    }),
    buttons: caseButtons(t, [o.caseId]),
  };
}

/** D6: the learner withdrew the case; to the officials who had its steps. */
export const withdrawnNotice = (lang: string | undefined, caseId: number): string =>
  tFor(lang)("notice.withdrawn", { id: caseId });

/** D6, D12: the learner completed the report; to every official who saw an earlier version. */
export const newVersionNotice = (
  lang: string | undefined,
  caseId: number,
  report: { version: number; document: string },
): string =>
  tFor(lang)("notice.new_version", { id: caseId, version: report.version, document: report.document });

/** To the administrators: a user blocked the bot (once per user). */
export const unreachableNotice = (
  lang: string | undefined,
  telegramId: number,
  caseId: number | null,
): string => tFor(lang)("notice.unreachable", { telegramId, caseId: caseId ?? "—" });

/**
 * D14: a step of a case has nobody to act on it; to the institution's administrators and head, with what to
 * do: invite the officials of the role who have not joined, or add one with the role.
 */
export function noHolderAlert(
  lang: string,
  a: {
    caseId: number;
    stepKey: string;
    role: string;
    institutionCode: string;
    waiting: readonly { fullName: string; officialId: number }[];
  },
): string {
  const t = tFor(lang);
  const todo =
    a.waiting.length > 0
      ? t("no_holder.todo_invite", {
          list: a.waiting
            .map((o) => t("no_holder.todo_invite_item", { name: o.fullName, officialId: o.officialId }))
            .join("\n"),
        })
      : t("no_holder.todo_add", { code: a.institutionCode, roleKey: a.role });
  return t("no_holder.alert", {
    id: a.caseId,
    step: t(`step.${a.stepKey}`),
    role: t(`role.${a.role}`),
    todo,
  });
}

/** D8: the stub that replaces a purged message's text, in the default language (the reader is not known). */
export const purgeStub = (): string => tFor(DEFAULT_LANG)("purge.stub");
