import { Composer, InlineKeyboard } from "grammy";
import { isLang, LANGS, tFor } from "../../i18n";
import { setLanguage } from "../../people/identity";
import type { BotContext } from "../context";

export const languageKeyboard = () => {
  const kb = new InlineKeyboard();
  for (const l of LANGS) kb.text(tFor(l)("lang.name"), `lang:${l}`);
  return kb;
};

export const languageFeature = new Composer<BotContext>();

languageFeature.command("lang", (ctx) =>
  ctx.reply(ctx.t("lang.choose"), { reply_markup: languageKeyboard() }),
);

languageFeature.callbackQuery(/^lang:(\w+)$/, async (ctx) => {
  const lang = ctx.match[1];
  if (!isLang(lang)) return ctx.answerCallbackQuery({ text: ctx.t("errors.unknown_button") });
  // Someone with no users row yet gets one: a chosen language is worth keeping (issue 12.17).
  await setLanguage(ctx.deps.db, ctx.identity.userId ?? { telegramId: ctx.from.id }, lang);
  ctx.lang = lang;
  ctx.t = tFor(lang);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("lang.set"), { parse_mode: "HTML" });
});
