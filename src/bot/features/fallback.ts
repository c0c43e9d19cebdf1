import { Composer } from "grammy";
import type { BotContext } from "../context";

/** Last in the chain: unknown buttons are answered (Telegram shows a spinner otherwise), text gets a hint. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", (ctx) =>
  ctx.answerCallbackQuery({ text: ctx.t("errors.unknown_button"), show_alert: false }),
);

fallbackFeature.on("message", (ctx) => {
  if (ctx.chat.type !== "private") return;
  return ctx.reply(ctx.t("errors.unknown_message"), { parse_mode: "HTML" });
});
