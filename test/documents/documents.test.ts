/**
 * D12: the case's documents as DOCX files, opened as what they are (a zip of XML): the text, the addressee,
 * the Kazakh letters, the page setup, and the report word for word as stored with the case.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run";
import { reportVersions } from "../../src/db/schema";
import {
  availableDocuments,
  buildDocument,
  type DocumentKind,
  documentFileName,
} from "../../src/documents/build";
import { type DocFacts, docFactsOf } from "../../src/documents/facts";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { deputyActs, fileReport, instructAndTalk, stepButton, tap } from "../support/flows";
import { useHarness } from "../support/harness";

/** The files of a DOCX package, as text. */
function unzip(data: Buffer): Record<string, string> {
  const files = unzipSync(new Uint8Array(data));
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v).toString("utf8")]));
}

/** The paragraphs of word/document.xml as plain text (XML entities decoded, tabs as tabs). */
function paragraphs(xml: string): string[] {
  const decode = (s: string) =>
    s
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, "&");
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:tab\/>/g)]
      .map((t) => (t[1] !== undefined ? decode(t[1]) : "\t"))
      .join(""),
  );
}

/** The stored report (Telegram HTML) as plain lines. */
const plainLines = (html: string) =>
  html
    .replace(/<\/?b>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter(Boolean);

describe("documents of a case (D12)", () => {
  const hr = useHarness();

  async function approvedCase(
    opts: { name?: string; category?: "cadet" | "masters"; lang?: "kk" | "ru"; sex?: "M" | "F" } = {},
  ) {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id, {
      category: opts.category ?? "cadet",
      name: opts.name ?? "Нұрғалиев Әбілқайыр Сәкенұлы",
      ...(opts.sex ? { sex: opts.sex } : {}),
    });
    await fileReport(h, tg, "own_will", opts.lang ?? "kk");
    await deputyActs(h, staff);
    await instructAndTalk(h, staff);
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    await h.flush();
    return { h, staff, tg };
  }

  it("the report is the stored text word for word, on an A4 page in Times New Roman 14 pt with the official margins", async () => {
    const { h } = await approvedCase({ name: "Шаһмұрат Әбілқайыр Үмбетұлы" });
    const facts = (await docFactsOf(h.db, 1, h.clock())) as DocFacts;
    const doc = await buildDocument("report", facts, "ru");
    expect(doc.lang).toBe("kk"); // the learner's language, whoever asks
    expect(doc.fileName).toBe("Баянат_Шаһмұрат_Ә_Ү_№1.docx");
    const files = unzip(doc.data);
    const xml = files["word/document.xml"]!;
    // A4 (210 × 297 mm), margins left 30, right 10, top and bottom 20 mm (in twentieths of a point).
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(xml).toMatch(/<w:pgMar[^>]*w:top="1134"[^>]*w:right="567"[^>]*w:bottom="1134"[^>]*w:left="1701"/);
    expect(xml).toContain("<w:titlePg/>"); // no page number on page 1
    expect(files["word/styles.xml"]).toMatch(/w:ascii="Times New Roman"/);
    expect(files["word/styles.xml"]).toMatch(/<w:sz w:val="28"\/>/);
    expect(Object.values(files).join()).toContain("PAGE"); // the page-number field of the footer
    const [stored] = await h.db.select().from(reportVersions);
    const got = paragraphs(xml)
      .map((l) => l.replace(/\s+/g, " ").trim())
      .filter(Boolean);
    expect(got.map((l) => l.replace(/ ?_{5,} ?/, " "))).toEqual(plainLines(stored!.document));
    // The addressee block is indented to the right half; the title is centred and bold.
    expect(xml).toMatch(/<w:ind w:left="5386"\/>[\s\S]*?ҰҚК Академиясының бастығына/);
    expect(xml).toMatch(/<w:jc w:val="center"\/>[\s\S]*?<w:b\/>[\s\S]*?БАЯНАТ/);
    for (const letter of "әғқңөұүһі") expect(xml.toLowerCase()).toContain(letter);
  });

  it("the interview sheet, the draft order and the cl. 7 letter, in Kazakh and Russian", async () => {
    const { h, staff } = await approvedCase();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "17-ж");
    await h.text(staff.personnel.tg, "20.03.2026");
    const facts = (await docFactsOf(h.db, 1, h.clock())) as DocFacts;
    expect(availableDocuments(facts)).toEqual(["report", "interview_sheet", "draft_order", "letter"]);
    const text = async (kind: DocumentKind, lang: string) =>
      paragraphs(unzip((await buildDocument(kind, facts, lang)).data)["word/document.xml"]!).join("\n");

    const sheetKk = await text("interview_sheet", "kk");
    expect(sheetKk).toContain("ӘҢГІМЕЛЕСУ ПАРАҒЫ");
    expect(sheetKk).toContain("Әңгімелесу күні: 20.03.2026");
    expect(sheetKk).toContain("Орынбасар К.К."); // who held it
    expect(sheetKk).toContain("№ 85 қе");
    expect(sheetKk).toContain("Бір данада жасалды, білім алушының жеке ісіне тігіледі");
    expect(sheetKk.match(/________________/g)).toHaveLength(2); // both signatures
    const sheetRu = await text("interview_sheet", "ru");
    expect(sheetRu).toContain("ЛИСТ БЕСЕДЫ");
    expect(sheetRu).toContain("приобщается к личному делу");

    const orderRu = await text("draft_order", "ru");
    expect(orderRu).toContain("ПРОЕКТ");
    expect(orderRu).toContain("пунктом 21 Правил");
    expect(orderRu).toContain("пунктом 12 статьи 10 Закона");
    expect(orderRu).toContain(
      "1. Отчислить из учебного заведения по собственному желанию, уволить со службы и исключить из списков личного состава: курсант",
    );
    expect(orderRu).toContain("Бастық Б.Б."); // the head who decided signs
    expect(orderRu).toContain("№ ________"); // blanks for the number and date
    const orderKk = await text("draft_order", "kk");
    expect(orderKk).toContain("БҰЙЫРАМЫН");
    expect(orderKk).toContain("1. Оқу орнынан өз еркі бойынша шығарып жіберілсін, қызметтен шығарылсын");

    const letterKk = await text("letter", "kk");
    expect(letterKk).toContain("Кадрлар департаментіне");
    expect(letterKk).toContain("№ 17-ж");
    expect(letterKk).toContain("20.03.2026");
    expect(letterKk).toContain("қызметтен шығару");
    const letterRu = await text("letter", "ru");
    expect(letterRu).toContain("В Департамент кадров");
    expect(letterRu).toContain("приказом от 20.03.2026 № 17-ж");
  });

  it("Russian documents agree with a female learner; an unknown sex gets no gendered word (14.6)", async () => {
    const text = async (facts: DocFacts, kind: DocumentKind) =>
      paragraphs(unzip((await buildDocument(kind, facts, "ru")).data)["word/document.xml"]!).join("\n");
    const { h, staff } = await approvedCase({ name: "Ахметова Дана Болатқызы", lang: "ru", sex: "F" });
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "17-ж");
    await h.text(staff.personnel.tg, "20.03.2026");
    const her = (await docFactsOf(h.db, 1, h.clock())) as DocFacts;
    const report = await text(her, "report");
    expect(report).toContain("Воинскую службу по призыву не проходила.");
    const [stored] = await h.db.select().from(reportVersions);
    expect(stored!.document).toContain("Воинскую службу по призыву не проходила."); // the same words
    const letter = await text(her, "letter");
    expect(letter).toContain("Об отчислении обучающейся");
    expect(letter).toContain(
      "приказом от 20.03.2026 № 17-ж (Академия КНБ) отчислена из учебного заведения по собственному желанию: курсант Ахметова Дана Болатқызы",
    );
    expect(await text(her, "interview_sheet")).toContain("Обучающаяся: курсант Ахметова Дана Болатқызы");
    expect(await text(her, "interview_sheet")).toContain("Обучающейся разъяснена");
    expect(await text(her, "draft_order")).toContain("Основание: рапорт обучающейся от");

    // The same case with the sex unknown (a roster without the column): wording that needs no agreement.
    const unknown: DocFacts = { ...her, learner: { ...her.learner, sex: "" } };
    const neutral = await text(unknown, "letter");
    expect(neutral).toContain(
      "сообщаем об отчислении из учебного заведения по собственному желанию приказом от 20.03.2026 № 17-ж (Академия КНБ): курсант Ахметова Дана Болатқызы (курсант (слушатель),",
    );
    expect(neutral).not.toMatch(/отчислена?\b|\(а\)/);
    expect(await text(unknown, "report")).toContain("Воинская служба по призыву: не пройдена.");
    // Kazakh has no grammatical gender: the letter is the same either way.
    const kk = async (f: DocFacts) =>
      paragraphs(unzip((await buildDocument("letter", f, "kk")).data)["word/document.xml"]!).join("\n");
    expect(await kk(her)).toBe(await kk(unknown));
  });

  it("a master's student: the draft order carries the submission to the sending unit (D7)", async () => {
    const { h } = await approvedCase({ category: "masters" });
    const facts = (await docFactsOf(h.db, 1, h.clock())) as DocFacts;
    const xml = unzip((await buildDocument("draft_order", facts, "ru")).data)["word/document.xml"]!;
    const text = paragraphs(xml).join("\n");
    expect(text).toContain("1. Отчислить из учебного заведения по собственному желанию: капитан");
    expect(text).not.toContain("уволить со службы");
    expect(text).toContain(
      "2. Кадровому подразделению направить в кадровое подразделение (ҰҚК Алматы облысы",
    );
  });

  it("bad data still gives a valid document: a 500-character name, HTML-like text, emoji", async () => {
    const long = `${"Өтегенұлы".repeat(53)} <b>Ivan</b> & 🙂 Сәкенұлы`; // 500 characters
    expect(long).toHaveLength(503); // UTF-16 units: the emoji counts twice
    const { h } = await approvedCase({ name: long, lang: "ru" });
    const facts = (await docFactsOf(h.db, 1, h.clock())) as DocFacts;
    for (const kind of ["report", "interview_sheet", "draft_order"] as const) {
      const doc = await buildDocument(kind, facts, "kk");
      const files = unzip(doc.data);
      expect(files["[Content_Types].xml"]).toContain("wordprocessingml");
      const text = paragraphs(files["word/document.xml"]!).join("\n");
      expect(text).toContain("<b>Ivan</b> & 🙂");
      expect(files["word/document.xml"]).not.toContain("<b>Ivan"); // escaped as XML, never markup
      expect(doc.fileName.length).toBeLessThan(120);
      expect(doc.fileName).toMatch(/^[\p{L}\p{N}_№-]+\.docx$/u);
    }
    expect(documentFileName("report", { ...facts, learner: { ...facts.learner, fullName: "" } }, "ru")).toBe(
      "Рапорт_№1.docx",
    );
  });
});

describe("documents in the bot", () => {
  const hr = useHarness();

  it("📄 on a card sends the report and what the step needs; the learner gets their report from /status; strangers nothing", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    const other = await addStudent(h.db, inst.id, { personalNumber: "PN-2" });
    await fileReport(h, tg, "own_will", "ru");
    await h.flush();
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.flush();
    // The deputy's interview card: the report only (no sheet before the interview is recorded).
    const [interview] = (await h.db.query.caseSteps.findMany()).filter((s) => s.key === "interview");
    await h.press(staff.deputy.tg, `d:${interview!.id}`);
    expect(h.tg.filesTo(staff.deputy.tg.id).map((f) => f.filename)).toEqual([
      "Рапорт_Әбілқайыр_С_Н_№1.docx",
      "Әңгімелесу_парағы_Әбілқайыр_С_Н_№1.docx",
    ]);
    expect(h.tg.sent("sendDocument", staff.deputy.tg.id)[0]).toMatchObject({ protect_content: true });
    // The head's /case view: every document so far.
    await h.command(staff.head.tg, "case", "1");
    await h.press(staff.head.tg, "dc:1");
    expect(h.tg.filesTo(staff.head.tg.id).map((f) => f.filename)).toHaveLength(3); // report, sheet, draft order
    // The learner: own report only; another learner: refused.
    await h.command(tg, "status");
    expect(h.buttonsTo(tg.id)).toContain("dr:1");
    await h.press(tg, "dr:1");
    const [mine] = h.tg.filesTo(tg.id);
    expect(mine?.filename).toMatch(/^Рапорт_/);
    expect(paragraphs(unzip(mine!.data)["word/document.xml"]!).join("\n")).toContain("РАПОРТ");
    await h.press(other.tg, "dr:1");
    await h.press(other.tg, "dc:1");
    expect(h.tg.filesTo(other.tg.id)).toHaveLength(0);
    const sent = await h.db.query.auditEvents.findMany({
      where: (a, { eq }) => eq(a.action, "case.documents_sent"),
    });
    expect(sent).toHaveLength(3);
  });
});

describe("npm run admin -- case documents", () => {
  const hr = useHarness();

  it("writes every document the case has, the report once and the rest in Kazakh and Russian", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "contract_refusal", "ru");
    await deputyActs(h, staff);
    const dir = mkdtempSync(path.join(tmpdir(), "docs-"));
    try {
      const out: string[] = [];
      const io = {
        db: h.db,
        out: (x: string) => out.push(x),
        err: (x: string) => out.push(x),
        now: () => h.clock(),
      };
      expect(await runCli(["case", "documents", "1", "--out", dir], io)).toBe(0);
      expect(readdirSync(dir).sort()).toEqual([
        "Бұйрық_жобасы_Әбілқайыр_С_Н_№1.docx",
        "Лист_беседы_Әбілқайыр_С_Н_№1.docx",
        "Проект_приказа_Әбілқайыр_С_Н_№1.docx",
        "Рапорт_Әбілқайыр_С_Н_№1.docx",
        "Әңгімелесу_парағы_Әбілқайыр_С_Н_№1.docx",
      ]);
      expect(out.at(-1)).toBe(`case 1: 5 documents written to ${dir}`);
      const order = unzip(readFileSync(path.join(dir, "Проект_приказа_Әбілқайыр_С_Н_№1.docx")));
      expect(paragraphs(order["word/document.xml"]!).join("\n")).toContain("пунктом 26 Правил");
      expect(await runCli(["case", "documents", "99", "--out", dir], io)).not.toBe(0);
      expect(out.at(-1)).toContain("no case 99");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
