import { Composer } from "grammy";
import type { BotContext } from "../context";
import { REPORT_CONVERSATION } from "../conversations/report";

/** Global /cancel, before the conversations run: leaves whatever flow the user is in. */
export const cancelFeature = new Composer<BotContext>();

cancelFeature.command("cancel", async (ctx, next) => {
  const active = ctx.conversation.active();
  // The report asks whether to keep the draft or discard it (issue 14.2): it answers /cancel itself.
  if (REPORT_CONVERSATION in active) return next();
  // Nothing under way: say so, rather than "stopped, nothing recorded" about nothing (review 5.2).
  if (Object.keys(active).length === 0)
    return ctx.reply(ctx.t("act.nothing_to_cancel"), { reply_markup: { remove_keyboard: true } });
  await ctx.conversation.exitAll();
  await ctx.reply(ctx.t("act.cancelled"), { reply_markup: { remove_keyboard: true } });
});
