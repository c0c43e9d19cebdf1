import { Composer } from "grammy";
import type { BotContext } from "../context";
import { menuFor } from "./start";

/** Last in the chain: unknown buttons are answered (Telegram shows a spinner otherwise), text gets a hint. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", (ctx) =>
  ctx.answerCallbackQuery({ text: ctx.t("errors.unknown_button"), show_alert: false }),
);

fallbackFeature.on("message", async (ctx) => {
  if (ctx.chat.type !== "private") return;
  const { student, official, isAdmin } = ctx.identity;
  // Unknown users: the hint only (what they may do is on /start).
  if (!student && !official && !isAdmin)
    return ctx.reply(ctx.t("errors.unknown_message"), { parse_mode: "HTML" });
  let hint: string;
  if (official && ctx.message.text && !ctx.message.text.startsWith("/")) {
    // Issue 14.8: an official's typed text here is most likely an answer to a question set aside: say that
    // nothing is being asked, so nothing was recorded, and where the steps are.
    hint = ctx.t("pending.no_question");
  } else if (student) {
    // Issue 14.5: nobody reads what a learner writes here; say who does (the personnel subdivision, as the
    // institution gave its contact, or in person) instead of "I did not understand".
    const contact = ctx.identity.studentInstitution?.personnelContact.trim() ?? "";
    hint = contact ? ctx.t("fallback.learner_contact", { contact }) : ctx.t("fallback.learner_in_person");
  } else {
    hint = ctx.t("errors.unknown_message");
  }
  // With the menu, so the next step is one tap away.
  const menu = await menuFor(ctx);
  return ctx.reply(`${hint}\n\n${menu.text}`, { parse_mode: "HTML", reply_markup: menu.keyboard });
});
