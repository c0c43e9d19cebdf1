/**
 * Issue 16: the documents put before the head with a report (cl. 13 interview sheets and notifications,
 * cl. 16 investigation materials, cl. 23 the Decree, cl. 2 the foreign organisation's document). A file is
 * kept as its Telegram file id, type and size and re-sent to officials by id (never downloaded); a paper
 * document as its number of pages. D8: file ids and names are cleared with the case's personal data.
 */
import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Executor } from "../db/client";
import { type AttachmentMedia, caseAttachments } from "../db/schema";
import type { Invalid } from "./validate";

/** Telegram lets a bot handle files up to 20 MB; anything bigger is refused with a message. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** Files per case (a page a photo: a long investigation fits); paper pages per document. */
export const MAX_ATTACHMENTS = 30;
export const MAX_PAPER_PAGES = 500;

export interface AttachmentInput {
  kind: string;
  media: AttachmentMedia;
  fileId?: string;
  fileUniqueId?: string;
  fileName?: string | null;
  size?: number | null;
  pages?: number | null;
}

/** What a Telegram message carries, as far as a file goes (the bot passes only these fields). */
export interface IncomingFile {
  photo?: readonly { file_id: string; file_unique_id: string; file_size?: number }[];
  document?: {
    file_id: string;
    file_unique_id: string;
    file_size?: number;
    mime_type?: string;
    file_name?: string;
  };
}

/**
 * A message's file as an attachment of `kind`, or why not: only photos and PDFs, up to 20 MB. A photo is
 * kept at its largest size; a PDF is known by its MIME type or, failing that, its name.
 */
export function attachmentOf(
  kind: string,
  msg: IncomingFile,
): (Omit<AttachmentInput, "kind"> & { kind: string }) | Invalid {
  if (msg.photo && msg.photo.length > 0) {
    const best = msg.photo[msg.photo.length - 1]!;
    if ((best.file_size ?? 0) > MAX_ATTACHMENT_BYTES)
      return { key: "invalid.file_too_big", params: { mb: 20 } };
    return {
      kind,
      media: "photo",
      fileId: best.file_id,
      fileUniqueId: best.file_unique_id,
      size: best.file_size ?? null,
    };
  }
  const d = msg.document;
  if (d) {
    const pdf = d.mime_type === "application/pdf" || (!d.mime_type && /\.pdf$/i.test(d.file_name ?? ""));
    if (!pdf) return { key: "invalid.file_type" };
    if ((d.file_size ?? 0) > MAX_ATTACHMENT_BYTES) return { key: "invalid.file_too_big", params: { mb: 20 } };
    return {
      kind,
      media: "pdf",
      fileId: d.file_id,
      fileUniqueId: d.file_unique_id,
      fileName: d.file_name ?? null,
      size: d.file_size ?? null,
    };
  }
  return { key: "invalid.file_type" };
}

/** "On paper, N pages": a whole number from 1 to MAX_PAPER_PAGES. */
export function paperPages(text: string): number | Invalid {
  const s = text.trim();
  if (!/^\d{1,4}$/.test(s)) return { key: "invalid.pages", params: { max: MAX_PAPER_PAGES } };
  const n = Number(s);
  if (n < 1 || n > MAX_PAPER_PAGES) return { key: "invalid.pages", params: { max: MAX_PAPER_PAGES } };
  return n;
}

/** Every required kind has at least one file or a paper entry. */
export function missingKinds(
  required: readonly string[],
  list: readonly Pick<AttachmentInput, "kind">[],
): string[] {
  return required.filter((k) => !list.some((a) => a.kind === k));
}

/** Whether a list of attachments is well formed (the server side of what the conversations check). */
export function validAttachments(list: readonly AttachmentInput[]): boolean {
  if (list.filter((a) => a.media !== "paper").length > MAX_ATTACHMENTS) return false;
  return list.every((a) => {
    if (a.media === "paper") return Number.isInteger(a.pages) && a.pages! >= 1 && a.pages! <= MAX_PAPER_PAGES;
    if (a.media !== "photo" && a.media !== "pdf") return false;
    return typeof a.fileId === "string" && a.fileId.length > 0 && (a.size ?? 0) <= MAX_ATTACHMENT_BYTES;
  });
}

export type AttachmentRow = typeof caseAttachments.$inferSelect;

/** Stores a case's attachments (in the caller's transaction). */
export async function storeAttachments(
  tx: Executor,
  caseId: number,
  list: readonly AttachmentInput[],
  userId: number | null,
  now: Date,
): Promise<number> {
  if (list.length === 0) return 0;
  const rows = await tx
    .insert(caseAttachments)
    .values(
      list.map((a) => ({
        caseId,
        kind: a.kind,
        media: a.media,
        fileId: a.media === "paper" ? null : (a.fileId ?? null),
        fileUniqueId: a.media === "paper" ? null : (a.fileUniqueId ?? null),
        fileName: a.fileName ?? null,
        size: a.size ?? null,
        pages: a.media === "paper" ? (a.pages ?? null) : null,
        addedByUserId: userId,
        addedAt: now,
      })),
    )
    .returning({ id: caseAttachments.id });
  return rows.length;
}

/** A case's attachments in the order they were added. */
export async function attachmentsOf(db: Executor, caseId: number): Promise<AttachmentRow[]> {
  return db
    .select()
    .from(caseAttachments)
    .where(eq(caseAttachments.caseId, caseId))
    .orderBy(asc(caseAttachments.id));
}

/** Files and paper documents of a case, counted for its card. */
export async function attachmentCount(
  db: Executor,
  caseId: number,
): Promise<{ files: number; paper: number }> {
  const [row] = await db
    .select({
      files: sql<number>`count(*) filter (where ${caseAttachments.media} <> 'paper')`.mapWith(Number),
      paper: sql<number>`count(*) filter (where ${caseAttachments.media} = 'paper')`.mapWith(Number),
    })
    .from(caseAttachments)
    .where(eq(caseAttachments.caseId, caseId));
  return { files: row?.files ?? 0, paper: row?.paper ?? 0 };
}

/** D8: the file ids and names of a purged case are cleared (what the documents were stays). */
export async function purgeAttachments(tx: Executor, caseId: number): Promise<number> {
  return (await purgeAttachmentsOf(tx, [caseId])).get(caseId) ?? 0;
}

/** purgeAttachments for many cases in one statement (the retention purge's chunks); files cleared per case. */
export async function purgeAttachmentsOf(
  tx: Executor,
  caseIds: readonly number[],
): Promise<Map<number, number>> {
  const rows = await tx
    .update(caseAttachments)
    .set({ fileId: null, fileUniqueId: null, fileName: null })
    .where(
      and(
        sql`${caseAttachments.caseId} = any(${`{${caseIds.join(",")}}`}::int[])`,
        isNotNull(caseAttachments.fileUniqueId),
      ),
    )
    .returning({ caseId: caseAttachments.caseId });
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.caseId, (counts.get(r.caseId) ?? 0) + 1);
  return counts;
}
