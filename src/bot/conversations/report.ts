/**
 * The report conversation (issue: student reports). A loop over a draft: it asks for the first missing
 * field, and the preview's edit buttons clear a field, so every correction returns to the preview.
 * Bad input gets a short explanation and the same question; answers given so far are kept. State lives
 * in Postgres (conversation storage), so a restart resumes mid-way. DB work goes through external().
 *
 * Issue 14.2: /help, /status and /lang are answered by their features (run on the outer context inside
 * external(), so a replay does not answer twice) and the same question comes back. /cancel asks "keep or
 * discard?". A kept draft stays in this conversation's own stored state, in a "kept" mode that passes every
 * update on to the rest of the bot (skip) until /report resumes it: nothing new to store or migrate, the
 * draft comes back exactly as it was (answers, question, a sent-back case's context), it survives restarts
 * with the rest of the state, and it is pruned with it after the idle period.
 *
 * Shape: one wait per update (onUpdate), then the answer goes to the open question's own function
 * (takeGround … takePreview), and the next question is asked by its own function (askGround … showPreview).
 *
 * Ch. 5 (cl. 23, issue 16): a citizenship report has one more question, right after the ground: the
 * Presidential Decree, as photos or PDFs (each answered with the count so far and "Done"), or "on paper"
 * with its number of pages; and one less: no conscript question (D11: no cl. 7 referral follows in ch. 5,
 * conscriptMatters), so no conscript line or edit button either. Choosing citizenship drops an answer given
 * under another ground, so switching back asks it again. Both only on that ground, so the drafts of the
 * other grounds make the same calls as before (the replay test pins them; no version bump).
 *
 * Replay: the stored state is the list of this function's waits, external() calls and Bot API calls in
 * order; a stored draft is replayed against the code. Whatever changes that list for the same updates
 * (another wait, a call more or less, a different order) needs CONVERSATION_VERSION bumped
 * (src/db/conversation-storage.ts), which drops every stored draft; test/cases/report-replay.test.ts pins
 * the list. That is also why the conversations plugin's form fields (conversation.form.*) are not used
 * here: their `otherwise` skips a refused update, so it is not stored, and the local state an answer
 * changes (keep-or-discard mode, the language after /lang) would be lost on the next replay; and each
 * field would need the escapes and the stale-draft check anyway.
 */
import type { Conversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard, Keyboard } from "grammy";
import {
  type AttachmentInput,
  attachmentOf,
  type IncomingFile,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_PAPER_PAGES,
  paperPages,
} from "../../cases/attachments";
import { getCase } from "../../cases/queries";
import { markReceiptDelivered } from "../../cases/receipt";
import { resubmitReport } from "../../cases/resubmit";
import { REASONS_MAX, REASONS_MIN, submitReport } from "../../cases/submit";
import { checkPhone, checkText, cleanText, type Invalid, isInvalid } from "../../cases/validate";
import { isLang, type T, tFor } from "../../i18n";
import { safeError } from "../../logger";
import { report as buttons, REPORT_GROUNDS } from "../../messages/callbacks";
import { MESSAGE_BUDGET, splitHtml } from "../../messages/fit";
import { submittedText } from "../../messages/notices";
import { type ReportData, renderReport, sexContext } from "../../messages/report-document";
import {
  conscriptMatters,
  type DocumentLanguage,
  type LearnerReportGround,
  localDateOf,
  type StudentFiledGround,
} from "../../rules";
import type { BotContext, ConvContext } from "../context";

// The id lives with the conversation storage (src/db), so the jobs can read drafts without the bot.
export { REPORT_CONVERSATION } from "../../db/conversation-storage";

type Ground = LearnerReportGround;
type ReportLang = DocumentLanguage;

export interface ReportArgs {
  student: ReportData["student"];
  headTitleKk: string;
  headTitleRu: string;
  /**
   * D6: completing a report the head sent back: the draft starts as the current version (the ground is
   * fixed: it decides the procedure), and Submit files a new version of the same case.
   */
  resubmit?: {
    caseId: number;
    /** Never "citizenship": a ch. 5 report is not sent back (D6). */
    ground: StudentFiledGround;
    reasons: string;
    conscriptServed: boolean;
    phone: string | null;
    lang: ReportLang;
    /** The head's reason for sending it back. */
    why: string;
  };
}

interface Draft {
  ground?: Ground;
  /** Ch. 5 (cl. 23): the Decree's files as sent, and its pages on paper; asked until decreeDone. */
  decree?: AttachmentInput[];
  decreeDone?: boolean;
  /** "On paper" pressed: the number of pages is asked. */
  decreePaper?: boolean;
  reasons?: string;
  /** Not asked on the citizenship ground (D11: conscriptMatters). */
  conscriptServed?: boolean;
  /** undefined = not asked yet; null = skipped. */
  phone?: string | null;
  lang?: ReportLang;
}

type Field = "ground" | "decree" | "reasons" | "conscript" | "phone" | "lang";
/** "pages": the Decree's number of pages on paper (part of the "decree" question). */
type Step = Field | "pages" | "preview";

function nextField(d: Draft): Step {
  if (!d.ground) return "ground";
  if (d.ground === "citizenship" && !d.decreeDone) return d.decreePaper ? "pages" : "decree";
  if (d.reasons === undefined) return "reasons";
  if (d.conscriptServed === undefined && conscriptMatters(d.ground)) return "conscript";
  if (d.phone === undefined) return "phone";
  if (!d.lang) return "lang";
  return "preview";
}

/**
 * The questions in order: "n/5" on each (issue 14.3); a citizenship report has the Decree second and no
 * conscript question (D11), "n/5" too.
 */
const FIELDS: Field[] = ["ground", "reasons", "conscript", "phone", "lang"];
const CITIZENSHIP_FIELDS: Field[] = ["ground", "decree", "reasons", "phone", "lang"];
/** Questions answered with inline buttons: asked from the preview, they take the preview's place. */
const BUTTON_FIELDS = new Set(["ground", "conscript", "lang"]);

/** The buttons' callback data (src/messages/callbacks.ts) and what they stand for. */
const GROUND_BUTTONS: ReadonlyMap<string | undefined, Ground> = new Map(
  REPORT_GROUNDS.map((g) => [buttons.ground(g), g]),
);
const CONSCRIPT_BUTTONS: ReadonlyMap<string | undefined, boolean> = new Map(
  [true, false].map((served) => [buttons.conscript(served), served]),
);
const LANG_BUTTONS: ReadonlyMap<string | undefined, ReportLang> = new Map(
  (["kk", "ru"] as const).map((l) => [buttons.lang(l), l]),
);
/**
 * What every buttons.edit(field) starts with. An "edit" naming no field (none of ours) has always been
 * taken as an edit that clears nothing, so the preview comes back (the replay test pins it).
 */
const EDIT_PREFIX = "r:e:";

/**
 * Commands and buttons that answer inside the report and return to the same question (issue 14.2): the
 * features' own handlers answer them, with their own texts.
 */
const ESCAPE_COMMANDS = new Set(["help", "status", "lang"]);
const ESCAPE_BUTTONS = /^(menu:(help|status|lang)|lang:\w+)$/;
/** "Take me back to my report": re-asks the current question (a kept draft resumes with these too). */
const RESUME_COMMANDS = new Set(["report"]);
const RESUME_BUTTONS = /^(menu:report|rs:\d{1,9})$/;

/** The command of a message ("/help@bot x" → "help"), if it is one. */
function commandOf(text: string | undefined): string | null {
  const m = text?.match(/^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i);
  return m ? m[1]!.toLowerCase() : null;
}

// Loaded on first use: these feature modules import this one (REPORT_CONVERSATION).
let escapeHandlers: Composer<BotContext> | undefined;
async function escapes(): Promise<Composer<BotContext>> {
  if (!escapeHandlers) {
    const [{ startFeature }, { studentFeature }, { languageFeature }] = await Promise.all([
      import("../features/start"),
      import("../features/student"),
      import("../features/language"),
    ]);
    escapeHandlers = new Composer<BotContext>(startFeature, studentFeature, languageFeature);
  }
  return escapeHandlers;
}

/**
 * The case this draft already became, if any: a new report while the learner now has an open case (none
 * existed when /report started), or a sent-back report that is no longer sent back. The open case is the
 * one read with this update's identity (issue 17: no statement of its own, as fresh).
 */
async function alreadyFiled(outer: BotContext, resubmitting: number | undefined): Promise<number | null> {
  if (!outer.identity.student) return null;
  const open = outer.identity.openCaseId;
  if (open === null) return null;
  if (resubmitting === undefined) return open;
  const c = await getCase(outer.deps.db, resubmitting);
  return c && c.state !== "sent_back" ? resubmitting : null;
}

/** What the conversation holds between updates: rebuilt the same way on every replay. */
interface Flow {
  conversation: Conversation<BotContext, ConvContext>;
  args: ReportArgs;
  /** D6: the sent-back case being completed. */
  back: ReportArgs["resubmit"];
  draft: Draft;
  /** The open question, or the preview. */
  step: Step;
  /** "asking": a question is open; "cancel": keep or discard?; "kept": the draft waits for /report. */
  mode: "asking" | "cancel" | "kept";
  /** The language of the latest update (a /lang inside the report changes it at once). */
  t: T;
  /** The preview on screen, when it is one message: button edits are shown in it (issue 14.3). */
  previewId: number | null;
  /** The ground before "edit ground", and whether the new one differs (its reasons are asked again). */
  previousGround: Ground | undefined;
  groundChanged: boolean;
  /** The Decree question on screen with its button: a newer one takes the button off it (ch. 5). */
  decreeAskId: number | null;
}

/** One update, as the questions read it. */
interface Input {
  c: ConvContext;
  /** A button's callback data. */
  data: string | undefined;
  /** A message's text (not a sticker's, a photo's or a contact's). */
  text: string | undefined;
  command: string | null;
  /** /report, the menu's Report or "Complete the report": back to the open question. */
  resume: boolean;
}

function readInput(c: ConvContext): Input {
  const data = c.callbackQuery?.data;
  const text = c.message?.text;
  const command = commandOf(text);
  const resume =
    (command !== null && RESUME_COMMANDS.has(command)) || (data !== undefined && RESUME_BUTTONS.test(data));
  return { c, data, text, command, resume };
}

/**
 * What an answer did. next: it is in the draft, and the next missing field (or the preview) is asked, in
 * the pressed message when inPlace. again: refused; said why, and the same question again. shown: the
 * answer is already on screen. end: the conversation is over.
 */
type Answer =
  | { kind: "next"; inPlace: boolean }
  | { kind: "again"; why: Invalid }
  | { kind: "shown" | "end" };
const next = (inPlace: boolean): Answer => ({ kind: "next", inPlace });
const again = (key: string, params?: Invalid["params"]): Answer => ({
  kind: "again",
  why: params ? { key, params } : { key },
});
const SHOWN: Answer = { kind: "shown" };
const END: Answer = { kind: "end" };

const HTML = { parse_mode: "HTML" as const };
const REMOVE_KEYBOARD = { reply_markup: { remove_keyboard: true } } as const;
/** Removing a message's buttons or answering a press is a courtesy: Telegram refusing it changes nothing. */
const ignore = () => {};

export async function reportConversation(
  conversation: Conversation<BotContext, ConvContext>,
  ctx: ConvContext,
  args: ReportArgs,
) {
  const back = args.resubmit;
  const draft: Draft = back
    ? {
        ground: back.ground,
        reasons: back.reasons,
        conscriptServed: back.conscriptServed,
        phone: back.phone,
        lang: back.lang,
      }
    : {};
  const f: Flow = {
    conversation,
    args,
    back,
    draft,
    step: nextField(draft),
    mode: "asking",
    t: ctx.t,
    previewId: null,
    previousGround: undefined,
    groundChanged: false,
    decreeAskId: null,
  };
  await ask(f, ctx);
  for (;;) {
    const c = await conversation.wait();
    f.t = c.t;
    if (await onUpdate(f, readInput(c))) return;
  }
}

/** One update, in the order that decides what it is; true when the conversation is over. */
async function onUpdate(f: Flow, u: Input): Promise<boolean> {
  if (f.mode === "kept") {
    // A kept draft waits in this conversation's stored state (it survives restarts and is pruned with it).
    // Everything but /report and /cancel goes on to the bot's other handlers, as if no report were open.
    if (!u.resume && u.command !== "cancel") await f.conversation.skip({ next: true });
  }
  if (f.step === "preview" && (await filedMeanwhile(f, u.c))) return true;
  if (f.mode !== "kept" && isEscape(u)) {
    await answerEscape(f, u.c);
    return false;
  }
  if (u.c.callbackQuery) await u.c.answerCallbackQuery().catch(ignore);
  if (u.command === "cancel" || u.data === buttons.CANCEL) {
    await askKeepOrDiscard(f, u);
    return false;
  }
  if (u.resume) {
    await resume(f, u.c);
    return false;
  }
  if (f.mode === "cancel") return keepOrDiscard(f, u);
  return onAnswer(f, u);
}

/**
 * A draft already filed (the process stopped between the commit and this conversation's own save, so its
 * state still waits at the preview): say so instead of offering the old preview and Submit again. The
 * receipt itself comes from the outbox. Checked at the preview only, where such a state waits.
 */
async function filedMeanwhile(f: Flow, c: ConvContext): Promise<boolean> {
  const filed = await f.conversation.external((outer) => alreadyFiled(outer, f.back?.caseId));
  if (filed === null) return false;
  if (c.callbackQuery) await c.answerCallbackQuery().catch(ignore);
  await c.reply(f.t("report.already_filed", { id: filed }), REMOVE_KEYBOARD);
  return true;
}

const isEscape = (u: Input) =>
  (u.command !== null && ESCAPE_COMMANDS.has(u.command)) ||
  (u.data !== undefined && ESCAPE_BUTTONS.test(u.data));

/**
 * /help, /status, /lang (and the menu's buttons for them) answer as they do outside the report, then the
 * same question comes back (issue 14.2). The feature answers the callback query itself.
 */
async function answerEscape(f: Flow, c: ConvContext) {
  const lang = await f.conversation.external(async (outer) => {
    await (await escapes()).middleware()(outer, async () => {});
    return outer.lang;
  });
  if (isLang(lang)) f.t = tFor(lang);
  await askAgain(f, c);
}

/** Keep the draft for later, or discard it (issue 14.2). */
async function askKeepOrDiscard(f: Flow, u: Input) {
  if (u.data) await u.c.editMessageReplyMarkup().catch(ignore);
  f.mode = "cancel";
  await askCancel(f, u.c);
}

async function resume(f: Flow, c: ConvContext) {
  if (f.mode === "kept") await c.reply(f.t("report.resumed"));
  f.mode = "asking";
  f.previewId = null;
  await ask(f, c);
}

/** The answer to "keep or discard?"; true when the draft is discarded. */
async function keepOrDiscard(f: Flow, u: Input): Promise<boolean> {
  if (u.data === buttons.DISCARD) {
    await u.c.editMessageReplyMarkup().catch(ignore);
    await u.c.reply(f.t("report.cancelled"), REMOVE_KEYBOARD);
    return true;
  }
  if (u.data === buttons.KEEP) {
    await u.c.editMessageReplyMarkup().catch(ignore);
    await u.c.reply(f.t("report.kept"), REMOVE_KEYBOARD);
    f.mode = "kept";
    return false;
  }
  const key = u.data !== undefined || u.text === undefined ? "report.use_buttons" : "invalid.use_buttons";
  await refuse(f, u.c, { key });
  return false;
}

/** Each question's answer. */
const TAKE: Record<Step, (f: Flow, u: Input) => Promise<Answer>> = {
  ground: takeGround,
  decree: takeDecree,
  pages: takePages,
  reasons: takeReasons,
  conscript: takeConscript,
  phone: takePhone,
  lang: takeLang,
  preview: takePreview,
};

/** The answer to the open question; true when the conversation is over. */
async function onAnswer(f: Flow, u: Input): Promise<boolean> {
  const a = await TAKE[f.step](f, u);
  if (a.kind === "again") await refuse(f, u.c, a.why);
  if (a.kind === "next") {
    f.step = nextField(f.draft);
    await ask(f, u.c, a.inPlace);
  }
  return a.kind === "end";
}

/** Anything a question does not take: a sticker, a photo, a command, an old button, text for a button. */
function unexpected(u: Input): Answer {
  if (u.data !== undefined) return again("report.use_buttons");
  if (u.command !== null || u.text?.startsWith("/")) return again("invalid.command");
  return again(u.c.message && u.text === undefined ? "invalid.not_text" : "report.use_buttons");
}

/** A button answer on the preview message itself: the next question or the new preview replaces it. */
const onPreview = (f: Flow, c: ConvContext) =>
  f.previewId !== null && c.callbackQuery?.message?.message_id === f.previewId;

/** A button answer taken: shown in the pressed preview when it may be, else that message loses its buttons. */
async function tookButton(f: Flow, c: ConvContext, mayReplacePreview: boolean): Promise<Answer> {
  const inPlace = onPreview(f, c) && mayReplacePreview;
  if (!inPlace) await c.editMessageReplyMarkup().catch(ignore);
  return next(inPlace);
}

async function takeGround(f: Flow, u: Input): Promise<Answer> {
  if (u.data === buttons.MORE) {
    // The long explanation replaces the short intro, under the same buttons.
    await show(u.c, true, question(f, f.t("report.intro"), "ground"), {
      reply_markup: groundKeyboard(f.t, false),
    });
    return SHOWN;
  }
  const ground = GROUND_BUTTONS.get(u.data);
  if (!ground) return unexpected(u);
  // Reasons written for the other ground are asked again (issue 14.3).
  f.groundChanged = f.previousGround !== undefined && ground !== f.previousGround;
  f.previousGround = undefined;
  if (f.groundChanged) f.draft.reasons = undefined;
  // The Decree goes with a citizenship report only (and stays if that ground is chosen again); a conscript
  // answer never does (D11), so another ground chosen after it asks that again.
  if (ground !== "citizenship") clearDecree(f.draft);
  if (!conscriptMatters(ground)) f.draft.conscriptServed = undefined;
  f.draft.ground = ground;
  return tookButton(f, u.c, !f.groundChanged);
}

/**
 * Ch. 5 (cl. 23): the Decree. A photo or a PDF is taken (and the count shown with "Done"); anything else
 * is refused with what is accepted. "On paper" asks the number of pages instead.
 */
async function takeDecree(f: Flow, u: Input): Promise<Answer> {
  if (u.data === buttons.DECREE_DONE) {
    if (!f.draft.decree?.length) return again("report.decree_none");
    f.draft.decreeDone = true;
    f.decreeAskId = null; // its button goes with the press
    return tookButton(f, u.c, false);
  }
  if (u.data === buttons.DECREE_PAPER) {
    f.draft.decreePaper = true;
    f.decreeAskId = null;
    return tookButton(f, u.c, false);
  }
  if (u.data !== undefined || u.command !== null || u.text?.startsWith("/") || !u.c.message)
    return unexpected(u);
  return takeDecreeFile(f, u.c.message);
}

/** A file of the Decree: kept when it is a photo or a PDF within the limits (the same one sent twice, once). */
function takeDecreeFile(f: Flow, msg: IncomingFile): Answer {
  const file = attachmentOf("decree", msg);
  if (isInvalid(file)) return again(file.key, file.params);
  const d = f.draft;
  const list = d.decree ?? [];
  if (list.length >= MAX_ATTACHMENTS) return again("report.decree_too_many", { max: MAX_ATTACHMENTS });
  if (!list.some((a) => a.fileUniqueId === file.fileUniqueId)) d.decree = [...list, file];
  d.decreePaper = false;
  return next(false);
}

/** The Decree on paper: its number of pages; a photo or a PDF sent instead is taken as a file. */
async function takePages(f: Flow, u: Input): Promise<Answer> {
  const msg = u.c.message;
  if (msg?.photo || msg?.document) return takeDecreeFile(f, msg);
  if (u.data !== undefined) return again("invalid.pages", { max: MAX_PAPER_PAGES });
  if (u.text === undefined || u.command !== null) return unexpected(u);
  const pages = paperPages(u.text);
  if (isInvalid(pages)) return again(pages.key, pages.params);
  const d = f.draft;
  d.decree = [...(d.decree ?? []), { kind: "decree", media: "paper", pages }];
  d.decreeDone = true;
  d.decreePaper = false;
  return next(false);
}

function clearDecree(d: Draft) {
  d.decree = undefined;
  d.decreeDone = undefined;
  d.decreePaper = undefined;
}

async function takeReasons(f: Flow, u: Input): Promise<Answer> {
  if (u.text === undefined || u.command !== null) return unexpected(u);
  // The same check as at submit (issue 12.5): control characters refused, length in visible characters.
  const v = checkText(u.text, REASONS_MIN, REASONS_MAX);
  if (isInvalid(v)) return again(v.key, v.params);
  f.draft.reasons = v;
  f.groundChanged = false;
  return next(false);
}

async function takeConscript(f: Flow, u: Input): Promise<Answer> {
  const served = CONSCRIPT_BUTTONS.get(u.data);
  if (served === undefined) return unexpected(u);
  f.draft.conscriptServed = served;
  return tookButton(f, u.c, true);
}

/** Typed, shared with the contact button (the learner's own only), or skipped; checked as at submit. */
async function takePhone(f: Flow, u: Input): Promise<Answer> {
  const contact = u.c.message?.contact;
  let phone: string | null | Invalid;
  if (contact) {
    // Only the learner's own number, not a contact card of someone else.
    const own = contact.user_id === undefined || contact.user_id === u.c.from?.id;
    phone = own ? checkPhone(contact.phone_number) : { key: "report.phone_invalid" };
  } else if (u.text !== undefined) {
    const v = cleanText(u.text);
    phone = !isInvalid(v) && v === f.t("report.skip") ? null : checkPhone(u.text);
  } else {
    return unexpected(u);
  }
  if (isInvalid(phone)) return again(phone.key);
  f.draft.phone = phone;
  // The reply keyboard goes as soon as the number is in (issue 14.3): the next question has inline buttons.
  await u.c.reply(
    phone ? f.t("report.phone_saved", { phone }) : f.t("report.phone_skipped"),
    REMOVE_KEYBOARD,
  );
  return next(false);
}

async function takeLang(f: Flow, u: Input): Promise<Answer> {
  const lang = LANG_BUTTONS.get(u.data);
  if (!lang) return unexpected(u);
  f.draft.lang = lang;
  return tookButton(f, u.c, true);
}

/** At the preview: Submit, or an edit button (the ground of a sent-back report stays: D6). */
async function takePreview(f: Flow, u: Input): Promise<Answer> {
  if (u.data === buttons.SUBMIT) return submit(f, u.c);
  if (!u.data?.startsWith(EDIT_PREFIX) || (f.back && u.data === buttons.edit("ground"))) return unexpected(u);
  const which = u.data.slice(EDIT_PREFIX.length);
  clearField(f, which);
  // A question answered with buttons is asked in the preview's place; a typed one below it.
  const inPlace = onPreview(f, u.c) && BUTTON_FIELDS.has(which);
  if (!inPlace) {
    await u.c.editMessageReplyMarkup().catch(ignore);
    f.previewId = null;
  }
  return next(inPlace);
}

/** "Edit …" on the preview: the field is asked again (the next missing one). */
function clearField(f: Flow, which: string) {
  const d = f.draft;
  if (which === "ground") {
    f.previousGround = d.ground;
    d.ground = undefined;
  }
  if (which === "decree") clearDecree(d);
  if (which === "reasons") d.reasons = undefined;
  if (which === "conscript") d.conscriptServed = undefined;
  if (which === "phone") d.phone = undefined;
  if (which === "lang") d.lang = undefined;
}

/**
 * What submitting came to; stored with the conversation's state, so its shape stays as it is (fields are
 * only ever added, optional). receipt: the queued receipt's outbox rows (issue 17: marked delivered by
 * primary key); absent in states stored before they were returned.
 */
type Filed =
  /** interview: whether the case has the cl. 4 interview (D5); absent in states stored before it was told. */
  | { kind: "submitted"; caseId: number; date: string; interview?: boolean; receipt?: number[] }
  | { kind: "resubmitted"; caseId: number; version: number; receipt?: number[] }
  | { kind: "not_student" | "open_case" | "bad_input"; caseId: number }
  | { kind: "not_found" | "not_sent_back" | "bad_input"; caseId: number; state: string }
  | { kind: "failed" };

async function submit(f: Flow, c: ConvContext): Promise<Answer> {
  await c.editMessageReplyMarkup().catch(ignore);
  const { draft, back } = f;
  // A failure (the database unreachable, a restart) must not cost the learner's typing: the outcome is
  // returned as data, and on "failed" the draft stays and the preview comes back with its Submit button.
  const result = await f.conversation.external((outer) => fileDraft(outer, draft, back));
  if (result.kind === "failed") {
    f.previewId = null;
    return again("report.submit_failed");
  }
  const told = outcomeMessage(f.t, result, draft.ground!);
  await c.reply(told.text, told.other);
  if (result.kind === "submitted" || result.kind === "resubmitted") {
    // The receipt queued with the case is not sent a second time (see cases/receipt.ts).
    await f.conversation.external((outer) =>
      markReceiptDelivered(outer.deps.db, result.caseId, outer.deps.clock(), result.receipt),
    );
  }
  return END;
}

/** Files the draft: a new case, or (D6) a new version of the sent-back one. Never throws. */
async function fileDraft(outer: BotContext, draft: Draft, back: ReportArgs["resubmit"]): Promise<Filed> {
  const userId = outer.identity.userId!;
  const now = outer.deps.clock();
  const d = {
    reasons: draft.reasons!,
    // Ch. 5: not asked (D11); stored as false.
    conscriptServed: draft.conscriptServed ?? false,
    phone: draft.phone ?? null,
    reportLang: draft.lang!,
  };
  try {
    if (back) {
      const r = await resubmitReport(outer.deps.db, { userId, caseId: back.caseId, ...d }, now);
      return r.ok
        ? { kind: "resubmitted", caseId: r.caseId, version: r.version, receipt: r.receipt }
        : { kind: r.reason, caseId: back.caseId, state: r.state ?? "" };
    }
    // Ch. 5: the Decree goes with the report (submitReport refuses a citizenship report without it).
    const attachments = draft.ground === "citizenship" ? (draft.decree ?? []) : undefined;
    const r = await submitReport(
      outer.deps.db,
      { userId, ground: draft.ground!, ...d, ...(attachments ? { attachments } : {}) },
      now,
    );
    return r.ok
      ? {
          kind: "submitted",
          caseId: r.caseId,
          date: r.registeredOn,
          interview: r.interview,
          receipt: r.receipt,
        }
      : { kind: r.reason, caseId: r.caseId ?? 0 };
  } catch (err) {
    outer.deps.log.warn({ err: safeError(err) }, "report submit failed; the draft is kept");
    return { kind: "failed" };
  }
}

/** The learner's answer to Submit: the receipt, or why nothing was filed. */
function outcomeMessage(
  t: T,
  r: Exclude<Filed, { kind: "failed" }>,
  ground: Ground,
): { text: string; other?: typeof REMOVE_KEYBOARD } {
  switch (r.kind) {
    case "submitted":
      return {
        // The same words as the receipt queued with the case (src/messages/notices.ts).
        text: submittedText(t, r.caseId, { date: r.date, ground, interview: r.interview ?? true }),
        other: REMOVE_KEYBOARD,
      };
    case "resubmitted":
      return { text: t("notice.resubmitted", { id: r.caseId, version: r.version }), other: REMOVE_KEYBOARD };
    case "open_case":
      return { text: t("report.open_case", { id: r.caseId || "" }) };
    case "not_sent_back":
      return { text: t("report.not_sent_back", { id: r.caseId }) };
    default:
      return { text: t("report.not_student") };
  }
}

// ——— Questions ———

/** Each question (and the preview), shown anew, or (inPlace) in the message whose button was pressed. */
const ASK: Record<Step, (f: Flow, c: ConvContext, inPlace: boolean) => Promise<unknown>> = {
  ground: askGround,
  decree: askDecree,
  pages: askPages,
  reasons: askReasons,
  conscript: askConscript,
  phone: askPhone,
  lang: askLang,
  preview: showPreview,
};

const ask = (f: Flow, c: ConvContext, inPlace = false) => ASK[f.step](f, c, inPlace);

/** The open question again (after an escape or a refused answer), or "keep or discard?" again. */
const askAgain = (f: Flow, c: ConvContext) => (f.mode === "cancel" ? askCancel(f, c) : ask(f, c));

/** Says why an answer is refused, then asks again. */
async function refuse(f: Flow, c: ConvContext, why: Invalid) {
  await c.reply(f.t(why.key, why.params));
  await askAgain(f, c);
}

function question(f: Flow, text: string, field: Field) {
  const fields = f.draft.ground === "citizenship" ? CITIZENSHIP_FIELDS : FIELDS;
  return `${f.t("report.progress", { n: fields.indexOf(field) + 1, total: fields.length })}\n${text}`;
}

function groundKeyboard(t: T, more: boolean) {
  const kb = new InlineKeyboard();
  REPORT_GROUNDS.forEach((g, i) => {
    if (i > 0) kb.row();
    kb.text(t(`report.ground_${g}`), buttons.ground(g));
  });
  return more ? kb.row().text(t("report.more"), buttons.MORE) : kb;
}

/** Sends, or (inPlace) edits the message the button was pressed on; an edit that fails is sent instead. */
async function show(c: ConvContext, inPlace: boolean, text: string, other: Record<string, unknown>) {
  if (inPlace) {
    try {
      return await c.editMessageText(text, { ...HTML, ...other });
    } catch {
      // Too old to edit, or deleted: a new message does.
    }
  }
  return c.reply(text, { ...HTML, ...other });
}

function askGround(f: Flow, c: ConvContext, inPlace: boolean) {
  // The first time, a short intro with a "more" button (issue 14.3); after that the question alone.
  const first = !f.draft.reasons && !f.back && !f.previewId;
  const text = first ? f.t("report.intro_short") : f.t("report.ask_ground");
  return show(c, inPlace, question(f, text, "ground"), { reply_markup: groundKeyboard(f.t, first) });
}

/**
 * Ch. 5: the Decree question, or (files in) their count with "Done". A newer one takes the button off the
 * one before, so only one "Done" is on screen.
 */
async function askDecree(f: Flow, c: ConvContext) {
  const t = f.t;
  const files = f.draft.decree?.length ?? 0;
  const chat = c.chat?.id;
  if (f.decreeAskId !== null && chat !== undefined)
    await c.api.editMessageReplyMarkup(chat, f.decreeAskId).catch(ignore);
  const text =
    files > 0
      ? t("report.decree_received", { count: files })
      : question(f, t("report.ask_decree", { mb: MAX_ATTACHMENT_BYTES / 2 ** 20 }), "decree");
  const kb =
    files > 0
      ? new InlineKeyboard().text(t("report.decree_done"), buttons.DECREE_DONE)
      : new InlineKeyboard().text(t("report.decree_paper"), buttons.DECREE_PAPER);
  const sent = await c.reply(text, { ...HTML, reply_markup: kb });
  f.decreeAskId = sent.message_id;
  return sent;
}

function askPages(f: Flow, c: ConvContext) {
  f.decreeAskId = null;
  return c.reply(question(f, f.t("report.ask_pages", { max: MAX_PAPER_PAGES }), "decree"), HTML);
}

function askReasons(f: Flow, c: ConvContext) {
  const q = f.t(`report.ask_reasons_${f.draft.ground}`, { min: REASONS_MIN, max: REASONS_MAX });
  const text = f.groundChanged ? `${f.t("report.ground_changed")}\n\n${q}` : q;
  return c.reply(question(f, text, "reasons"), { ...HTML, reply_markup: { remove_keyboard: true } });
}

function askConscript(f: Flow, c: ConvContext, inPlace: boolean) {
  // Russian answers agree with the learner ("Да, проходил" / "Да, проходила"), else "Да" / "Нет".
  const context = sexContext(f.args.student.sex);
  return show(c, inPlace, question(f, f.t("report.ask_conscript"), "conscript"), {
    reply_markup: new InlineKeyboard()
      .text(f.t("report.yes", { context }), buttons.conscript(true))
      .text(f.t("report.no", { context }), buttons.conscript(false)),
  });
}

function askPhone(f: Flow, c: ConvContext) {
  return c.reply(question(f, f.t("report.ask_phone"), "phone"), {
    ...HTML,
    reply_markup: new Keyboard()
      .requestContact(f.t("report.share_phone"))
      .row()
      .text(f.t("report.skip"))
      .resized()
      .oneTime(),
  });
}

function askLang(f: Flow, c: ConvContext, inPlace: boolean) {
  return show(c, inPlace, question(f, f.t("report.ask_lang"), "lang"), {
    reply_markup: new InlineKeyboard()
      .text(tFor("kk")("lang.name"), buttons.lang("kk"))
      .text(tFor("ru")("lang.name"), buttons.lang("ru")),
  });
}

function previewKeyboard(f: Flow) {
  const t = f.t;
  const kb = new InlineKeyboard().text(t("report.submit"), buttons.SUBMIT).row();
  // The ground of a report sent back stays: a different ground is a different report (D6).
  if (!f.back) kb.text(t("report.edit_ground"), buttons.edit("ground"));
  kb.text(t("report.edit_reasons"), buttons.edit("reasons")).row();
  const ground = f.draft.ground!;
  // Ch. 5: the Decree can be sent again (its files replaced); no conscript answer there (D11).
  if (ground === "citizenship") kb.text(t("report.edit_decree"), buttons.edit("decree"));
  if (conscriptMatters(ground)) kb.text(t("report.edit_conscript"), buttons.edit("conscript"));
  return kb
    .text(t("report.edit_phone"), buttons.edit("phone"))
    .row()
    .text(t("report.edit_lang"), buttons.edit("lang"))
    .text(t("report.cancel"), buttons.CANCEL);
}

/** The report as it will be filed, with Submit and the edit buttons under it. */
async function showPreview(f: Flow, c: ConvContext, inPlace: boolean) {
  const { draft, args, back, t } = f;
  const now = await f.conversation.external((outer) => outer.deps.clock().getTime());
  const document = renderReport({
    ground: draft.ground!,
    reasons: draft.reasons!,
    conscriptServed: draft.conscriptServed ?? false, // not written in ch. 5 (D11)
    phone: draft.phone ?? null,
    lang: draft.lang!,
    date: localDateOf(new Date(now)),
    headTitle: draft.lang === "ru" ? args.headTitleRu : args.headTitleKk,
    student: args.student,
  });
  const kb = previewKeyboard(f);
  const intro = back ? `${t("report.sent_back_intro", { id: back.caseId, why: back.why })}\n\n` : "";
  const decree = draft.ground === "citizenship" ? `\n\n${decreeLine(t, draft.decree ?? [])}` : "";
  // Issue 12.4: the head's reason and a report of the longest kind together pass Telegram's limit: then
  // they go as two messages (or more), never cut, the buttons under the last.
  const parts = splitHtml(intro + t("report.preview", { document }) + decree, MESSAGE_BUDGET);
  if (parts.length === 1) {
    const sent = await show(c, inPlace, parts[0]!, { reply_markup: kb });
    f.previewId = typeof sent === "object" && sent ? sent.message_id : null;
    return sent;
  }
  f.previewId = null;
  for (const part of parts.slice(0, -1)) await c.reply(part, HTML);
  return c.reply(parts.at(-1)!, { ...HTML, reply_markup: kb });
}

/** Ch. 5, under the preview: what goes with the report ("📎 the Decree: 2 files; 3 pages on paper"). */
function decreeLine(t: T, list: readonly AttachmentInput[]): string {
  const files = list.filter((a) => a.media !== "paper").length;
  const pages = list.reduce((n, a) => n + (a.media === "paper" ? (a.pages ?? 0) : 0), 0);
  const what = [
    ...(files > 0 ? [t("report.decree_files", { count: files })] : []),
    ...(pages > 0 ? [t("report.decree_pages", { count: pages })] : []),
  ];
  return t("report.decree_attached", { kind: t("attachment.decree"), what: what.join("; ") });
}

function askCancel(f: Flow, c: ConvContext) {
  return c.reply(f.t("report.cancel_ask"), {
    reply_markup: new InlineKeyboard()
      .text(f.t("report.keep"), buttons.KEEP)
      .row()
      .text(f.t("report.discard"), buttons.DISCARD),
  });
}
