/** Learners: /report (enters the report conversation), /status with the timeline, withdrawal (D6). */

import { Composer } from "grammy";
import { doneKeys } from "../../cases/common";
import { getCase, latestCaseOfUser } from "../../cases/queries";
import { isOpen } from "../../cases/states";
import { rosterSnapshot } from "../../cases/submit";
import { type WithdrawResult, withdrawCase } from "../../cases/withdraw";
import { completeReport, MENU, WITHDRAW_NO, withdraw, withdrawYes } from "../../messages/callbacks";
import { inlineMarkup, statusKeyboard, withdrawConfirmKeyboard } from "../../messages/keyboards";
import { timelineText } from "../../messages/timeline";
import { canWithdraw, isLearnerReportGround, isStudentFiledGround } from "../../rules";
import type { BotContext } from "../context";
import { REPORT_CONVERSATION, type ReportArgs } from "../conversations/report";
import { replyFitted } from "../reply";
import { privateOnly } from "./private-only";

export const studentFeature = new Composer<BotContext>();
// Issue 12.6: in a group, /report, /status and the learner's buttons only say "write to me in private".
studentFeature.use(privateOnly);

async function startReport(ctx: BotContext) {
  const student = ctx.identity.student;
  if (!student) return ctx.reply(ctx.t("report.not_student"));
  // Read with the identity at the start of this update (issue 17), as fresh as a query here.
  const open = ctx.identity.openCaseId;
  let resubmit: ReportArgs["resubmit"];
  if (open) {
    // D6: a report the head sent back is completed in the same conversation, pre-filled.
    const c = await getCase(ctx.deps.db, open);
    // Only a report the learner wrote can be completed here (a ch. 5 report is never sent back, D6). A case
    // he cannot withdraw (ch. 5, or opened by an official) is not offered for withdrawal either.
    if (c?.state !== "sent_back" || !isStudentFiledGround(c.ground)) {
      const key = c && !isStudentFiledGround(c.ground) ? "report.open_case_fixed" : "report.open_case";
      return ctx.reply(ctx.t(key, { id: open }));
    }
    resubmit = {
      caseId: c.id,
      ground: c.ground,
      reasons: c.reasons ?? "",
      conscriptServed: c.conscriptServed,
      phone: c.phone,
      lang: c.reportLang === "ru" ? "ru" : "kk",
      why: c.outcomeReason ?? "",
    };
  }
  const inst = ctx.identity.studentInstitution;
  const args: ReportArgs = {
    student: rosterSnapshot(student),
    headTitleKk: inst?.headTitleKk ?? "",
    headTitleRu: inst?.headTitleRu ?? "",
    ...(resubmit ? { resubmit } : {}),
  };
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(REPORT_CONVERSATION, args);
}

studentFeature.chatType("private").command("report", startReport);
// "Complete the report" under the notice that the head sent it back (D6); the case is checked again above.
studentFeature.callbackQuery(completeReport.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await startReport(ctx);
});
studentFeature.callbackQuery(MENU.report, async (ctx) => {
  await ctx.answerCallbackQuery();
  await startReport(ctx);
});

async function status(ctx: BotContext) {
  if (!ctx.identity.student || ctx.identity.userId === null) return ctx.reply(ctx.t("report.not_student"));
  const cc = await latestCaseOfUser(ctx.deps.db, ctx.identity.userId);
  if (!cc) return ctx.reply(ctx.t("status.none"));
  const now = ctx.deps.clock();
  const withdrawable = isOpen(cc.c.state) && canWithdraw(cc.wf, doneKeys(cc.steps));
  const kb = statusKeyboard(ctx.t, cc.c.id, {
    complete: cc.c.state === "sent_back",
    withdraw: withdrawable,
    // D12: the learner's own report as a file; a case an official opened (cl. 2, 12, 16) has none of his.
    document: !cc.c.purgedAt && cc.c.reasons !== null && isLearnerReportGround(cc.c.ground),
  });
  return replyFitted(ctx, timelineText(ctx.t, cc, now), { reply_markup: inlineMarkup(kb) });
}

studentFeature.chatType("private").command("status", status);
studentFeature.callbackQuery(MENU.status, async (ctx) => {
  await ctx.answerCallbackQuery();
  await status(ctx);
});

studentFeature.callbackQuery(withdraw.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  const id = withdraw.unpack(ctx.callbackQuery.data)!;
  await ctx.reply(ctx.t("status.withdraw_confirm", { id }), {
    reply_markup: inlineMarkup(withdrawConfirmKeyboard(ctx.t, id)),
  });
});

studentFeature.callbackQuery(WITHDRAW_NO, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("status.kept"));
});

/** What the learner is told after "withdraw: yes" (a case not found or no longer open: as if none). */
const WITHDRAW_ANSWER: Record<WithdrawResult["status"], string> = {
  withdrawn: "status.withdrawn",
  too_late: "status.withdraw_too_late",
  not_withdrawable: "status.not_withdrawable",
  not_found: "status.none",
  closed: "status.none",
};

studentFeature.callbackQuery(withdrawYes.filter, async (ctx) => {
  const id = withdrawYes.unpack(ctx.callbackQuery.data)!;
  if (ctx.identity.userId === null) return ctx.answerCallbackQuery({ text: ctx.t("act.not_allowed") });
  const res = await withdrawCase(ctx.deps.db, id, ctx.identity.userId, ctx.deps.clock());
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t(WITHDRAW_ANSWER[res.status], { id }));
});
