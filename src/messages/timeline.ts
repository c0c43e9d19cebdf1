/**
 * A case's timeline (/status for the learner, /case for an official): each step, who acts, its due date
 * (statutory or target), done or pending, what next, and what the learner has from the case so far.
 */
import { escapeHtml, type T } from "../i18n";
import { isOpenCase, type LocalDate } from "../rules";
import { dueLine, formatAmount, formatDate, formatInstant } from "./format";
import type { CaseViewContext } from "./views";

const ICON: Record<string, string> = { done: "✅", pending: "⏳", cancelled: "▫️" };

/** `forOfficial`: the learner's name, category and group head the steps. */
export function timelineText(t: T, cc: CaseViewContext, now: Date, forOfficial = false): string {
  const { c, wf, steps } = cc;
  if (c.purgedAt) return t("case.purged", { id: c.id });
  const parts = [
    t("status.header", {
      id: c.id,
      ground: t(`ground.${c.ground}`),
      date: formatDate(c.registeredOn as LocalDate),
      state: t(`state.${c.state}`),
    }),
  ];
  if (forOfficial && c.studentSnapshot) {
    const s = c.studentSnapshot;
    // Roster values are raw text: escaped here, once (issue 12.13); the category label is ours.
    const raw = (v: string | undefined) => escapeHtml(v ?? "");
    parts.push(
      `${raw(s.rank)} ${raw(s.fullName)}, ${t(`category.${c.category}`)}, ${raw(s.groupName)}`.trim(),
    );
  }
  const lines = steps.map((s) =>
    t("status.step", {
      icon: ICON[s.state] ?? "•",
      step: t(`step.${s.key}`),
      role: t(`role.${s.role}`),
      due: s.state === "done" && s.doneAt ? `${formatInstant(s.doneAt)}` : dueLine(t, s, now, cc.calendar),
    }),
  );
  // Steps not opened yet, in workflow order, so the learner sees the whole road.
  const opened = new Set(steps.map((s) => s.key));
  const upcoming = isOpenCase(c.state) ? wf.steps.filter((d) => !opened.has(d.key)) : [];
  for (const d of upcoming) lines.push(`◻️ ${t(`step.${d.key}`)}\n    ${t(`role.${d.role}`)}`);
  parts.push(lines.join("\n"));
  const outcome = outcomeLines(t, cc);
  if (outcome.length > 0) parts.push([t("status.outcome"), ...outcome].join("\n"));
  if (c.state === "sent_back") {
    // D6: the report waits on the learner; say why.
    parts.push(t("status.sent_back", { reason: c.outcomeReason ?? "" }));
  } else {
    const next = isOpenCase(c.state) ? steps.find((s) => s.state === "pending") : undefined;
    if (next) parts.push(t("status.next", { step: t(`step.${next.key}`), role: t(`role.${next.role}`) }));
    // Ch. 5 (cl. 23): what the learner does for the Decree check, while it waits.
    const decree = steps.some((s) => s.key === "verify_decree" && s.state === "pending");
    if (!forOfficial && isOpenCase(c.state) && decree) parts.push(t("status.decree_hint"));
  }
  return parts.join("\n\n");
}

/** What the learner has from the case so far: the order, the submission, the transcript, the referral, the sum (D11). */
function outcomeLines(t: T, cc: CaseViewContext): string[] {
  const done = (key: string) => cc.steps.find((s) => s.key === key && s.state === "done");
  const r = (key: string) => (done(key)?.result ?? {}) as Record<string, string>;
  const on = (key: string) => {
    const at = done(key)?.doneAt;
    return at ? formatInstant(at).slice(0, 10) : "";
  };
  const lines: string[] = [];
  for (const key of ["order", "foreign_order"])
    if (done(key))
      lines.push(
        t("status.outcome_order", { number: r(key).number ?? "", date: formatDate(r(key).date ?? "") }),
      );
  for (const key of ["submission", "foreign_submission"])
    if (done(key))
      lines.push(
        t("status.outcome_submission", { number: r(key).number ?? "", date: formatDate(r(key).date ?? "") }),
      );
  if (done("transcript")) lines.push(t("status.outcome_transcript", { date: on("transcript") }));
  if (done("military_referral")) lines.push(t("status.outcome_referral", { date: on("military_referral") }));
  if (done("cost_calculation") && r("cost_calculation").amount)
    lines.push(t("status.outcome_amount", { amount: formatAmount(r("cost_calculation").amount!) }));
  return lines;
}
