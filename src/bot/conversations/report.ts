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
 */
import type { Conversation } from "@grammyjs/conversations";
import { eq } from "drizzle-orm";
import { Composer, InlineKeyboard, Keyboard } from "grammy";
import { MESSAGE_BUDGET, splitHtml } from "../../cases/fit";
import { formatDate } from "../../cases/format";
import { markReceiptDelivered } from "../../cases/receipt";
import { type ReportData, renderReport } from "../../cases/report-document";
import { resubmitReport } from "../../cases/resubmit";
import { isPhone, openCaseOf, REASONS_MAX, REASONS_MIN, submitReport } from "../../cases/submit";
import { checkText, cleanText, isInvalid } from "../../cases/validate";
import { cases } from "../../db/schema";
import { isLang, tFor } from "../../i18n";
import { safeError } from "../../logger";
import { sexContext } from "../../people/sex";
import { localDateOf } from "../../rules";
import type { BotContext, ConvContext } from "../context";

export const REPORT_CONVERSATION = "report";

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
    ground: "own_will" | "contract_refusal";
    reasons: string;
    conscriptServed: boolean;
    phone: string | null;
    lang: "kk" | "ru";
    /** The head's reason for sending it back. */
    why: string;
  };
}

interface Draft {
  ground?: "own_will" | "contract_refusal";
  reasons?: string;
  conscriptServed?: boolean;
  /** undefined = not asked yet; null = skipped. */
  phone?: string | null;
  lang?: "kk" | "ru";
}

type Field = "ground" | "reasons" | "conscript" | "phone" | "lang";

function nextField(d: Draft): Field | "preview" {
  if (!d.ground) return "ground";
  if (d.reasons === undefined) return "reasons";
  if (d.conscriptServed === undefined) return "conscript";
  if (d.phone === undefined) return "phone";
  if (!d.lang) return "lang";
  return "preview";
}

/**
 * The case this draft already became, if any: a new report while the learner now has an open case (none
 * existed when /report started), or a sent-back report that is no longer sent back.
 */
async function alreadyFiled(outer: BotContext, resubmitting: number | undefined): Promise<number | null> {
  const student = outer.identity.student;
  if (!student) return null;
  const open = await openCaseOf(outer.deps.db, student.id);
  if (open === null) return null;
  if (resubmitting === undefined) return open;
  const [c] = await outer.deps.db
    .select({ state: cases.state })
    .from(cases)
    .where(eq(cases.id, resubmitting));
  return c && c.state !== "sent_back" ? resubmitting : null;
}

/** The questions in order: "n/5" on each (issue 14.3). */
const FIELDS: Field[] = ["ground", "reasons", "conscript", "phone", "lang"];

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
  let t = ctx.t;
  const html = { parse_mode: "HTML" as const };
  /** The preview on screen, when it is one message: button edits are shown in it (issue 14.3). */
  let previewId: number | null = null;
  /** "asking": a question is open; "cancel": keep or discard?; "kept": the draft waits for /report. */
  let mode: "asking" | "cancel" | "kept" = "asking";
  /** The ground before "edit ground", and whether the new one differs (its reasons are asked again). */
  let previousGround: Draft["ground"];
  let groundChanged = false;

  const question = (text: string, field: Field) =>
    `${t("report.progress", { n: FIELDS.indexOf(field) + 1, total: FIELDS.length })}\n${text}`;
  const groundKeyboard = (more: boolean) => {
    const kb = new InlineKeyboard()
      .text(t("report.ground_own_will"), "r:g:own_will")
      .row()
      .text(t("report.ground_contract_refusal"), "r:g:contract_refusal");
    return more ? kb.row().text(t("report.more"), "r:more") : kb;
  };
  /** Sends, or (inPlace) edits the message the button was pressed on; an edit that fails is sent instead. */
  const show = async (c: ConvContext, inPlace: boolean, text: string, other: Record<string, unknown>) => {
    if (inPlace) {
      try {
        return await c.editMessageText(text, { ...html, ...other });
      } catch {
        // Too old to edit, or deleted: a new message does.
      }
    }
    return c.reply(text, { ...html, ...other });
  };

  const ask = async (c: ConvContext, field: Field | "preview", inPlace = false) => {
    switch (field) {
      case "ground": {
        // The first time, a short intro with a "more" button (issue 14.3); after that the question alone.
        const first = !draft.reasons && !back && !previewId;
        const text = first ? t("report.intro_short") : t("report.ask_ground");
        return show(c, inPlace, question(text, "ground"), { reply_markup: groundKeyboard(first) });
      }
      case "reasons": {
        const q = t(`report.ask_reasons_${draft.ground}`, { min: REASONS_MIN, max: REASONS_MAX });
        const text = groundChanged ? `${t("report.ground_changed")}\n\n${q}` : q;
        return c.reply(question(text, "reasons"), { ...html, reply_markup: { remove_keyboard: true } });
      }
      case "conscript": {
        // Russian answers agree with the learner ("Да, проходил" / "Да, проходила"), else "Да" / "Нет".
        const context = sexContext(args.student.sex);
        return show(c, inPlace, question(t("report.ask_conscript"), "conscript"), {
          reply_markup: new InlineKeyboard()
            .text(t("report.yes", { context }), "r:c:yes")
            .text(t("report.no", { context }), "r:c:no"),
        });
      }
      case "phone":
        return c.reply(question(t("report.ask_phone"), "phone"), {
          ...html,
          reply_markup: new Keyboard()
            .requestContact(t("report.share_phone"))
            .row()
            .text(t("report.skip"))
            .resized()
            .oneTime(),
        });
      case "lang":
        return show(c, inPlace, question(t("report.ask_lang"), "lang"), {
          reply_markup: new InlineKeyboard()
            .text(tFor("kk")("lang.name"), "r:l:kk")
            .text(tFor("ru")("lang.name"), "r:l:ru"),
        });
      case "preview": {
        const today = localDateOf(
          new Date(await conversation.external((outer) => outer.deps.clock().getTime())),
        );
        const document = renderReport({
          ground: draft.ground!,
          reasons: draft.reasons!,
          conscriptServed: draft.conscriptServed!,
          phone: draft.phone ?? null,
          lang: draft.lang!,
          date: today,
          headTitle: draft.lang === "ru" ? args.headTitleRu : args.headTitleKk,
          student: args.student,
        });
        const kb = new InlineKeyboard().text(t("report.submit"), "r:submit").row();
        // The ground of a report sent back stays: a different ground is a different report (D6).
        if (!back) kb.text(t("report.edit_ground"), "r:e:ground");
        kb.text(t("report.edit_reasons"), "r:e:reasons")
          .row()
          .text(t("report.edit_conscript"), "r:e:conscript")
          .text(t("report.edit_phone"), "r:e:phone")
          .row()
          .text(t("report.edit_lang"), "r:e:lang")
          .text(t("report.cancel"), "r:cancel");
        const intro = back ? `${t("report.sent_back_intro", { id: back.caseId, why: back.why })}\n\n` : "";
        // Issue 12.4: the head's reason and a report of the longest kind together pass Telegram's limit:
        // then they go as two messages (or more), never cut, the buttons under the last.
        const parts = splitHtml(intro + t("report.preview", { document }), MESSAGE_BUDGET);
        if (parts.length === 1) {
          const sent = await show(c, inPlace, parts[0]!, { reply_markup: kb });
          previewId = typeof sent === "object" && sent ? sent.message_id : null;
          return sent;
        }
        previewId = null;
        for (const part of parts.slice(0, -1)) await c.reply(part, html);
        return c.reply(parts.at(-1)!, { ...html, reply_markup: kb });
      }
    }
  };
  const askCancel = (c: ConvContext) =>
    c.reply(t("report.cancel_ask"), {
      reply_markup: new InlineKeyboard()
        .text(t("report.keep"), "r:keep")
        .row()
        .text(t("report.discard"), "r:discard"),
    });

  let field = nextField(draft);
  await ask(ctx, field);
  for (;;) {
    const c = await conversation.wait();
    t = c.t;
    const data = c.callbackQuery?.data;
    const msg = c.message;
    const text = msg?.text;
    const command = commandOf(text);
    const resume =
      (command !== null && RESUME_COMMANDS.has(command)) || (data !== undefined && RESUME_BUTTONS.test(data));

    if (mode === "kept") {
      // A kept draft waits in this conversation's stored state (it survives restarts and is pruned with it).
      // Everything but /report and /cancel goes on to the bot's other handlers, as if no report were open.
      if (!resume && command !== "cancel") await conversation.skip({ next: true });
    }
    // A draft already filed (the process stopped between the commit and this conversation's own save, so
    // its state still waits at the preview): say so instead of offering the old preview and Submit again.
    // The receipt itself comes from the outbox. Checked at the preview only, where such a state waits.
    const filed =
      field === "preview" ? await conversation.external((outer) => alreadyFiled(outer, back?.caseId)) : null;
    if (filed !== null) {
      if (c.callbackQuery) await c.answerCallbackQuery().catch(() => {});
      await c.reply(t("report.already_filed", { id: filed }), { reply_markup: { remove_keyboard: true } });
      return;
    }
    // /help, /status, /lang (and the menu's buttons for them) answer as they do outside the report, then
    // the same question comes back (issue 14.2). The feature answers the callback query itself.
    if (
      mode !== "kept" &&
      ((command !== null && ESCAPE_COMMANDS.has(command)) ||
        (data !== undefined && ESCAPE_BUTTONS.test(data)))
    ) {
      const lang = await conversation.external(async (outer) => {
        await (await escapes()).middleware()(outer, async () => {});
        return outer.lang;
      });
      if (isLang(lang)) t = tFor(lang);
      if (mode === "cancel") await askCancel(c);
      else await ask(c, field);
      continue;
    }
    if (c.callbackQuery) await c.answerCallbackQuery().catch(() => {});
    const bad = async (key: string, params?: Record<string, unknown>) => {
      await c.reply(t(key, params));
      if (mode === "cancel") await askCancel(c);
      else await ask(c, field);
    };

    if (command === "cancel" || data === "r:cancel") {
      // Keep the draft for later, or discard it (issue 14.2).
      if (data) await c.editMessageReplyMarkup().catch(() => {});
      mode = "cancel";
      await askCancel(c);
      continue;
    }
    if (resume) {
      if (mode === "kept") await c.reply(t("report.resumed"));
      mode = "asking";
      previewId = null;
      await ask(c, field);
      continue;
    }
    if (mode === "cancel") {
      if (data === "r:discard") {
        await c.editMessageReplyMarkup().catch(() => {});
        await c.reply(t("report.cancelled"), { reply_markup: { remove_keyboard: true } });
        return;
      }
      if (data === "r:keep") {
        await c.editMessageReplyMarkup().catch(() => {});
        await c.reply(t("report.kept"), { reply_markup: { remove_keyboard: true } });
        mode = "kept";
        continue;
      }
      await bad(data !== undefined || text === undefined ? "report.use_buttons" : "invalid.use_buttons");
      continue;
    }
    // A button answer on the preview message itself: the next question or the new preview replaces it.
    const onPreview = previewId !== null && c.callbackQuery?.message?.message_id === previewId;
    let inPlace = false;

    if (data === "r:more" && field === "ground") {
      // The long explanation replaces the short intro, under the same buttons.
      await show(c, true, question(t("report.intro"), "ground"), { reply_markup: groundKeyboard(false) });
      continue;
    }
    if (field === "preview" && data?.startsWith("r:e:") && !(back && data === "r:e:ground")) {
      const which = data.slice(4) as Field;
      if (which === "ground") {
        previousGround = draft.ground;
        draft.ground = undefined;
      }
      if (which === "reasons") draft.reasons = undefined;
      if (which === "conscript") draft.conscriptServed = undefined;
      if (which === "phone") draft.phone = undefined;
      if (which === "lang") draft.lang = undefined;
      // A question answered with buttons is asked in the preview's place; a typed one below it.
      inPlace = onPreview && (which === "ground" || which === "conscript" || which === "lang");
      if (!inPlace) {
        await c.editMessageReplyMarkup().catch(() => {});
        previewId = null;
      }
    } else if (field === "preview" && data === "r:submit") {
      await c.editMessageReplyMarkup().catch(() => {});
      const d = {
        reasons: draft.reasons!,
        conscriptServed: draft.conscriptServed!,
        phone: draft.phone ?? null,
        reportLang: draft.lang!,
      };
      // A failure (the database unreachable, a restart) must not cost the learner's typing: the outcome is
      // returned as data, and on "failed" the draft stays and the preview comes back with its Submit button.
      const result = await conversation.external(async (outer) => {
        const userId = outer.identity.userId!;
        const now = outer.deps.clock();
        try {
          if (back) {
            const r = await resubmitReport(outer.deps.db, { userId, caseId: back.caseId, ...d }, now);
            return r.ok
              ? { kind: "resubmitted" as const, caseId: r.caseId, version: r.version }
              : { kind: r.reason, caseId: back.caseId, state: r.state ?? "" };
          }
          const r = await submitReport(outer.deps.db, { userId, ground: draft.ground!, ...d }, now);
          return r.ok
            ? { kind: "submitted" as const, caseId: r.caseId, date: r.registeredOn }
            : { kind: r.reason, caseId: r.caseId ?? 0 };
        } catch (err) {
          outer.deps.log.warn({ err: safeError(err) }, "report submit failed; the draft is kept");
          return { kind: "failed" as const };
        }
      });
      if (result.kind === "failed") {
        await c.reply(t("report.submit_failed"));
        previewId = null;
        await ask(c, field);
        continue;
      }
      if (result.kind === "submitted" || result.kind === "resubmitted") {
        await c.reply(
          result.kind === "submitted"
            ? t("notice.submitted", { id: result.caseId, date: formatDate(result.date) })
            : t("notice.resubmitted", { id: result.caseId, version: result.version }),
          { reply_markup: { remove_keyboard: true } },
        );
        // The receipt queued with the case is not sent a second time (see cases/receipt.ts).
        await conversation.external((outer) =>
          markReceiptDelivered(outer.deps.db, result.caseId, outer.deps.clock()),
        );
      } else if (result.kind === "open_case") {
        await c.reply(t("report.open_case", { id: result.caseId || "" }));
      } else if (result.kind === "not_sent_back") {
        await c.reply(t("report.not_sent_back", { id: result.caseId }));
      } else {
        await c.reply(t("report.not_student"));
      }
      return;
    } else if (field === "ground" && (data === "r:g:own_will" || data === "r:g:contract_refusal")) {
      const ground = data.slice(4) as Draft["ground"];
      // Reasons written for the other ground are asked again (issue 14.3).
      groundChanged = previousGround !== undefined && ground !== previousGround;
      previousGround = undefined;
      if (groundChanged) draft.reasons = undefined;
      draft.ground = ground;
      inPlace = onPreview && !groundChanged;
      if (!inPlace) await c.editMessageReplyMarkup().catch(() => {});
    } else if (field === "conscript" && (data === "r:c:yes" || data === "r:c:no")) {
      draft.conscriptServed = data === "r:c:yes";
      inPlace = onPreview;
      if (!inPlace) await c.editMessageReplyMarkup().catch(() => {});
    } else if (field === "lang" && (data === "r:l:kk" || data === "r:l:ru")) {
      draft.lang = data.slice(4) as "kk" | "ru";
      inPlace = onPreview;
      if (!inPlace) await c.editMessageReplyMarkup().catch(() => {});
    } else if (field === "reasons" && text !== undefined && command === null) {
      // The same check as at submit (issue 12.5): control characters refused, length in visible characters.
      const v = checkText(text, REASONS_MIN, REASONS_MAX);
      if (isInvalid(v)) {
        await bad(v.key, v.params);
        continue;
      }
      draft.reasons = v;
      groundChanged = false;
    } else if (field === "phone" && msg?.contact) {
      // Only the learner's own number, not a contact card of someone else.
      if (msg.contact.user_id !== undefined && msg.contact.user_id !== c.from?.id) {
        await bad("report.phone_invalid");
        continue;
      }
      draft.phone = msg.contact.phone_number;
    } else if (field === "phone" && text !== undefined) {
      const v = cleanText(text);
      if (isInvalid(v)) {
        await bad(v.key);
        continue;
      }
      if (v === t("report.skip")) draft.phone = null;
      else if (isPhone(v)) draft.phone = v;
      else {
        await bad(v.startsWith("/") ? "invalid.command" : "report.phone_invalid");
        continue;
      }
    } else {
      // A sticker, a photo, a command, an old button, or text where a button is expected.
      const key =
        data !== undefined
          ? "report.use_buttons"
          : command !== null || text?.startsWith("/")
            ? "invalid.command"
            : msg && text === undefined
              ? "invalid.not_text"
              : "report.use_buttons";
      await bad(key);
      continue;
    }
    if (field === "phone") {
      // The reply keyboard goes as soon as the number is in (issue 14.3): the next question has inline buttons.
      await c.reply(
        draft.phone ? t("report.phone_saved", { phone: draft.phone }) : t("report.phone_skipped"),
        {
          reply_markup: { remove_keyboard: true },
        },
      );
    }
    field = nextField(draft);
    await ask(c, field, inPlace);
  }
}
