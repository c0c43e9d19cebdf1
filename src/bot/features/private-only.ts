/**
 * Issue 12.6: nothing personal in a group. The commands and buttons that show a learner's data or a case
 * (/case, /inbox, /status, /report, /open, the case, audit trail, task, page, document and withdrawal
 * buttons) answer in a group, a supergroup or a channel with "write to me in private" only, and do nothing
 * else; in a private chat they pass through. Installed first in the features that own those commands
 * (student, officials, opening a case), so it holds whatever order the features are mounted in.
 *
 * A command in a group from someone the bot does not know stays unanswered (groups cost strangers
 * nothing); a button press is always answered (Telegram shows a spinner otherwise).
 */
import { Composer } from "grammy";
import { PRIVATE_ONLY_BUTTON } from "../../messages/callbacks";
import type { BotContext } from "../context";

/** Commands that show personal data or start a report. */
export const PRIVATE_ONLY_COMMANDS = ["case", "inbox", "status", "report", "open"] as const;

export const privateOnly = new Composer<BotContext>();
const elsewhere = privateOnly.filter((ctx) => ctx.chat?.type !== "private");

elsewhere.command([...PRIVATE_ONLY_COMMANDS], async (ctx) => {
  const { student, official, isAdmin } = ctx.identity;
  if (!student && !official && !isAdmin) return;
  await ctx.reply(ctx.t("private_only.command", { bot: ctx.me.username }), {
    reply_parameters: ctx.msgId ? { message_id: ctx.msgId, allow_sending_without_reply: true } : undefined,
    link_preview_options: { is_disabled: true },
  });
});

elsewhere.callbackQuery(PRIVATE_ONLY_BUTTON, (ctx) =>
  ctx.answerCallbackQuery({ text: ctx.t("private_only.button"), show_alert: true }),
);
