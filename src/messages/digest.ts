/**
 * The daily digest's message (src/jobs/digest.ts): the groups of one official's pending steps (D14 first,
 * then overdue, today, soon, escalations), at most MAX_LISTED items and never over MAX_TEXT
 * characters (issue 12.4), with a button per listed case.
 */
import { tFor } from "../i18n";
import type { Calendar, LocalDate } from "../rules";
import { MAX_LISTED, textLength } from "./fit";
import { caseRef, dueLine, formatDate } from "./format";
import { caseButtons, type Rendered } from "./keyboards";
import { cachedIn, withCaseId } from "./memo";

/** A pending step as the digest lists it (no personal data: ids, keys, dates). */
export interface DigestItem {
  id: number;
  caseId: number;
  key: string;
  role: string;
  dueOn: string;
  dueKind: string | null;
  cite: string;
}

/** One official's groups (src/jobs/digest.ts groupDigest). */
export interface DigestView {
  overdue: readonly DigestItem[];
  today: readonly DigestItem[];
  soon: readonly DigestItem[];
  escalations: readonly DigestItem[];
  noHolder: readonly DigestItem[];
}

/** Telegram refuses texts over 4096 characters; stay well below. */
const MAX_TEXT = 3800;

/** The length a section's hint adds (its line and the line break), or 0 without one. */
const hintLength = (hint: string | null): number => (hint ? hint.length + 1 : 0);

/**
 * Renders a digest (HTML; values escaped by i18next) with a button per listed case (c:<caseId>).
 * `institutionCode` goes into the D14 section's hint (the readiness check's command line). With the bot's
 * username each item's case is a link that opens it in the bot (issue 14.10); without it, plain text.
 */
export function renderDigest(
  lang: string,
  g: DigestView,
  today: LocalDate,
  now: Date,
  calendar: Calendar,
  lineCache: Map<string, string> = new Map(),
  institutionCode = "",
  botUsername: string | null = null,
): Rendered {
  const t = tFor(lang);
  // i18next calls dominate at scale: labels and due lines are shared by many items, so each is made once.
  const cached = (key: string, make: () => string): string => cachedIn(lineCache, key, make);
  type Kind = "own" | "escalation" | "no_holder";
  const caseText = withCaseId(t, lang, "links.case", lineCache);
  const openText = withCaseId(t, lang, "btn.open", lineCache);
  const line = (s: DigestItem, kind: Kind): string =>
    cached(`${kind}|${lang}|${s.id}`, () => {
      const step = cached(`s|${lang}|${s.key}`, () => t(`step.${s.key}`));
      const due = cached(`d|${lang}|${s.dueOn}|${s.dueKind}|${s.cite}`, () => dueLine(t, s, now, calendar));
      const ref = caseRef(t, s.caseId, botUsername, caseText(s.caseId));
      if (kind === "own") return t("digest.item", { ref, step, due });
      const role = cached(`r|${lang}|${s.role}`, () => t(`role.${s.role}`));
      return t(kind === "escalation" ? "digest.escalation_item" : "no_holder.digest_item", {
        ref,
        step,
        role,
        due,
      });
    });
  const parts: string[] = [t("digest.header", { date: formatDate(today) })];
  let length = parts[0]!.length;
  let shown = 0;
  let hidden = 0;
  const caseIds: number[] = [];
  // D14 first: nobody can act on those steps, and /inbox (by role) does not list them to the reader.
  const sections: [string, readonly DigestItem[], Kind][] = [
    ["no_holder.digest_header", g.noHolder, "no_holder"],
    ["digest.overdue", g.overdue, "own"],
    ["digest.today", g.today, "own"],
    ["digest.soon", g.soon, "own"],
    ["digest.escalations", g.escalations, "escalation"],
  ];
  // Issue 12.4: the text never exceeds MAX_TEXT. Each item fits only if what must still follow fits too:
  // its section's hint, the headers (and hint) of the sections after it, and the "…and N more" line.
  // With links, items are counted as Telegram counts them (an <a href> adds no visible characters); the
  // rest, and items without links, by their raw length (never less than Telegram's count).
  const active = sections
    .filter(([, items]) => items.length > 0)
    .map(([key, items, kind]) => ({
      items,
      kind,
      head: t(key, { count: items.length }),
      // What to do, once under the D14 section (always shown: without it the section is only a complaint).
      hint: kind === "no_holder" ? t("no_holder.digest_hint", { code: institutionCode }) : null,
    }));
  const total = active.reduce((n, x) => n + x.items.length, 0);
  const moreLength = t("digest.more", { count: total }).length + 2;
  const fixedLength = (x: (typeof active)[number]) => x.head.length + 2 + hintLength(x.hint);
  for (const [k, { items, kind, head, hint }] of active.entries()) {
    parts.push(`\n${head}`);
    length += head.length + 2;
    const reserve =
      hintLength(hint) + active.slice(k + 1).reduce((n, x) => n + fixedLength(x), 0) + moreLength;
    for (const s of items) {
      const text = shown < MAX_LISTED ? line(s, kind) : "";
      const size = botUsername ? textLength(text) : text.length;
      if (shown >= MAX_LISTED || length + size + 1 + reserve > MAX_TEXT) {
        hidden++;
        continue;
      }
      parts.push(text);
      length += size + 1;
      shown++;
      if (!caseIds.includes(s.caseId)) caseIds.push(s.caseId);
    }
    if (hint) {
      parts.push(hint);
      length += hint.length + 1;
    }
  }
  if (hidden > 0) parts.push(`\n${t("digest.more", { count: hidden })}`);
  return { text: parts.join("\n"), buttons: caseButtons(t, caseIds, openText) };
}
