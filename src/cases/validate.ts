/** Parsing and checking the officials' free-text answers (dates, numbers, reasons). */
import type { LocalDate } from "../rules";
import { isLocalDate } from "../rules";

export type Invalid = { key: string; params?: Record<string, string | number> };

/** Accepts DD.MM.YYYY (also with / or -) and YYYY-MM-DD. */
export function parseLocalDate(text: string): LocalDate | null {
  const s = text.trim();
  let m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s);
  let iso: string | null = null;
  if (m) iso = `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}`;
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) iso = s;
  return iso && isLocalDate(iso) ? iso : null;
}

/** A date of something that already happened, not before `notBefore` (the report or the decision). */
export function checkPastDate(text: string, today: LocalDate, notBefore: LocalDate): LocalDate | Invalid {
  const d = parseLocalDate(text);
  if (!d) return { key: "invalid.date_format" };
  if (d > today) return { key: "invalid.date_future" };
  if (d < notBefore) return { key: "invalid.date_before", params: { date: formatDate(notBefore) } };
  return d;
}

export function checkText(text: string, min: number, max: number): string | Invalid {
  const t = text.trim();
  if (t.startsWith("/")) return { key: "invalid.command" };
  if (t.length < min) return { key: "invalid.too_short", params: { min } };
  if (t.length > max) return { key: "invalid.too_long", params: { max, len: t.length } };
  return t;
}

export const isInvalid = (v: unknown): v is Invalid => typeof v === "object" && v !== null && "key" in v;

/** DD.MM.YYYY, the form every official in Kazakhstan writes. */
export function formatDate(d: LocalDate): string {
  const [y, m, day] = d.split("-");
  return `${day}.${m}.${y}`;
}
