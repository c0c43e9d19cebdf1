/**
 * Documents as DOCX files (D12): "📄" on an official's task card sends the report and the documents that
 * step needs (the interview sheet with the interview, the draft order with the order or submission, the
 * letter with the cl. 7 step); "📄" on /case sends every document the case has so far; the learner gets
 * their own report from /status. Personal data: private chats only, the viewer's rights checked on every
 * press, and every sending audited (ids and kinds only).
 */
import { Composer } from "grammy";
import { isLearnersCase, officialMaySeeCase } from "../../cases/access";
import { attachmentsOf } from "../../cases/attachments";
import { getStep } from "../../cases/queries";
import { availableDocuments, type DocumentKind } from "../../documents/build";
import { type DocFacts, docFactsOf } from "../../documents/facts";
import { sendCaseAttachments, sendCaseDocuments } from "../../documents/send";
import {
  caseAttachmentsButton,
  caseDocuments,
  reportDocument,
  stepDocuments,
} from "../../messages/callbacks";
import { isLearnerReportGround } from "../../rules";
import type { BotContext } from "../context";

export const documentsFeature = new Composer<BotContext>();
const privateChats = documentsFeature.chatType("private");

/** The documents a step's holder needs besides the report. */
const STEP_DOCUMENTS: Readonly<Record<string, DocumentKind>> = {
  interview: "interview_sheet",
  order: "draft_order",
  submission: "draft_order",
  foreign_order: "draft_order",
  foreign_submission: "draft_order",
  notify_personnel_dept: "letter",
};

async function send(
  ctx: BotContext,
  caseId: number,
  wanted: (have: DocumentKind[], f: DocFacts) => DocumentKind[],
) {
  const now = ctx.deps.clock();
  const facts = await docFactsOf(ctx.deps.db, caseId, now);
  if (!facts) return;
  const kinds = wanted(availableDocuments(facts), facts);
  if (kinds.length === 0) {
    await ctx.reply(ctx.t("docx.none", { id: caseId }));
    return;
  }
  await sendCaseDocuments(ctx.deps.db, ctx.api, recipient(ctx), facts, kinds, ctx.lang, now);
}

/** The sender's own private chat, and who they are for the audit trail. */
const recipient = (ctx: BotContext) => ({
  chatId: ctx.chat!.id,
  userId: ctx.identity.userId,
  officialId: ctx.identity.official?.id ?? null,
});

// Every press is checked (src/cases/access.ts), never trusted: callback data is only a pointer.
const officialCase = (ctx: BotContext, caseId: number) =>
  officialMaySeeCase(ctx.deps.db, ctx.identity.official, caseId);

privateChats.callbackQuery(stepDocuments.filter, async (ctx) => {
  const step = await getStep(ctx.deps.db, stepDocuments.unpack(ctx.callbackQuery.data)!);
  if (!step || !(await officialCase(ctx, step.caseId)))
    return ctx.answerCallbackQuery({ text: ctx.t("act.not_allowed"), show_alert: true });
  await ctx.answerCallbackQuery();
  const extra = STEP_DOCUMENTS[step.key];
  await send(ctx, step.caseId, (have) => have.filter((k) => k === "report" || k === extra));
});

privateChats.callbackQuery(caseDocuments.filter, async (ctx) => {
  const caseId = caseDocuments.unpack(ctx.callbackQuery.data)!;
  if (!(await officialCase(ctx, caseId)))
    return ctx.answerCallbackQuery({ text: ctx.t("act.not_allowed"), show_alert: true });
  await ctx.answerCallbackQuery();
  await send(ctx, caseId, (have) => have);
});

privateChats.callbackQuery(reportDocument.filter, async (ctx) => {
  const caseId = reportDocument.unpack(ctx.callbackQuery.data)!;
  // Someone else's case looks exactly like a missing one.
  if (!(await isLearnersCase(ctx.deps.db, ctx.identity.userId, caseId)))
    return ctx.answerCallbackQuery({ text: ctx.t("act.not_allowed"), show_alert: true });
  await ctx.answerCallbackQuery();
  // Only a report the learner wrote (ch. 4, 5, 6); an official's filing is not his to download here.
  await send(ctx, caseId, (have, f) =>
    isLearnerReportGround(f.ground) ? have.filter((k) => k === "report") : [],
  );
});

/**
 * Issue 16: the files attached to a case (cl. 13, 16, 23, 2), re-sent by their Telegram file ids to an
 * official of the case's institution, protected from forwarding; paper documents are listed. Audited (ids
 * and counts only). A purged case (D8) has none left.
 */
privateChats.callbackQuery(caseAttachmentsButton.filter, async (ctx) => {
  const caseId = caseAttachmentsButton.unpack(ctx.callbackQuery.data)!;
  if (!(await officialCase(ctx, caseId)))
    return ctx.answerCallbackQuery({ text: ctx.t("act.not_allowed"), show_alert: true });
  await ctx.answerCallbackQuery();
  const list = await attachmentsOf(ctx.deps.db, caseId);
  const files = list.filter((a) => a.fileId !== null);
  if (files.length === 0) return ctx.reply(ctx.t("attachments.none", { id: caseId }));
  const paper = list.filter((a) => a.media === "paper");
  await ctx.reply(
    [
      ctx.t("attachments.header", { id: caseId }),
      ...paper.map((a) =>
        ctx.t("attachments.paper", { kind: ctx.t(`attachment.${a.kind}`), pages: a.pages ?? 0 }),
      ),
    ].join("\n"),
    { parse_mode: "HTML" },
  );
  await sendCaseAttachments(
    ctx.deps.db,
    ctx.api,
    recipient(ctx),
    caseId,
    files,
    (a) => ctx.t(`attachment.${a.kind}`),
    ctx.deps.clock(),
  );
});
