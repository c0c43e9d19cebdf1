/**
 * Issue 14.6: Russian texts about the learner agree with the learner's sex from the roster ("не проходил" /
 * "не проходила"); an unknown sex gets wording with no gendered verb; the case's state agrees with "Дело".
 */
import { describe, expect, it } from "vitest";
import { reportVersions } from "../../src/db/schema";
import type { Language } from "../../src/rules";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { deputyActs, fileReport, instructAndTalk, REASONS, stepButton } from "../support/flows";
import type { Harness, TgUser } from "../support/harness";
import { useHarness } from "../support/harness";

/** The texts of the buttons of the latest message (sent or edited) that offers `data`. */
function buttonTexts(h: Harness, tg: TgUser, data: string): string[] {
  const call = [...h.tg.calls]
    .reverse()
    .find(
      (c) =>
        (c.method === "sendMessage" || c.method === "editMessageText") &&
        Number(c.payload.chat_id) === tg.id &&
        JSON.stringify(c.payload.reply_markup ?? {}).includes(`"${data}"`),
    );
  const kb = (call?.payload.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)
    ?.inline_keyboard;
  return kb ? kb.flat().map((b) => b.text) : [];
}

describe("Russian agreement with the learner (issue 14.6)", () => {
  const hr = useHarness();

  async function learner(sex?: "M" | "F", lang: Language = "ru") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const s = await addStudent(h.db, inst.id, {
      lang,
      name: "Ахметова Дана Болатқызы",
      ...(sex ? { sex } : {}),
    });
    return { h, staff, ...s };
  }

  /** Up to the preview, in Russian, answering "not served". */
  async function preview(h: Harness, tg: TgUser) {
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    const buttons = buttonTexts(h, tg, "r:c:no");
    await h.press(tg, "r:c:no");
    await h.text(tg, "Пропустить");
    await h.press(tg, "r:l:ru");
    return { buttons, text: h.tg.lastTextTo(tg.id) };
  }

  it("a female learner: the buttons, the preview and the stored report say «не проходила»", async () => {
    const { h, tg } = await learner("F");
    const p = await preview(h, tg);
    expect(p.buttons).toEqual(["Да, проходила", "Нет, не проходила"]);
    expect(p.text).toContain("Воинскую службу по призыву не проходила.");
    await h.press(tg, "r:submit");
    const [stored] = await h.db.select().from(reportVersions);
    expect(stored!.document).toContain("Воинскую службу по призыву не проходила.");
    expect(stored!.document).not.toContain("не проходил.");
  });

  it("a male learner: «не проходил»", async () => {
    const { h, tg } = await learner("M");
    const p = await preview(h, tg);
    expect(p.buttons).toEqual(["Да, проходил", "Нет, не проходил"]);
    expect(p.text).toContain("Воинскую службу по призыву не проходил.");
  });

  it("an unknown sex: «Да» / «Нет» and a conscript line without a gendered verb", async () => {
    const { h, tg } = await learner();
    const p = await preview(h, tg);
    expect(p.buttons).toEqual(["Да", "Нет"]);
    expect(p.text).toContain("Воинская служба по призыву: не пройдена.");
    expect(p.text).not.toMatch(/проходил/);
  });

  it("Kazakh buttons are the same whatever the sex", async () => {
    const { h, tg } = await learner("F", "kk");
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    expect(buttonTexts(h, tg, "r:c:no")).toEqual(["Иә, өткердім", "Жоқ, өткерген жоқпын"]);
  });

  it("the status line agrees with «Дело»: «Зарегистрировано … · отклонено»", async () => {
    const { h, staff, tg } = await learner("F");
    await fileReport(h, tg, "own_will", "ru");
    await deputyActs(h, staff);
    await instructAndTalk(h, staff);
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "reject"));
    await h.text(staff.head.tg, "Оқуды аяқтауға бір ай қалды.");
    await h.flush();
    await h.command(tg, "status");
    const status = h.tg.lastTextTo(tg.id);
    expect(status).toMatch(
      /^<b>Дело № 1<\/b> · по собственному желанию \(гл\. 4\)\nЗарегистрировано \d\d\.\d\d\.\d{4} · отклонено$/m,
    );
    expect(status).not.toMatch(/отклонён/);
    // The head's card, retired in place, is marked as a refusal, not ✅ (review of the texts, 5.2).
    const retired = h.tg.sent("editMessageText", staff.head.tg.id).map((p) => String(p.text));
    const refusal = retired.find((t) => t.startsWith("✖ № 1 іс: бастықтың шешімі — қабылданбады: "));
    expect(refusal).toMatch(/Оқуды аяқтауға бір ай қалды\.»? \(Бастық Б\.Б\., 20\.03\.2026 \d\d:\d\d\)$/);
    expect(retired.some((t) => t.startsWith("✅ № 1 іс: бастықтың шешімі"))).toBe(false);
  });

  it("/cancel with nothing under way says so (review of the texts, 5.2)", async () => {
    const { h, tg } = await learner("F");
    await h.command(tg, "cancel");
    expect(h.tg.lastTextTo(tg.id)).toBe("Прерывать нечего.");
  });
});
