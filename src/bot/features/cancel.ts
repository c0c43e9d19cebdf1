import { Composer } from "grammy";
import type { BotContext } from "../context";

/** Global /cancel, before the conversations run: leaves whatever flow the user is in. */
export const cancelFeature = new Composer<BotContext>();

cancelFeature.command("cancel", async (ctx) => {
  const active = ctx.conversation.active();
  await ctx.conversation.exitAll();
  const key =
    "report" in active
      ? "report.cancelled"
      : Object.keys(active).length > 0
        ? "act.cancelled"
        : "act.cancelled";
  await ctx.reply(ctx.t(key), { reply_markup: { remove_keyboard: true } });
});
