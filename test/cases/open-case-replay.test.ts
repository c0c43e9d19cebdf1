/**
 * The officials' /open conversation (src/bot/conversations/open-case.ts) is replayed from its stored state
 * (conversations v2), as the learner's report is (test/cases/report-replay.test.ts): the state is the list of
 * its waits, external() calls and Bot API calls in order, and a form a running bot stored is replayed against
 * whatever code reads it; a list that no longer matches replays wrongly or not at all. This pins that list,
 * update by update (test/support/replay.ts), over scripts that reach every question: each of the three
 * grounds to the preview and Submit (ch. 2 with one ground, so no ground question; ch. 3; cl. 2 chosen from
 * two grounds with the language asked), bad input at every question, the learner search (too short, none,
 * too many, a running case, another institution's, the official himself, a failed edit), attachments as
 * photos, PDFs and pages on paper with refused files and too many files, every edit from the preview, a
 * preview in two messages, the escapes (/help, /lang and their buttons, /open and the menu again, a command
 * and a button of the rest of the bot), /cancel and Stop, restarts mid-form (h.rebuild()) that continue, and
 * every refusal at Submit (a date now too old, the learner gone, a case filed meanwhile, a database failure,
 * the role taken away).
 *
 * The file open-case-replay.v<CONVERSATION_VERSION>.json was recorded from the code of that version. A change
 * that alters the list must bump CONVERSATION_VERSION (src/db/conversation-storage.ts: stored states of
 * another version are dropped, the report drafts too) and record the new version's file:
 *   OPEN_CASE_REPLAY_RECORD=1 npx vitest run test/cases/open-case-replay.test.ts
 * Both replay tests read the file of the current version: a bump records report-replay.v<N>.json as well
 * (REPORT_REPLAY_RECORD=1, test/cases/report-replay.test.ts), and the other way round.
 */
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { OPEN_CASE_CONVERSATION } from "../../src/bot/conversations/open-case";
import { CONVERSATION_VERSION } from "../../src/bot/create-bot";
import { submitReport } from "../../src/cases/submit";
import { cases, institutions, officialRoles, students } from "../../src/db/schema";
import { at } from "../jobs/helpers";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { REASONS } from "../support/flows";
import { type Harness, useHarness } from "../support/harness";
import { replayPin } from "../support/replay";

const RECORD = process.env.OPEN_CASE_REPLAY_RECORD === "1";
/** The stored /open conversation's operations per script, per update (test/support/replay.ts). */
const { recorded, script, pinned } = replayPin({
  file: join(__dirname, `open-case-replay.v${CONVERSATION_VERSION}.json`),
  conversation: OPEN_CASE_CONVERSATION,
  record: RECORD,
  version: CONVERSATION_VERSION,
});

const MB = 1024 * 1024;
const DEBT = "Жоғары математика: емтихан тапсырылмады";
const NEGATIVE = "Грубое нарушение воинской дисциплины, установленное служебным расследованием";

describe("the /open conversation replays stored forms: its operations, update by update", () => {
  const hr = useHarness();

  const groundsOf = async (h: Harness) => (await h.db.select().from(cases)).map((c) => c.ground);

  it("ch. 2, one ground: bad input at every question, the learner search, photos, PDFs and paper, restarts, then every edit from a preview in two messages", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    // A long title of the head: with the longest text the preview takes two messages.
    await h.db.update(institutions).set({ headTitleKk: "Академияның бастығы ".repeat(100) });
    const methods = await addOfficial(h.db, inst.id, ["academic_methods_head"], "Әдіскер Ә.Ә.");
    const other = await addInstitution(h.db, "OTHER");
    const theirs = await addStudent(h.db, other.id, { name: "Бөтен Бөтенұлы", personalNumber: "X-1" });
    const { student } = await addStudent(h.db, inst.id, {
      name: "Серік Болатұлы Ахметов",
      personalNumber: "A-1001",
    });
    const second = await addStudent(h.db, inst.id, { name: "Екінші Оқушы", personalNumber: "A-2002" });
    for (let i = 1; i <= 9; i++)
      await addStudent(h.db, inst.id, { name: `Тестов Тест ${i}`, personalNumber: `T-${i}` });
    at(h, "2026-03-26 10:00");
    const m = methods.tg;
    const step = script("academic failure", h, m);

    await step("/open", () => h.command(m, "open"));
    await step("too short", () => h.text(m, "А"));
    await step("sticker", () => h.sticker(m));
    await step("old button", () => h.press(m, "o:g:academic_failure"));
    await step("done button", () => h.press(m, "o:d:interview_sheets"));
    await step("another institution's", () => h.text(m, "Бөтен"));
    await step("too many", () => h.text(m, "Тестов"));
    await step("found", () => h.text(m, "A-1001"));
    await step("a forged learner of another institution", () => h.press(m, `o:l:${theirs.student.id}`));
    h.tg.failNext(
      1,
      { kind: "http", code: 400, description: "Bad Request: message to edit not found" },
      "editMessageText",
    );
    await step("learner: the edit fails", () => h.press(m, `o:l:${student.id}`));
    await step("sticker", () => h.sticker(m));
    await step("button", () => h.press(m, `o:l:${student.id}`));
    await step("/", () => h.text(m, "/"));
    await step("not a date", () => h.text(m, "32.13.2026"));
    await step("future", () => h.text(m, "27.03.2026"));
    await step("too old", () => h.text(m, "01.01.2025"));
    await step("debt", () => h.text(m, "19.03.2026"));
    await step("too short", () => h.text(m, "қысқа"));
    await step("too long", () => h.text(m, "ы".repeat(2001)));
    await step("photo", () => h.photo(m));
    await step("text", () => h.text(m, DEBT));
    await step("done, nothing in", () => h.press(m, "o:d:interview_sheets"));
    await step("sticker", () => h.sticker(m));
    await step("video", () => h.video(m));
    await step("text", () => h.text(m, "парақтар кейін"));
    await step("a .docx", () =>
      h.document(m, { file_name: "sheets.docx", mime_type: "application/msword", file_size: 10_000 }),
    );
    await step("a PDF too big", () =>
      h.document(m, { file_name: "big.pdf", mime_type: "application/pdf", file_size: 21 * MB }),
    );
    await step("a photo too big", () => h.photo(m, { file_size: 20 * MB + 1 }));
    await step("photo", () => h.photo(m, { file_id: "PH1", file_unique_id: "UPH1", file_size: 200_000 }));
    await step("pdf", () =>
      h.document(m, { file_name: "sheets.pdf", mime_type: "application/pdf", file_size: 2 * MB }),
    );
    await step("the other kind's button", () => h.press(m, "o:d:debt_notifications"));
    await step("a language button", () => h.press(m, "o:k:kk"));
    await step("done", () => h.press(m, "o:d:interview_sheets"));
    await step("paper", () => h.press(m, "o:p:debt_notifications"));
    await step("zero pages", () => h.text(m, "0"));
    await step("not a number", () => h.text(m, "abc"));
    await step("pages", () => h.text(m, "3"));
    h.rebuild();
    await step("restarted: /help", () => h.command(m, "help"));
    await step("text, not on paper now", () => h.text(m, "4"));
    await step("paper again", () => h.press(m, "o:p:debt_notifications"));
    await step("the pages corrected", () => h.text(m, "4"));
    await step("done: the preview", () => h.press(m, "o:d:debt_notifications"));
    await step("sticker", () => h.sticker(m));
    await step("text", () => h.text(m, "иә"));
    await step("old button", () => h.press(m, "o:k:ru"));
    await step("edit ground: not offered", () => h.press(m, "o:e:ground"));
    await step("edit org: not this ground's", () => h.press(m, "o:e:org"));
    await step("edit text", () => h.press(m, "o:e:text"));
    const sent = h.tg.sent("sendMessage").length;
    await step("the longest text", () => h.text(m, `${DEBT} ${"ж".repeat(1999 - DEBT.length)}`));
    expect(h.tg.sent("sendMessage").length - sent).toBe(2);
    await step("edit debt", () => h.press(m, "o:e:debt"));
    await step("debt", () => h.text(m, "20.03.2026"));
    h.rebuild();
    await step("restarted: edit files", () => h.press(m, "o:e:files"));
    await step("photo", () => h.photo(m, { file_id: "PH2", file_unique_id: "UPH2" }));
    await step("done", () => h.press(m, "o:d:interview_sheets"));
    await step("paper", () => h.press(m, "o:p:debt_notifications"));
    await step("pages", () => h.text(m, "2"));
    await step("done", () => h.press(m, "o:d:debt_notifications"));
    await step("edit learner", () => h.press(m, "o:e:learner"));
    await step("found", () => h.text(m, "Екінші"));
    await step("learner", () => h.press(m, `o:l:${second.student.id}`));
    await step("edit lang", () => h.press(m, "o:e:lang"));
    await step("lang", () => h.press(m, "o:k:ru"));
    await step("edit text", () => h.press(m, "o:e:text"));
    await step("a shorter text", () => h.text(m, DEBT));
    await step("submit", () => h.press(m, "o:submit"));
    await step("text after", () => h.text(m, "тағы"));
    expect(await groundsOf(h)).toEqual(["academic_failure"]);
    if (!RECORD) expect(recorded["academic failure"]).toEqual(pinned()["academic failure"]);
  });

  it("ch. 3 in Russian: a learner with a running case, a command of the rest of the bot meanwhile, the investigation as a PDF, the language edited", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const unit = await addOfficial(h.db, inst.id, ["unit_head"], "Курс бастығы К.Б.", "ru");
    const { student } = await addStudent(h.db, inst.id, {
      name: "Иванов Иван Иванович",
      personalNumber: "B-2002",
    });
    const busy = await addStudent(h.db, inst.id, { name: "Петров Пётр Петрович", personalNumber: "B-3003" });
    at(h, "2026-04-01 10:00");
    const filed = await submitReport(
      h.db,
      {
        userId: busy.user.id,
        ground: "own_will",
        reasons: REASONS,
        conscriptServed: false,
        phone: null,
        reportLang: "ru",
      },
      h.clock(),
    );
    if (!filed.ok) throw new Error(filed.reason);
    const u = unit.tg;
    const step = script("negative reasons", h, u);

    await step("/open", () => h.command(u, "open"));
    await step("found, one with a case", () => h.text(u, "Петров"));
    await step("the one with a case", () => h.press(u, `o:l:${busy.student.id}`));
    await step("found", () => h.text(u, "иванов"));
    await step("learner", () => h.press(u, `o:l:${student.id}`));
    await step("too short", () => h.text(u, "Нарушения"));
    await step("/inbox passes through", () => h.command(u, "inbox"));
    await step("a case button passes through", () => h.press(u, `c:${filed.caseId}`));
    await step("text", () => h.text(u, NEGATIVE));
    await step("a paper button of another kind", () => h.press(u, "o:p:interview_sheets"));
    await step("pdf", () => h.document(u, { file_name: "Материалы.PDF", file_size: 3 * MB }));
    await step("done: the preview", () => h.press(u, "o:d:investigation_materials"));
    await step("edit lang", () => h.press(u, "o:e:lang"));
    await step("text", () => h.text(u, "kk"));
    await step("lang", () => h.press(u, "o:k:kk"));
    await step("edit lang", () => h.press(u, "o:e:lang"));
    await step("lang", () => h.press(u, "o:k:ru"));
    await step("submit", () => h.press(u, "o:submit"));
    expect(await groundsOf(h)).toEqual(["own_will", "negative_reasons"]);
    if (!RECORD) expect(recorded["negative reasons"]).toEqual(pinned()["negative reasons"]);
  });

  it("cl. 2 in English: two grounds to choose from, the language asked, another ground from the preview asks its own fields", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const both = await addOfficial(h.db, inst.id, ["unit_head", "personnel_officer"], "Both B.B.", "en");
    const { student } = await addStudent(h.db, inst.id, { name: "Ахметов Нұрлан", personalNumber: "C-7" });
    at(h, "2026-04-01 10:00");
    const b = both.tg;
    const step = script("foreign org", h, b);

    await step("/open", () => h.command(b, "open"));
    await step("text", () => h.text(b, "foreign"));
    await step("a ground he may not open", () => h.press(b, "o:g:academic_failure"));
    await step("ground", () => h.press(b, "o:g:negative_reasons"));
    await step("found", () => h.text(b, "C-7"));
    await step("learner", () => h.press(b, `o:l:${student.id}`));
    await step("text", () => h.text(b, "Systematic breaches of discipline established by the investigation"));
    await step("photo", () => h.photo(b, { file_id: "INV", file_unique_id: "UINV", file_size: 100_000 }));
    await step("done: the language asked", () => h.press(b, "o:d:investigation_materials"));
    await step("sticker", () => h.sticker(b));
    await step("old button", () => h.press(b, "o:d:investigation_materials"));
    await step("lang: the preview", () => h.press(b, "o:k:kk"));
    await step("edit ground", () => h.press(b, "o:e:ground"));
    await step("another ground", () => h.press(b, "o:g:foreign_org"));
    await step("too short", () => h.text(b, "ab"));
    await step("org", () => h.text(b, "Академия ФСБ России"));
    await step("not a date", () => h.text(b, "2026-13-01"));
    await step("future", () => h.text(b, "02.04.2026"));
    await step("expelled", () => h.text(b, "20.03.2026"));
    await step("too short", () => h.text(b, "ab"));
    await step("text", () => h.text(b, "Приказ № 45 от 20.03.2026"));
    await step("pdf", () =>
      h.document(b, { file_name: "order.pdf", mime_type: "application/pdf", file_size: 500_000 }),
    );
    await step("paper", () => h.press(b, "o:p:foreign_expulsion"));
    await step("pages", () => h.text(b, "1"));
    await step("done: the preview", () => h.press(b, "o:d:foreign_expulsion"));
    await step("edit org", () => h.press(b, "o:e:org"));
    await step("org", () => h.text(b, "Академия ФСБ"));
    await step("edit expelled", () => h.press(b, "o:e:expelled"));
    await step("expelled", () => h.text(b, "21.03.2026"));
    await step("edit ground", () => h.press(b, "o:e:ground"));
    await step("the same ground: nothing asked again", () => h.press(b, "o:g:foreign_org"));
    await step("submit", () => h.press(b, "o:submit"));
    expect(await groundsOf(h)).toEqual(["foreign_org"]);
    if (!RECORD) expect(recorded["foreign org"]).toEqual(pinned()["foreign org"]);
  });

  it("escapes mid-form, restarts that continue, /cancel and Stop", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const methods = await addOfficial(h.db, inst.id, ["academic_methods_head"], "Методист М.М.", "ru");
    const { student } = await addStudent(h.db, inst.id, { personalNumber: "P-1" });
    at(h, "2026-03-26 10:00");
    const m = methods.tg;
    const step = script("escapes", h, m);

    await step("/open", () => h.command(m, "open"));
    await step("/help", () => h.command(m, "help"));
    await step("/help@bot", () => h.text(m, "/help@expulsion_test_bot x"));
    await step("menu:help", () => h.press(m, "menu:help"));
    await step("/lang", () => h.command(m, "lang"));
    await step("lang:kk", () => h.press(m, "lang:kk", h.lastMessageIdTo(m.id) - 1));
    await step("menu:lang", () => h.press(m, "menu:lang"));
    await step("lang:ru", () => h.press(m, "lang:ru", h.lastMessageIdTo(m.id) - 1));
    await step("/open while asking", () => h.command(m, "open"));
    await step("menu:open while asking", () => h.press(m, "menu:open"));
    await step("/inbox passes through", () => h.command(m, "inbox"));
    await step("/foo passes through", () => h.command(m, "foo"));
    h.rebuild();
    await step("restarted: found", () => h.text(m, "P-1"));
    await step("learner", () => h.press(m, `o:l:${student.id}`));
    h.rebuild();
    await step("restarted: debt", () => h.text(m, "19.03.2026"));
    await step("/help", () => h.command(m, "help"));
    await step("text", () => h.text(m, "Высшая математика: экзамен не сдан"));
    await step("/lang", () => h.command(m, "lang"));
    await step("lang:kk", () => h.press(m, "lang:kk", h.lastMessageIdTo(m.id) - 1));
    await step("photo", () => h.photo(m));
    await step("/cancel", () => h.command(m, "cancel"));
    await step("old button after", () => h.press(m, "o:d:interview_sheets"));
    await step("menu:open anew", () => h.press(m, "menu:open"));
    await step("found", () => h.text(m, "P-1"));
    await step("learner", () => h.press(m, `o:l:${student.id}`));
    await step("debt", () => h.text(m, "19.03.2026"));
    await step("text", () => h.text(m, "Высшая математика: экзамен не сдан"));
    await step("photo", () => h.photo(m));
    await step("done", () => h.press(m, "o:d:interview_sheets"));
    await step("paper", () => h.press(m, "o:p:debt_notifications"));
    await step("/help while the pages are asked", () => h.command(m, "help"));
    await step("pages", () => h.text(m, "2"));
    await step("done: the preview", () => h.press(m, "o:d:debt_notifications"));
    h.rebuild();
    await step("restarted: /help on the preview", () => h.command(m, "help"));
    await step("/open on the preview", () => h.command(m, "open"));
    await step("stop on the preview", () => h.press(m, "o:cancel"));
    await step("submit after", () => h.press(m, "o:submit"));
    expect(await groundsOf(h)).toEqual([]);
    if (!RECORD) expect(recorded.escapes).toEqual(pinned().escapes);
  });

  it("refused at Submit: a date now too old, the learner gone, a case filed meanwhile, a database failure, the role taken away; the official himself; too many files", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const methods = await addOfficial(h.db, inst.id, ["academic_methods_head"], "Методист М.М.", "ru");
    const a = await addStudent(h.db, inst.id, { name: "Первый Обучающийся", personalNumber: "P-1" });
    const b = await addStudent(h.db, inst.id, { name: "Второй Обучающийся", personalNumber: "P-2" });
    const c = await addStudent(h.db, inst.id, { name: "Третий Обучающийся", personalNumber: "P-3" });
    // The official is on the roster himself (a master's student who heads the methods subdivision).
    const self = await addStudent(h.db, inst.id, { name: "Методист Сам", personalNumber: "P-9" });
    await h.db.update(students).set({ userId: methods.user.id }).where(eq(students.id, self.student.id));
    const m = methods.tg;
    at(h, "2026-03-26 10:00");
    const step = script("refused", h, m);
    const toPreview = async (pn: string, id: number) => {
      await step("/open", () => h.command(m, "open"));
      await step("found", () => h.text(m, pn));
      await step("learner", () => h.press(m, `o:l:${id}`));
      await step("debt", () => h.text(m, "19.03.2026"));
      await step("text", () => h.text(m, "Высшая математика: экзамен не сдан"));
      await step("photo", () => h.photo(m));
      await step("done", () => h.press(m, "o:d:interview_sheets"));
      await step("photo", () => h.photo(m, { file_id: "p2", file_unique_id: "p2" }));
      await step("done: the preview", () => h.press(m, "o:d:debt_notifications"));
    };

    await step("/open", () => h.command(m, "open"));
    await step("found", () => h.text(m, "P-9"));
    await step("the official himself", () => h.press(m, `o:l:${self.student.id}`));
    await step("/cancel", () => h.command(m, "cancel"));
    await toPreview("P-1", a.student.id);
    at(h, "2027-04-01 10:00");
    await step("submit: the date is too old now", () => h.press(m, "o:submit"));
    await step("edit debt", () => h.press(m, "o:e:debt"));
    await step("debt", () => h.text(m, "25.03.2027"));
    await h.db.update(students).set({ active: false }).where(eq(students.id, a.student.id));
    await step("submit: the learner left the roster", () => h.press(m, "o:submit"));
    await step("found", () => h.text(m, "Второй"));
    await step("learner", () => h.press(m, `o:l:${b.student.id}`));
    const own = await submitReport(
      h.db,
      {
        userId: b.user.id,
        ground: "own_will",
        reasons: REASONS,
        conscriptServed: false,
        phone: null,
        reportLang: "ru",
      },
      h.clock(),
    );
    if (!own.ok) throw new Error(own.reason);
    await step("submit: filed meanwhile", () => h.press(m, "o:submit"));

    at(h, "2026-03-26 10:00");
    await toPreview("P-3", c.student.id);
    await step("edit files", () => h.press(m, "o:e:files"));
    for (let i = 1; i <= 31; i++)
      await step(`photo ${i}`, () => h.photo(m, { file_id: `f${i}`, file_unique_id: `uf${i}` }));
    await step("done", () => h.press(m, "o:d:interview_sheets"));
    await step("a photo of the other kind: too many still", () =>
      h.photo(m, { file_id: "g", file_unique_id: "ug" }),
    );
    await step("paper", () => h.press(m, "o:p:debt_notifications"));
    await step("pages", () => h.text(m, "1"));
    await step("done: the preview", () => h.press(m, "o:d:debt_notifications"));
    await h.db.execute(sql.raw("ALTER TABLE case_attachments RENAME TO case_attachments_away"));
    try {
      await step("submit: the database fails", () => h.press(m, "o:submit"));
    } finally {
      await h.db.execute(sql.raw("ALTER TABLE case_attachments_away RENAME TO case_attachments"));
    }
    await h.db.delete(officialRoles).where(eq(officialRoles.officialId, methods.official.id));
    await step("submit: the role taken away", () => h.press(m, "o:submit"));
    expect(await groundsOf(h)).toEqual(["own_will"]);
    if (!RECORD) expect(recorded.refused).toEqual(pinned().refused);
  });
});
