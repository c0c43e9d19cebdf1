/**
 * How dates, sums, deadlines, cites and cases are shown in messages (Asia/Almaty), and the translator for
 * text that is not Telegram HTML (toasts, document files).
 */
import { DateTime } from "luxon";
import { type T, tFor } from "../i18n";
import { type Calendar, type LocalDate, TIME_ZONE, workingDaysLeft, workingDaysOverdue } from "../rules";
import { caseLink } from "./callbacks";

/** DD.MM.YYYY, the form every official in Kazakhstan writes. */
export function formatDate(d: LocalDate): string {
  const [y, m, day] = d.split("-");
  return `${day}.${m}.${y}`;
}

export function formatInstant(d: Date): string {
  return DateTime.fromJSDate(d, { zone: TIME_ZONE }).toFormat("dd.LL.yyyy HH:mm");
}

/** "1234567.5" → "1 234 567,50 ₸" */
export function formatAmount(amount: string): string {
  const [whole, frac] = amount.split(".");
  const grouped = (whole ?? "").replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  return `${grouped}${frac ? `,${frac}` : ""} ₸`;
}

/**
 * D13: citations as the reader's language writes them ("cl. 20" → "п. 20" / "20-тармақ"); product decision
 * codes (D1–D16) are for the code and its readers, never shown: "cl. 20; D2; D3" → "п. 20".
 */
export function formatCite(t: T, cite: string): string {
  return cite
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "" && !/^D\d+$/.test(part))
    .map((part) => part.replace(/cl\. (\d+)/g, (_, n: string) => t("cite.clause", { n })))
    .join("; ");
}

/** A step's due date as the due line reads it. */
export interface DueView {
  dueOn: string | null;
  dueKind: string | null;
  cite: string;
}

/**
 * "statutory deadline 27.03.2026 (п. 20) · 2 working day(s) left" — never calls a target statutory (D3); a
 * target is named as the institution's (D13) and cites nothing, since no clause sets it.
 */
export function dueLine(t: T, step: DueView, now: Date, calendar: Calendar): string {
  if (!step.dueOn) return t("due.none");
  const due = step.dueOn as LocalDate;
  const base = dueBase(t, step);
  const overdue = workingDaysOverdue(due, now, calendar);
  if (overdue > 0) return `${base} · ⚠️ ${t("due.overdue", { count: overdue })}`;
  const left = workingDaysLeft(due, now, calendar);
  return `${base} · ${left === 0 ? t("due.today") : t("due.left", { count: left })}`;
}

/** The due date alone, statutory or the institution's target (D3, D13): "statutory deadline 27.03.2026 (п. 20)". */
export function dueBase(t: T, step: DueView): string {
  if (!step.dueOn) return t("due.none");
  const date = formatDate(step.dueOn as LocalDate);
  return step.dueKind === "statutory"
    ? t("due.statutory", { date, cite: formatCite(t, step.cite) })
    : t("due.target", { date });
}

/** What Telegram allows in a username; anything else never goes into an href. */
const USERNAME = /^[A-Za-z0-9_]{4,32}$/;

export const usableUsername = (name: string | null | undefined): string | null =>
  name && USERNAME.test(name) ? name : null;

/**
 * A case as the jobs' notices name it (issue 14.10): "Case No. 12", linked to the case in the bot
 * (`t.me/<bot>?start=case_12`, which /start checks against the viewer's rights) when the bot's username
 * is known. Without it (getMe failed at jobs start) the reference is plain text: a notice is never held
 * up for a link. Telegram HTML.
 */
export function caseRef(
  t: T,
  caseId: number,
  botUsername: string | null | undefined,
  text = t("links.case", { id: caseId }),
): string {
  const user = usableUsername(botUsername);
  return user ? `<a href="${caseLink(user, caseId)}">${text}</a>` : text;
}

/**
 * The same translations with values left as they are: for text Telegram shows as plain (a callback
 * answer, issue 12.13: "Ivan & Co", not "Ivan &amp; Co") and for document files, which are not HTML.
 */
export function unescaped(t: T): (key: string, opts?: Record<string, unknown>) => string {
  return (key, opts = {}) => t(key, { ...opts, interpolation: { escapeValue: false } }) as string;
}

/** A document file's translator (raw text, no HTML escaping) in `lang`. */
export const plainTextsFor = (lang: string): ((key: string, opts?: Record<string, unknown>) => string) =>
  unescaped(tFor(lang));
