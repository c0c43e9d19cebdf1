/**
 * The task card an official gets for a step: the facts at a glance, the learner's report as stored (D4,
 * D12: every official reads the whole report in the learner's language), for the head every opinion given
 * and the ones missing (D6), and one button per action. Telegram caps a message at 4,096 characters: a card
 * that would not fit sends the report as a message of its own just before it.
 *
 * Also the lines a card becomes once its step is over (done, no longer needed, moved to the current
 * procedure), and a step's recorded result in words.
 */
import { escapeHtml, type T, tFor } from "../i18n";
import { opinionSteps } from "../rules";
import { caseAttachmentsButton, stepAction, stepDocuments } from "./callbacks";
import { textLength } from "./fit";
import { dueLine, formatAmount, formatDate, formatInstant } from "./format";
import type { Buttons, Rendered } from "./keyboards";
import type { CaseViewContext, StepView } from "./views";

/** Telegram's limit is 4,096; keep a margin for the entities Telegram counts differently. */
export const MESSAGE_LIMIT = 4000;
/** An opinion's or a record's text on the head's card, when the card would not fit otherwise. */
const SHORT_TEXT = 500;

export interface CardFacts {
  /** The stored report (D12), or null when there is none (a case registered by personnel). */
  report: { version: number; document: string } | null;
  /** Names of the officials who did the case's steps. */
  names: ReadonlyMap<number, string>;
  /** Issue 16: files sent to the bot and paper documents put before the head with the report. */
  attachments?: AttachmentCount;
}

export interface AttachmentCount {
  files: number;
  paper: number;
}

/** "📎 2 files, 1 on paper" under the report; null when nothing is attached. */
export function attachmentsLine(t: T, a: AttachmentCount | undefined): string | null {
  if (!a || a.files + a.paper === 0) return null;
  return t("task.attachments", { files: a.files, paper: a.paper });
}

/** The button that re-sends a case's files (only when it has files). */
export function attachmentsButton(t: T, caseId: number, a: AttachmentCount | undefined) {
  return a && a.files > 0
    ? [{ text: t("btn.attachments", { count: a.files }), data: caseAttachmentsButton.pack(caseId) }]
    : [];
}

/** The head's cards (instruction and decision) show the opinions and what came before the decision. */
const HEAD_STEPS: ReadonlySet<string> = new Set(["instruct", "decide"]);

/**
 * The card, as one message with the buttons, or two when the report must go first on its own. `actions`:
 * the step's actions (src/cases/actions.ts), a button each.
 */
export function taskCard(
  lang: string,
  ctx: CaseViewContext,
  step: StepView,
  actions: readonly { action: string }[],
  now: Date,
  facts: CardFacts,
  /** False when this official got the report on another card of the same batch, just above. */
  withReport = true,
): Rendered[] {
  const t = tFor(lang);
  const { c } = ctx;
  const s = c.studentSnapshot ?? {};
  let head = t("task.head", {
    id: c.id,
    ground: t(`ground.${c.ground}`),
    rank: s.rank ?? "",
    name: s.fullName ?? "",
    category: t(`category.${c.category}`),
    group: s.groupName ?? "",
    step: t(`step.${step.key}`),
    due: dueLine(t, step, now, ctx.calendar),
  });
  const report = !withReport
    ? t("task.report_above")
    : facts.report
      ? t("task.report", { version: facts.report.version, document: facts.report.document })
      : t("task.reasons", { reasons: c.reasons ?? "—" });
  const buttons: Buttons = actions.map((a) => [
    { text: t(`btn.${a.action}`), data: stepAction.pack(step.id, a.action) },
  ]);
  // D12: the report (and what this step needs) as DOCX files; issue 16: the files attached to it.
  buttons.push([
    { text: t("docx.button"), data: stepDocuments.pack(step.id) },
    ...attachmentsButton(t, c.id, facts.attachments),
  ]);
  const forHead = HEAD_STEPS.has(step.key);
  const attached = attachmentsLine(t, facts.attachments);
  if (attached) head = `${head}\n${attached}`;
  const full = [head, report, ...(forHead ? headBlocks(t, ctx, facts, Number.POSITIVE_INFINITY) : [])];
  if (textLength(full.join("\n\n")) <= MESSAGE_LIMIT) return [{ text: full.join("\n\n"), buttons }];
  // Too long for one message: the report alone first, then the card with shortened opinions. Neither is
  // cut (D12: the report is read whole): one still over the limit is split by the outbox (issue 12.4).
  const card = [head, t("task.report_above"), ...(forHead ? headBlocks(t, ctx, facts, SHORT_TEXT) : [])];
  return [{ text: report }, { text: card.join("\n\n"), buttons }];
}

/** D6: for the head, the opinions given and missing (D4), and the steps the text puts before the decision. */
export function headBlocks(t: T, ctx: CaseViewContext, facts: CardFacts, maxText: number): string[] {
  const blocks: string[] = [];
  const byKey = new Map(ctx.steps.map((s) => [s.key, s]));
  const who = (s: StepView) => {
    const name = s.doneByOfficialId ? (facts.names.get(s.doneByOfficialId) ?? "") : "";
    return name ? `${t(`role.${s.role}`)} (${escapeHtml(name)})` : t(`role.${s.role}`);
  };
  const lines = opinionSteps(ctx.wf).map((def) => {
    const row = ctx.steps.find((s) => s.key === def.key && s.state === "done");
    if (!row) return t("opinion.missing", { role: t(`role.${def.role}`) });
    const r = (row.result ?? {}) as { action?: string; reason?: string };
    // An opinion given under the first chain (endorsed with an interview, or a waiver) read as agreement.
    if (r.action === "disagree")
      return t("opinion.disagree", { who: who(row), reason: short(r.reason ?? "", maxText) });
    return t("opinion.agree", { who: who(row) });
  });
  if (lines.length > 0) blocks.push([t("opinion.header"), ...lines].join("\n"));
  const before: string[] = [];
  // Cl. 12, 16: the deputy head's agreement, which the text puts before the head (ch. 2, 3).
  for (const key of ["agree_academic", "agree_upbringing"] as const) {
    const row = byKey.get(key);
    if (row?.state !== "done") continue;
    const r = (row.result ?? {}) as { action?: string; reason?: string };
    before.push(
      r.action === "disagree"
        ? t("before.agreement_disagree", { who: who(row), reason: short(r.reason ?? "", maxText) })
        : t("before.agreement", { who: who(row) }),
    );
  }
  // Cl. 23: how personnel checked the Decree.
  const decree = byKey.get("verify_decree");
  if (decree?.state === "done") {
    const r = (decree.result ?? {}) as { action?: string };
    before.push(
      t(r.action === "copy_checked" ? "before.decree_copy_checked" : "before.decree_original", {
        who: who(decree),
      }),
    );
  }
  const interview = byKey.get("interview");
  if (interview?.state === "done") {
    const r = (interview.result ?? {}) as { date?: string };
    before.push(t("before.interview", { date: r.date ? formatDate(r.date) : "—", who: who(interview) }));
  }
  const conversation = byKey.get("conversation");
  if (conversation?.state === "done") {
    const r = (conversation.result ?? {}) as { note?: string };
    before.push(t("before.conversation", { note: short(r.note ?? "", maxText), who: who(conversation) }));
  }
  if (before.length > 0) blocks.push([t("before.header"), ...before].join("\n"));
  return blocks;
}

/** A step's recorded result in words (for status lines, the timeline and notices). */
export function resultText(t: T, action: string, values: Record<string, unknown>): string {
  const v = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : "");
  return t(`action.${action}`, {
    date: v("date") ? formatDate(v("date")) : "",
    reason: v("reason"),
    number: v("number"),
    amount: v("amount") ? formatAmount(v("amount")) : "",
  });
}

/** The mark of a retired task card: a refusal, a disagreement or a sending back is not a ✅ (review 5.2). */
const DONE_ICON: Readonly<Record<string, string>> = { reject: "✖", disagree: "✖", sendback: "↩" };

/** What every copy of a step's card becomes once the step is done (or the report sent back). */
export function stepDoneLine(
  lang: string,
  d: {
    caseId: number;
    stepKey: string;
    action: string;
    values: Record<string, unknown>;
    /** Who did it. */
    name: string;
    at: Date;
  },
): string {
  const t = tFor(lang);
  return t("task.done", {
    icon: DONE_ICON[d.action] ?? "✅",
    id: d.caseId,
    step: t(`step.${d.stepKey}`),
    action: resultText(t, d.action, d.values),
    name: d.name,
    at: formatInstant(d.at),
  });
}

/** A card whose step is no longer needed; `why` names the reason (rejected, withdrawn, decided, closed). */
export function stepCancelledLine(lang: string, caseId: number, stepKey: string, why: string): string {
  const t = tFor(lang);
  return t("task.cancelled", { id: caseId, step: t(`step.${stepKey}`), why: t(`why.${why}`) });
}

/** A card retired when its case moved to the current procedure (its new card follows). */
export function stepMigratedLine(lang: string, caseId: number, stepKey: string): string {
  const t = tFor(lang);
  return t("task.migrated", { id: caseId, step: t(`step.${stepKey}`) });
}

const short = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
