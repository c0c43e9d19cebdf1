import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, caseSteps, cases, outbox } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, REASONS, stepButton, tap } from "../support/flows";
import { useHarness } from "../support/harness";

describe("the report conversation (ch. 4 and ch. 6)", () => {
  const hr = useHarness();

  async function setup(category: "cadet" | "masters" = "cadet") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const s = await addStudent(h.db, inst.id, { category });
    return { h, inst, staff, ...s };
  }

  it("explains both grounds and what follows, then files an own-will report", async () => {
    const { h, tg } = await setup();
    await h.command(tg, "report");
    const intro = h.tg.lastTextTo(tg.id);
    expect(intro).toContain("4-тарау");
    expect(intro).toContain("6-тарау");
    // Issue 14.3: the long explanation is behind "more", in place of the short intro, under the same buttons.
    expect(intro).not.toContain("транскрипт");
    expect(h.buttonsTo(tg.id)).toEqual(["r:g:own_will", "r:g:contract_refusal", "r:g:citizenship", "r:more"]);
    await h.press(tg, "r:more");
    expect(h.tg.lastTextTo(tg.id)).toContain("транскрипт");
    expect(h.buttonsTo(tg.id)).toEqual(["r:g:own_will", "r:g:contract_refusal", "r:g:citizenship"]);
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:yes");
    await h.text(tg, "Өткізу"); // skip the phone
    await h.press(tg, "r:l:kk");
    const preview = h.tg.lastTextTo(tg.id);
    expect(preview).toContain("БАЯНАТ");
    expect(preview).toContain(REASONS);
    expect(preview).not.toContain("Байланыс телефоны");
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({
      ground: "own_will",
      conscriptServed: true,
      phone: null,
      reportLang: "kk",
      state: "open",
    });
  });

  it("takes the phone from the contact button, and refuses someone else's contact card", async () => {
    const { h, tg } = await setup();
    await h.command(tg, "report");
    await h.press(tg, "r:g:contract_refusal");
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    await h.contact(tg, "+77001112233", 999);
    expect(h.tg.lastTextTo(tg.id)).toContain("+7 700 123 45 67"); // asked again, with the example
    // Issue 15: a shared number is checked as a typed one (and as submit checks it): too few digits, refused.
    await h.contact(tg, "+6831234");
    expect(h.tg.textsTo(tg.id).at(-2)).toContain("телефон нөміріне ұқсамайды");
    await h.contact(tg, "+77001112233");
    await h.press(tg, "r:l:ru");
    expect(h.tg.lastTextTo(tg.id)).toContain("Контактный телефон: +77001112233");
  });

  it("answers every kind of bad input at every step and asks the same question again, keeping earlier answers", async () => {
    const { h, tg } = await setup();
    await h.command(tg, "report");
    // ground: text, sticker, photo, command
    for (const bad of [
      () => h.text(tg, "хочу уйти"),
      () => h.sticker(tg),
      () => h.photo(tg),
      () => h.command(tg, "start"),
    ]) {
      await bad();
      expect(h.buttonsTo(tg.id)).toEqual([
        "r:g:own_will",
        "r:g:contract_refusal",
        "r:g:citizenship",
        "r:more",
      ]);
    }
    await h.press(tg, "r:g:own_will");
    // reasons: too short, too long, sticker, photo, command, whitespace only
    const before = h.tg.textsTo(tg.id).length;
    await h.text(tg, "қысқа");
    expect(h.tg.textsTo(tg.id).slice(before).join("\n")).toContain("кемінде 20");
    await h.text(tg, "ы".repeat(2001));
    expect(h.tg.textsTo(tg.id).slice(-2).join("\n")).toContain("2001");
    await h.sticker(tg);
    expect(h.tg.textsTo(tg.id).slice(-2)[0]).toContain("Мәтіндік");
    await h.photo(tg);
    await h.command(tg, "start"); // /help, /status and /lang answer (report-escapes.test.ts); others don't
    expect(h.tg.textsTo(tg.id).slice(-2)[0]).toContain("Команда");
    await h.text(tg, "                         ");
    expect(h.tg.lastTextTo(tg.id)).toContain("себептерін жазыңыз");
    await h.text(tg, REASONS);
    // conscript: text and an old button
    await h.text(tg, "иә");
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
    await h.press(tg, "r:g:contract_refusal");
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
    await h.press(tg, "r:c:no");
    // phone: garbage, sticker
    await h.text(tg, "12ab");
    expect(h.tg.textsTo(tg.id).slice(-2)[0]).toContain("телефон нөміріне ұқсамайды");
    await h.sticker(tg);
    await h.text(tg, "+7 (701) 555-44-33");
    // language: text instead of a button
    await h.text(tg, "русский");
    expect(h.buttonsTo(tg.id)).toEqual(["r:l:kk", "r:l:ru"]);
    await h.press(tg, "r:l:ru");
    const preview = h.tg.lastTextTo(tg.id);
    expect(preview).toContain(REASONS); // earlier answers kept
    expect(preview).toContain("+7 (701) 555-44-33");
    expect(preview).toContain("по собственному желанию");
    // preview: a sticker keeps the preview
    await h.sticker(tg);
    expect(h.buttonsTo(tg.id)).toContain("r:submit");
    expect(await h.db.select().from(cases)).toHaveLength(0);
  });

  it("lets the student correct any field from the preview and returns to the preview", async () => {
    const { h, tg } = await setup();
    await fileReportUntilPreview();
    async function fileReportUntilPreview() {
      await h.command(tg, "report");
      await h.press(tg, "r:g:own_will");
      await h.text(tg, REASONS);
      await h.press(tg, "r:c:no");
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, "r:l:ru");
    }
    await h.press(tg, "r:e:reasons");
    await h.text(tg, "Новые причины: состояние здоровья родителей.");
    expect(h.tg.lastTextTo(tg.id)).toContain("Новые причины");
    await h.press(tg, "r:e:ground");
    await h.press(tg, "r:g:contract_refusal");
    // The reasons were written for the other ground: asked again (issue 14.3).
    expect(h.tg.lastTextTo(tg.id)).toContain("Негіз өзгерді");
    await h.text(tg, "Новые причины: состояние здоровья родителей.");
    expect(h.tg.lastTextTo(tg.id)).toContain("отказом от заключения контракта");
    await h.press(tg, "r:e:lang");
    await h.press(tg, "r:l:kk");
    expect(h.tg.lastTextTo(tg.id)).toContain("БАЯНАТ");
    await h.press(tg, "r:e:conscript");
    await h.press(tg, "r:c:yes");
    await h.press(tg, "r:e:phone");
    await h.text(tg, "Өткізу");
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({
      ground: "contract_refusal",
      reportLang: "kk",
      conscriptServed: true,
      phone: null,
    });
    expect(c?.reasons).toContain("Новые причины");
  });

  it("/cancel, then Discard, at any step ends it with a confirmation and files nothing", async () => {
    const { h, tg } = await setup();
    for (const steps of [0, 1, 2, 3, 4, 5]) {
      await h.command(tg, "report");
      const flow = [
        () => h.press(tg, "r:g:own_will"),
        () => h.text(tg, REASONS),
        () => h.press(tg, "r:c:no"),
        () => h.text(tg, "Өткізу"),
        () => h.press(tg, "r:l:kk"),
      ];
      for (const f of flow.slice(0, steps)) await f();
      await h.command(tg, "cancel");
      expect(h.buttonsTo(tg.id)).toEqual(["r:keep", "r:discard"]); // issue 14.2
      await h.press(tg, "r:discard");
      expect(h.tg.lastTextTo(tg.id)).toContain("Баянат жіберілмеді");
      // After cancelling, text is not taken as an answer: the learner is pointed to personnel and the menu.
      await h.text(tg, REASONS);
      expect(h.tg.lastTextTo(tg.id)).toContain("кадр бөлімшесіне");
      expect(h.buttonsTo(tg.id)).toContain("menu:report");
    }
    // The cancel button on the preview does the same.
    await fileReportUntil(h, tg);
    await h.press(tg, "r:cancel");
    await h.press(tg, "r:discard");
    expect(h.tg.lastTextTo(tg.id)).toContain("Баянат жіберілмеді");
    expect(await h.db.select().from(cases)).toHaveLength(0);
  });

  it("survives a bot restart mid-way (state in Postgres)", async () => {
    const { h, tg } = await setup();
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    h.rebuild();
    await h.text(tg, REASONS);
    h.rebuild();
    await h.press(tg, "r:c:no");
    h.rebuild();
    await h.text(tg, "+7 700 123 45 67");
    h.rebuild();
    await h.press(tg, "r:l:ru");
    h.rebuild();
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({
      ground: "own_will",
      reasons: REASONS,
      phone: "+7 700 123 45 67",
      reportLang: "ru",
    });
  });

  it("a double tap on Submit makes one case", async () => {
    const { h, tg } = await setup();
    await fileReportUntil(h, tg);
    const mid = h.lastMessageIdTo(tg.id);
    await Promise.all([h.press(tg, "r:submit", mid), h.press(tg, "r:submit", mid)]);
    await h.press(tg, "r:submit", mid);
    expect(await h.db.select().from(cases)).toHaveLength(1);
    expect(
      await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.submitted")),
    ).toHaveLength(1);
  });

  it("refuses a second report while one is open, and anyone not on the roster", async () => {
    const { h, tg } = await setup();
    await fileReport(h, tg, "own_will");
    await h.command(tg, "report");
    expect(h.tg.lastTextTo(tg.id)).toContain("№ 1 ашық іс");
    const stranger = { id: 77, first_name: "X" };
    await h.command(stranger, "report");
    expect(h.tg.lastTextTo(stranger.id)).toContain("шақыру сілтемесін");
    expect(await h.db.select().from(cases)).toHaveLength(1);
  });

  it("withdrawal before the decision, with a confirmation; the officials are told (D6)", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    await h.command(tg, "status");
    const status = h.tg.lastTextTo(tg.id);
    expect(status).toContain("№ 1 іс");
    expect(status).toContain("ішкі мерзім"); // the endorsement is a target (D3), not a statutory deadline
    expect(h.buttonsTo(tg.id)).toEqual(["w:1", "dr:1"]);
    await h.press(tg, "w:1");
    await h.press(tg, "wn");
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    await h.press(tg, "w:1");
    await h.press(tg, "wy:1");
    expect((await h.db.select().from(cases))[0]?.state).toBe("withdrawn");
    const steps = await h.db.select().from(caseSteps);
    expect(steps.every((s) => s.state === "cancelled")).toBe(true);
    await h.flush();
    const deputyTexts = h.tg.textsTo(staff.deputy.tg.id);
    expect(deputyTexts.some((t) => t.includes("білім алушы қайтарып алды"))).toBe(true);
    // The task message lost its buttons (edited into a status line).
    const edits = h.tg.sent("editMessageText", staff.deputy.tg.id);
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((e) => e.reply_markup === undefined)).toBe(true);
    // A new report is possible again.
    await h.command(tg, "report");
    expect(h.buttonsTo(tg.id)).toEqual(["r:g:own_will", "r:g:contract_refusal", "r:g:citizenship", "r:more"]);
  });

  it("withdrawal after the head's decision is refused", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    // Ch. 6: the decision waits only for the cl. 4 interview (D5); the deputy's opinion is advisory (D4).
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.flush();
    // Until the head decides the learner may withdraw (D6): /status offers it.
    await h.command(tg, "status");
    expect(h.buttonsTo(tg.id)).toContain("w:1");
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    const before = await h.db.select().from(caseSteps).orderBy(caseSteps.id);
    expect(before.map((x) => [x.key, x.state])).toEqual([
      ["endorse", "cancelled"],
      ["interview", "done"],
      ["decide", "done"],
      ["order", "pending"],
    ]);
    await h.flush();
    const told = (id: number) => h.tg.textsTo(id).length;
    const officialsTold = [staff.head, staff.deputy, staff.personnel].map((o) => told(o.tg.id));
    // After the decision: no withdrawal offered; the stale button of the earlier /status, confirmed, is
    // refused in words.
    await h.command(tg, "status");
    expect(h.tg.lastTextTo(tg.id)).toContain("№ 1 іс");
    expect(h.buttonsTo(tg.id).filter((b) => /^w[ynr]?:/.test(b))).toEqual([]);
    await h.press(tg, "w:1");
    await h.press(tg, "wy:1");
    const refusal = h.tg.lastTextTo(tg.id);
    expect(refusal).toContain("Бастық № 1 іс бойынша шешім қабылдап қойды");
    expect(refusal).not.toMatch(/\bD\d{1,2}\b/); // D13: no decision codes shown
    expect((await h.db.select().from(cases))[0]).toMatchObject({ state: "approved", closedAt: null });
    expect(await h.db.select().from(caseSteps).orderBy(caseSteps.id)).toEqual(before);
    expect(
      await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.withdrawn")),
    ).toHaveLength(0);
    await h.flush();
    // Nobody was told of a withdrawal that did not happen.
    expect([staff.head, staff.deputy, staff.personnel].map((o) => told(o.tg.id))).toEqual(officialsTold);
    expect(await h.db.select().from(outbox).where(eq(outbox.state, "failed"))).toHaveLength(0);
  });

  it("a student can't withdraw someone else's case", async () => {
    const { h, tg, inst } = await setup();
    await fileReport(h, tg, "own_will");
    const other = await addStudent(h.db, inst.id);
    await h.press(other.tg, "wy:1");
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
  });
});

async function fileReportUntil(
  h: import("../support/harness").Harness,
  tg: import("../support/harness").TgUser,
) {
  await h.command(tg, "report");
  await h.press(tg, "r:g:own_will");
  await h.text(tg, REASONS);
  await h.press(tg, "r:c:no");
  await h.text(tg, "+7 700 123 45 67");
  await h.press(tg, "r:l:ru");
}
