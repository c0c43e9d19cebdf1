/**
 * The report conversation (issue: student reports). A loop over a draft: it asks for the first missing
 * field, and the preview's edit buttons clear a field, so every correction returns to the preview.
 * Bad input gets a short explanation and the same question; answers given so far are kept. State lives
 * in Postgres (conversation storage), so a restart resumes mid-way. DB work goes through external().
 */
import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, Keyboard } from "grammy";
import { MESSAGE_BUDGET, splitHtml } from "../../cases/fit";
import { formatDate } from "../../cases/format";
import { type ReportData, renderReport } from "../../cases/report-document";
import { resubmitReport } from "../../cases/resubmit";
import { isPhone, REASONS_MAX, REASONS_MIN, submitReport } from "../../cases/submit";
import { checkText, cleanText, isInvalid } from "../../cases/validate";
import { tFor } from "../../i18n";
import { safeError } from "../../logger";
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
  let introShown = false;
  const html = { parse_mode: "HTML" as const };

  const ask = async (c: ConvContext, field: Field | "preview") => {
    t = c.t;
    switch (field) {
      case "ground": {
        const kb = new InlineKeyboard()
          .text(t("report.ground_own_will"), "r:g:own_will")
          .row()
          .text(t("report.ground_contract_refusal"), "r:g:contract_refusal");
        const text = introShown ? t("report.use_buttons") : t("report.intro");
        introShown = true;
        return c.reply(text, { ...html, reply_markup: kb });
      }
      case "reasons":
        return c.reply(t(`report.ask_reasons_${draft.ground}`, { min: REASONS_MIN, max: REASONS_MAX }), {
          reply_markup: { remove_keyboard: true },
        });
      case "conscript":
        return c.reply(t("report.ask_conscript"), {
          reply_markup: new InlineKeyboard().text(t("report.yes"), "r:c:yes").text(t("report.no"), "r:c:no"),
        });
      case "phone":
        return c.reply(t("report.ask_phone"), {
          reply_markup: new Keyboard()
            .requestContact(t("report.share_phone"))
            .row()
            .text(t("report.skip"))
            .resized()
            .oneTime(),
        });
      case "lang":
        return c.reply(t("report.ask_lang"), {
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
        for (const part of parts.slice(0, -1)) await c.reply(part, html);
        return c.reply(parts.at(-1)!, { ...html, reply_markup: kb });
      }
    }
  };

  let field = nextField(draft);
  await ask(ctx, field);
  for (;;) {
    const c = await conversation.wait();
    t = c.t;
    const data = c.callbackQuery?.data;
    if (c.callbackQuery) await c.answerCallbackQuery().catch(() => {});
    const msg = c.message;
    const text = msg?.text;
    const bad = async (key: string, params?: Record<string, unknown>) => {
      await c.reply(t(key, params));
      await ask(c, field);
    };

    if (data === "r:cancel") {
      await c.editMessageReplyMarkup().catch(() => {});
      await c.reply(t("report.cancelled"), { reply_markup: { remove_keyboard: true } });
      return;
    }
    if (field === "preview" && data?.startsWith("r:e:") && !(back && data === "r:e:ground")) {
      const which = data.slice(4) as Field;
      if (which === "ground") {
        draft.ground = undefined;
        introShown = false;
      }
      if (which === "reasons") draft.reasons = undefined;
      if (which === "conscript") draft.conscriptServed = undefined;
      if (which === "phone") draft.phone = undefined;
      if (which === "lang") draft.lang = undefined;
      await c.editMessageReplyMarkup().catch(() => {});
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
        await ask(c, field);
        continue;
      }
      if (result.kind === "submitted") {
        await c.reply(t("notice.submitted", { id: result.caseId, date: formatDate(result.date) }), {
          reply_markup: { remove_keyboard: true },
        });
      } else if (result.kind === "resubmitted") {
        await c.reply(t("notice.resubmitted", { id: result.caseId, version: result.version }), {
          reply_markup: { remove_keyboard: true },
        });
      } else if (result.kind === "open_case") {
        await c.reply(t("report.open_case", { id: result.caseId || "" }));
      } else if (result.kind === "not_sent_back") {
        await c.reply(t("report.not_sent_back", { id: result.caseId }));
      } else {
        await c.reply(t("report.not_student"));
      }
      return;
    } else if (field === "ground" && (data === "r:g:own_will" || data === "r:g:contract_refusal")) {
      draft.ground = data.slice(4) as Draft["ground"];
      await c.editMessageReplyMarkup().catch(() => {});
    } else if (field === "conscript" && (data === "r:c:yes" || data === "r:c:no")) {
      draft.conscriptServed = data === "r:c:yes";
      await c.editMessageReplyMarkup().catch(() => {});
    } else if (field === "lang" && (data === "r:l:kk" || data === "r:l:ru")) {
      draft.lang = data.slice(4) as "kk" | "ru";
      await c.editMessageReplyMarkup().catch(() => {});
    } else if (field === "reasons" && text !== undefined) {
      // The same check as at submit (issue 12.5): control characters refused, length in visible characters.
      const v = checkText(text, REASONS_MIN, REASONS_MAX);
      if (isInvalid(v)) {
        await bad(v.key, v.params);
        continue;
      }
      draft.reasons = v;
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
          : text?.startsWith("/")
            ? "invalid.command"
            : msg && text === undefined
              ? "invalid.not_text"
              : "report.use_buttons";
      await bad(key);
      continue;
    }
    field = nextField(draft);
    await ask(c, field);
  }
}
