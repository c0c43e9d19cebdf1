/** Learners: /report (enters the report conversation), /status with the timeline, withdrawal (D6). */

import { eq } from "drizzle-orm";
import { Composer, InlineKeyboard } from "grammy";
import { doneKeys } from "../../cases/common";
import { latestCaseOfUser } from "../../cases/queries";
import { rosterSnapshot } from "../../cases/report-document";
import { openCaseOf } from "../../cases/submit";
import { withdrawCase } from "../../cases/withdraw";
import { institutions } from "../../db/schema";
import { canWithdraw } from "../../rules";
import type { BotContext } from "../context";
import { REPORT_CONVERSATION, type ReportArgs } from "../conversations/report";
import { timelineText } from "./timeline";

export const studentFeature = new Composer<BotContext>();

async function startReport(ctx: BotContext) {
  const student = ctx.identity.student;
  if (!student) return ctx.reply(ctx.t("report.not_student"));
  const open = await openCaseOf(ctx.deps.db, student.id);
  if (open) return ctx.reply(ctx.t("report.open_case", { id: open }));
  const [inst] = await ctx.deps.db
    .select()
    .from(institutions)
    .where(eq(institutions.id, student.institutionId));
  const args: ReportArgs = {
    student: rosterSnapshot(student),
    headTitleKk: inst?.headTitleKk ?? "",
    headTitleRu: inst?.headTitleRu ?? "",
  };
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(REPORT_CONVERSATION, args);
}

studentFeature.chatType("private").command("report", startReport);
studentFeature.callbackQuery("menu:report", async (ctx) => {
  await ctx.answerCallbackQuery();
  await startReport(ctx);
});

async function status(ctx: BotContext) {
  if (!ctx.identity.student || ctx.identity.userId === null) return ctx.reply(ctx.t("report.not_student"));
  const cc = await latestCaseOfUser(ctx.deps.db, ctx.identity.userId);
  if (!cc) return ctx.reply(ctx.t("status.none"));
  const now = ctx.deps.clock();
  const withdrawable = ["open", "approved"].includes(cc.c.state) && canWithdraw(cc.wf, doneKeys(cc.steps));
  return ctx.reply(timelineText(ctx.t, cc, now), {
    parse_mode: "HTML",
    reply_markup: withdrawable ? new InlineKeyboard().text(ctx.t("btn.withdraw"), `w:${cc.c.id}`) : undefined,
  });
}

studentFeature.chatType("private").command("status", status);
studentFeature.callbackQuery("menu:status", async (ctx) => {
  await ctx.answerCallbackQuery();
  await status(ctx);
});

studentFeature.callbackQuery(/^w:(\d{1,9})$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const id = Number(ctx.match[1]);
  await ctx.reply(ctx.t("status.withdraw_confirm", { id }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t("btn.withdraw_yes"), `wy:${id}`)
      .text(ctx.t("btn.withdraw_no"), "wn"),
  });
});

studentFeature.callbackQuery("wn", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("status.kept"));
});

studentFeature.callbackQuery(/^wy:(\d{1,9})$/, async (ctx) => {
  const id = Number(ctx.match[1]);
  if (ctx.identity.userId === null) return ctx.answerCallbackQuery({ text: ctx.t("act.not_allowed") });
  const res = await withdrawCase(ctx.deps.db, id, ctx.identity.userId, ctx.deps.clock());
  await ctx.answerCallbackQuery();
  const key =
    res.status === "withdrawn"
      ? "status.withdrawn"
      : res.status === "too_late"
        ? "status.withdraw_too_late"
        : "status.none";
  await ctx.editMessageText(ctx.t(key, { id }));
});
