/**
 * A case's files to a person's private chat: the DOCX documents (D12) and the files attached to the case
 * (issue 16), protected from forwarding, and the sending audited (ids and kinds only). Shared by the bot's
 * 📄 and 📎 buttons (src/bot/features/documents.ts) and the dashboard's "send to chat" (issue 18): who may
 * receive what is checked by the caller, before this is called.
 */
import { type Api, InputFile } from "grammy";
import { audit } from "../audit";
import type { AttachmentRow } from "../cases/attachments";
import type { Executor } from "../db/client";
import { buildDocument, type DocumentKind } from "./build";
import type { DocFacts } from "./facts";

/** Who asked for the files, as the audit trail records it; `via` names the way ("webapp"). */
export interface Recipient {
  chatId: number;
  userId: number | null;
  officialId: number | null;
  via?: string;
}

/** Builds each document in the reader's language (the report in the learner's, D10) and sends it. */
export async function sendCaseDocuments(
  db: Executor,
  api: Api,
  to: Recipient,
  facts: DocFacts,
  kinds: readonly DocumentKind[],
  readerLang: string,
  now: Date,
): Promise<void> {
  for (const kind of kinds) {
    const doc = await buildDocument(kind, facts, readerLang);
    await api.sendDocument(to.chatId, new InputFile(doc.data, doc.fileName), { protect_content: true });
  }
  await audit(db, {
    at: now,
    action: "case.documents_sent",
    actorUserId: to.userId,
    actorOfficialId: to.officialId,
    caseId: facts.caseId,
    details: { kinds, ...(to.via ? { via: to.via } : {}) },
  });
}

/**
 * Re-sends attached files by their Telegram file ids (never downloaded), each captioned with what it is.
 * Paper documents and files cleared by the D8 purge (no file id) are skipped: the caller lists them.
 */
export async function sendCaseAttachments(
  db: Executor,
  api: Api,
  to: Recipient,
  caseId: number,
  list: readonly AttachmentRow[],
  caption: (a: AttachmentRow) => string,
  now: Date,
): Promise<number[]> {
  const files = list.filter((a) => a.fileId !== null && a.media !== "paper");
  for (const a of files) {
    const other = { caption: caption(a), protect_content: true };
    if (a.media === "photo") await api.sendPhoto(to.chatId, a.fileId!, other);
    else await api.sendDocument(to.chatId, a.fileId!, other);
  }
  const attachmentIds = files.map((a) => a.id);
  if (attachmentIds.length > 0)
    await audit(db, {
      at: now,
      action: "case.attachments_sent",
      actorUserId: to.userId,
      actorOfficialId: to.officialId,
      caseId,
      details: { attachmentIds, ...(to.via ? { via: to.via } : {}) },
    });
  return attachmentIds;
}
