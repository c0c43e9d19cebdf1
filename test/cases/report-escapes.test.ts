/**
 * Issue 14.2–14.3 through the bot: /help, /status and /lang answer inside the report and return to the
 * same question; /cancel asks whether to keep the draft (kept across a restart, resumed with /report) or
 * discard it; "n/5" on every question; a short intro with "more"; the preview edited in place; the phone
 * keyboard removed at once; a new ground asks for the reasons again. In Kazakh and Russian.
 */
import { describe, expect, it } from "vitest";
import { cases, students } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, REASONS } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";

type Markup = { remove_keyboard?: boolean; inline_keyboard?: { callback_data?: string }[][] };

describe("the report conversation: escapes, keeping a draft, progress (issue 14.2–14.3)", () => {
  const hr = useHarness();

  async function setup(lang: "kk" | "ru") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const s = await addStudent(h.db, inst.id, { lang });
    return { h, ...s };
  }
  /** Texts sent or edited into the chat since `from`. */
  const since = (h: Harness, tg: TgUser, from: number) => h.tg.textsTo(tg.id).slice(from);

  it("kk: /help, /status and /lang answer with the features' texts and return to the same question", async () => {
    const { h, tg } = await setup("kk");
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    const kk = tFor("kk");

    let from = h.tg.textsTo(tg.id).length;
    await h.command(tg, "help");
    let got = since(h, tg, from);
    expect(got).toHaveLength(2);
    expect(got[0]).toContain(kk("help.intro")); // the help of /help outside the report…
    expect(got[0]).toContain(kk("help.student"));
    expect(got[1]).toContain("Қадам 2/5"); // …then the reasons question again
    expect(got[1]).toContain("себептерін жазыңыз");

    from = h.tg.textsTo(tg.id).length;
    await h.command(tg, "status");
    got = since(h, tg, from);
    expect(got).toEqual([kk("status.none"), expect.stringContaining("Қадам 2/5")]);

    // The menu's Help button as well.
    from = h.tg.textsTo(tg.id).length;
    await h.press(tg, "menu:help");
    got = since(h, tg, from);
    expect(got[0]).toContain(kk("help.intro"));
    expect(got[1]).toContain("Қадам 2/5");

    // /lang: the choice, then the question again in the new language.
    await h.command(tg, "lang");
    expect(h.tg.textsTo(tg.id).at(-2)).toBe(kk("lang.choose"));
    from = h.tg.textsTo(tg.id).length;
    await h.press(tg, "lang:ru", h.lastMessageIdTo(tg.id) - 1);
    got = since(h, tg, from);
    expect(got[0]).toBe(tFor("ru")("lang.set"));
    expect(got[1]).toContain("Шаг 2/5");
    expect(got[1]).toContain("Изложите причины");

    // Nothing was lost: the answers go on from the same question and the report is filed.
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    await h.text(tg, "+7 700 123 45 67");
    await h.press(tg, "r:l:kk");
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({ ground: "own_will", reasons: REASONS, reportLang: "kk" });
  });

  it("ru: /cancel → keep; the draft survives a restart, other commands work meanwhile, /report resumes it as it was", async () => {
    const { h, tg } = await setup("ru");
    await h.command(tg, "report");
    await h.press(tg, "r:g:contract_refusal");
    await h.text(tg, REASONS);
    await h.command(tg, "cancel");
    expect(h.tg.lastTextTo(tg.id)).toContain("Сохранить черновик");
    expect(h.buttonsTo(tg.id)).toEqual(["r:keep", "r:discard"]);
    await h.press(tg, "r:keep");
    expect(h.tg.lastTextTo(tg.id)).toContain("Черновик сохранён");
    expect(h.tg.sent("sendMessage", tg.id).at(-1)?.reply_markup).toEqual({ remove_keyboard: true });

    h.rebuild(); // a restart
    // Meanwhile the bot answers as if no report were open: /status, and typed text is not an answer.
    await h.command(tg, "status");
    expect(h.tg.lastTextTo(tg.id)).toBe(tFor("ru")("status.none"));
    const from = h.tg.textsTo(tg.id).length;
    await h.text(tg, "Да");
    expect(since(h, tg, from).join("\n")).not.toContain("Шаг 3/5");

    h.rebuild();
    await h.command(tg, "report");
    const got = h.tg.textsTo(tg.id).slice(-2);
    expect(got[0]).toContain("Черновик открыт");
    expect(got[1]).toContain("Шаг 3/5"); // the conscript question, where the learner stopped
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
    await h.press(tg, "r:c:yes");
    await h.text(tg, "Пропустить");
    await h.press(tg, "r:l:ru");
    expect(h.tg.lastTextTo(tg.id)).toContain(REASONS); // the reasons typed before /cancel
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({ ground: "contract_refusal", reasons: REASONS, conscriptServed: true });
  });

  it("kk: a draft kept at the preview comes back as the preview; Discard starts afresh", async () => {
    const { h, tg } = await setup("kk");
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    await h.text(tg, "Өткізу");
    await h.press(tg, "r:l:ru");
    await h.press(tg, "r:cancel");
    expect(h.tg.lastTextTo(tg.id)).toContain("жобасын сақтайық па");
    await h.press(tg, "r:keep");
    expect(h.tg.lastTextTo(tg.id)).toContain("Жоба сақталды");
    h.rebuild();
    await h.command(tg, "report");
    expect(h.tg.lastTextTo(tg.id)).toContain(REASONS);
    expect(h.buttonsTo(tg.id)).toContain("r:submit");
    // /cancel again, then Discard: the next /report starts from the first question.
    await h.command(tg, "cancel");
    await h.press(tg, "r:discard");
    expect(h.tg.lastTextTo(tg.id)).toContain("Баянат жіберілмеді");
    await h.command(tg, "report");
    expect(h.tg.lastTextTo(tg.id)).toContain("Қадам 1/5");
    expect(h.buttonsTo(tg.id)).toEqual(["r:g:own_will", "r:g:contract_refusal", "r:g:citizenship", "r:more"]);
    expect(await h.db.select().from(cases)).toHaveLength(0);
  });

  it("kk and ru: n/5 on every question, a short intro, the phone keyboard removed as soon as a number comes", async () => {
    const { h, tg: kkLearner } = await setup("kk");
    const institutionId = (await h.db.select().from(students))[0]!.institutionId;
    for (const lang of ["kk", "ru"] as const) {
      // The kk learner files first, then a ru learner of the same institution.
      const tg = lang === "kk" ? kkLearner : (await addStudent(h.db, institutionId, { lang })).tg;
      const step = lang === "kk" ? "Қадам" : "Шаг";
      await fileReport(h, tg, "own_will", lang);
      const texts = h.tg.textsTo(tg.id);
      for (let n = 1; n <= 5; n++) expect(texts.some((t) => t.startsWith(`${step} ${n}/5`))).toBe(true);
      // The intro, without its tags, is under 400 characters (what a phone shows without scrolling).
      const intro = texts.find((t) => t.startsWith(`${step} 1/5`))!;
      expect(intro.replace(/<[^>]+>/g, "").length).toBeLessThan(400);
      // The typed phone: the very next message removes the reply keyboard.
      const sends = h.tg.sent("sendMessage", tg.id);
      const phoneQ = sends.findIndex((p) => String(p.text).startsWith(`${step} 4/5`));
      expect(phoneQ).toBeGreaterThan(0);
      expect(sends[phoneQ + 1]?.reply_markup as Markup | undefined).toEqual({ remove_keyboard: true });
      expect(String(sends[phoneQ + 2]?.text)).toContain(`${step} 5/5`);
    }
    // A shared contact as well (ru).
    const { tg } = await addStudent(h.db, institutionId, { lang: "ru" });
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    await h.contact(tg, "+77001112233");
    const last2 = h.tg.sent("sendMessage", tg.id).slice(-2);
    expect(last2[0]).toMatchObject({
      text: "Телефон: +77001112233 ✓",
      reply_markup: { remove_keyboard: true },
    });
    expect(String(last2[1]?.text)).toContain("Шаг 5/5");
  });

  it("ru: button edits happen in the preview message itself; a new ground asks for the reasons again", async () => {
    const { h, tg } = await setup("ru");
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    await h.text(tg, "Пропустить");
    await h.press(tg, "r:l:ru");
    const preview = h.lastMessageIdTo(tg.id);
    const sendsBefore = h.tg.sent("sendMessage", tg.id).length;
    await h.press(tg, "r:e:conscript", preview);
    await h.press(tg, "r:c:yes", preview);
    await h.press(tg, "r:e:lang", preview);
    await h.press(tg, "r:l:kk", preview);
    // The same ground again: the reasons stay, and that is an edit in place too.
    await h.press(tg, "r:e:ground", preview);
    await h.press(tg, "r:g:own_will", preview);
    expect(h.tg.sent("sendMessage", tg.id)).toHaveLength(sendsBefore); // nothing re-sent
    const edits = h.tg.sent("editMessageText", tg.id);
    expect(edits.every((e) => e.message_id === preview)).toBe(true);
    expect(edits.map((e) => String(e.text).split("\n")[0])).toEqual([
      "Шаг 3/5",
      expect.stringContaining("Ваш рапорт"),
      "Шаг 5/5",
      expect.stringContaining("Ваш рапорт"),
      "Шаг 1/5",
      expect.stringContaining("Ваш рапорт"),
    ]);
    expect(String(edits.at(-1)?.text)).toContain("БАЯНАТ"); // the report now in Kazakh
    expect(String(edits.at(-1)?.text)).toContain(REASONS);
    expect(h.buttonsTo(tg.id)).toContain("r:submit");

    // Another ground: the reasons were written for the first one, so they are asked again.
    await h.press(tg, "r:e:ground", preview);
    await h.press(tg, "r:g:contract_refusal", preview);
    expect(h.tg.lastTextTo(tg.id)).toContain("Основание изменилось");
    expect(h.tg.lastTextTo(tg.id)).toContain("Шаг 2/5");
    await h.text(tg, "Не согласен с условиями контракта, семья переехала в другой город.");
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({ ground: "contract_refusal", conscriptServed: true, reportLang: "kk" });
    expect(c?.reasons).toContain("семья переехала");
  });
});
