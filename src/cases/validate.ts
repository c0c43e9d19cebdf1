/** Parsing and checking typed answers: the learner's report (reasons, phone) and the officials' (dates, sums, reasons). */
import { formatDate } from "../messages/format";
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

/**
 * Characters a typed answer may not carry (issue 12.5): C0 and C1 control characters other than the line
 * break (a NUL made every later write fail: PostgreSQL text and jsonb refuse it), the bidirectional
 * embeddings, overrides and isolates (they make a stored text read differently from what was typed), and
 * lone surrogates (not text at all).
 */
function forbidden(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (
      (c < 0x20 && c !== 0x0a) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      (c >= 0xd800 && c <= 0xdfff)
    )
      return true;
  }
  return false;
}

/**
 * The one cleaning of typed text, used wherever a person's words are stored (the report's reasons and
 * phone in the report conversation and at submit, officials' answers through checkText): line breaks
 * made "\n" (CR LF, CR, U+2028, U+2029), tabs made spaces, Unicode NFC, outer whitespace trimmed; a text
 * still holding a forbidden character is refused with a message saying why, never stored.
 */
export function cleanText(text: string): string | Invalid {
  const t = text
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(/\t/g, " ")
    .normalize("NFC")
    .trim();
  if (forbidden(t)) return { key: "input.control_chars" };
  return t;
}

const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });
/**
 * Characters nobody sees: format characters (zero-width space and joiners, soft hyphen, word joiner, BOM,
 * LRM/RLM), controls, combining marks standing alone, and the blank "letters" (Hangul fillers, the blank
 * Braille pattern, the combining grapheme joiner).
 */
const INVISIBLE_KIND = /^[\p{Cf}\p{Cc}\p{Mn}\p{Me}]$/u;
const BLANK_LETTERS = new Set([0x115f, 0x1160, 0x3164, 0xffa0, 0x2800]);
const invisible = (segment: string) =>
  [...segment].every((ch) => INVISIBLE_KIND.test(ch) || BLANK_LETTERS.has(ch.codePointAt(0)!));
const BLANK = /^[\s\p{Z}]+$/u;

/**
 * Characters that are each a grapheme cluster of their own whatever surrounds them, and visible unless
 * blank: printable ASCII and the line break, Latin-1's printable part but the soft hyphen, Cyrillic
 * (Kazakh's letters included) but its combining marks U+0483–U+0489, the general punctuation's dashes,
 * quotes, bullets and ellipsis (U+2010–U+2027), and №. None of them extends, joins or prepends
 * (UAX #29), so a text of these alone is counted one by one, without the segmenter (issue 17: the report
 * conversation counts the reasons again on every replayed update).
 */
const PLAIN = /^[\n\x20-\x7e\xa0-\xac\xae-\xff\u0400-\u0482\u048a-\u04ff\u2010-\u2027\u2116]*$/;

/**
 * Length as a reader counts it (issue 12.5): user-perceived characters (grapheme clusters, so an emoji
 * family or a letter with a combining accent is one), invisible ones not counted, a run of spaces or line
 * breaks counted as one. "22 zero-width spaces" is 0, two emoji are 2.
 */
export function visibleLength(text: string): number {
  return PLAIN.test(text) ? plainLength(text) : segmentedLength(text);
}

/** visibleLength of a PLAIN text: the line break is invisible (a control), space and U+00A0 blank. */
function plainLength(text: string): number {
  let n = 0;
  let blank = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) continue;
    if (c === 0x20 || c === 0xa0) {
      if (!blank) n++;
      blank = true;
      continue;
    }
    blank = false;
    n++;
  }
  return n;
}

function segmentedLength(text: string): number {
  let n = 0;
  let blank = false;
  for (const { segment } of graphemes.segment(text)) {
    if (invisible(segment)) continue;
    if (BLANK.test(segment)) {
      if (!blank) n++;
      blank = true;
      continue;
    }
    blank = false;
    n++;
  }
  return n;
}

/**
 * A typed answer: cleaned (cleanText), not a command, at least `min` visible characters (visibleLength)
 * and at most `max` UTF-16 units (the bound that keeps every message carrying it under Telegram's limit).
 */
export function checkText(text: string, min: number, max: number): string | Invalid {
  const t = cleanText(text);
  if (isInvalid(t)) return t;
  if (t.startsWith("/")) return { key: "invalid.command" };
  if (visibleLength(t) < min) return { key: "invalid.too_short", params: { min } };
  if (t.length > max) return { key: "invalid.too_long", params: { max, len: t.length } };
  return t;
}

/** A phone number as typed: digits, spaces, brackets, hyphens, an optional "+"; at least 10 digits. */
const PHONE_RE = /^\+?[\d \u00a0()-]{7,20}$/;

/**
 * The learner's contact phone (optional in the report; docs/procedure.md), typed or shared with the contact
 * button: cleaned (cleanText), then digits, spaces, brackets, hyphens and an optional "+", at least 10
 * digits ("+7 700 123 45 67", "8 (701) 555-44-33"). The report conversation and submit check with this one.
 */
export function checkPhone(text: string): string | Invalid {
  const t = cleanText(text);
  if (isInvalid(t)) return t;
  if (PHONE_RE.test(t) && t.replace(/\D/g, "").length >= 10) return t;
  return { key: t.startsWith("/") ? "invalid.command" : "report.phone_invalid" };
}

/**
 * A sum of money in tenge (the cl. 8 cost calculation): digits with spaces or a thin space as thousands
 * separators, an optional decimal part with "," or "."; "1 234 567,8 тг" is stored as "1234567.80".
 */
export function checkAmount(text: string): string | Invalid {
  const s = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace(/(тг|тенге|₸|kzt)$/i, "");
  const m = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return { key: "invalid.amount" };
  return m[2] ? `${m[1]}.${m[2].padEnd(2, "0")}` : m[1]!;
}

/** D11: personnel's answer on the conscript service, from the buttons ("yes" served, "no" not served). */
export function checkConscript(text: string): "yes" | "no" | Invalid {
  return text === "yes" || text === "no" ? text : { key: "invalid.conscript" };
}

export const isInvalid = (v: unknown): v is Invalid => typeof v === "object" && v !== null && "key" in v;
