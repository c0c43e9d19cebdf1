/**
 * Issue 16: the files attached to a case are counted on its cards, re-sent to the officials of its
 * institution (protected from forwarding), refused to anyone else, written into the filing's DOCX, and gone
 * after the D8 purge.
 */

import { eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { attachmentOf, attachmentsOf, paperPages, purgeAttachments } from "../../src/cases/attachments";
import { openCase } from "../../src/cases/open";
import { purgeCase } from "../../src/cases/retention";
import { auditEvents, cases } from "../../src/db/schema";
import { buildDocument } from "../../src/documents/build";
import { docFactsOf } from "../../src/documents/facts";
import { almaty, at } from "../jobs/helpers";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { useHarness } from "../support/harness";

const docText = (data: Buffer) =>
  Buffer.from(unzipSync(new Uint8Array(data))["word/document.xml"]!)
    .toString("utf8")
    .replace(/<[^>]+>/g, "");

describe("attachments (issue 16)", () => {
  const hr = useHarness();

  it("accepts photos (largest size) and PDFs up to 20 MB; refuses other files, bigger ones and bad page counts", () => {
    const photo = attachmentOf("decree", {
      photo: [
        { file_id: "small", file_unique_id: "s", file_size: 1_000 },
        { file_id: "big", file_unique_id: "b", file_size: 900_000 },
      ],
    });
    expect(photo).toMatchObject({ media: "photo", fileId: "big", size: 900_000 });
    expect(
      attachmentOf("decree", {
        document: {
          file_id: "d",
          file_unique_id: "u",
          mime_type: "application/pdf",
          file_size: 20 * 1024 * 1024,
        },
      }),
    ).toMatchObject({ media: "pdf", fileId: "d" });
    expect(
      attachmentOf("decree", {
        document: {
          file_id: "d",
          file_unique_id: "u",
          mime_type: "application/pdf",
          file_size: 20 * 1024 * 1024 + 1,
        },
      }),
    ).toEqual({ key: "invalid.file_too_big", params: { mb: 20 } });
    expect(
      attachmentOf("decree", {
        document: {
          file_id: "d",
          file_unique_id: "u",
          mime_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          file_name: "a.docx",
        },
      }),
    ).toEqual({ key: "invalid.file_type" });
    expect(
      attachmentOf("decree", { document: { file_id: "d", file_unique_id: "u", file_name: "scan.PDF" } }),
    ).toMatchObject({ media: "pdf" });
    expect(attachmentOf("decree", {})).toEqual({ key: "invalid.file_type" });
    expect(paperPages(" 12 ")).toBe(12);
    for (const bad of ["0", "501", "abc", "1.5", ""])
      expect(paperPages(bad)).toMatchObject({ key: "invalid.pages" });
  });

  it("the deputy's card counts them and re-sends them; another institution's official is refused; the DOCX lists them; the purge clears them", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const methods = await addOfficial(h.db, inst.id, ["academic_methods_head"], "Methods M.M.", "ru");
    const academic = await addOfficial(h.db, inst.id, ["deputy_academic"], "Academic A.A.", "ru");
    const other = await addInstitution(h.db, "OTHER");
    const stranger = await addOfficial(h.db, other.id, ["deputy_academic", "head"], "Other O.O.", "ru");
    const { student } = await addStudent(h.db, inst.id);
    at(h, "2026-04-01 10:00");
    const r = await openCase(
      h.db,
      {
        actor: { userId: methods.user.id, officialId: methods.official.id },
        ground: "academic_failure",
        studentId: student.id,
        reportLang: "ru",
        text: "Физика: экзамен не сдан",
        facts: { debtEndsOn: "31.03.2026" },
        attachments: [
          { kind: "interview_sheets", media: "photo", fileId: "PHOTO-1", fileUniqueId: "u1", size: 100 },
          {
            kind: "interview_sheets",
            media: "pdf",
            fileId: "PDF-1",
            fileUniqueId: "u2",
            fileName: "sheets.pdf",
            size: 200,
          },
          { kind: "debt_notifications", media: "paper", pages: 4 },
        ],
      },
      h.clock(),
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    await h.flush();
    const card = h.tg.sent("sendMessage", academic.tg.id).at(-1)!;
    expect(String(card.text)).toContain("📎 Приложения: файлов — 2, на бумаге — 1");
    expect(h.buttonsTo(academic.tg.id)).toContain(`at:${r.caseId}`);

    await h.press(academic.tg, `at:${r.caseId}`);
    expect(h.tg.sent("sendPhoto", academic.tg.id)).toEqual([
      expect.objectContaining({ photo: "PHOTO-1", protect_content: true, caption: "листы бесед (п. 13)" }),
    ]);
    expect(h.tg.sent("sendDocument", academic.tg.id)).toEqual([
      expect.objectContaining({ document: "PDF-1", protect_content: true }),
    ]);
    expect(h.tg.lastTextTo(academic.tg.id)).toContain("на бумаге, листов: 4");
    const audited = (await h.db.select().from(auditEvents)).filter(
      (e) => e.action === "case.attachments_sent",
    );
    expect(audited).toHaveLength(1);

    // An official of another institution: refused, nothing re-sent.
    await h.press(stranger.tg, `at:${r.caseId}`);
    expect(h.tg.sent("answerCallbackQuery").at(-1)).toMatchObject({ show_alert: true });
    expect(h.tg.sent("sendPhoto", stranger.tg.id)).toEqual([]);
    // The /case card shows the button too.
    await h.command(academic.tg, "case", String(r.caseId));
    expect(h.buttonsTo(academic.tg.id)).toContain(`at:${r.caseId}`);

    // D12: the filing as a DOCX, with what is attached.
    const facts = await docFactsOf(h.db, r.caseId, h.clock());
    const doc = await buildDocument("report", facts!, "ru");
    expect(doc.fileName).toMatch(/^Представление_.*_№\d+\.docx$/);
    const text = docText(doc.data);
    expect(text).toContain("ПРЕДСТАВЛЕНИЕ (РАПОРТ)");
    expect(text).toContain("Срок ликвидации академической задолженности истёк 31.03.2026");
    expect(text).toContain("листы бесед (п. 13): 2 файла");
    expect(text).toContain("на бумаге 4 листа");
    expect(text).toContain("Methods M.M.");

    // D8: the purge clears the file ids; nothing is re-sent afterwards.
    await h.db.transaction((tx) => purgeAttachments(tx, r.caseId));
    await h.press(academic.tg, `at:${r.caseId}`);
    expect(h.tg.sent("sendPhoto", academic.tg.id)).toHaveLength(1);
    expect(h.tg.lastTextTo(academic.tg.id)).toBe(`В деле № ${r.caseId} нет файлов для отправки.`);
  });

  it("D8: the retention purge of an ended case clears its file ids, names and facts; what the documents were stays", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const personnel = await addOfficial(h.db, inst.id, ["personnel_officer"], "Personnel P.P.", "ru");
    const { student } = await addStudent(h.db, inst.id, { category: "doctoral" });
    at(h, "2025-04-01 10:00");
    const r = await openCase(
      h.db,
      {
        actor: { userId: personnel.user.id, officialId: personnel.official.id },
        ground: "foreign_org",
        studentId: student.id,
        reportLang: "ru",
        text: "Приказ № 45",
        facts: { foreignOrg: "Академия ФСБ", expelledOn: "20.03.2025" },
        attachments: [
          {
            kind: "foreign_expulsion",
            media: "pdf",
            fileId: "PDF-9",
            fileUniqueId: "u9",
            fileName: "order.pdf",
            size: 9,
          },
          { kind: "foreign_expulsion", media: "paper", pages: 2 },
        ],
      },
      h.clock(),
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    // The case ended on 02.04.2025 (rejected, say): kept through 02.04.2026, purged from the 3rd.
    await h.db
      .update(cases)
      .set({ state: "closed", closedAt: almaty("2025-04-02 12:00") })
      .where(eq(cases.id, r.caseId));
    at(h, "2026-04-03 10:00");
    expect(await purgeCase(h.db, r.caseId, h.clock())).not.toBeNull();
    expect(
      (await attachmentsOf(h.db, r.caseId)).map((a) => [
        a.kind,
        a.media,
        a.fileId,
        a.fileUniqueId,
        a.fileName,
        a.pages,
      ]),
    ).toEqual([
      ["foreign_expulsion", "pdf", null, null, null, null],
      ["foreign_expulsion", "paper", null, null, null, 2],
    ]);
    const [c] = await h.db.select().from(cases).where(eq(cases.id, r.caseId));
    expect(c?.facts).toEqual({});
  });
});
