/**
 * Issue 16: /open and the menu's "Open a case" start the form an official opens a case with
 * (src/bot/conversations/open-case.ts), for the grounds he may open today (own role or a delegation, as
 * openCase checks again); anyone else is told who opens cases. A button of a form no longer open (Submit
 * pressed twice, a form stopped or replaced) does nothing and says so.
 */
import { Composer } from "grammy";
import { groundsOpenableToday } from "../../cases/open";
import { MENU, openForm } from "../../messages/callbacks";
import { getInstitution } from "../../people/institutions";
import { localDateOf, type OfficialOpenedGround } from "../../rules";
import type { BotContext } from "../context";
import { OPEN_CASE_CONVERSATION, type OpenCaseArgs } from "../conversations/open-case";
import { privateOnly } from "./private-only";

export const openCaseFeature = new Composer<BotContext>();
// Issue 12.6: in a group, /open only says "write to me in private".
openCaseFeature.use(privateOnly);

/** The grounds this official may open a case on today (own role or delegation), in OFFICIAL_OPENED_GROUNDS order. */
async function openableGrounds(ctx: BotContext): Promise<OfficialOpenedGround[]> {
  const official = ctx.identity.official;
  if (!official) return [];
  return groundsOpenableToday(ctx.deps.db, official, localDateOf(ctx.deps.clock()));
}

async function startOpening(ctx: BotContext) {
  const official = ctx.identity.official;
  const grounds = await openableGrounds(ctx);
  if (!official || grounds.length === 0) return ctx.reply(ctx.t("open.not_opener"));
  const inst = await getInstitution(ctx.deps.db, official.institutionId);
  const args: OpenCaseArgs = {
    grounds,
    lang: ctx.lang,
    headTitleKk: inst?.headTitleKk ?? "",
    headTitleRu: inst?.headTitleRu ?? "",
    officialName: official.fullName,
  };
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(OPEN_CASE_CONVERSATION, args);
}

openCaseFeature.chatType("private").command("open", startOpening);
openCaseFeature.callbackQuery(MENU.open, async (ctx) => {
  if (ctx.chat?.type !== "private")
    return ctx.answerCallbackQuery({ text: ctx.t("private_only.button"), show_alert: true });
  await ctx.answerCallbackQuery();
  await startOpening(ctx);
});
openCaseFeature.callbackQuery(openForm.any, (ctx) => ctx.answerCallbackQuery({ text: ctx.t("open.stale") }));
