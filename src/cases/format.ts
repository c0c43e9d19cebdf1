/** How dates, deadlines and people are shown in messages (Asia/Almaty). */
import { DateTime } from "luxon";
import type { T } from "../i18n";
import { type Calendar, type LocalDate, TIME_ZONE, workingDaysLeft, workingDaysOverdue } from "../rules";
import { formatDate } from "./validate";

export { formatDate };

export function formatInstant(d: Date): string {
  return DateTime.fromJSDate(d, { zone: TIME_ZONE }).toFormat("dd.LL.yyyy HH:mm");
}

/**
 * D13: citations as the reader's language writes them ("cl. 20" → "п. 20" / "20-тармақ"); product decision
 * codes (D1–D15) are for the code and its readers, never shown: "cl. 20; D2; D3" → "п. 20".
 */
export function formatCite(t: T, cite: string): string {
  return cite
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "" && !/^D\d+$/.test(part))
    .map((part) => part.replace(/cl\. (\d+)/g, (_, n: string) => t("cite.clause", { n })))
    .join("; ");
}

/**
 * "statutory deadline 27.03.2026 (п. 20) · 2 working day(s) left" — never calls a target statutory (D3); a
 * target is named as the institution's (D13) and cites nothing, since no clause sets it.
 */
export function dueLine(
  t: T,
  step: { dueOn: string | null; dueKind: string | null; cite: string },
  now: Date,
  calendar: Calendar,
): string {
  if (!step.dueOn) return t("due.none");
  const due = step.dueOn as LocalDate;
  const base =
    step.dueKind === "statutory"
      ? t("due.statutory", { date: formatDate(due), cite: formatCite(t, step.cite) })
      : t("due.target", { date: formatDate(due) });
  const overdue = workingDaysOverdue(due, now, calendar);
  if (overdue > 0) return `${base} · ⚠️ ${t("due.overdue", { count: overdue })}`;
  const left = workingDaysLeft(due, now, calendar);
  return `${base} · ${left === 0 ? t("due.today") : t("due.left", { count: left })}`;
}
