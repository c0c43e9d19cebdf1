/**
 * The inline keyboards, as plain rows of { text, data } (data from src/messages/callbacks.ts). The outbox
 * stores them and the bot sends them, both through `inlineMarkup`.
 */
import type { InlineKeyboardMarkup } from "grammy/types";
import { LANGS, type T, tFor } from "../i18n";
import type { OfficialOpenedGround } from "../rules";
import * as cb from "./callbacks";

export interface Button {
  text: string;
  data: string;
}
export type Buttons = Button[][];

/** A message: Telegram-HTML text and, if any, its buttons. */
export interface Rendered {
  text: string;
  buttons?: Buttons;
}

/** Telegram's reply_markup for these rows; undefined when there is no button. */
export function inlineMarkup(rows: Buttons): InlineKeyboardMarkup | undefined {
  const kept = rows.filter((row) => row.length > 0);
  if (kept.length === 0) return undefined;
  return { inline_keyboard: kept.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) };
}

/**
 * Buttons that open cases (c:<caseId>), two per row: under digests, breach notices, due-date changes, an
 * opinion told to the head, and /inbox (with its own label, the item's number).
 */
export function caseButtons(
  t: T,
  caseIds: readonly number[],
  label: (caseId: number, index: number) => string = (id) => t("btn.open", { id }),
): Buttons {
  const rows: Buttons = [];
  for (let i = 0; i < caseIds.length; i += 2)
    rows.push(
      caseIds.slice(i, i + 2).map((id, j) => ({ text: label(id, i + j), data: cb.openCase.pack(id) })),
    );
  return rows;
}

/**
 * A button per language, each named in its own language: "lang:<l>", or under the /start menu
 * "lang:<l>:menu" (the menu is shown again in the language chosen).
 */
export const languageButtons = (inMenu = false): Button[] =>
  LANGS.map((l) => ({
    text: tFor(l)("lang.name"),
    data: inMenu ? cb.languageInMenu.pack(l) : cb.language.pack(l),
  }));

export const languageKeyboard = (): Buttons => [languageButtons()];

/** "📋 Status": the learner's case, its whole road and what comes next; under every notice to a learner. */
export const statusButton = (t: T): Button => ({ text: t("menu.status"), data: cb.MENU.status });

/**
 * The main menu: the learner's report and status, the official's inbox (and "Open a case" for those who
 * open cases), then language and help. D10: whoever
 * has not chosen a language yet gets a button per language instead of "Language".
 */
export function menuKeyboard(
  t: T,
  who: { student: boolean; official: boolean; opener?: boolean },
  chooseLanguage = false,
): Buttons {
  const rows: Buttons = [];
  if (who.student)
    rows.push([
      { text: t("menu.report"), data: cb.MENU.report },
      { text: t("menu.status"), data: cb.MENU.status },
    ]);
  if (who.official) rows.push([{ text: t("menu.inbox"), data: cb.MENU.inbox }]);
  // Issue 16: the officials who open cases (ch. 2, ch. 3, cl. 2) have "Open a case" too.
  if (who.official && who.opener) rows[rows.length - 1]!.push({ text: t("menu.open"), data: cb.MENU.open });
  const help = { text: t("menu.help"), data: cb.MENU.help };
  if (chooseLanguage) rows.push([help], languageButtons(true));
  else rows.push([{ text: t("menu.language"), data: cb.MENU.lang }, help]);
  return rows;
}

/** Issue 14.7: Confirm (sc:) or Back (sb:) under the question a one-tap action asks. */
export const stepConfirmKeyboard = (t: T, stepId: number, action: string): Buttons => [
  [
    { text: t("confirm.yes"), data: cb.stepConfirm.pack(stepId, action) },
    { text: t("confirm.back"), data: cb.stepBack.pack(stepId) },
  ],
];

/** A step's question answered with buttons (si:<value>), e.g. the conscript confirmation (D11). */
export const stepChoiceKeyboard = (t: T, choices: readonly string[]): Buttons => [
  choices.map((v) => ({ text: t(`conscript.${v}`), data: cb.stepChoice.pack(v) })),
];

/** /inbox: a button per listed step opening its case (two per row), then ◀ ▶ to turn the pages. */
export function inboxKeyboard(
  t: T,
  caseIds: readonly number[],
  first: number,
  page: number,
  pages: number,
): Buttons {
  const rows = caseButtons(t, caseIds, (id, i) => t("paging.open_item", { n: first + i + 1, id }));
  if (pages > 1) {
    const turn: Button[] = [];
    if (page > 0) turn.push({ text: "◀", data: cb.inboxPage.pack(page - 1) });
    if (page < pages - 1) turn.push({ text: "▶", data: cb.inboxPage.pack(page + 1) });
    rows.push(turn);
  }
  return rows;
}

/**
 * /case: a button per action of the steps this official may act on (a row each), then the documents and,
 * for the head and administrators, the audit trail.
 */
export function caseKeyboard(
  t: T,
  caseId: number,
  steps: readonly { stepId: number; actions: readonly { action: string }[] }[],
  show: { documents: boolean; trail: boolean; attachments?: number },
): Buttons {
  const rows: Buttons = steps.flatMap((s) =>
    s.actions.map((a) => [{ text: t(`btn.${a.action}`), data: cb.stepAction.pack(s.stepId, a.action) }]),
  );
  const last: Button[] = [];
  if (show.documents) last.push({ text: t("docx.button"), data: cb.caseDocuments.pack(caseId) });
  // Issue 16: the files attached to the case, re-sent on a press (never after the D8 purge).
  if (show.documents && show.attachments)
    last.push({
      text: t("btn.attachments", { count: show.attachments }),
      data: cb.caseAttachmentsButton.pack(caseId),
    });
  if (show.trail) last.push({ text: t("btn.trail"), data: cb.caseTrail.pack(caseId) });
  rows.push(last);
  return rows;
}

/** /status: complete a report sent back (D6), withdraw while one may, the report as a file (D12). */
export function statusKeyboard(
  t: T,
  caseId: number,
  show: { complete: boolean; withdraw: boolean; document: boolean },
): Buttons {
  const rows: Buttons = [];
  if (show.complete) rows.push([{ text: t("btn.complete_report"), data: cb.completeReport.pack(caseId) }]);
  if (show.withdraw) rows.push([{ text: t("btn.withdraw"), data: cb.withdraw.pack(caseId) }]);
  if (show.document) rows.push([{ text: t("docx.button"), data: cb.reportDocument.pack(caseId) }]);
  return rows;
}

/** D6: withdraw for good, or keep the report. */
export const withdrawConfirmKeyboard = (t: T, caseId: number): Buttons => [
  [
    { text: t("btn.withdraw_yes"), data: cb.withdrawYes.pack(caseId) },
    { text: t("btn.withdraw_no"), data: cb.WITHDRAW_NO },
  ],
];

// ——— Opening a case (issue 16; src/bot/conversations/open-case.ts) ———

/** The grounds this official may open a case on, a button each. */
export const openGroundKeyboard = (t: T, grounds: readonly OfficialOpenedGround[]): Buttons =>
  grounds.map((g) => [{ text: capitalised(t(`ground.${g}`)), data: cb.openForm.ground.pack(g) }]);

const capitalised = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

/** A learner found, as a button: name, group, personal number; 🔒 when a case of theirs is running. */
export interface LearnerButton {
  id: number;
  fullName: string;
  groupName: string;
  personalNumber: string;
  openCaseId: number | null;
}

export const learnerKeyboard = (learners: readonly LearnerButton[]): Buttons =>
  learners.map((l) => [
    {
      text: `${l.openCaseId !== null ? "🔒 " : ""}${l.fullName} · ${l.groupName} · ${l.personalNumber}`,
      data: cb.openForm.learner.pack(l.id),
    },
  ]);

/** Under an attachment kind's question: "On paper" and "Done". */
export const attachKeyboard = (t: T, kind: string): Buttons => [
  [
    { text: t("open.btn_paper"), data: cb.openForm.paper.pack(kind) },
    { text: t("open.btn_done"), data: cb.openForm.done.pack(kind) },
  ],
];

/** The document's language, each named in its own. */
export const openLangKeyboard = (): Buttons => [
  (["kk", "ru"] as const).map((l) => ({ text: tFor(l)("lang.name"), data: cb.openForm.lang.pack(l) })),
];

/** The preview: "Open the case", an edit button per field asked (two per row), then "Stop". */
export function openPreviewKeyboard(
  t: T,
  fields: readonly { field: cb.OpenField; label: string }[],
): Buttons {
  const rows: Buttons = [[{ text: t("open.submit"), data: cb.openForm.SUBMIT }]];
  for (let i = 0; i < fields.length; i += 2)
    rows.push(fields.slice(i, i + 2).map((f) => ({ text: f.label, data: cb.openForm.edit.pack(f.field) })));
  rows.push([{ text: t("open.cancel"), data: cb.openForm.CANCEL }]);
  return rows;
}
