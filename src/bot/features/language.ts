import { type CallbackQueryContext, Composer } from "grammy";
import { isLang, tFor } from "../../i18n";
import { language } from "../../messages/callbacks";
import { inlineMarkup, languageKeyboard } from "../../messages/keyboards";
import { setLanguage } from "../../people/identity";
import { installChatMenu } from "../commands";
import type { BotContext } from "../context";
import { refreshDashboardButton } from "../menu-button";

export const languageFeature = new Composer<BotContext>();

languageFeature.command("lang", (ctx) =>
  ctx.reply(ctx.t("lang.choose"), { reply_markup: inlineMarkup(languageKeyboard()) }),
);

/**
 * Stores a language the user chose (D10: from now on the Telegram app's is ignored) and answers in it; a
 * bound user's chat menu is set again in it (issue 14.12). False, with the press answered, for a code that
 * is not ours (forged callback data).
 */
export async function chooseLanguage(
  ctx: CallbackQueryContext<BotContext>,
  code: string | undefined,
): Promise<boolean> {
  if (!isLang(code)) {
    await ctx.answerCallbackQuery({ text: ctx.t("errors.unknown_button") });
    return false;
  }
  // Someone with no users row yet gets one: a chosen language is worth keeping (issue 12.17).
  await setLanguage(ctx.deps.db, ctx.identity.userId ?? { telegramId: ctx.from.id }, code);
  ctx.identity = { ...ctx.identity, lang: code, langChosen: true };
  ctx.lang = code;
  ctx.t = tFor(code);
  await ctx.answerCallbackQuery();
  if (ctx.chatId !== undefined) await installChatMenu(ctx.api, ctx.chatId, ctx.identity, ctx.deps.log);
  // Issue 18: the dashboard's button says its name in the new language too.
  await refreshDashboardButton(ctx);
  return true;
}

languageFeature.callbackQuery(language.filter, async (ctx) => {
  if (!(await chooseLanguage(ctx, language.unpack(ctx.callbackQuery.data) ?? undefined))) return;
  await ctx.editMessageText(ctx.t("lang.set"), { parse_mode: "HTML" });
});
