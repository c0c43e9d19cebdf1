/**
 * Breach notices (src/jobs/breach.ts): one step breached is told in full; several at once (one tick, one
 * recipient) as a list of at most MAX_LISTED items. A list too long for one message (long names) goes as
 * several, whole items each, every part with its header and the buttons of its own cases (issue 12.4).
 */
import { tFor } from "../i18n";
import type { Calendar } from "../rules";
import { MAX_LISTED, MESSAGE_BUDGET, packLines, textLength } from "./fit";
import { caseRef, dueLine } from "./format";
import { caseButtons, type Rendered } from "./keyboards";

/** How much of an escalation item the holders' names may take (characters). */
const NAMES_BUDGET = 150;

export interface BreachItem {
  caseId: number;
  institutionId: number;
  key: string;
  role: string;
  dueOn: string;
  dueKind: string | null;
  cite: string;
  /** The names of the step's holders (the escalation says who is responsible). */
  names: readonly string[];
}

/** The holders' names, as many as fit NAMES_BUDGET (always the first), then "+N" (issue 12.4). */
export function holderNames(names: readonly string[]): string {
  const all = [...new Set(names)];
  if (all.length === 0) return "—";
  const shown = [all[0]!];
  let len = all[0]!.length;
  for (const n of all.slice(1)) {
    if (len + 2 + n.length > NAMES_BUDGET) break;
    shown.push(n);
    len += 2 + n.length;
  }
  return all.length > shown.length ? `${shown.join(", ")}, +${all.length - shown.length}` : shown.join(", ");
}

/**
 * The notices to one recipient for these steps: their own (`escalation` false) or escalated to them. Each
 * message comes with the cases it shows buttons for (one case: the message belongs to it, D8). With the
 * bot's username, each case is a link that opens it in the bot (issue 14.10).
 */
export function breachMessages(
  lang: string,
  steps: readonly BreachItem[],
  escalation: boolean,
  ctx: { now: Date; calendarOf: (institutionId: number) => Calendar; botUsername?: string | null },
): (Rendered & { caseIds: number[] })[] {
  const t = tFor(lang);
  const args = (s: BreachItem) => ({
    ref: caseRef(t, s.caseId, ctx.botUsername),
    step: t(`step.${s.key}`),
    role: t(`role.${s.role}`),
    names: holderNames(s.names),
    due: dueLine(t, s, ctx.now, ctx.calendarOf(s.institutionId)),
  });
  const message = (text: string, caseIds: number[]) => ({ text, buttons: caseButtons(t, caseIds), caseIds });
  if (steps.length === 1)
    return [
      message(t(escalation ? "breach.escalation" : "breach.holder", args(steps[0]!)), [steps[0]!.caseId]),
    ];
  const shown = steps.slice(0, MAX_LISTED);
  const lines = shown.map((s) => ({
    caseId: s.caseId,
    text: t(escalation ? "breach.escalation_item" : "breach.item", args(s)),
  }));
  if (steps.length > shown.length)
    lines.push({ caseId: 0, text: t("breach.more", { count: steps.length - shown.length }) });
  const wrap = (items: string) =>
    t(escalation ? "breach.escalation_many" : "breach.holder_many", { count: steps.length, items });
  const budget = MESSAGE_BUDGET - textLength(wrap(""));
  return packLines(lines, budget).map((chunk) =>
    message(
      wrap(chunk.map((l) => l.text).join("\n")),
      [...new Set(chunk.map((l) => l.caseId))].filter((id) => id > 0),
    ),
  );
}
