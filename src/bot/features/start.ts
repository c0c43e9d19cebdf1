import { Composer } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { groundsOpenableToday } from "../../cases/open";
import { tFor } from "../../i18n";
import { caseStart, languageInMenu, MENU } from "../../messages/callbacks";
import { inlineMarkup, languageKeyboard, menuKeyboard } from "../../messages/keyboards";
import { isStranger, loadIdentity } from "../../people/identity";
import { redeemInvite } from "../../people/invites";
import { groundsOpenableBy, localDateOf } from "../../rules";
import { installChatMenu } from "../commands";
import type { BotContext } from "../context";
import { refreshDashboardButton } from "../menu-button";
import { strangerOf } from "../middleware/identity";
import { chooseLanguage } from "./language";
import { showCase } from "./officials";

/**
 * The main menu for whoever the sender is; the same text answers /start and /help. `withLanguages`: a
 * button per language instead of "Language" (src/messages/keyboards.ts menuKeyboard).
 */
export async function menuFor(
  ctx: BotContext,
  withLanguages = false,
): Promise<{ text: string; keyboard?: InlineKeyboardMarkup }> {
  const { student, official, isAdmin } = ctx.identity;
  const parts: string[] = [];
  if (student) parts.push(ctx.t("start.student", { name: student.fullName }));
  if (official) parts.push(ctx.t("start.official", { name: official.fullName }));
  if (isAdmin) parts.push(ctx.t("start.admin"));
  if (parts.length === 0) return { text: unknownText(ctx) };
  const opener = await mayOpenAny(ctx);
  const rows = menuKeyboard(ctx.t, { student: !!student, official: !!official, opener }, withLanguages);
  return { text: parts.join("\n\n"), keyboard: inlineMarkup(rows) };
}

/**
 * Issue 14.15: someone we do not know is shown their Telegram id, so that an administrator can list them in
 * ADMIN_TELEGRAM_IDS or personnel can check whom an invite went to.
 */
const unknownText = (ctx: BotContext) =>
  ctx.t("start.unknown", { id: ctx.from?.id ?? ctx.identity.telegramId ?? "" });

/**
 * The menu that answers /start. D10: someone who has not chosen a language yet (and so is answered in the
 * Telegram app's) is also asked to choose, in Kazakh and Russian whatever the app's language, with a button
 * per language instead of the menu's "Language" button. Not strangers: they can do nothing here yet, and a
 * choice would make them a users row (issue 12.17); the invite's /start asks them.
 */
async function startMenu(ctx: BotContext): Promise<{ text: string; keyboard?: InlineKeyboardMarkup }> {
  const choose = !ctx.identity.langChosen && !isStranger(ctx.identity);
  // "lang:<l>:menu": the choice re-renders this menu in place (below).
  const menu = await menuFor(ctx, choose);
  if (!choose || !menu.keyboard) return menu;
  return { text: `${menu.text}\n\n${ctx.t("start.choose_lang")}`, keyboard: menu.keyboard };
}

export const startFeature = new Composer<BotContext>();
const privateChats = startFeature.chatType("private");

privateChats.command("start", async (ctx) => {
  const payload = ctx.match.trim();
  // Issue 14.10: a link to a case (digests, breach notices) opens it for an official, checked against
  // their rights exactly as /case is; anyone else gets the ordinary start.
  const linked = caseStart.unpack(payload);
  if (linked !== null) {
    if (ctx.identity.official) return showCase(ctx, linked);
  } else if (payload) {
    // A stranger has no users row yet: redeemInvite makes it only when the invite binds (issue 12.17).
    const who = ctx.identity.userId ?? { telegramId: ctx.from.id };
    const stranger = strangerOf(ctx.identity); // a refusal is then counted as noise (issue 12.17)
    const res = await redeemInvite(ctx.deps.db, payload, who, ctx.deps.clock(), stranger);
    if (!res.ok) {
      await ctx.reply(ctx.t(res.messageKey), { parse_mode: "HTML" });
      return;
    }
    // The users row the invite made starts in Kazakh: reloading moves it to the Telegram app's (D10).
    ctx.identity = await loadIdentity(
      ctx.deps.db,
      ctx.from.id,
      ctx.deps.adminTelegramIds,
      ctx.deps.clock(),
      ctx.from.language_code,
    );
    ctx.lang = ctx.identity.lang;
    ctx.t = tFor(ctx.lang);
    await ctx.reply(ctx.t(`invite.ok_${res.kind}`), { parse_mode: "HTML" });
    // Issue 14.12: from now on this chat's menu lists only the commands of the role just bound.
    await installChatMenu(ctx.api, ctx.chat.id, ctx.identity, ctx.deps.log);
    // Issue 18: an official who just bound gets the dashboard's button (learners never do).
    await refreshDashboardButton(ctx);
  }
  const menu = await startMenu(ctx);
  await ctx.reply(menu.text, { parse_mode: "HTML", reply_markup: menu.keyboard });
});

// A language chosen under the /start menu: stored as chosen, and the menu is shown again in it.
startFeature.callbackQuery(languageInMenu.filter, async (ctx) => {
  if (!(await chooseLanguage(ctx, languageInMenu.unpack(ctx.callbackQuery.data) ?? undefined))) return;
  const menu = await menuFor(ctx);
  await ctx.editMessageText(`${ctx.t("lang.set")}\n\n${menu.text}`, {
    parse_mode: "HTML",
    reply_markup: menu.keyboard,
  });
});

privateChats.command("help", async (ctx) => ctx.reply(await helpText(ctx), { parse_mode: "HTML" }));
startFeature.callbackQuery(MENU.help, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(await helpText(ctx), { parse_mode: "HTML" });
});
startFeature.callbackQuery(MENU.lang, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("lang.choose"), { reply_markup: inlineMarkup(languageKeyboard()) });
});

/**
 * Issue 16: whether to show "Open a case" (ch. 2, ch. 3, cl. 2): the official's own roles say so at once;
 * otherwise an acting delegate of an opening role today (one statement, only for officials without one).
 */
async function mayOpenAny(ctx: BotContext): Promise<boolean> {
  const official = ctx.identity.official;
  if (!official) return false;
  if (groundsOpenableBy(official.roles).length > 0) return true;
  return (await groundsOpenableToday(ctx.deps.db, official, localDateOf(ctx.deps.clock()))).length > 0;
}

async function helpText(ctx: BotContext): Promise<string> {
  const { student, official, isAdmin } = ctx.identity;
  const parts = [ctx.t("help.intro")];
  if (student) parts.push(ctx.t("help.student"));
  if (official) parts.push(ctx.t("help.official"));
  if (await mayOpenAny(ctx)) parts.push(ctx.t("help.open"));
  if (isAdmin) parts.push(ctx.t("help.admin"));
  if (!student && !official && !isAdmin) parts.push(unknownText(ctx));
  parts.push(ctx.t("help.common"));
  return parts.join("\n\n");
}
