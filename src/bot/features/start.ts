import { Composer, InlineKeyboard } from "grammy";
import { loadIdentity } from "../../people/identity";
import { redeemInvite } from "../../people/invites";
import { installChatMenu } from "../commands";
import type { BotContext } from "../context";
import { languageKeyboard } from "./language";
import { showCase } from "./officials";

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

/** The /start payload of a link to a case. */
const CASE_LINK = /^case_(\d{1,9})$/;

/** t.me link that opens a case in the bot (issue 14.10); the payload fits Telegram's 64 characters. */
export const caseLink = (botUsername: string, caseId: number) =>
  `https://t.me/${botUsername}?start=case_${caseId}`;

export const startFeature = new Composer<BotContext>();
const privateChats = startFeature.chatType("private");

privateChats.command("start", async (ctx) => {
  const payload = ctx.match.trim();
  // Issue 14.10: a link to a case (digests, breach notices) opens it for an official, checked against
  // their rights exactly as /case is; anyone else gets the ordinary start.
  const link = CASE_LINK.exec(payload);
  if (link) {
    if (ctx.identity.official) return showCase(ctx, Number(link[1]));
  } else if (payload) {
    // A stranger has no users row yet: redeemInvite makes it only when the invite binds (issue 12.17).
    const who = ctx.identity.userId ?? { telegramId: ctx.from.id };
    const res = await redeemInvite(ctx.deps.db, payload, who, ctx.deps.clock());
    if (!res.ok) {
      await ctx.reply(ctx.t(res.messageKey), { parse_mode: "HTML" });
      return;
    }
    ctx.identity = await loadIdentity(ctx.deps.db, ctx.from.id, ctx.deps.adminTelegramIds);
    await ctx.reply(ctx.t(`invite.ok_${res.kind}`), { parse_mode: "HTML" });
    // Issue 14.12: from now on this chat's menu lists only the commands of the role just bound.
    await installChatMenu(ctx.api, ctx.chat.id, ctx.identity, ctx.deps.log);
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
