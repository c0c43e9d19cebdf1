/**
 * Issue 16, ch. 5 (cl. 23–24): a learner whose citizenship of Kazakhstan has terminated files the report from
 * /report with the Presidential Decree attached; personnel records how the Decree was checked; the head
 * approves or rejects (no sending back); the head's order (a target, cl. 24) and the after-order steps: no
 * cl. 7 conscript referral, no cost calculation by default (D5, D11). Since no referral can follow, the
 * learner is not asked about conscript service and the report has no line on it (D11). Through the bot, in
 * kk and ru.
 */
import { eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { attachmentsOf } from "../../src/cases/attachments";
import { submitReport } from "../../src/cases/submit";
import { caseSteps, cases, institutions, outbox, reportVersions } from "../../src/db/schema";
import { buildDocument } from "../../src/documents/build";
import { type DocFacts, docFactsOf } from "../../src/documents/facts";
import { type T, tFor } from "../../src/i18n";
import { formatDate } from "../../src/messages/format";
import { actOn, at, stepOf } from "../jobs/helpers";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { confirmButton, stepButton, tap } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";

const MB = 1024 * 1024;

// ——— Files from the learner: updates built here (the harness sends them as they are) ———

let fileSeq = 0;

function fromUser(h: Harness, tg: TgUser, extra: Record<string, unknown>) {
  return h.send({
    message: {
      message_id: 800_000 + ++fileSeq,
      date: Math.floor(h.clock().getTime() / 1000),
      chat: { id: tg.id, type: "private", first_name: tg.first_name },
      from: { id: tg.id, is_bot: false, first_name: tg.first_name },
      ...extra,
    } as never,
  });
}

/** A photo as Telegram sends it: several sizes, the largest last. */
function sendPhoto(h: Harness, tg: TgUser, size = 240_000) {
  const n = ++fileSeq;
  return fromUser(h, tg, {
    photo: [
      { file_id: `thumb${n}`, file_unique_id: `ut${n}`, width: 90, height: 128, file_size: 2_100 },
      { file_id: `photo${n}`, file_unique_id: `up${n}`, width: 1280, height: 1810, file_size: size },
    ],
  });
}

function sendDocument(h: Harness, tg: TgUser, d: { name: string; mime: string; size: number }) {
  const n = ++fileSeq;
  return fromUser(h, tg, {
    document: {
      file_id: `doc${n}`,
      file_unique_id: `ud${n}`,
      file_name: d.name,
      mime_type: d.mime,
      file_size: d.size,
    },
  });
}

function sendVideo(h: Harness, tg: TgUser) {
  const n = ++fileSeq;
  return fromUser(h, tg, {
    video: { file_id: `v${n}`, file_unique_id: `uv${n}`, width: 640, height: 480, duration: 3 },
  });
}

const DOCX = {
  name: "указ.docx",
  mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  size: 40_000,
};
const BIG_PDF = { name: "указ.pdf", mime: "application/pdf", size: 25 * MB };
const PDF = { name: "указ.pdf", mime: "application/pdf", size: 900_000 };

/** Every wording of the report's conscript line (D11), with and without the learner's sex (kk: one each). */
const conscriptLines = (t: T) => [
  ...new Set(
    ["doc.conscript_yes", "doc.conscript_no"].flatMap((key) =>
      [undefined, "male", "female"].map((context) => t(key, { context })),
    ),
  ),
];
/** The conscript lines a text has (none in a ch. 5 report). */
const conscriptLinesIn = (t: T, text: string) => conscriptLines(t).filter((l) => text.includes(l));

/** The text of a DOCX file: its runs, joined. */
function docxText(data: Buffer): string {
  const xml = Buffer.from(unzipSync(new Uint8Array(data))["word/document.xml"]!).toString("utf8");
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("");
}

const DECREE = {
  kk: "ҚР Президентінің 2026 жылғы 2 наурыздағы № 845 Жарлығы; Ресей Федерациясының азаматтығын алуыма байланысты.",
  ru: "Указ Президента РК от 2 марта 2026 года № 845; в связи с приобретением гражданства Российской Федерации.",
};

describe("ch. 5: termination of citizenship, from /report to a closed case (issue 16)", () => {
  const hr = useHarness({ now: "2026-04-06T05:00:00Z" }); // Monday 6 April 2026, 10:00 in Almaty

  async function setup(lang: "kk" | "ru", category: "cadet" | "masters" = "cadet") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const s = await addStudent(h.db, inst.id, { lang, category });
    return { h, inst, staff, ...s };
  }

  /** The callback data of every button of the latest message to a chat that has them. */
  function lastButtons(h: Harness, chatId: number): string[] {
    for (const p of h.tg.sent("sendMessage", chatId).reverse()) {
      const kb = (p.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
        ?.inline_keyboard;
      if (kb) return kb.flat().map((b) => b.callback_data ?? "");
    }
    return [];
  }

  /** The learner: /report, citizenship, the Decree (refusals first), the rest, the preview, Submit. */
  async function fileCitizenship(h: Harness, tg: TgUser, lang: "kk" | "ru") {
    const t = tFor(lang);
    await h.command(tg, "report");
    expect(h.tg.lastTextTo(tg.id)).toContain(lang === "kk" ? "5-тарау" : "глава 5");
    expect(h.buttonsTo(tg.id)).toContain("r:g:citizenship");
    await h.press(tg, "r:g:citizenship");
    // The Decree is asked for right after the ground: step 2 of 5 (no conscript question, D11), with the
    // "on paper" alternative.
    const ask = h.tg.lastTextTo(tg.id);
    expect(ask).toContain(t("report.progress", { n: 2, total: 5 }));
    expect(ask).toContain(t("report.ask_decree", { mb: 20 }));
    expect(h.buttonsTo(tg.id)).toEqual(["r:d:paper"]);

    // Anything but a photo or a PDF: said why, and the same question again.
    for (const [bad, why] of [
      [() => sendDocument(h, tg, DOCX), t("invalid.file_type")],
      [() => sendVideo(h, tg), t("invalid.file_type")],
      [() => h.sticker(tg), t("invalid.file_type")],
      [() => h.text(tg, "Жарлық бар"), t("invalid.file_type")],
      [() => sendDocument(h, tg, BIG_PDF), t("invalid.file_too_big", { mb: 20 })],
      [() => h.press(tg, "r:d:done"), t("report.decree_none")],
    ] as const) {
      await bad();
      const texts = h.tg.textsTo(tg.id);
      expect(texts.at(-2)).toBe(why);
      expect(texts.at(-1)).toContain(t("report.ask_decree", { mb: 20 }));
      expect(h.buttonsTo(tg.id)).toEqual(["r:d:paper"]);
    }

    // A photo is taken and counted; "Done" replaces "on paper".
    await sendPhoto(h, tg);
    expect(h.tg.lastTextTo(tg.id)).toBe(t("report.decree_received", { count: 1 }));
    expect(h.buttonsTo(tg.id)).toEqual(["r:d:done"]);
    const firstAck = h.lastMessageIdTo(tg.id);
    // A PDF too; the earlier count loses its button (one "Done" on screen).
    await sendDocument(h, tg, PDF);
    expect(h.tg.lastTextTo(tg.id)).toBe(t("report.decree_received", { count: 2 }));
    expect(h.tg.sent("editMessageReplyMarkup", tg.id).some((p) => Number(p.message_id) === firstAck)).toBe(
      true,
    );
    // A wrong file after some are in: refused, the count and "Done" come back.
    await sendDocument(h, tg, DOCX);
    expect(h.tg.textsTo(tg.id).at(-2)).toBe(t("invalid.file_type"));
    expect(h.tg.lastTextTo(tg.id)).toBe(t("report.decree_received", { count: 2 }));
    await h.press(tg, "r:d:done");

    // Ch. 5: the Decree's number and date and the circumstances, not "reasons".
    const reasonsAsk = h.tg.lastTextTo(tg.id);
    expect(reasonsAsk).toContain(t("report.progress", { n: 3, total: 5 }));
    expect(reasonsAsk).toContain(t("report.ask_reasons_citizenship", { min: 20, max: 2000 }));
    await h.text(tg, DECREE[lang]);
    // D11: no conscript question in ch. 5 (no cl. 7 referral follows): the phone comes next, step 4 of 5.
    const phoneAsk = h.tg.lastTextTo(tg.id);
    expect(phoneAsk).toContain(t("report.progress", { n: 4, total: 5 }));
    expect(phoneAsk).toContain(t("report.ask_phone"));
    expect(h.tg.textsTo(tg.id).some((x) => x.includes(t("report.ask_conscript")))).toBe(false);
    // A conscript button (an old one, or forged) is no answer to the phone question.
    await h.press(tg, "r:c:no");
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.ask_phone"));
    await h.text(tg, "+7 700 123 45 67");
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.progress", { n: 5, total: 5 }));
    await h.press(tg, `r:l:${lang}`);

    // The preview: the ch. 5 report, the Decree and the circumstances, what goes with it, "edit the Decree".
    let preview = h.tg.lastTextTo(tg.id);
    expect(preview).toContain(t("doc.body_citizenship"));
    expect(preview).toContain(t("doc.reasons_citizenship", { reasons: DECREE[lang] }));
    const attached = (count: number) =>
      t("report.decree_attached", {
        kind: t("attachment.decree"),
        what: t("report.decree_files", { count }),
      });
    expect(preview).toContain(attached(2));
    expect(h.buttonsTo(tg.id)).toContain("r:e:decree");
    // No conscript line in the report, and no button to edit one.
    expect(conscriptLinesIn(t, preview)).toEqual([]);
    expect(h.buttonsTo(tg.id)).not.toContain("r:e:conscript");

    // Redo the Decree: the files are replaced.
    await h.press(tg, "r:e:decree");
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.ask_decree", { mb: 20 }));
    expect(h.buttonsTo(tg.id)).toEqual(["r:d:paper"]);
    await sendPhoto(h, tg);
    await h.press(tg, "r:d:done");
    preview = h.tg.lastTextTo(tg.id);
    expect(preview).toContain(attached(1));
    expect(preview).toContain(DECREE[lang]); // the rest kept

    await h.press(tg, "r:submit");
  }

  async function road(lang: "kk" | "ru", category: "cadet" | "masters") {
    const { h, staff, tg, student } = await setup(lang, category);
    const t = tFor(lang);
    const official = tFor("kk"); // the staff of the fixtures read Kazakh
    await fileCitizenship(h, tg, lang);

    // The case: ground citizenship, the Decree stored (the photo sent last, at its largest size).
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({
      ground: "citizenship",
      studentId: student.id,
      state: "open",
      reasons: DECREE[lang],
    });
    const files = await attachmentsOf(h.db, c!.id);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ kind: "decree", media: "photo", size: 240_000 });
    expect(files[0]!.fileId).toMatch(/^photo\d+$/);
    // D11: stored as not served (the column is NOT NULL); the stored report (D12) and its DOCX have no
    // conscript line.
    expect(c!.conscriptServed).toBe(false);
    const [stored] = await h.db.select().from(reportVersions).where(eq(reportVersions.caseId, c!.id));
    expect(stored!.document).toContain(t("doc.reasons_citizenship", { reasons: DECREE[lang] }));
    expect(conscriptLinesIn(t, stored!.document)).toEqual([]);
    const facts = (await docFactsOf(h.db, c!.id, h.clock())) as DocFacts;
    const docx = docxText((await buildDocument("report", facts, lang)).data);
    expect(docx).toContain(DECREE[lang].slice(0, 40));
    expect(conscriptLinesIn(tFor(lang), docx)).toEqual([]);

    // The receipt: the Decree check, no interview on reimbursement (D5: not a reimbursement ground).
    const receipt = h.tg.lastTextTo(tg.id);
    expect(receipt).toBe(t("notice.submitted_citizenship", { id: c!.id, date: formatDate("2026-04-06") }));
    expect(receipt).not.toContain(lang === "kk" ? "әңгімелесу" : "беседу");
    // The queued copy of the receipt is not sent a second time.
    await h.flush();
    expect(h.tg.textsTo(tg.id).filter((x) => x === receipt)).toHaveLength(1);

    // The steps at registration: the opinion and the Decree check; no interview, no decision yet.
    const opened = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c!.id));
    expect(opened.map((s) => s.key).sort()).toEqual(["endorse", "verify_decree"]);
    expect(h.tg.sent("sendMessage", staff.head.tg.id)).toHaveLength(0);

    // /status: the road, what to do for the Decree, and no withdrawal (D6: a ch. 5 report is not withdrawn).
    await h.command(tg, "status");
    const status = h.tg.lastTextTo(tg.id);
    expect(status).toContain(t("ground.citizenship"));
    expect(status).toContain(t("step.verify_decree"));
    expect(status).toContain(t("status.decree_hint"));
    expect(status).not.toContain(t("step.military_referral"));
    expect(status).not.toContain(t("step.cost_calculation"));
    const statusButtons = lastButtons(h, tg.id);
    expect(statusButtons).toContain(`dr:${c!.id}`);
    expect(statusButtons.some((b) => b.startsWith("w:"))).toBe(false);
    // A forged "withdraw: yes" is refused; the case stays open.
    await h.press(tg, `wy:${c!.id}`);
    expect(h.tg.lastTextTo(tg.id)).toBe(t("status.not_withdrawable", { id: c!.id }));
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    // /report while it runs: the case, with no word of withdrawing it.
    await h.command(tg, "report");
    expect(h.tg.lastTextTo(tg.id)).toBe(t("report.open_case_fixed", { id: c!.id }));

    // The deputy head's opinion card (D4, advisory): left pending, it holds nothing up.
    const deputyButtons = lastButtons(h, staff.deputy.tg.id);
    expect(deputyButtons.some((b) => b.endsWith(":agree"))).toBe(true);
    expect(deputyButtons.some((b) => b.endsWith(":disagree"))).toBe(true);

    // The Decree check: the deputy head pressing it is refused; personnel records it.
    const verify = await stepOf(h.db, c!.id, "verify_decree");
    expect(verify).toMatchObject({ role: "personnel_officer", dueKind: "target", dueOn: "2026-04-08" });
    await h.press(staff.deputy.tg, `s:${verify.id}:copy_checked`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toBe(official("act.not_allowed"));
    expect((await stepOf(h.db, c!.id, "verify_decree")).state).toBe("pending");
    expect(lastButtons(h, staff.personnel.tg.id)).toEqual(
      expect.arrayContaining([`s:${verify.id}:original`, `s:${verify.id}:copy_checked`]),
    );
    at(h, "2026-04-07 09:30");
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "copy_checked"));
    // One tap with the confirmation officials get (issue 14.7).
    expect(h.tg.lastTextTo(staff.personnel.tg.id)).toContain(official("confirm.action_copy_checked"));
    await h.press(staff.personnel.tg, confirmButton(h, staff.personnel.tg)!);
    expect(await stepOf(h.db, c!.id, "verify_decree")).toMatchObject({
      state: "done",
      result: { action: "copy_checked" },
      doneByOfficialId: staff.personnel.official.id,
    });
    await h.flush();

    // The head's card: how the Decree was checked, and Approve / Reject only (no sending back, D6).
    const decide = await stepOf(h.db, c!.id, "decide");
    const card = h.tg.textsTo(staff.head.tg.id).find((x) => x.includes(official("step.decide")))!;
    expect(card).toContain("• Жарлықтың көшірмесі түпнұсқамен салыстырылды — кадр бөлімшесі (Кадровик Д.Д.)");
    const decisions = lastButtons(h, staff.head.tg.id).filter((b) => b.startsWith(`s:${decide.id}:`));
    expect(decisions).toEqual([`s:${decide.id}:approve`, `s:${decide.id}:reject`]);
    await tap(h, staff.head.tg, `s:${decide.id}:approve`);
    expect((await h.db.select().from(cases))[0]?.state).toBe("approved");
    // The opinion not given is no longer needed.
    expect((await stepOf(h.db, c!.id, "endorse")).state).toBe("cancelled");
    await h.flush();
    expect(h.tg.lastTextTo(tg.id)).toBe(t("notice.approved", { id: c!.id, documents: t("doc_name.order") }));

    // Cl. 24: one order of the head, for every category (no submission); no period in the text: a target.
    const order = await stepOf(h.db, c!.id, "order");
    expect(order).toMatchObject({ role: "personnel_officer", dueKind: "target", dueOn: "2026-04-09" });
    at(h, "2026-04-08 11:00");
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "112-ж");
    await h.text(staff.personnel.tg, "08.04.2026");
    // D11: no conscript question in ch. 5 (no referral can follow): the date records the order.
    expect(h.buttonsTo(staff.personnel.tg.id)).not.toContain("si:no");
    expect((await stepOf(h.db, c!.id, "order")).state).toBe("done");

    // After the order: the cl. 7 letter (5 WD from the order's date, statutory) and the transcript; no
    // conscript referral (ch. 5), no cost calculation (D5 default).
    const after = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c!.id));
    const keys = after.map((s) => s.key);
    expect(keys).not.toContain("military_referral");
    expect(keys).not.toContain("cost_calculation");
    expect(keys).not.toContain("submission");
    expect(keys).not.toContain("interview");
    const pending = after.filter((s) => s.state === "pending");
    expect(pending.map((s) => s.key).sort()).toEqual(["notify_personnel_dept", "transcript"]);
    // Thu 9, Fri 10, Mon 13, Tue 14, Wed 15 April.
    expect(pending.find((s) => s.key === "notify_personnel_dept")).toMatchObject({
      dueKind: "statutory",
      dueOn: "2026-04-15",
    });
    expect(pending.find((s) => s.key === "transcript")).toMatchObject({ dueKind: "target" });
    await h.flush();
    const letter = pending.find((s) => s.key === "notify_personnel_dept")!;
    await h.press(staff.personnel.tg, `s:${letter.id}:letter`);
    await h.text(staff.personnel.tg, "7-3/118");
    await h.text(staff.personnel.tg, "08.04.2026");
    const transcript = pending.find((s) => s.key === "transcript")!;
    await tap(h, staff.personnel.tg, `s:${transcript.id}:done`);
    expect((await h.db.select().from(cases))[0]?.state).toBe("closed");
    await h.flush();

    // What the learner was told along the road, in their language.
    const told = h.tg.textsTo(tg.id).join("\n");
    expect(told).toContain(t("notice.approved", { id: c!.id, documents: t("doc_name.order") }));
    expect(told).toContain(t("notice.order", { id: c!.id, number: "112-ж", date: "08.04.2026", extra: "" }));
    expect(told).not.toContain(t("notice.order_referral"));
    expect(told).toContain(t("notice.transcript", { id: c!.id }));
    expect(told).toContain(t("notice.closed", { id: c!.id }));
    expect(told).not.toContain(t("notice.referral", { id: c!.id }));
    await h.command(tg, "status");
    const closed = h.tg.lastTextTo(tg.id);
    expect(closed).toContain(t("status.outcome_order", { number: "112-ж", date: "08.04.2026" }));
    expect(closed).not.toContain(t("status.decree_hint"));
    expect(lastButtons(h, tg.id).some((b) => b.startsWith("w:"))).toBe(false);
    return { h, c: c! };
  }

  it("kk, a cadet: the Decree sent (a .docx, a video, a sticker, text and a 25 MB PDF refused), checked as a copy, approved, the order, the letter, the transcript, closed", async () => {
    const { h } = await road("kk", "cadet");
    // Only the learner's own case ever existed, and nothing waits in the outbox.
    expect(await h.db.select().from(outbox).where(eq(outbox.state, "pending"))).toEqual([]);
  });

  it("ru, a master's student: the same road; cl. 24 has one order for every category", async () => {
    const { h, c } = await road("ru", "masters");
    expect(
      (await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c.id))).map((s) => s.key),
    ).not.toContain("foreign_submission");
  });

  it("the Decree on paper: the number of pages is asked and checked; the preview and the case say so", async () => {
    const { h, tg } = await setup("ru");
    const t = tFor("ru");
    await h.command(tg, "report");
    await h.press(tg, "r:g:citizenship");
    await h.press(tg, "r:d:paper");
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.ask_pages", { max: 500 }));
    for (const bad of ["ноль", "0", "501"]) {
      await h.text(tg, bad);
      expect(h.tg.textsTo(tg.id).at(-2)).toBe(t("invalid.pages", { max: 500 }));
      expect(h.tg.lastTextTo(tg.id)).toContain(t("report.ask_pages", { max: 500 }));
    }
    await h.text(tg, "3");
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.ask_reasons_citizenship", { min: 20, max: 2000 }));
    await h.text(tg, DECREE.ru);
    await h.text(tg, "Пропустить");
    await h.press(tg, "r:l:ru");
    expect(h.tg.lastTextTo(tg.id)).toContain(
      "📎 Указ Президента о прекращении гражданства (п. 23): на бумаге 3 листа",
    );
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c?.ground).toBe("citizenship");
    expect(await attachmentsOf(h.db, c!.id)).toMatchObject([
      { kind: "decree", media: "paper", pages: 3, fileId: null },
    ]);
  });

  it("changing the ground away from citizenship drops the Decree; back to it asks for the Decree again", async () => {
    const { h, tg } = await setup("kk");
    const t = tFor("kk");
    await h.command(tg, "report");
    await h.press(tg, "r:g:citizenship");
    await sendPhoto(h, tg);
    await h.press(tg, "r:d:done");
    await h.text(tg, DECREE.kk);
    await h.text(tg, "Өткізу");
    await h.press(tg, "r:l:kk");
    await h.press(tg, "r:e:ground");
    await h.press(tg, "r:g:own_will");
    // The circumstances of a Decree are no reasons for own will: asked again, as the question of 5.
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.progress", { n: 2, total: 5 }));
    await h.text(tg, "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.");
    // Own will: the conscript question, never answered in ch. 5, comes now (D11).
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.progress", { n: 3, total: 5 }));
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
    await h.press(tg, "r:c:no");
    expect(h.tg.lastTextTo(tg.id)).toContain(t("doc.conscript_no"));
    expect(h.tg.lastTextTo(tg.id)).not.toContain("📎");
    expect(h.buttonsTo(tg.id)).not.toContain("r:e:decree");
    await h.press(tg, "r:e:ground");
    await h.press(tg, "r:g:citizenship");
    expect(h.tg.lastTextTo(tg.id)).toContain(t("report.ask_decree", { mb: 20 }));
    expect(h.buttonsTo(tg.id)).toEqual(["r:d:paper"]);
  });

  for (const lang of ["kk", "ru"] as const) {
    it(`${lang}: own will → citizenship → own will: the conscript question goes with citizenship and comes back after it (D11)`, async () => {
      const { h, tg } = await setup(lang);
      const t = tFor(lang);
      const reasons = {
        kk: "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.",
        ru: "По семейным обстоятельствам не могу продолжать обучение.",
      }[lang];
      const askedConscript = () => h.tg.textsTo(tg.id).filter((x) => x.includes(t("report.ask_conscript")));
      await h.command(tg, "report");
      await h.press(tg, "r:g:own_will");
      await h.text(tg, reasons);
      // Own will: the conscript question, step 3 of 5.
      expect(h.tg.lastTextTo(tg.id)).toContain(t("report.progress", { n: 3, total: 5 }));
      expect(h.tg.lastTextTo(tg.id)).toContain(t("report.ask_conscript"));
      await h.press(tg, "r:c:yes");
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, `r:l:${lang}`);
      expect(conscriptLinesIn(t, h.tg.lastTextTo(tg.id))).toHaveLength(1);
      expect(h.buttonsTo(tg.id)).toContain("r:e:conscript");
      expect(askedConscript()).toHaveLength(1);

      // To citizenship: the Decree and its circumstances; the conscript answer dropped, not asked.
      await h.press(tg, "r:e:ground");
      await h.press(tg, "r:g:citizenship");
      expect(h.tg.lastTextTo(tg.id)).toContain(t("report.progress", { n: 2, total: 5 }));
      await h.press(tg, "r:d:paper");
      await h.text(tg, "2");
      expect(h.tg.lastTextTo(tg.id)).toContain(t("report.progress", { n: 3, total: 5 }));
      await h.text(tg, DECREE[lang]);
      const preview = h.tg.lastTextTo(tg.id);
      expect(preview).toContain(t("doc.body_citizenship"));
      expect(conscriptLinesIn(t, preview)).toEqual([]);
      expect(h.buttonsTo(tg.id)).not.toContain("r:e:conscript");
      expect(h.buttonsTo(tg.id)).toContain("r:e:decree");
      // An edit button of the own-will preview still on screen: nothing to ask, the preview again.
      await h.press(tg, "r:e:conscript");
      expect(h.tg.lastTextTo(tg.id)).toContain(t("doc.body_citizenship"));
      expect(askedConscript()).toHaveLength(1);

      // Back to own will: its reasons, then the conscript question again (step 3 of 5), then the preview.
      await h.press(tg, "r:e:ground");
      await h.press(tg, "r:g:own_will");
      await h.text(tg, reasons);
      expect(askedConscript()).toHaveLength(2);
      expect(h.tg.lastTextTo(tg.id)).toContain(t("report.progress", { n: 3, total: 5 }));
      expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
      await h.press(tg, "r:c:no");
      const back = h.tg.lastTextTo(tg.id);
      expect(back).toContain(t("doc.body_own_will"));
      expect(conscriptLinesIn(t, back)).toEqual([t("doc.conscript_no")]);
      expect(h.buttonsTo(tg.id)).toContain("r:e:conscript");
      expect(h.buttonsTo(tg.id)).not.toContain("r:e:decree");
      await h.press(tg, "r:submit");
      const [c] = await h.db.select().from(cases);
      expect(c).toMatchObject({ ground: "own_will", conscriptServed: false });
      const [stored] = await h.db.select().from(reportVersions);
      expect(conscriptLinesIn(t, stored!.document)).toEqual([t("doc.conscript_no")]);
    });
  }

  it("submitReport: a ch. 5 report is stored as not served whatever is passed, with no conscript line (D11)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { user } = await addStudent(h.db, inst.id, { lang: "ru", sex: "F" });
    const r = await submitReport(
      h.db,
      {
        userId: user.id,
        ground: "citizenship",
        reasons: DECREE.ru,
        conscriptServed: true,
        phone: null,
        reportLang: "ru",
        attachments: [{ kind: "decree", media: "paper", pages: 1 }],
      },
      h.clock(),
    );
    if (!r.ok) throw new Error(r.reason);
    const [c] = await h.db.select().from(cases);
    expect(c!.conscriptServed).toBe(false);
    const [stored] = await h.db.select().from(reportVersions);
    expect(stored!.conscriptServed).toBe(false);
    expect(stored!.document).toContain(tFor("ru")("doc.body_citizenship"));
    expect(conscriptLinesIn(tFor("ru"), stored!.document)).toEqual([]);
  });

  it("the head cannot decide before the Decree is checked: a decision step pressed early is refused as waiting", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { user } = await addStudent(h.db, inst.id);
    const r = await submitReport(
      h.db,
      {
        userId: user.id,
        ground: "citizenship",
        reasons: DECREE.kk,
        conscriptServed: false,
        phone: null,
        reportLang: "kk",
        attachments: [{ kind: "decree", media: "pdf", fileId: "F1", fileUniqueId: "U1", size: 1000 }],
      },
      h.clock(),
    );
    if (!r.ok) throw new Error(r.reason);
    await h.flush();
    // No decision card reaches the head while the Decree waits.
    expect(h.tg.sent("sendMessage", staff.head.tg.id)).toHaveLength(0);
    // A decision step present early (as a case under an older chain could have it) waits for the check.
    const [early] = await h.db
      .insert(caseSteps)
      .values({
        caseId: r.caseId,
        key: "decide",
        role: "head",
        openedAt: h.clock(),
        openedOn: "2026-04-06",
        cite: "cl. 23; D6",
      })
      .returning();
    await h.press(staff.head.tg, `s:${early!.id}:approve`);
    const alert = String(h.tg.sent("answerCallbackQuery").at(-1)?.text);
    expect(alert).toBe(tFor("kk")("act.waiting", { id: r.caseId, steps: tFor("kk")("step.verify_decree") }));
    expect((await stepOf(h.db, r.caseId, "decide")).state).toBe("pending");
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    // Once personnel records the original, the head decides (reject, with its reason).
    await actOn(h, staff.personnel, r.caseId, "verify_decree", "original");
    await actOn(h, staff.head, r.caseId, "decide", "reject", { reason: "Жарлық басқа адамға қатысты." });
    expect((await h.db.select().from(cases))[0]?.state).toBe("rejected");
  });

  it("submitReport: a citizenship report without the Decree is refused; with it (on paper too) it is filed, and the receipt names the interview only where the institution's map makes it one (D5)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { user, tg } = await addStudent(h.db, inst.id, { lang: "ru" });
    const base = {
      userId: user.id,
      ground: "citizenship" as const,
      reasons: DECREE.ru,
      conscriptServed: false,
      phone: null,
      reportLang: "ru" as const,
    };
    expect(await submitReport(h.db, base, h.clock())).toEqual({ ok: false, reason: "bad_input" });
    const other = { kind: "investigation_materials", media: "paper" as const, pages: 2 };
    expect(await submitReport(h.db, { ...base, attachments: [other] }, h.clock())).toEqual({
      ok: false,
      reason: "bad_input",
    });
    expect(await h.db.select().from(cases)).toEqual([]);

    // The institution counts citizenship as a reimbursement ground: the interview, and the receipt says so.
    await h.db
      .update(institutions)
      .set({ reimbursement: { citizenship: true } })
      .where(eq(institutions.id, inst.id));
    const paper = { kind: "decree", media: "paper" as const, pages: 2 };
    const r = await submitReport(h.db, { ...base, attachments: [paper] }, h.clock());
    expect(r).toMatchObject({ ok: true, interview: true });
    if (!r.ok) return;
    expect((await stepOf(h.db, r.caseId, "interview")).state).toBe("pending");
    h.clock.set(new Date(h.clock().getTime() + 120_000)); // past the receipt's grace period
    await h.flush();
    expect(h.tg.lastTextTo(tg.id)).toBe(
      tFor("ru")("notice.submitted_citizenship_interview", { id: r.caseId, date: "06.04.2026" }),
    );
  });
});
