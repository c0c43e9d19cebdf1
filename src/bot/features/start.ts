import { Composer, InlineKeyboard } from "grammy";
import { loadIdentity } from "../../people/identity";
import { redeemInvite } from "../../people/invites";
import type { BotContext } from "../context";
import { languageKeyboard } from "./language";

/** The main menu for whoever the sender is; the same text answers /start and /help. */
export function menuFor(ctx: BotContext): { text: string; keyboard?: InlineKeyboard } {
  const { student, official, isAdmin } = ctx.identity;
  const parts: string[] = [];
  const kb = new InlineKeyboard();
  if (student) {
    parts.push(ctx.t("start.student", { name: student.fullName }));
    kb.text(ctx.t("menu.report"), "menu:report").text(ctx.t("menu.status"), "menu:status").row();
  }
  if (official) {
    parts.push(ctx.t("start.official", { name: official.fullName }));
    kb.text(ctx.t("menu.inbox"), "menu:inbox").row();
  }
  if (isAdmin) parts.push(ctx.t("start.admin"));
  if (parts.length === 0) return { text: ctx.t("start.unknown") };
  kb.text(ctx.t("menu.language"), "menu:lang").text(ctx.t("menu.help"), "menu:help");
  return { text: parts.join("\n\n"), keyboard: kb };
}

export const startFeature = new Composer<BotContext>();
const privateChats = startFeature.chatType("private");

privateChats.command("start", async (ctx) => {
  const payload = ctx.match.trim();
  if (payload) {
    // A stranger has no users row yet: redeemInvite makes it only when the invite binds (issue 12.17).
    const who = ctx.identity.userId ?? { telegramId: ctx.from.id };
    const res = await redeemInvite(ctx.deps.db, payload, who, ctx.deps.clock());
    if (!res.ok) {
      await ctx.reply(ctx.t(res.messageKey), { parse_mode: "HTML" });
      return;
    }
    ctx.identity = await loadIdentity(ctx.deps.db, ctx.from.id, ctx.deps.adminTelegramIds);
    await ctx.reply(ctx.t(`invite.ok_${res.kind}`), { parse_mode: "HTML" });
  }
  const menu = menuFor(ctx);
  await ctx.reply(menu.text, { parse_mode: "HTML", reply_markup: menu.keyboard });
});

privateChats.command("help", (ctx) => ctx.reply(helpText(ctx), { parse_mode: "HTML" }));
startFeature.callbackQuery("menu:help", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(helpText(ctx), { parse_mode: "HTML" });
});
startFeature.callbackQuery("menu:lang", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("lang.choose"), { reply_markup: languageKeyboard() });
});

function helpText(ctx: BotContext): string {
  const { student, official, isAdmin } = ctx.identity;
  const parts = [ctx.t("help.intro")];
  if (student) parts.push(ctx.t("help.student"));
  if (official) parts.push(ctx.t("help.official"));
  if (isAdmin) parts.push(ctx.t("help.admin"));
  if (!student && !official && !isAdmin) parts.push(ctx.t("start.unknown"));
  parts.push(ctx.t("help.common"));
  return parts.join("\n\n");
}
