/**
 * Making every message fit Telegram (issue 12.4). Telegram refuses a text over 4,096 characters "after
 * entities parsing" (tags do not count, `&amp;` counts as one) and a callback answer (a toast) over 200.
 * Lengths here are counted in UTF-16 units, never fewer than Telegram's count, so a text that passes here
 * passes there.
 *
 * `splitHtml` is the safety net under every builder: it splits a Telegram-HTML text at line breaks (or,
 * for one line too long, at a space, or at last between two characters) and never inside a tag or an
 * entity; a tag open across a cut (a <blockquote> around a report, <b>) is closed at the end of one part and
 * opened again, with its attributes, at the start of the next, so every part parses on its own.
 */

/** Telegram's limit for a message text, after entities parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** What builders aim for: a margin under the limit (the safety net splits at the limit itself). */
export const MESSAGE_BUDGET = 4000;
/** Telegram's limit for the text of a callback answer (a toast or an alert). */
export const TOAST_LIMIT = 200;
/**
 * Most items a list message shows (digests, breach notices, due-date changes), then "…and N more": the
 * counts in the headers stay complete, and /inbox lists them all.
 */
export const MAX_LISTED = 20;

const TOKEN =
  /<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?>|&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g;

type Token =
  | { kind: "open"; raw: string; name: string }
  | { kind: "close"; raw: string; name: string }
  | { kind: "text"; raw: string; len: number };

/** Tags, entities and single characters (code points), in order. */
function tokenize(html: string): Token[] {
  const out: Token[] = [];
  const chars = (s: string) => {
    for (const ch of s) out.push({ kind: "text", raw: ch, len: ch.length });
  };
  let at = 0;
  for (const m of html.matchAll(TOKEN)) {
    chars(html.slice(at, m.index));
    const raw = m[0];
    if (raw.startsWith("&")) out.push({ kind: "text", raw, len: entityLength(raw) });
    else {
      const name = /^<\/?([a-zA-Z][a-zA-Z0-9-]*)/.exec(raw)![1]!.toLowerCase();
      out.push(raw.startsWith("</") ? { kind: "close", raw, name } : { kind: "open", raw, name });
    }
    at = m.index + raw.length;
  }
  chars(html.slice(at));
  return out;
}

/** An entity stands for one character: one UTF-16 unit, or two for a numeric one above U+FFFF. */
function entityLength(raw: string): number {
  const m = /^&#(x?)([0-9a-fA-F]+);$/.exec(raw);
  if (!m) return 1;
  return Number.parseInt(m[2]!, m[1] ? 16 : 10) > 0xffff ? 2 : 1;
}

/** The length Telegram counts for a Telegram-HTML text (tags removed, each entity one character). */
export function textLength(html: string): number {
  let n = html.length;
  for (const m of html.matchAll(TOKEN)) n -= m[0].length - (m[0].startsWith("&") ? entityLength(m[0]) : 0);
  return n;
}

/**
 * Splits a Telegram-HTML text into parts of at most `limit` characters each (as Telegram counts them).
 * A text that fits comes back as it is, in a one-element array. Parts that would hold only whitespace are
 * dropped (Telegram refuses an empty message).
 */
export function splitHtml(html: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  // Tags and entities only add to the raw length: a raw text within the limit fits (the common case).
  if (html.length <= limit || textLength(html) <= limit) return [html];
  const tokens = tokenize(html);
  const parts: string[] = [];
  /** Tags open at the start of the current part (carried over from the previous part). */
  let carried: OpenTag[] = [];
  let i = 0;
  while (i < tokens.length) {
    const scan = scanPart(tokens, i, carried, limit);
    if (scan.end >= tokens.length) {
      parts.push(render(carried, tokens.slice(i), []));
      break;
    }
    const cut = chooseCut(tokens, i, limit, scan);
    if (!cut) {
      // Not one character fits (a limit below 2 and a surrogate pair): give up cutting, keep the rest.
      parts.push(render(carried, tokens.slice(i), []));
      break;
    }
    const separator = tokens[cut.at]!.kind === "text" && /^[\n ]$/.test(tokens[cut.at]!.raw);
    const body = tokens.slice(i, separator ? cut.at : cut.at + 1);
    parts.push(render(carried, body, cut.stack));
    carried = cut.stack;
    i = cut.at + 1;
  }
  return parts.filter((p) => textOf(p).trim() !== "");
}

type OpenTag = Extract<Token, { kind: "open" }>;
/** A place a part may end (after token `at`), with the tags open there. */
type Cut = { at: number; stack: OpenTag[] };
interface Scan {
  /** The first token that does not fit (tokens.length when the rest fits). */
  end: number;
  lastNewline: Cut | null;
  lastSpace: Cut | null;
  lastAny: Cut | null;
}

/** Scans forward from `from` as far as the limit allows, remembering the best places to cut. */
function scanPart(tokens: Token[], from: number, carried: OpenTag[], limit: number): Scan {
  const stack = [...carried];
  let len = 0;
  let j = from;
  const scan: Scan = { end: from, lastNewline: null, lastSpace: null, lastAny: null };
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind === "open") stack.push(t);
    else if (t.kind === "close") {
      const k = stack.map((s) => s.name).lastIndexOf(t.name);
      if (k >= 0) stack.splice(k, 1);
    } else {
      if (len + t.len > limit) break;
      len += t.len;
      // A cut after this character: the newline or space itself ends the part (and is dropped there).
      if (t.raw === "\n") scan.lastNewline = { at: j, stack: [...stack] };
      else if (t.raw === " ") scan.lastSpace = { at: j, stack: [...stack] };
      scan.lastAny = { at: j, stack: [...stack] };
    }
  }
  scan.end = j;
  return scan;
}

/** Prefers a line break, then a space, when it keeps at least a third of the part; else cuts anywhere. */
function chooseCut(tokens: Token[], from: number, limit: number, scan: Scan): Cut | null {
  const third = limit / 3;
  const useful = (c: Cut | null): c is Cut => c !== null && lengthOf(tokens, from, c.at) >= third;
  if (useful(scan.lastNewline)) return scan.lastNewline;
  if (useful(scan.lastSpace)) return scan.lastSpace;
  return scan.lastAny;
}

function lengthOf(tokens: Token[], from: number, to: number): number {
  let n = 0;
  for (let k = from; k <= to; k++) {
    const t = tokens[k]!;
    if (t.kind === "text") n += t.len;
  }
  return n;
}

/** A part: the tags carried over opened again, its tokens, and the tags still open closed. */
function render(
  carried: Extract<Token, { kind: "open" }>[],
  body: Token[],
  openAtEnd: Extract<Token, { kind: "open" }>[],
): string {
  const closing = [...openAtEnd]
    .reverse()
    .map((t) => `</${t.name}>`)
    .join("");
  return carried.map((t) => t.raw).join("") + body.map((t) => t.raw).join("") + closing;
}

/** The visible text of a part (tags removed), to drop parts that would be empty. */
const textOf = (html: string) => html.replace(/<[^>]*>/g, "");

/**
 * Groups items of a list (each one line or more of text) into as few chunks as fit `budget` characters
 * each when joined with "\n"; an item is never split here (one too long for any chunk gets a chunk of its
 * own, and the outbox's safety net splits it).
 */
export function packLines<T extends { text: string }>(items: readonly T[], budget: number): T[][] {
  const chunks: T[][] = [];
  let cur: T[] = [];
  let len = 0;
  for (const item of items) {
    const n = textLength(item.text);
    if (cur.length > 0 && len + 1 + n > budget) {
      chunks.push(cur);
      cur = [];
      len = 0;
    }
    len += (cur.length > 0 ? 1 : 0) + n;
    cur.push(item);
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

/** A plain text (a toast) cut to `max` UTF-16 units at a character boundary, ending in "…" when cut. */
export function clipPlain(text: string, max = TOAST_LIMIT): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}
