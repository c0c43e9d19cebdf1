import { type CallbackQueryContext, Composer, InlineKeyboard } from "grammy";
import { isLang, LANGS, tFor } from "../../i18n";
import { setLanguage } from "../../people/identity";
import { installChatMenu } from "../commands";
import type { BotContext } from "../context";

/** A button per language, "lang:<l>" (or "lang:<l>:<suffix>" for a handler that does more, start.ts). */
export const languageButtons = (suffix?: string) =>
  LANGS.map((l) => InlineKeyboard.text(tFor(l)("lang.name"), `lang:${l}${suffix ? `:${suffix}` : ""}`));

export const languageKeyboard = () => InlineKeyboard.from([languageButtons()]);

export const languageFeature = new Composer<BotContext>();

languageFeature.command("lang", (ctx) =>
  ctx.reply(ctx.t("lang.choose"), { reply_markup: languageKeyboard() }),
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
  return true;
}

languageFeature.callbackQuery(/^lang:(\w+)$/, async (ctx) => {
  if (!(await chooseLanguage(ctx, ctx.match[1]))) return;
  await ctx.editMessageText(ctx.t("lang.set"), { parse_mode: "HTML" });
});
