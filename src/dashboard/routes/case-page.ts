/**
 * GET /api/cases/:id: a case as the bot's /case shows it (D16 decides who may): the stored report (D12) as
 * every official reads it, the timeline of every opened step with who did what and when, the documents the
 * bot can make (D12) and the files attached (issue 16).
 *
 * POST /api/cases/:id/send: the bot sends one of those documents or files to the asker's private chat,
 * protected from forwarding and audited, exactly as its 📄 and 📎 buttons do (src/documents/send.ts).
 */
import { z } from "zod";
import { attachmentsOf } from "../../cases/attachments";
import { loadCaseContext } from "../../cases/common";
import { currentReport } from "../../cases/report-versions";
import { availableDocuments, DOCUMENT_KINDS, type DocumentKind } from "../../documents/build";
import { docFactsFrom } from "../../documents/facts";
import { sendCaseAttachments, sendCaseDocuments } from "../../documents/send";
import { safeError } from "../../logger";
import {
  attachmentCaption,
  attachmentTitle,
  documentTitle,
  htmlToText,
  timelineRows,
} from "../../messages/dashboard";
import { requireCase } from "../access";
import type { CaseDetail, SendRequest } from "../contract";
import { readJson, refuse } from "../http";
import { NO_NAME, officialNames } from "../queries";
import type { RouteContext, RouteHandler } from "../route";

/** The case id of the path, or 404 (a malformed id names no case). */
const caseIdOf = (ctx: RouteContext): number => {
  const id = Number(ctx.params[0]);
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : refuse("not_found");
};

/** The case with what the page shows, after D16's check. */
async function loadCase(ctx: RouteContext) {
  const caseId = caseIdOf(ctx);
  await requireCase(ctx.deps.db, ctx.viewer, caseId, ctx.now);
  return (await loadCaseContext(ctx.deps.db, caseId)) ?? refuse("not_found");
}

export const casePage: RouteHandler = async (ctx): Promise<CaseDetail> => {
  const { deps, viewer, now } = ctx;
  const cc = await loadCase(ctx);
  const { c } = cc;
  const purged = c.purgedAt !== null;
  const lang = viewer.lang;
  const report = purged ? null : await currentReport(deps.db, c.id);
  const names = await officialNames(deps.db, [
    ...new Set(
      cc.steps.flatMap((s) => [s.doneByOfficialId, s.onBehalfOfOfficialId]).filter((x) => x !== null),
    ),
  ] as number[]);
  const facts = await docFactsFrom(deps.db, cc, now);
  const attachments = purged ? [] : await attachmentsOf(deps.db, c.id);
  const snapshot = c.studentSnapshot ?? {};
  return {
    id: c.id,
    learner: (!purged && snapshot.fullName) || NO_NAME,
    personalNumber: (!purged && snapshot.personalNumber) || NO_NAME,
    ground: c.ground,
    category: c.category,
    state: c.state,
    registeredOn: c.registeredOn,
    report: report ? htmlToText(report.document) : null,
    timeline: timelineRows(lang, cc.steps, cc.calendar, names, now),
    documents: availableDocuments(facts).map((key) => ({ key, title: documentTitle(lang, key, c.ground) })),
    attachments: attachments
      .filter((a) => a.media === "paper" || a.fileId !== null)
      .map((a) => ({ id: a.id, title: attachmentTitle(lang, a), media: a.media })),
  };
};

const sendSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("document"), key: z.enum(DOCUMENT_KINDS) }),
  z.object({ kind: z.literal("attachment"), id: z.number().int().positive().max(2_147_483_647) }),
]);

export const sendToChat: RouteHandler = async (ctx) => {
  const { deps, viewer, now } = ctx;
  const parsed = sendSchema.safeParse(await readJson(ctx.req, ctx.res));
  if (!parsed.success) return refuse("bad_request");
  const want: SendRequest = parsed.data;
  const cc = await loadCase(ctx);
  const to = {
    chatId: viewer.telegramId,
    userId: viewer.userId,
    officialId: viewer.official?.id ?? null,
    via: "webapp",
  };
  let send: () => Promise<unknown>;
  if (want.kind === "document") {
    const facts = await docFactsFrom(deps.db, cc, now);
    const kind = want.key as DocumentKind;
    if (!availableDocuments(facts).includes(kind)) return refuse("not_found");
    send = () => sendCaseDocuments(deps.db, deps.api, to, facts, [kind], viewer.lang, now);
  } else {
    const a = (await attachmentsOf(deps.db, cc.c.id)).find((x) => x.id === want.id);
    if (!a || a.media === "paper" || a.fileId === null) return refuse("not_found");
    const caption = (x: { kind: string }) => attachmentCaption(viewer.lang, x.kind);
    send = () => sendCaseAttachments(deps.db, deps.api, to, cc.c.id, [a], caption, now);
  }
  try {
    await send();
  } catch (err) {
    // Telegram refused (the user blocked the bot, a file id no longer valid) or could not be reached.
    deps.log.warn({ err: safeError(err), caseId: cc.c.id }, "dashboard: sending a file to the chat failed");
    return refuse("internal");
  }
  return { sent: true };
};
