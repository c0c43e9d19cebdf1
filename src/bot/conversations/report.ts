/**
 * The report conversation (issue: student reports). A loop over a draft: it asks for the first missing
 * field, and the preview's edit buttons clear a field, so every correction returns to the preview.
 * Bad input gets a short explanation and the same question; answers given so far are kept. State lives
 * in Postgres (conversation storage), so a restart resumes mid-way. DB work goes through external().
 */
import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, Keyboard } from "grammy";
import { formatDate } from "../../cases/format";
import { type ReportData, renderReport } from "../../cases/report-document";
import { REASONS_MAX, REASONS_MIN, submitReport } from "../../cases/submit";
import { tFor } from "../../i18n";
import { localDateOf } from "../../rules";
import type { BotContext, ConvContext } from "../context";

export const REPORT_CONVERSATION = "report";

export interface ReportArgs {
  student: ReportData["student"];
  headTitleKk: string;
  headTitleRu: string;
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
const PHONE_RE = /^\+?[\d\s()-]{7,20}$/;

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
  const draft: Draft = {};
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
        const kb = new InlineKeyboard()
          .text(t("report.submit"), "r:submit")
          .row()
          .text(t("report.edit_ground"), "r:e:ground")
          .text(t("report.edit_reasons"), "r:e:reasons")
          .row()
          .text(t("report.edit_conscript"), "r:e:conscript")
          .text(t("report.edit_phone"), "r:e:phone")
          .row()
          .text(t("report.edit_lang"), "r:e:lang")
          .text(t("report.cancel"), "r:cancel");
        return c.reply(t("report.preview", { document }), { ...html, reply_markup: kb });
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
    if (field === "preview" && data?.startsWith("r:e:")) {
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
      const result = await conversation.external((outer) =>
        submitReport(
          outer.deps.db,
          {
            userId: outer.identity.userId!,
            ground: draft.ground!,
            reasons: draft.reasons!,
            conscriptServed: draft.conscriptServed!,
            phone: draft.phone ?? null,
            reportLang: draft.lang!,
          },
          outer.deps.clock(),
        ),
      );
      if (result.ok) {
        await c.reply(t("notice.submitted", { id: result.caseId, date: formatDate(result.registeredOn) }), {
          reply_markup: { remove_keyboard: true },
        });
      } else if (result.reason === "open_case") {
        await c.reply(t("report.open_case", { id: result.caseId ?? "" }));
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
      const v = text.trim();
      if (v.startsWith("/")) {
        await bad("invalid.command");
        continue;
      }
      if (v.length < REASONS_MIN) {
        await bad("invalid.too_short", { min: REASONS_MIN });
        continue;
      }
      if (v.length > REASONS_MAX) {
        await bad("invalid.too_long", { max: REASONS_MAX, len: v.length });
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
      const v = text.trim();
      if (v === t("report.skip")) draft.phone = null;
      else if (PHONE_RE.test(v) && v.replace(/\D/g, "").length >= 10) draft.phone = v;
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
