/**
 * Issue 16 through the bot: an official opens a case with /open on ch. 2 (academic failure), ch. 3
 * (negative reasons) and cl. 2 (expulsion by a foreign organisation), and the officials' buttons take it to
 * a closed case. Bad input at every typed step, attachments, the wrong person, a double tap, the statutory
 * dates of cl. 14, 15 and 18 on Kazakhstan's calendar.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { commandsFor } from "../../src/bot/commands";
import { submitReport } from "../../src/cases/submit";
import {
  caseAttachments,
  caseSteps,
  cases,
  officialRoles,
  reportVersions,
  students,
} from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import type { Role } from "../../src/rules";
import { at, delegate, stepOf } from "../jobs/helpers";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { REASONS, tap } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";

const kk = tFor("kk");
const ru = tFor("ru");
const MB = 1024 * 1024;

type Person = Awaited<ReturnType<typeof addOfficial>>;

async function cast(h: Harness, lang: "kk" | "ru" = "kk") {
  const inst = await addInstitution(h.db);
  const o = {
    head: await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", lang),
    deputy: await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.", lang),
    academic: await addOfficial(h.db, inst.id, ["deputy_academic"], "Оқу О.О.", lang),
    upbringing: await addOfficial(h.db, inst.id, ["deputy_upbringing"], "Тәрбие Т.Т.", lang),
    methods: await addOfficial(h.db, inst.id, ["academic_methods_head"], "Әдіскер Ә.Ә.", lang),
    unit: await addOfficial(h.db, inst.id, ["unit_head"], "Курс бастығы К.Б.", lang),
    personnel: await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", lang),
  };
  return { inst, o };
}

/** Texts sent to a chat since `from` (an index into textsTo), joined. */
const since = (h: Harness, tg: TgUser, from: number) => h.tg.textsTo(tg.id).slice(from).join("\n");

/** What the bot says to an update: the texts it sends (or edits) in reply, joined. */
async function reply(h: Harness, tg: TgUser, send: () => Promise<void>): Promise<string> {
  const from = h.tg.textsTo(tg.id).length;
  await send();
  return since(h, tg, from);
}

/** The toast a press was answered with. */
function lastToast(h: Harness): string | undefined {
  const calls = h.tg.sent("answerCallbackQuery");
  return calls.at(-1)?.text as string | undefined;
}

async function casesOf(h: Harness) {
  return h.db.select().from(cases);
}

/** Presses a pending step's button by its key (what the task card's button carries). */
async function press(
  h: Harness,
  who: Person,
  caseId: number,
  key: Parameters<typeof stepOf>[2],
  action: string,
) {
  const s = await stepOf(h.db, caseId, key);
  await h.press(who.tg, `s:${s.id}:${action}`);
}

/** The deputy head records the cl. 4 interview, the head approves; both with their buttons. */
async function interviewAndApprove(
  h: Harness,
  o: Awaited<ReturnType<typeof cast>>["o"],
  caseId: number,
  day: string,
) {
  await press(h, o.deputy, caseId, "interview", "interview");
  await h.text(o.deputy.tg, day);
  await h.flush();
  const decide = await stepOf(h.db, caseId, "decide");
  await tap(h, o.head.tg, `s:${decide.id}:approve`);
  await h.flush();
}

/** Personnel records the order (number, date, the conscript answer), then every step after it. */
async function orderAndAfter(
  h: Harness,
  personnel: Person,
  caseId: number,
  key: "order" | "foreign_order",
  day: string,
) {
  await press(h, personnel, caseId, key, "order");
  await h.text(personnel.tg, "45-ж");
  await h.text(personnel.tg, day);
  await h.press(personnel.tg, "si:no");
  await h.flush();
  expect((await stepOf(h.db, caseId, key)).state).toBe("done");
  const pending = (await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId))).filter(
    (s) => s.state === "pending",
  );
  expect(pending.length).toBeGreaterThan(0);
  for (const s of pending) {
    if (s.key === "notify_personnel_dept") {
      await h.press(personnel.tg, `s:${s.id}:letter`);
      await h.text(personnel.tg, "12-3/456");
      await h.text(personnel.tg, day);
    } else if (s.key === "cost_calculation") {
      await h.press(personnel.tg, `s:${s.id}:amount`);
      await h.text(personnel.tg, "1 250 000");
    } else {
      await tap(h, personnel.tg, `s:${s.id}:done`);
    }
  }
  await h.flush();
}

describe("opening a case through the bot (issue 16)", () => {
  const hr = useHarness();

  it("ch. 2 in Kazakh: the academic-methods head finds the learner, types the debt, attaches files and pages, and the chain closes the case; cl. 14 due 27.03.2026 (Nauryz), cl. 15 order due 2 WD after the decision", async () => {
    const h = hr.current;
    const { inst, o } = await cast(h);
    const other = await addInstitution(h.db, "OTHER");
    await addStudent(h.db, other.id, { name: "Бөтен Бөтенұлы", personalNumber: "X-1" });
    const { student, tg: learner } = await addStudent(h.db, inst.id, {
      name: "Серік Болатұлы Ахметов",
      personalNumber: "A-1001",
    });
    at(h, "2026-03-26 10:00");
    const m = o.methods.tg;

    // One ground: the question is skipped, the learner is asked at once.
    expect(await reply(h, m, () => h.command(m, "open"))).toContain(
      kk("open.ask_learner", { ground: kk("ground.academic_failure") }),
    );
    expect(h.buttonsTo(m.id)).toEqual([]);
    expect(await reply(h, m, () => h.text(m, "А"))).toContain(kk("open.query_short"));
    // Another institution's learner is nobody, by name and by number.
    expect(await reply(h, m, () => h.text(m, "Бөтен"))).toContain(kk("open.no_match", { query: "Бөтен" }));
    expect(await reply(h, m, () => h.text(m, "X-1"))).toContain(kk("open.no_match", { query: "X-1" }));
    const found = await reply(h, m, () => h.text(m, "A-1001"));
    expect(found).toContain("Серік Болатұлы Ахметов, Т-21 тобы, жеке № A-1001");
    expect(h.buttonsTo(m.id)).toEqual([`o:l:${student.id}`]);
    await h.press(m, `o:l:${student.id}`);
    expect(h.tg.textsTo(m.id).at(-2)).toBe(
      kk("open.learner_chosen", { name: "Серік Болатұлы Ахметов", group: "Т-21", number: "A-1001" }),
    );

    // The last day of the debt period: malformed, future, over a year ago, then right.
    expect(await reply(h, m, () => h.text(m, "32.13.2026"))).toContain(kk("invalid.date_format"));
    expect(await reply(h, m, () => h.text(m, "27.03.2026"))).toContain(kk("invalid.date_future"));
    expect(await reply(h, m, () => h.text(m, "01.01.2025"))).toContain(
      kk("open.date_too_old", { date: "25.03.2025" }),
    );
    await h.text(m, "19.03.2026");
    // The debt in words: too short, then right.
    expect(await reply(h, m, () => h.text(m, "қысқа"))).toContain(kk("invalid.too_short", { min: 10 }));
    await h.text(m, "Жоғары математика: емтихан тапсырылмады");

    // Attachments, kind 1 of 2: the interview sheets.
    expect(h.tg.lastTextTo(m.id)).toContain("1/2");
    expect(h.buttonsTo(m.id)).toEqual(["o:p:interview_sheets", "o:d:interview_sheets"]);
    expect(await reply(h, m, () => h.press(m, "o:d:interview_sheets"))).toContain(
      kk("open.nothing_attached", { name: kk("attachment.interview_sheets") }),
    );
    for (const bad of [
      () => h.sticker(m),
      () => h.video(m),
      () => h.text(m, "парақтар кейін"),
      () => h.document(m, { file_name: "sheets.docx", mime_type: "application/msword", file_size: 10_000 }),
    ])
      expect(await reply(h, m, bad)).toContain(kk("invalid.file_type"));
    expect(
      await reply(h, m, () =>
        h.document(m, { file_name: "big.pdf", mime_type: "application/pdf", file_size: 21 * MB }),
      ),
    ).toContain(kk("invalid.file_too_big", { mb: 20 }));
    expect(
      await reply(h, m, () => h.photo(m, { file_id: "PH1", file_unique_id: "UPH1", file_size: 200_000 })),
    ).toContain("1 файл");
    expect(
      await reply(h, m, () =>
        h.document(m, { file_name: "sheets.pdf", mime_type: "application/pdf", file_size: 2 * MB }),
      ),
    ).toContain("2 файл");
    await h.press(m, "o:d:interview_sheets");

    // Kind 2 of 2: the notifications, on paper.
    expect(h.tg.lastTextTo(m.id)).toContain("2/2");
    await h.press(m, "o:p:debt_notifications");
    expect(h.tg.lastTextTo(m.id)).toContain(
      kk("open.ask_pages", { name: kk("attachment.debt_notifications") }),
    );
    for (const bad of ["0", "abc"])
      expect(await reply(h, m, () => h.text(m, bad))).toContain(kk("invalid.pages", { max: 500 }));
    expect(await reply(h, m, () => h.text(m, "3"))).toContain("қағазда 3 парақ");
    // A restart here loses nothing: the form is in the database.
    h.rebuild();
    // /help answers and the same question comes back.
    const help = await reply(h, m, () => h.command(m, "help"));
    expect(help).toContain(kk("help.open"));
    expect(help).toContain("2/2");
    const preview = await reply(h, m, () => h.press(m, "o:d:debt_notifications"));

    // Kazakh interface: the document is in Kazakh without asking. The preview is the filing as stored.
    expect(preview).toContain("ҰСЫНЫМ (БАЯНАТ)");
    expect(preview).toContain("19.03.2026");
    expect(preview).toContain("Жоғары математика: емтихан тапсырылмады");
    expect(preview).toContain("2 файл");
    expect(preview).toContain("қағазда 3 парақ");
    expect(h.buttonsTo(m.id)).toEqual([
      "o:submit",
      "o:e:learner",
      "o:e:debt",
      "o:e:text",
      "o:e:files",
      "o:e:lang",
      "o:cancel",
    ]);
    // Edit the debt: asked again, then the preview with the new text.
    await h.press(m, "o:e:text");
    expect(h.tg.lastTextTo(m.id)).toContain(kk("open.ask_text_academic_failure", { min: 10, max: 2000 }));
    expect(
      await reply(h, m, () => h.text(m, "Жоғары математика және физика: емтихандар тапсырылмады")),
    ).toContain("Жоғары математика және физика");

    // Someone else pressing this form's buttons in his own chat gets nothing done.
    await h.press(o.unit.tg, "o:submit");
    expect(lastToast(h)).toBe(kk("open.stale"));
    await h.press(o.unit.tg, `o:l:${student.id}`);
    expect(await casesOf(h)).toEqual([]);

    // Submit, twice: one case.
    const previewId = h.lastMessageIdTo(m.id);
    const opened = await reply(h, m, () => h.press(m, "o:submit", previewId));
    await h.press(m, "o:submit", previewId);
    expect(lastToast(h)).toBe(kk("open.stale"));
    const all = await casesOf(h);
    expect(all).toHaveLength(1);
    const c = all[0]!;
    expect(c).toMatchObject({ ground: "academic_failure", registeredOn: "2026-03-19", reportLang: "kk" });
    expect(opened).toContain(`№ ${c.id} іс ашылды`);
    expect(opened).toContain(kk("role.deputy_academic"));
    expect(h.buttonsTo(m.id)).toEqual([`c:${c.id}`]);
    // Cl. 14: 3 WD from Fri 20.03; 23–25 March are days off: 20, 26, 27 → Fri 27.03, statutory.
    expect(await stepOf(h.db, c.id, "submit_academic")).toMatchObject({
      state: "done",
      dueOn: "2026-03-27",
      dueKind: "statutory",
      doneByOfficialId: o.methods.official.id,
    });
    const files = await h.db.select().from(caseAttachments).where(eq(caseAttachments.caseId, c.id));
    expect(files.map((a) => [a.kind, a.media, a.pages])).toEqual([
      ["interview_sheets", "photo", null],
      ["interview_sheets", "pdf", null],
      ["debt_notifications", "paper", 3],
    ]);
    const [doc] = await h.db.select().from(reportVersions).where(eq(reportVersions.caseId, c.id));
    expect(doc?.document).toContain("Жоғары математика және физика");
    // The case button opens the card.
    await h.press(m, `c:${c.id}`);
    expect(h.tg.textsTo(m.id).join("\n")).toContain("ҰСЫНЫМ (БАЯНАТ)");

    // The chain, by the officials' buttons: agreement, interview, the head's approval, the order, the rest.
    await h.flush();
    expect(h.tg.textsTo(learner.id).join("\n")).toContain(`№ ${c.id}`);
    await tap(h, o.academic.tg, `s:${(await stepOf(h.db, c.id, "agree_academic")).id}:agree`);
    await h.flush();
    at(h, "2026-03-27 11:00");
    await interviewAndApprove(h, o, c.id, "27.03.2026");
    // Cl. 15, a cadet: the order within 2 WD of the decision (Fri 27.03): Mon 30, Tue 31 March.
    expect(await stepOf(h.db, c.id, "order")).toMatchObject({ dueOn: "2026-03-31", dueKind: "statutory" });
    await orderAndAfter(h, o.personnel, c.id, "order", "27.03.2026");
    expect((await casesOf(h))[0]?.state).toBe("closed");
  });

  it("ch. 3 in Russian: the unit head files the reasoned report with the investigation as a PDF; a learner with a running case is refused; the deputy for upbringing disagrees, the head approves, the cl. 18 order is due 2 WD after the decision", async () => {
    const h = hr.current;
    const { inst, o } = await cast(h, "ru");
    const { student } = await addStudent(h.db, inst.id, {
      name: "Иванов Иван Иванович",
      personalNumber: "B-2002",
      category: "masters",
    });
    const busy = await addStudent(h.db, inst.id, { name: "Петров Пётр Петрович", personalNumber: "B-3003" });
    at(h, "2026-03-30 10:00");
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
    if (!filed.ok) throw new Error("no case");
    for (let i = 1; i <= 9; i++)
      await addStudent(h.db, inst.id, { name: `Тестов Тест ${i}`, personalNumber: `T-${i}` });
    at(h, "2026-04-01 10:00");
    const u = o.unit.tg;

    await h.command(u, "open");
    expect(h.tg.lastTextTo(u.id)).toContain(
      ru("open.ask_learner", { ground: ru("ground.negative_reasons") }),
    );
    expect(await reply(h, u, () => h.text(u, "Тестов"))).toContain(
      ru("open.too_many", { max: 8, query: "Тестов" }),
    );
    // A learner with a running case is listed, marked, and refused with the case's number.
    const listed = await reply(h, u, () => h.text(u, "Петров"));
    expect(listed).toContain(`🔒 дело № ${filed.caseId}`);
    expect(await reply(h, u, () => h.press(u, `o:l:${busy.student.id}`))).toContain(
      ru("open.has_case", { name: "Петров Пётр Петрович", id: filed.caseId }),
    );
    await h.text(u, "иванов");
    await h.press(u, `o:l:${student.id}`);
    // The reasons: too short; /inbox meanwhile is answered and the form waits; then the reasons.
    expect(await reply(h, u, () => h.text(u, "Нарушения"))).toContain(ru("invalid.too_short", { min: 20 }));
    expect(await reply(h, u, () => h.command(u, "inbox"))).toBe(ru("inbox.empty"));
    await h.text(u, "Грубое нарушение воинской дисциплины, установленное служебным расследованием");
    // The investigation: Done with nothing, a photo too big, then a PDF known by its name only.
    expect(h.buttonsTo(u.id)).toEqual(["o:p:investigation_materials", "o:d:investigation_materials"]);
    expect(await reply(h, u, () => h.press(u, "o:d:investigation_materials"))).toContain(
      ru("open.nothing_attached", { name: ru("attachment.investigation_materials") }),
    );
    expect(await reply(h, u, () => h.photo(u, { file_size: 20 * MB + 1 }))).toContain(
      ru("invalid.file_too_big", { mb: 20 }),
    );
    expect(
      await reply(h, u, () => h.document(u, { file_name: "Материалы.PDF", file_size: 3 * MB })),
    ).toContain("1 файл");
    const preview = await reply(h, u, () => h.press(u, "o:d:investigation_materials"));
    expect(preview).toContain("МОТИВИРОВАННЫЙ РАПОРТ");
    expect(preview).toContain("Начальнику Академии КНБ");
    expect(preview).toContain("материалы служебного расследования (п. 16): 1 файл");
    // The language: Kazakh, then back to Russian.
    await h.press(u, "o:e:lang");
    expect(h.buttonsTo(u.id)).toEqual(["o:k:kk", "o:k:ru"]);
    expect(await reply(h, u, () => h.press(u, "o:k:kk"))).toContain("ДӘЛЕЛДІ БАЯНАТ");
    await h.press(u, "o:e:lang");
    expect(await reply(h, u, () => h.press(u, "o:k:ru"))).toContain("МОТИВИРОВАННЫЙ РАПОРТ");
    const opened = await reply(h, u, () => h.press(u, "o:submit"));
    const c = (await casesOf(h)).find((x) => x.ground === "negative_reasons")!;
    expect(c).toMatchObject({
      studentId: student.id,
      registeredOn: "2026-04-01",
      reportLang: "ru",
      state: "open",
    });
    expect(opened).toContain(`Дело № ${c.id} открыто`);
    expect(opened).toContain(ru("role.deputy_upbringing"));
    expect(await stepOf(h.db, c.id, "submit_negative")).toMatchObject({ state: "done" });

    // The chain: the deputy for upbringing disagrees (advisory), the interview, the head approves (Wed 01.04).
    await h.flush();
    await press(h, o.upbringing, c.id, "agree_upbringing", "disagree");
    await h.text(o.upbringing.tg, "Материалы расследования неполные");
    await h.flush();
    await interviewAndApprove(h, o, c.id, "01.04.2026");
    // Cl. 18: 2 WD from the decision on Wed 01.04 → Fri 03.04; an order for a master's student too (D7).
    expect(await stepOf(h.db, c.id, "order")).toMatchObject({ dueOn: "2026-04-03", dueKind: "statutory" });
    await orderAndAfter(h, o.personnel, c.id, "order", "01.04.2026");
    expect((await casesOf(h)).find((x) => x.id === c.id)?.state).toBe("closed");
  });

  it("cl. 2 with an English interface: an official who may open two grounds chooses, the language is asked, and editing the ground asks the other ground's fields; personnel's order closes the case", async () => {
    const h = hr.current;
    const { inst, o } = await cast(h);
    const both = await addOfficial(h.db, inst.id, ["unit_head", "personnel_officer"], "Both B.B.", "en");
    const { student } = await addStudent(h.db, inst.id, { name: "Ахметов Нұрлан", personalNumber: "C-7" });
    at(h, "2026-04-01 10:00");
    const b = both.tg;
    const en = tFor("en");

    expect(await reply(h, b, () => h.command(b, "open"))).toContain(en("open.ask_ground"));
    expect(h.buttonsTo(b.id)).toEqual(["o:g:negative_reasons", "o:g:foreign_org"]);
    // A ground he may not open (forged) is not taken.
    expect(await reply(h, b, () => h.press(b, "o:g:academic_failure"))).toContain(en("open.use_buttons"));
    await h.press(b, "o:g:negative_reasons");
    await h.text(b, "C-7");
    await h.press(b, `o:l:${student.id}`);
    await h.text(b, "Systematic breaches of discipline established by the investigation");
    await h.photo(b, { file_id: "INV", file_unique_id: "UINV", file_size: 100_000 });
    await h.press(b, "o:d:investigation_materials");
    // English is not a document language: asked.
    expect(h.tg.lastTextTo(b.id)).toBe(en("open.ask_lang"));
    expect(await reply(h, b, () => h.press(b, "o:k:kk"))).toContain("ДӘЛЕЛДІ БАЯНАТ");

    // Another ground: its own fields and attachments are asked, the learner and the language stay.
    await h.press(b, "o:e:ground");
    await h.press(b, "o:g:foreign_org");
    expect(h.tg.lastTextTo(b.id)).toBe(en("open.ask_foreign_org", { min: 3, max: 300 }));
    expect(await reply(h, b, () => h.text(b, "ab"))).toContain(en("invalid.too_short", { min: 3 }));
    await h.text(b, "Академия ФСБ России");
    expect(await reply(h, b, () => h.text(b, "2026-13-01"))).toContain(en("invalid.date_format"));
    expect(await reply(h, b, () => h.text(b, "02.04.2026"))).toContain(en("invalid.date_future"));
    await h.text(b, "20.03.2026");
    expect(await reply(h, b, () => h.text(b, "ab"))).toContain(en("invalid.too_short", { min: 3 }));
    await h.text(b, "Приказ № 45 от 20.03.2026");
    expect(h.buttonsTo(b.id)).toEqual(["o:p:foreign_expulsion", "o:d:foreign_expulsion"]);
    await h.document(b, { file_name: "order.pdf", mime_type: "application/pdf", file_size: 500_000 });
    const preview = await reply(h, b, () => h.press(b, "o:d:foreign_expulsion"));
    expect(preview).toContain("ШЕТЕЛДІК БІЛІМ БЕРУ ҰЙЫМЫНАН ОҚУДАН ШЫҒАРУ ТУРАЛЫ МӘЛІМЕТ");
    expect(preview).toContain("Академия ФСБ России");
    expect(preview).toContain("20.03.2026");
    expect(preview).not.toContain("Systematic");
    expect(h.buttonsTo(b.id)).toEqual([
      "o:submit",
      "o:e:ground",
      "o:e:learner",
      "o:e:org",
      "o:e:expelled",
      "o:e:text",
      "o:e:files",
      "o:e:lang",
      "o:cancel",
    ]);
    const opened = await reply(h, b, () => h.press(b, "o:submit"));
    const [c] = await casesOf(h);
    expect(c).toMatchObject({
      ground: "foreign_org",
      reportLang: "kk",
      registeredOn: "2026-04-01",
      facts: { foreignOrg: "Академия ФСБ России", expelledOn: "2026-03-20" },
    });
    expect(opened).toContain(`Case No. ${c!.id} is opened`);
    expect(opened).toContain(en("role.deputy_personnel"));
    const files = await h.db.select().from(caseAttachments).where(eq(caseAttachments.caseId, c!.id));
    expect(files.map((a) => [a.kind, a.media, a.fileName])).toEqual([
      ["foreign_expulsion", "pdf", "order.pdf"],
    ]);

    // The chain: the interview, then personnel's order (no head's decision: the foreign organisation expelled).
    await h.flush();
    await press(h, o.deputy, c!.id, "interview", "interview");
    await h.text(o.deputy.tg, "01.04.2026");
    await h.flush();
    await orderAndAfter(h, o.personnel, c!.id, "foreign_order", "01.04.2026");
    expect((await casesOf(h))[0]?.state).toBe("closed");
  });

  it("the wrong person: /open and the menu are only for those who open cases; /cancel and Stop end the form; a forged learner of another institution is nobody", async () => {
    const h = hr.current;
    const { inst, o } = await cast(h);
    const other = await addInstitution(h.db, "OTHER");
    const { student: theirs } = await addStudent(h.db, other.id, { personalNumber: "X-9" });
    const learner = await addStudent(h.db, inst.id, { personalNumber: "A-5" });

    // The head, a deputy and a learner hold no opening role: refused, with who does.
    for (const who of [o.head.tg, o.deputy.tg, learner.tg])
      expect(await reply(h, who, () => h.command(who, "open"))).toBe(kk("open.not_opener"));
    expect(await casesOf(h)).toEqual([]);
    // The menus: "Open a case" and /open only for the three opening roles.
    await h.command(o.head.tg, "start");
    expect(h.buttonsTo(o.head.tg.id)).not.toContain("menu:open");
    await h.command(o.methods.tg, "start");
    expect(h.buttonsTo(o.methods.tg.id)).toContain("menu:open");
    const identity = (roles: Role[]) => ({
      student: null,
      isAdmin: false,
      official: { id: 1, institutionId: 1, fullName: "", position: "", roles },
    });
    expect(commandsFor(identity(["academic_methods_head"]))).toEqual([
      "start",
      "inbox",
      "case",
      "open",
      "cancel",
      "lang",
      "help",
    ]);
    for (const roles of [["unit_head"], ["personnel_officer"], ["head", "unit_head"]] as Role[][])
      expect(commandsFor(identity(roles))).toContain("open");
    for (const roles of [["head"], ["deputy_personnel"], ["deputy_academic"], ["admin"]] as Role[][])
      expect(commandsFor(identity(roles))).toEqual(["start", "inbox", "case", "cancel", "lang", "help"]);
    expect(commandsFor({ student: learner.student as never, official: null, isAdmin: false })).not.toContain(
      "open",
    );

    // The menu's button starts the form like /open; a forged learner of another institution is nobody.
    const m = o.methods.tg;
    await h.press(m, "menu:open");
    expect(h.tg.lastTextTo(m.id)).toContain(
      kk("open.ask_learner", { ground: kk("ground.academic_failure") }),
    );
    expect(await reply(h, m, () => h.press(m, `o:l:${theirs.id}`))).toContain(kk("open.learner_gone"));
    // /cancel ends it: its buttons do nothing afterwards.
    expect(await reply(h, m, () => h.command(m, "cancel"))).toBe(kk("act.cancelled"));
    await h.press(m, `o:l:${learner.student.id}`);
    expect(lastToast(h)).toBe(kk("open.stale"));
    // Stop on the preview ends it too, nothing filed.
    await h.command(m, "open");
    await h.text(m, "A-5");
    await h.press(m, `o:l:${learner.student.id}`);
    await h.text(m, "19.03.2026");
    await h.text(m, "Жоғары математика");
    await h.photo(m);
    await h.press(m, "o:d:interview_sheets");
    await h.press(m, "o:p:debt_notifications");
    await h.text(m, "2");
    await h.press(m, "o:d:debt_notifications");
    expect(h.buttonsTo(m.id)).toContain("o:submit");
    expect(await reply(h, m, () => h.press(m, "o:cancel"))).toBe(kk("open.cancelled"));
    await h.press(m, "o:submit");
    expect(lastToast(h)).toBe(kk("open.stale"));
    expect(await casesOf(h)).toEqual([]);
  });

  it("every refusal at Submit is said in the official's language: a date now over a year old, a learner gone from the roster, a case opened meanwhile, a role taken away", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const methods = await addOfficial(h.db, inst.id, ["academic_methods_head"], "Методист М.М.", "ru");
    const a = await addStudent(h.db, inst.id, { name: "Первый Обучающийся", personalNumber: "P-1" });
    const b = await addStudent(h.db, inst.id, { name: "Второй Обучающийся", personalNumber: "P-2" });
    const c3 = await addStudent(h.db, inst.id, { name: "Третий Обучающийся", personalNumber: "P-3" });
    const m = methods.tg;
    at(h, "2026-03-26 10:00");
    async function toPreview(pn: string, id: number) {
      await h.command(m, "open");
      await h.text(m, pn);
      await h.press(m, `o:l:${id}`);
      await h.text(m, "19.03.2026");
      await h.text(m, "Высшая математика: экзамен не сдан");
      await h.photo(m);
      await h.press(m, "o:d:interview_sheets");
      await h.photo(m, { file_id: "p2", file_unique_id: "p2" });
      await h.press(m, "o:d:debt_notifications");
      expect(h.buttonsTo(m.id)[0]).toBe("o:submit");
    }

    await toPreview("P-1", a.student.id);
    // A year later the debt date is too old: said, and the preview again to edit it.
    at(h, "2027-04-01 10:00");
    const old = await reply(h, m, () => h.press(m, "o:submit"));
    expect(old).toContain(ru("open.date_too_old", { date: "31.03.2026" }));
    expect(h.buttonsTo(m.id)[0]).toBe("o:submit");
    await h.press(m, "o:e:debt");
    await h.text(m, "25.03.2027");
    // The learner left the roster meanwhile: another learner is asked for.
    await h.db.update(students).set({ active: false }).where(eq(students.id, a.student.id));
    expect(await reply(h, m, () => h.press(m, "o:submit"))).toContain(ru("open.learner_gone"));
    expect(h.tg.lastTextTo(m.id)).toContain(
      ru("open.ask_learner", { ground: ru("ground.academic_failure") }),
    );
    await h.text(m, "Второй");
    await h.press(m, `o:l:${b.student.id}`);
    expect(h.tg.lastTextTo(m.id)).toContain("25.03.2027");
    // The learner filed a report meanwhile: one case per learner.
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
    if (!own.ok) throw new Error("no case");
    expect(await reply(h, m, () => h.press(m, "o:submit"))).toBe(ru("open.open_case", { id: own.caseId }));
    expect((await casesOf(h)).map((x) => x.ground)).toEqual(["own_will"]);

    // The role is taken away before Submit.
    at(h, "2026-03-26 10:00");
    await toPreview("P-3", c3.student.id);
    await h.db.delete(officialRoles).where(eq(officialRoles.officialId, methods.official.id));
    expect(await reply(h, m, () => h.press(m, "o:submit"))).toBe(ru("open.not_allowed"));
    expect((await casesOf(h)).map((x) => x.ground)).toEqual(["own_will"]);
  });

  it("a task button that asks for answers while the /open form is open: refused with a pop-up, the form kept", async () => {
    const h = hr.current;
    const { inst, o } = await cast(h, "ru");
    const { student } = await addStudent(h.db, inst.id, { personalNumber: "D-77", category: "doctoral" });
    at(h, "2026-04-01 10:00");
    // An own-will report whose cl. 20 conversation waits for personnel (an input: the note).
    const { user } = await addStudent(h.db, inst.id, { personalNumber: "A-5" });
    const filed = await submitReport(
      h.db,
      {
        userId: user.id,
        ground: "own_will",
        reasons: REASONS,
        conscriptServed: false,
        phone: null,
        reportLang: "ru",
      },
      h.clock(),
    );
    if (!filed.ok) throw new Error(filed.reason);
    await tap(h, o.head.tg, `s:${(await stepOf(h.db, filed.caseId, "instruct")).id}:instruct`);
    const conversation = await stepOf(h.db, filed.caseId, "conversation");
    const p = o.personnel.tg;
    await h.command(p, "open");
    await h.press(p, `s:${conversation.id}:record`);
    expect(h.tg.sent("answerCallbackQuery").at(-1)).toMatchObject({
      text: ru("open.busy"),
      show_alert: true,
    });
    // The form goes on where it was: the learner is found.
    expect(await reply(h, p, () => h.text(p, "D-77"))).toContain("D-77");
    expect(h.buttonsTo(p.id)).toEqual([`o:l:${student.id}`]);
    expect((await stepOf(h.db, filed.caseId, "conversation")).state).toBe("pending");
  });

  it("an acting delegate of an opening role sees Open a case in /start and /help while the delegation runs, and opens", async () => {
    const h = hr.current;
    const { inst, o } = await cast(h, "ru");
    // The deputy for academic work acts for the academic-methods head from 01.04 to 03.04.2026.
    await delegate(h.db, inst.id, "academic_methods_head", o.methods, o.academic, "2026-04-01", "2026-04-03");
    const a = o.academic.tg;
    at(h, "2026-03-31 10:00");
    await h.command(a, "start");
    expect(h.buttonsTo(a.id)).not.toContain("menu:open");
    at(h, "2026-04-02 10:00");
    await h.command(a, "start");
    expect(h.buttonsTo(a.id)).toContain("menu:open");
    await h.command(a, "help");
    expect(h.tg.lastTextTo(a.id)).toContain(ru("help.open"));
    await h.press(a, "menu:open");
    expect(h.tg.lastTextTo(a.id)).toContain(
      ru("open.ask_learner", { ground: ru("ground.academic_failure") }),
    );
    at(h, "2026-04-04 10:00");
    await h.command(a, "cancel");
    await h.command(a, "start");
    expect(h.buttonsTo(a.id)).not.toContain("menu:open");
  });
});
