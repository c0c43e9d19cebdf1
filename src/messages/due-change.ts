/**
 * After a change of the working-day calendar (src/cases/recompute.ts): one message per official listing
 * their steps whose due date moved, at most MAX_LISTED (src/messages/fit.ts) of them, with a button per
 * case listed.
 */
import { tFor } from "../i18n";
import type { Calendar } from "../rules";
import { MAX_LISTED } from "./fit";
import { dueLine, formatDate } from "./format";
import { caseButtons, type Rendered } from "./keyboards";

export interface DueChangeItem {
  caseId: number;
  stepKey: string;
  institutionId: number;
  dueKind: string | null;
  cite: string;
  before: string | null;
  after: string;
}

/** The message, and the cases it shows buttons for (one case: the message belongs to it, D8). */
export function dueChangeMessage(
  lang: string,
  items: readonly DueChangeItem[],
  now: Date,
  calendarOf: (institutionId: number) => Calendar,
): Rendered & { caseIds: number[] } {
  const t = tFor(lang);
  const shown = items.slice(0, MAX_LISTED);
  const lines = shown.map((c) =>
    t("due_change.item", {
      id: c.caseId,
      step: t(`step.${c.stepKey}`),
      before: c.before ? formatDate(c.before) : "—",
      due: dueLine(t, { dueOn: c.after, dueKind: c.dueKind, cite: c.cite }, now, calendarOf(c.institutionId)),
    }),
  );
  if (items.length > shown.length) lines.push(t("due_change.more", { count: items.length - shown.length }));
  const caseIds = [...new Set(shown.map((c) => c.caseId))].slice(0, MAX_LISTED);
  return { text: [t("due_change.header"), ...lines].join("\n"), buttons: caseButtons(t, caseIds), caseIds };
}
