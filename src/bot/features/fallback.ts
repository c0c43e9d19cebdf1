import { Composer } from "grammy";
import type { BotContext } from "../context";

/** Last in the chain: unknown buttons are answered (Telegram shows a spinner otherwise), text gets a hint. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", (ctx) =>
  ctx.answerCallbackQuery({ text: ctx.t("errors.unknown_button"), show_alert: false }),
);

fallbackFeature.on("message", (ctx) => {
  if (ctx.chat.type !== "private") return;
  // Issue 14.8: an official's typed text here is most likely an answer to a question set aside: say that
  // nothing is being asked, so nothing was recorded, and where the steps are.
  if (ctx.identity.official && ctx.message.text && !ctx.message.text.startsWith("/"))
    return ctx.reply(ctx.t("pending.no_question"), { parse_mode: "HTML" });
  return ctx.reply(ctx.t("errors.unknown_message"), { parse_mode: "HTML" });
});
