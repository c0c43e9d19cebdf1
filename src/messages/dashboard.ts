/**
 * The dashboard's texts (issue 18): the Mini App lays out what the server renders here, in the user's
 * language, as plain text (no Telegram HTML: the page shows it as text, never as markup). The interface
 * strings (locales' `webapp` subtree), the names of grounds, categories, states, steps and roles, due dates
 * in words (D3, D13), a case's timeline, the titles of documents and attachments, and the menu button.
 */
import type { MenuButton } from "grammy/types";
import { DateTime } from "luxon";
import { type T, tFor } from "../i18n";
import {
  type Calendar,
  isOfficialOpenedGround,
  type LocalDate,
  TIME_ZONE,
  workingDaysOverdue,
} from "../rules";
import { dueBase, dueLine } from "./format";
import { resultText } from "./task";
import type { StepView } from "./views";

/** A translator in `lang` whose values are left as they are (plain text, not HTML). */
export function plainT(lang: string): T {
  const t = tFor(lang);
  return ((key: string, opts?: Record<string, unknown>) =>
    t(key, { ...opts, interpolation: { escapeValue: false } })) as unknown as T;
}

/** Telegram HTML (a stored report, D12) as the text it shows: tags dropped, entities read. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) =>
      e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : e === "#39" ? "'" : "&",
    );
}

/** A subtree of the locale as flat "a.b" → text pairs. */
function flatten(tree: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (typeof tree !== "object" || tree === null) return out;
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}

const subtree = (lang: string, key: string): unknown =>
  (tFor(lang) as unknown as (k: string, o: object) => unknown)(key, { returnObjects: true });

const stringsCache = new Map<string, Record<string, string>>();
const labelsCache = new Map<string, WebAppLabels>();

/** Every interface text of the Mini App (the locales' `webapp` subtree, flattened), in `lang`. */
export function webAppStrings(lang: string): Record<string, string> {
  let s = stringsCache.get(lang);
  if (!s) {
    s = flatten(subtree(lang, "webapp"));
    stringsCache.set(lang, s);
  }
  return s;
}

export interface WebAppLabels {
  ground: Record<string, string>;
  category: Record<string, string>;
  state: Record<string, string>;
  step: Record<string, string>;
  role: Record<string, string>;
}

/** The names of grounds, categories, case states, steps and roles, in `lang`. */
export function webAppLabels(lang: string): WebAppLabels {
  let l = labelsCache.get(lang);
  if (!l) {
    const of = (key: string) => flatten(subtree(lang, key));
    l = {
      ground: of("ground"),
      category: of("category"),
      state: of("state"),
      step: of("step"),
      role: of("role"),
    };
    labelsCache.set(lang, l);
  }
  return l;
}

/** A pending step's due date in words, with the days left or overdue (D3, D13), and the working days overdue. */
export function dueInWords(
  lang: string,
  step: StepView,
  now: Date,
  calendar: Calendar,
): { text: string; overdueDays: number } {
  const t = plainT(lang);
  if (step.state !== "pending") return { text: dueBase(t, step), overdueDays: 0 };
  const overdueDays = step.dueOn ? workingDaysOverdue(step.dueOn as LocalDate, now, calendar) : 0;
  return { text: dueLine(t, step, now, calendar), overdueDays };
}

/** A step of the case page's timeline; step, role and state are keys (the labels name them). */
export interface TimelineRow {
  stepId: number;
  step: string;
  role: string;
  state: string;
  openedOn: string;
  dueOn: string | null;
  dueText: string;
  doneAt: string | null;
  doneBy: string | null;
  result: string | null;
}

export interface TimelineStep extends StepView {
  openedOn: string;
  onBehalfOfOfficialId: number | null;
}

/** An instant as Asia/Almaty's local time, ISO 8601 with the offset: "2026-03-20T09:00:00+05:00". */
export const localInstant = (d: Date): string =>
  DateTime.fromJSDate(d, { zone: TIME_ZONE }).toISO({ suppressMilliseconds: true }) ?? d.toISOString();

/**
 * Every opened step of a case, in the order opened: its due date in words, who did it (and for whom when
 * acting, D4 "or their acting delegate"), and the result in words (an opinion with its reason, the order's
 * number, …). `names`: the officials' names by id.
 */
export function timelineRows(
  lang: string,
  steps: readonly TimelineStep[],
  calendar: Calendar,
  names: ReadonlyMap<number, string>,
  now: Date,
): TimelineRow[] {
  const t = plainT(lang);
  return steps.map((s) => {
    const name = (id: number) => names.get(id) ?? `#${id}`;
    let doneBy: string | null = null;
    if (s.doneByOfficialId !== null) {
      const who = s.onBehalfOfOfficialId
        ? t("audit.on_behalf", { name: name(s.doneByOfficialId), of: name(s.onBehalfOfOfficialId) })
        : name(s.doneByOfficialId);
      doneBy = `${who} (${t(`role.${s.role}`)})`;
    }
    const r = (s.result ?? null) as ({ action?: unknown } & Record<string, unknown>) | null;
    const result =
      s.state === "done" && r && typeof r.action === "string" ? resultText(t, r.action, r) : null;
    return {
      stepId: s.id,
      step: s.key,
      role: s.role,
      state: s.state,
      openedOn: s.openedOn,
      dueOn: s.dueOn,
      dueText: dueInWords(lang, s, now, calendar).text,
      doneAt: s.doneAt ? localInstant(s.doneAt) : null,
      doneBy,
      result,
    };
  });
}

/** A document's title on the case page: an official's filing is named for what it is (issue 16). */
export function documentTitle(lang: string, kind: string, ground: string): string {
  const t = plainT(lang);
  if (kind === "report" && isOfficialOpenedGround(ground)) return t(`webapp.document.filing_${ground}`);
  return t(`webapp.document.${kind}`);
}

/** An attachment's title: what it is, and for paper the number of pages. */
export function attachmentTitle(
  lang: string,
  a: { kind: string; media: string; pages: number | null; fileName: string | null },
): string {
  const t = plainT(lang);
  const kind = t(`attachment.${a.kind}`);
  if (a.media === "paper") return t("webapp.attachment_paper", { kind, pages: a.pages ?? 0 });
  return a.fileName ? `${kind} (${a.fileName})` : kind;
}

/** An attachment's caption when the bot sends it. */
export const attachmentCaption = (lang: string, kind: string): string => plainT(lang)(`attachment.${kind}`);

/** The dashboard's menu button in `lang` (issue 18), opening the Mini App at `url`. */
export function dashboardMenuButton(lang: string, url: string): MenuButton {
  return { type: "web_app", text: plainT(lang)("webapp.menu_button"), web_app: { url } };
}

/** The chat's menu button as Telegram has it by default (the command list). */
export const DEFAULT_MENU_BUTTON: MenuButton = { type: "default" };
