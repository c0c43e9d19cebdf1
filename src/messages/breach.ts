/**
 * Breach notices (src/jobs/breach.ts): one step breached is told in full; several at once (one tick, one
 * recipient) as a list of at most MAX_LISTED items. A list too long for one message (long names) goes as
 * several, whole items each, every part with its header and the buttons of its own cases (issue 12.4).
 */
import { escapeHtml, tFor } from "../i18n";
import type { Calendar } from "../rules";
import { MAX_LISTED, MESSAGE_BUDGET, packLines, textLength } from "./fit";
import { caseRef, dueLine } from "./format";
import { caseButtons, type Rendered } from "./keyboards";
import { cachedIn, withCaseId } from "./memo";

/** How much of an escalation item the holders' names may take (characters). */
const NAMES_BUDGET = 150;

export interface BreachItem {
  /** The step's id: with a cache (below), its lines are made once per language and kind. */
  id?: number;
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

/** A step's values, each standing as a private-use character in its text's template (see fill below). */
const VALUE_MARKS = { ref: "\uE001", step: "\uE002", role: "\uE003", names: "\uE004", due: "\uE005" };
type StepValues = Record<keyof typeof VALUE_MARKS, string>;
const NAME_OF = new Map(Object.entries(VALUE_MARKS).map(([name, mark]) => [mark, name as keyof StepValues]));

/**
 * `t(key, values)` for a step's text, without i18next for each step (issue 17: tens of thousands of lines
 * in a catch-up tick): the text translated once with each value a mark followed by "&", which shows both
 * where the value goes and whether the translation escapes it ("&amp;", `{{x}}`) or not ("&", `{{- x}}`);
 * then the values are put in, escaped as i18next would (src/i18n escapeHtml). Byte-identical to i18next
 * for these texts (no plurals, no nesting; i18next does not interpolate inside values either).
 */
function stepTemplate(probe: string): (v: StepValues) => string {
  const parts = probe.split(/([\uE001-\uE005])(&amp;|&)/);
  return (v) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 3) {
      const value = v[NAME_OF.get(parts[i]!)!];
      out += (parts[i + 1] === "&amp;" ? escapeHtml(value) : value) + parts[i + 2]!;
    }
    return out;
  };
}

/**
 * The notices to one recipient for these steps: their own (`escalation` false) or escalated to them. Each
 * message comes with the cases it shows buttons for (one case: the message belongs to it, D8). With the
 * bot's username, each case is a link that opens it in the bot (issue 14.10).
 *
 * `ctx.cache` (one per job run: a step's names and due line must not change while it lives) shares what
 * many recipients' lists repeat, as the digest's lineCache does (issue 17): labels, due lines, "Case No."
 * with its number filled in, and each step's line by its id. The texts are those made without it.
 */
export function breachMessages(
  lang: string,
  steps: readonly BreachItem[],
  escalation: boolean,
  ctx: {
    now: Date;
    calendarOf: (institutionId: number) => Calendar;
    botUsername?: string | null;
    cache?: Map<string, string>;
  },
): (Rendered & { caseIds: number[] })[] {
  const t = tFor(lang);
  const cache = ctx.cache ?? new Map<string, string>();
  const cached = (key: string, make: () => string): string => cachedIn(cache, key, make);
  const caseText = withCaseId(t, lang, "links.case", cache);
  const openText = withCaseId(t, lang, "btn.open", cache);
  const args = (s: BreachItem) => ({
    ref: caseRef(t, s.caseId, ctx.botUsername, caseText(s.caseId)),
    step: cached(`s|${lang}|${s.key}`, () => t(`step.${s.key}`)),
    role: cached(`r|${lang}|${s.role}`, () => t(`role.${s.role}`)),
    names: holderNames(s.names),
    // The calendar is the institution's: the same date may be overdue by a different count elsewhere.
    due: cached(`d|${lang}|${s.institutionId}|${s.dueOn}|${s.dueKind}|${s.cite}`, () =>
      dueLine(t, s, ctx.now, ctx.calendarOf(s.institutionId)),
    ),
  });
  const templates = new Map<string, (v: StepValues) => string>();
  const fill = (key: string, s: BreachItem): string => {
    let f = templates.get(key);
    if (!f) {
      const probe = Object.fromEntries(Object.entries(VALUE_MARKS).map(([name, mark]) => [name, `${mark}&`]));
      f = stepTemplate(cached(`tpl|${key}|${lang}`, () => t(key, probe)));
      templates.set(key, f);
    }
    return f(args(s));
  };
  const text = (key: string, s: BreachItem): string =>
    s.id === undefined ? fill(key, s) : cached(`${key}|${lang}|${s.id}`, () => fill(key, s));
  const message = (text: string, caseIds: number[]) => ({
    text,
    buttons: caseButtons(t, caseIds, openText),
    caseIds,
  });
  if (steps.length === 1)
    return [message(text(escalation ? "breach.escalation" : "breach.holder", steps[0]!), [steps[0]!.caseId])];
  const shown = steps.slice(0, MAX_LISTED);
  const lines = shown.map((s) => ({
    caseId: s.caseId,
    text: text(escalation ? "breach.escalation_item" : "breach.item", s),
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
