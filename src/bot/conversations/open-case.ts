/**
 * Issue 16: an official opens a case on a ground the learner does not file (cl. 2, 12, 16): ch. 2 academic
 * failure (the head of the academic-methods subdivision), ch. 3 negative reasons (the head of the
 * educational unit), cl. 2 expulsion by a foreign educational organisation (the personnel subdivision).
 *
 * A loop over a draft, as the report's (src/bot/conversations/report.ts): it asks for the first missing
 * field, and the preview's edit buttons clear a field, so every correction comes back to the preview. The
 * questions: the ground (skipped when the official may open only one), the learner (found by personal
 * number or a part of the name, in the official's own institution only), the ground's own fields, the
 * attachments of each kind the ground requires (photos or PDFs, or pages on paper, then Done), the document's
 * language (the interface's when it is Kazakh or Russian), the preview with Submit. Bad input gets a short
 * explanation and the same question; answers given so far are kept. openCase (src/cases/open.ts) checks
 * everything again: the official's right, the learner, the fields and the attachments.
 *
 * Escapes: /help and /lang (and their menu buttons) are answered by their features, then the same question
 * comes back; /open and the menu's "Open a case" ask the open question again; /cancel is the global one
 * (src/bot/features/cancel.ts). Every other command or button (a task card's, /inbox, /case) passes through
 * to the rest of the bot (skip): the form waits where it was. Callback data is a pointer: a learner's
 * button is looked up again in the official's institution.
 *
 * Replay (src/db/conversation-storage.ts): the stored state is the list of this function's waits,
 * external() calls and Bot API calls in order; a stored form is replayed against the code. One wait per
 * update (onUpdate); all database work and the clock go through external(). Whatever changes that list for
 * the same updates (another wait, a call more or less, a different order) needs CONVERSATION_VERSION bumped,
 * which drops every stored state, the learners' report drafts too; test/cases/open-case-replay.test.ts pins
 * the list, question by question (its header says how to record the new version's file).
 */
import type { Conversation } from "@grammyjs/conversations";
import { Composer } from "grammy";
import { type AttachmentInput, attachmentOf, MAX_ATTACHMENTS, paperPages } from "../../cases/attachments";
import { earliestTrigger, FILING_TEXT_LIMITS, FOREIGN_ORG_LIMITS, openCase } from "../../cases/open";
import { caseForOfficial } from "../../cases/queries";
import { openCaseOf, rosterSnapshot } from "../../cases/submit";
import { checkPastDate, checkText, type Invalid, isInvalid, visibleLength } from "../../cases/validate";
import { isLang, type T, tFor } from "../../i18n";
import { safeError } from "../../logger";
import { MENU, type OpenField, openForm } from "../../messages/callbacks";
import { attachmentsByKind, renderFiling } from "../../messages/filing-document";
import { MESSAGE_BUDGET, splitHtml } from "../../messages/fit";
import { formatDate } from "../../messages/format";
import {
  attachKeyboard,
  caseButtons,
  inlineMarkup,
  type LearnerButton,
  learnerKeyboard,
  openGroundKeyboard,
  openLangKeyboard,
  openPreviewKeyboard,
} from "../../messages/keyboards";
import { findLearners, LEARNER_MATCHES_SHOWN, learnerOfInstitution } from "../../people/learner-search";
import {
  type DocumentLanguage,
  type LocalDate,
  localDateOf,
  type OfficialOpenedGround,
  OPENING_ROLE,
  REQUIRED_ATTACHMENTS,
} from "../../rules";
import type { BotContext, ConvContext } from "../context";

export const OPEN_CASE_CONVERSATION = "openCase";

export interface OpenCaseArgs {
  /** The grounds this official may open a case on when /open came (checked again when it is filed). */
  grounds: OfficialOpenedGround[];
  /** The interface language then: Kazakh or Russian is the document's too (editable); English asks. */
  lang: string;
  headTitleKk: string;
  headTitleRu: string;
  officialName: string;
}

/** The learner chosen: the roster's fields the filing is written from (src/cases/submit.ts rosterSnapshot). */
type Learner = { id: number } & ReturnType<typeof rosterSnapshot>;

interface Draft {
  ground?: OfficialOpenedGround;
  learner?: Learner;
  /** Ch. 2: the last day of the debt-clearing period (YYYY-MM-DD). */
  debtEndsOn?: string;
  /** Cl. 2: the foreign organisation and the expulsion date (YYYY-MM-DD). */
  foreignOrg?: string;
  expelledOn?: string;
  /** Ch. 2 the debt in words, ch. 3 the reasons, cl. 2 the foreign organisation's document. */
  text?: string;
  files: AttachmentInput[];
  /** The attachment kinds the official pressed Done for. */
  kindsDone: string[];
  lang?: DocumentLanguage;
}

type Typed = "debt" | "org" | "expelled" | "text";
type Step = OpenField | "preview";

/** The typed fields of each ground, in the order they are asked. */
const TYPED: Readonly<Record<OfficialOpenedGround, readonly Typed[]>> = {
  academic_failure: ["debt", "text"],
  negative_reasons: ["text"],
  foreign_org: ["org", "expelled", "text"],
};

const typedValue = (d: Draft, f: Typed) =>
  ({ debt: d.debtEndsOn, org: d.foreignOrg, expelled: d.expelledOn, text: d.text })[f];

const requiredKinds = (g: OfficialOpenedGround) => REQUIRED_ATTACHMENTS[g]?.kinds ?? [];

/** The attachment kind asked now: the first required one not yet Done. */
const currentKind = (d: Draft) =>
  d.ground ? requiredKinds(d.ground).find((k) => !d.kindsDone.includes(k)) : undefined;

function nextStep(d: Draft): Step {
  if (!d.ground) return "ground";
  if (!d.learner) return "learner";
  const typed = TYPED[d.ground].find((f) => typedValue(d, f) === undefined);
  if (typed) return typed;
  if (currentKind(d)) return "files";
  if (!d.lang) return "lang";
  return "preview";
}

/** What the conversation holds between updates: rebuilt the same way on every replay. */
interface Flow {
  conversation: Conversation<BotContext, ConvContext>;
  args: OpenCaseArgs;
  draft: Draft;
  step: Step;
  /** The language of the latest update (a /lang inside the form changes it at once). */
  t: T;
  /** At "files": "On paper" was pressed, the number of pages is asked. */
  pages: boolean;
  /** The ground before "edit ground": another ground asks its own fields and attachments again. */
  previousGround: OfficialOpenedGround | undefined;
}

/** One update, as the questions read it. */
interface Input {
  c: ConvContext;
  data: string | undefined;
  text: string | undefined;
  command: string | null;
}

function commandOf(text: string | undefined): string | null {
  const m = text?.match(/^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i);
  return m ? m[1]!.toLowerCase() : null;
}

const readInput = (c: ConvContext): Input => ({
  c,
  data: c.callbackQuery?.data,
  text: c.message?.text,
  command: commandOf(c.message?.text),
});

/** Answered by their features, then the same question again. */
const ESCAPE_COMMANDS = new Set(["help", "lang"]);
const ESCAPE_BUTTONS = /^(menu:(help|lang)|lang:\w+)$/;
const isEscape = (u: Input) =>
  (u.command !== null && ESCAPE_COMMANDS.has(u.command)) ||
  (u.data !== undefined && ESCAPE_BUTTONS.test(u.data));
/** /open or the menu's "Open a case" inside the form: the open question again. */
const isResume = (u: Input) => u.command === "open" || u.data === MENU.open;
/** Another command or another feature's button: not this form's business. */
const isForeign = (u: Input) =>
  !isEscape(u) &&
  !isResume(u) &&
  ((u.command !== null && u.command !== "cancel") || (u.data !== undefined && !openForm.any.test(u.data)));

let escapeHandlers: Composer<BotContext> | undefined;
async function escapes(): Promise<Composer<BotContext>> {
  if (!escapeHandlers) {
    const [{ startFeature }, { languageFeature }] = await Promise.all([
      import("../features/start"),
      import("../features/language"),
    ]);
    escapeHandlers = new Composer<BotContext>(startFeature, languageFeature);
  }
  return escapeHandlers;
}

type Answer = { kind: "next" } | { kind: "again"; why: Invalid } | { kind: "shown" | "end" };
const NEXT: Answer = { kind: "next" };
const SHOWN: Answer = { kind: "shown" };
const END: Answer = { kind: "end" };
const again = (key: string, params?: Invalid["params"]): Answer => ({
  kind: "again",
  why: params ? { key, params } : { key },
});

const HTML = { parse_mode: "HTML" as const };
/** Removing a message's buttons or answering a press is a courtesy: Telegram refusing it changes nothing. */
const ignore = () => {};

export async function openCaseConversation(
  conversation: Conversation<BotContext, ConvContext>,
  ctx: ConvContext,
  args: OpenCaseArgs,
) {
  const lang = args.lang === "kk" || args.lang === "ru" ? args.lang : undefined;
  const draft: Draft = {
    files: [],
    kindsDone: [],
    ...(args.grounds.length === 1 ? { ground: args.grounds[0] } : {}),
    ...(lang ? { lang } : {}),
  };
  const f: Flow = {
    conversation,
    args,
    draft,
    step: nextStep(draft),
    t: ctx.t,
    pages: false,
    previousGround: undefined,
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
  // The form waits where it was; the update goes on to the bot's other handlers, as if no form were open.
  if (isForeign(u)) await f.conversation.skip({ next: true });
  if (isEscape(u)) {
    await answerEscape(f, u.c);
    return false;
  }
  if (u.c.callbackQuery) await u.c.answerCallbackQuery().catch(ignore);
  if (u.data === openForm.CANCEL) {
    await u.c.editMessageReplyMarkup().catch(ignore);
    await u.c.reply(f.t("open.cancelled"));
    return true;
  }
  if (isResume(u)) {
    await ask(f, u.c);
    return false;
  }
  const a = await TAKE[f.step](f, u);
  if (a.kind === "again") {
    await u.c.reply(f.t(a.why.key, a.why.params));
    await ask(f, u.c);
  }
  if (a.kind === "next") {
    f.step = nextStep(f.draft);
    await ask(f, u.c);
  }
  return a.kind === "end";
}

async function answerEscape(f: Flow, c: ConvContext) {
  const lang = await f.conversation.external(async (outer) => {
    await (await escapes()).middleware()(outer, async () => {});
    return outer.lang;
  });
  if (isLang(lang)) f.t = tFor(lang);
  await ask(f, c);
}

/** Anything a question does not take: an old button, text for a button, a sticker for a text. */
function unexpected(u: Input, typed: boolean): Answer {
  if (u.data !== undefined) return again("open.use_buttons");
  if (u.text?.startsWith("/")) return again("invalid.command");
  if (typed && u.text === undefined) return again("invalid.not_text");
  return again("open.use_buttons");
}

/** A button answer taken: its message loses its buttons, and the next question comes. */
async function tookButton(u: Input): Promise<Answer> {
  await u.c.editMessageReplyMarkup().catch(ignore);
  return NEXT;
}

const TAKE: Record<Step, (f: Flow, u: Input) => Promise<Answer>> = {
  ground: takeGround,
  learner: takeLearner,
  debt: (f, u) => takeTyped(f, u, "debt"),
  org: (f, u) => takeTyped(f, u, "org"),
  expelled: (f, u) => takeTyped(f, u, "expelled"),
  text: (f, u) => takeTyped(f, u, "text"),
  files: takeFiles,
  lang: takeLang,
  preview: takePreview,
};

async function takeGround(f: Flow, u: Input): Promise<Answer> {
  const g = openForm.ground.unpack(u.data);
  if (!g || !f.args.grounds.includes(g)) return unexpected(u, false);
  const d = f.draft;
  // Another ground has other fields and other attachments: they are asked again.
  if (f.previousGround !== undefined && g !== f.previousGround) {
    d.debtEndsOn = d.foreignOrg = d.expelledOn = d.text = undefined;
    d.files = [];
    d.kindsDone = [];
  }
  f.previousGround = undefined;
  d.ground = g;
  return tookButton(u);
}

// ——— The learner ———

type LearnerPick =
  | { kind: "ok"; learner: Learner }
  | { kind: "gone" }
  | { kind: "own" }
  | { kind: "case"; caseId: number; name: string };

async function takeLearner(f: Flow, u: Input): Promise<Answer> {
  if (u.data !== undefined) {
    const id = openForm.learner.unpack(u.data);
    return id === null ? unexpected(u, false) : chooseLearner(f, u, id);
  }
  if (u.text === undefined) return unexpected(u, true);
  const query = u.text.trim().replace(/\s+/g, " ");
  if (visibleLength(query) < 2) return again("open.query_short");
  const found = await f.conversation.external((outer) =>
    findLearners(outer.deps.db, outer.identity.official?.institutionId ?? -1, query),
  );
  if (found.length === 0) return again("open.no_match", { query: query.slice(0, 100) });
  if (found.length > LEARNER_MATCHES_SHOWN)
    return again("open.too_many", { max: LEARNER_MATCHES_SHOWN, query: query.slice(0, 100) });
  await u.c.reply([f.t("open.matches"), ...found.map((m, i) => matchLine(f.t, m, i + 1))].join("\n"), {
    ...HTML,
    reply_markup: inlineMarkup(learnerKeyboard(found)),
  });
  return SHOWN;
}

const matchLine = (t: T, m: LearnerButton, n: number) =>
  t(m.openCaseId === null ? "open.match_line" : "open.match_line_case", {
    n,
    name: m.fullName,
    group: m.groupName,
    number: m.personalNumber,
    id: m.openCaseId ?? "",
  });

/** A learner's button: looked up again in the official's institution (the data is only a pointer). */
async function pickLearner(outer: BotContext, studentId: number): Promise<LearnerPick> {
  const db = outer.deps.db;
  const s = await learnerOfInstitution(db, outer.identity.official?.institutionId ?? -1, studentId);
  if (!s) return { kind: "gone" };
  if (s.userId !== null && s.userId === outer.identity.userId) return { kind: "own" };
  const open = await openCaseOf(db, s.id);
  if (open !== null) return { kind: "case", caseId: open, name: s.fullName };
  return { kind: "ok", learner: { id: s.id, ...rosterSnapshot(s) } };
}

async function chooseLearner(f: Flow, u: Input, studentId: number): Promise<Answer> {
  const r = await f.conversation.external((outer) => pickLearner(outer, studentId));
  if (r.kind === "gone") return again("open.learner_gone");
  if (r.kind === "own") return again("open.own_case");
  if (r.kind === "case") return again("open.has_case", { name: r.name, id: r.caseId });
  f.draft.learner = r.learner;
  const chosen = f.t("open.learner_chosen", {
    name: r.learner.fullName,
    group: r.learner.groupName,
    number: r.learner.personalNumber,
  });
  // The list becomes the choice, without buttons.
  await u.c.editMessageText(chosen, HTML).catch(() => u.c.editMessageReplyMarkup().catch(ignore));
  return NEXT;
}

// ——— Typed fields ———

async function today(f: Flow): Promise<LocalDate> {
  return localDateOf(new Date(await f.conversation.external((outer) => outer.deps.clock().getTime())));
}

/** A date of the past, not older than earliestTrigger (a year): older is a typing mistake or paper. */
async function pastDate(f: Flow, text: string): Promise<string | Invalid> {
  const now = await today(f);
  const from = earliestTrigger(now);
  const v = checkPastDate(text, now, from);
  if (isInvalid(v) && v.key === "invalid.date_before")
    return { key: "open.date_too_old", params: { date: formatDate(from) } };
  return v;
}

async function takeTyped(f: Flow, u: Input, field: Typed): Promise<Answer> {
  if (u.text === undefined || u.data !== undefined) return unexpected(u, true);
  const d = f.draft;
  const g = d.ground!;
  let v: string | Invalid;
  if (field === "debt" || field === "expelled") v = await pastDate(f, u.text);
  else if (field === "org") v = checkText(u.text, FOREIGN_ORG_LIMITS.min, FOREIGN_ORG_LIMITS.max);
  else v = checkText(u.text, FILING_TEXT_LIMITS[g].min, FILING_TEXT_LIMITS[g].max);
  if (isInvalid(v)) return again(v.key, v.params);
  if (field === "debt") d.debtEndsOn = v;
  if (field === "org") d.foreignOrg = v;
  if (field === "expelled") d.expelledOn = v;
  if (field === "text") d.text = v;
  return NEXT;
}

// ——— Attachments ———

const filesOf = (d: Draft, kind: string) => d.files.filter((a) => a.kind === kind && a.media !== "paper");
const paperOf = (d: Draft, kind: string) => d.files.find((a) => a.kind === kind && a.media === "paper");

/** "2 files, 3 pages on paper" for one kind so far. */
function attachedSoFar(t: T, d: Draft, kind: string): string {
  const files = filesOf(d, kind).length;
  const pages = paperOf(d, kind)?.pages ?? 0;
  return [
    ...(files > 0 ? [t("filing.files", { count: files })] : []),
    ...(pages > 0 ? [t("filing.pages", { count: pages })] : []),
  ].join(", ");
}

async function takeFiles(f: Flow, u: Input): Promise<Answer> {
  const kind = currentKind(f.draft)!;
  if (u.data !== undefined) return fileButton(f, u, kind);
  const msg = u.c.message;
  if (msg?.photo || msg?.document) return takeFile(f, u, kind);
  if (f.pages && u.text !== undefined) return takePages(f, u, kind);
  return again("invalid.file_type");
}

async function fileButton(f: Flow, u: Input, kind: string): Promise<Answer> {
  if (u.data === openForm.paper.pack(kind)) {
    f.pages = true;
    return tookButton(u);
  }
  if (u.data !== openForm.done.pack(kind)) return unexpected(u, false);
  const d = f.draft;
  if (!d.files.some((a) => a.kind === kind))
    return again("open.nothing_attached", { name: f.t(`attachment.${kind}`) });
  d.kindsDone.push(kind);
  f.pages = false;
  return tookButton(u);
}

/** A photo or a PDF: kept as its Telegram file id; acknowledged with the running count. */
async function takeFile(f: Flow, u: Input, kind: string): Promise<Answer> {
  const msg = u.c.message!;
  const a = attachmentOf(kind, { photo: msg.photo, document: msg.document });
  if (isInvalid(a)) return again(a.key, a.params);
  const d = f.draft;
  if (d.files.filter((x) => x.media !== "paper").length >= MAX_ATTACHMENTS)
    return again("open.too_many_files", { max: MAX_ATTACHMENTS });
  d.files.push(a);
  f.pages = false;
  await acknowledge(f, u.c, kind, "open.received");
  return SHOWN;
}

/** "On paper, N pages": one entry per kind (a second answer corrects the first). */
async function takePages(f: Flow, u: Input, kind: string): Promise<Answer> {
  const n = paperPages(u.text!);
  if (isInvalid(n)) return again(n.key, n.params);
  const d = f.draft;
  d.files = d.files.filter((a) => !(a.kind === kind && a.media === "paper"));
  d.files.push({ kind, media: "paper", pages: n });
  f.pages = false;
  await acknowledge(f, u.c, kind, "open.pages_recorded");
  return SHOWN;
}

function acknowledge(f: Flow, c: ConvContext, kind: string, key: string) {
  const text = f.t(key, { name: f.t(`attachment.${kind}`), what: attachedSoFar(f.t, f.draft, kind) });
  return c.reply(text, { ...HTML, reply_markup: inlineMarkup(attachKeyboard(f.t, kind)) });
}

// ——— Language and preview ———

async function takeLang(f: Flow, u: Input): Promise<Answer> {
  const lang = openForm.lang.unpack(u.data);
  if (!lang) return unexpected(u, false);
  f.draft.lang = lang;
  return tookButton(u);
}

async function takePreview(f: Flow, u: Input): Promise<Answer> {
  if (u.data === openForm.SUBMIT) return submit(f, u);
  const field = openForm.edit.unpack(u.data);
  if (!field || !editFields(f).some((e) => e.field === field)) return unexpected(u, false);
  clearField(f, field);
  return tookButton(u);
}

/** "Edit …" on the preview: the field is asked again (the next missing one), then the preview. */
function clearField(f: Flow, field: OpenField) {
  const d = f.draft;
  if (field === "ground") {
    f.previousGround = d.ground;
    d.ground = undefined;
  }
  if (field === "learner") d.learner = undefined;
  if (field === "debt") d.debtEndsOn = undefined;
  if (field === "org") d.foreignOrg = undefined;
  if (field === "expelled") d.expelledOn = undefined;
  if (field === "text") d.text = undefined;
  if (field === "files") {
    d.files = [];
    d.kindsDone = [];
    f.pages = false;
  }
  if (field === "lang") d.lang = undefined;
}

/** The preview's edit buttons: the fields asked for this ground (the ground only when there is a choice). */
function editFields(f: Flow): { field: OpenField; label: string }[] {
  const g = f.draft.ground!;
  const fields: OpenField[] = [
    ...(f.args.grounds.length > 1 ? (["ground"] as const) : []),
    "learner",
    ...TYPED[g],
    "files",
    "lang",
  ];
  return fields.map((field) => ({
    field,
    label: f.t(field === "text" ? `open.edit_text_${g}` : `open.edit_${field}`),
  }));
}

/** What filing came to; stored with the conversation's state. */
type Filed =
  | { kind: "opened"; caseId: number; registeredOn: string; next: { role: string; key: string }[] }
  | {
      kind: "not_allowed" | "not_found" | "own_case" | "open_case" | "bad_input";
      caseId?: number;
      error?: Invalid;
    }
  | { kind: "failed" };

/** Opens the case through the use case; never throws (a failure keeps the draft). */
async function fileDraft(outer: BotContext, d: Draft): Promise<Filed> {
  const official = outer.identity.official;
  if (!official || outer.identity.userId === null) return { kind: "not_allowed" };
  const db = outer.deps.db;
  try {
    const r = await openCase(
      db,
      {
        actor: { userId: outer.identity.userId, officialId: official.id },
        ground: d.ground!,
        studentId: d.learner!.id,
        reportLang: d.lang!,
        text: d.text!,
        facts: {
          ...(d.debtEndsOn ? { debtEndsOn: d.debtEndsOn } : {}),
          ...(d.foreignOrg ? { foreignOrg: d.foreignOrg } : {}),
          ...(d.expelledOn ? { expelledOn: d.expelledOn } : {}),
        },
        attachments: d.files,
      },
      outer.deps.clock(),
    );
    if (!r.ok) return { kind: r.reason, caseId: r.caseId, error: r.error };
    const cc = await caseForOfficial(db, official, r.caseId);
    const next = (cc?.steps ?? [])
      .filter((s) => s.state === "pending")
      .map((s) => ({ role: s.role, key: s.key }));
    return { kind: "opened", caseId: r.caseId, registeredOn: r.registeredOn, next };
  } catch (err) {
    outer.deps.log.warn({ err: safeError(err) }, "opening a case failed; the form is kept");
    return { kind: "failed" };
  }
}

async function submit(f: Flow, u: Input): Promise<Answer> {
  await u.c.editMessageReplyMarkup().catch(ignore);
  const draft = f.draft;
  const r = await f.conversation.external((outer) => fileDraft(outer, draft));
  const t = f.t;
  switch (r.kind) {
    case "opened": {
      const next = r.next.map((s) =>
        t("open.next_item", { role: t(`role.${s.role}`), step: t(`step.${s.key}`) }),
      );
      await u.c.reply(
        t("open.opened", {
          id: r.caseId,
          ground: t(`ground.${draft.ground}`),
          date: formatDate(r.registeredOn as LocalDate),
          next: next.join("; ") || "—",
        }),
        { ...HTML, reply_markup: inlineMarkup(caseButtons(t, [r.caseId])) },
      );
      return END;
    }
    case "failed":
      return again("open.failed");
    case "bad_input":
      // Something no longer holds (a date now over a year old): said, and the preview again to edit it.
      return again(
        r.error?.key === "invalid.date_before"
          ? "open.date_too_old"
          : (r.error?.key ?? "invalid.attachments"),
        r.error?.params,
      );
    case "not_found":
    case "own_case":
      // The learner left the roster, or is the official himself: another learner is asked for.
      draft.learner = undefined;
      await u.c.reply(t(r.kind === "own_case" ? "open.own_case" : "open.learner_gone"));
      return NEXT;
    case "open_case":
      await u.c.reply(t("open.open_case", { id: r.caseId ?? "" }));
      return END;
    default:
      await u.c.reply(t("open.not_allowed"));
      return END;
  }
}

// ——— Questions ———

const ASK: Record<Step, (f: Flow, c: ConvContext) => Promise<unknown>> = {
  ground: (f, c) =>
    c.reply(f.t("open.ask_ground"), {
      ...HTML,
      reply_markup: inlineMarkup(openGroundKeyboard(f.t, f.args.grounds)),
    }),
  learner: (f, c) => c.reply(f.t("open.ask_learner", { ground: f.t(`ground.${f.draft.ground}`) }), HTML),
  debt: (f, c) => c.reply(f.t("open.ask_debt_ends"), HTML),
  org: (f, c) => c.reply(f.t("open.ask_foreign_org", FOREIGN_ORG_LIMITS), HTML),
  expelled: (f, c) => c.reply(f.t("open.ask_expelled_on"), HTML),
  text: (f, c) => c.reply(f.t(`open.ask_text_${f.draft.ground}`, FILING_TEXT_LIMITS[f.draft.ground!]), HTML),
  files: askFiles,
  lang: (f, c) => c.reply(f.t("open.ask_lang"), { reply_markup: inlineMarkup(openLangKeyboard()) }),
  preview: showPreview,
};

const ask = (f: Flow, c: ConvContext) => ASK[f.step](f, c);

function askFiles(f: Flow, c: ConvContext) {
  const kind = currentKind(f.draft)!;
  const name = f.t(`attachment.${kind}`);
  if (f.pages) return c.reply(f.t("open.ask_pages", { name }), HTML);
  const kinds = requiredKinds(f.draft.ground!);
  const text = f.t("open.ask_files", { n: kinds.indexOf(kind) + 1, total: kinds.length, name });
  return c.reply(text, { ...HTML, reply_markup: inlineMarkup(attachKeyboard(f.t, kind)) });
}

/** The filing as it will be stored (the same renderFiling as openCase), with Submit and the edit buttons. */
async function showPreview(f: Flow, c: ConvContext) {
  const { draft: d, args, t } = f;
  const now = await f.conversation.external((outer) => outer.deps.clock().getTime());
  const g = d.ground!;
  const document = renderFiling({
    ground: g,
    lang: d.lang!,
    date: localDateOf(new Date(now)),
    headTitle: d.lang === "ru" ? args.headTitleRu : args.headTitleKk,
    by: { name: args.officialName, role: OPENING_ROLE[g].role },
    student: d.learner!,
    text: d.text!,
    facts: {
      ...(d.debtEndsOn ? { debtEndsOn: d.debtEndsOn } : {}),
      ...(d.foreignOrg ? { foreignOrg: d.foreignOrg } : {}),
      ...(d.expelledOn ? { expelledOn: d.expelledOn } : {}),
    },
    attachments: attachmentsByKind(d.files),
  });
  const kb = inlineMarkup(openPreviewKeyboard(t, editFields(f)));
  // The longest filing passes Telegram's limit with its heading: then it goes in parts, buttons under the last.
  const parts = splitHtml(t("open.preview", { document }), MESSAGE_BUDGET);
  for (const part of parts.slice(0, -1)) await c.reply(part, HTML);
  return c.reply(parts.at(-1)!, { ...HTML, reply_markup: kb });
}
