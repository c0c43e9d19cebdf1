/**
 * First contact (issue 14.1, 14.15): the interface speaks the Telegram app's language until the user
 * chooses one (D10), the first /start offers the choice, /lang resets the chat's command menu, and someone
 * we do not know is shown their Telegram id.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { students, users } from "../../src/db/schema";
import { langOfTelegram, tFor } from "../../src/i18n";
import { createInvite } from "../../src/people/invites";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { deputyActs, fileReport } from "../support/flows";
import { type Harness, newUser, type TgUser, useHarness } from "../support/harness";

const kk = tFor("kk");
const ru = tFor("ru");
const NAME = "Әбілқайыр Сәкенұлы Нұрғалиев";
const START_CHOICE = ["lang:kk:menu", "lang:ru:menu", "lang:en:menu"];

type Cmd = { command: string; description: string };
const chatMenus = (h: Harness, chatId: number) =>
  h.tg
    .sent("setMyCommands")
    .filter((p) => (p.scope as { type?: string; chat_id?: number } | undefined)?.chat_id === chatId)
    .map((p) => ({ scope: p.scope as { type: string }, commands: p.commands as Cmd[] }));

async function userRow(h: Harness, tg: TgUser) {
  const [row] = await h.db.select().from(users).where(eq(users.telegramId, tg.id));
  return row;
}

describe("language on first contact (D10, issue 14.1)", () => {
  const hr = useHarness();

  /** A learner on the roster, not bound yet, and their invite: what a real first contact starts from. */
  async function invited(languageCode: string) {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await addStudent(h.db, inst.id, { name: NAME });
    await h.db.update(students).set({ userId: null }).where(eq(students.id, s.student.id));
    await h.db.delete(users).where(eq(users.id, s.user.id));
    const { token } = await createInvite(
      h.db,
      { institutionId: inst.id, studentId: s.student.id },
      h.clock(),
    );
    const tg: TgUser = { ...newUser("Иван"), language_code: languageCode };
    return { h, tg, token };
  }

  it("maps the Telegram app's language (D10): ru* Russian, anything else (English too) Kazakh", () => {
    expect(["ru", "ru-RU", "kk", "kk-KZ", "en-US", "EN", "de", "uk", "tr"].map(langOfTelegram)).toEqual([
      "ru",
      "ru",
      "kk",
      "kk",
      "kk",
      "kk",
      "kk",
      "kk",
      "kk",
    ]);
  });

  it("ru: a Russian Telegram user's first /start (the invite) is in Russian, menu included, with the choice buttons", async () => {
    const { h, tg, token } = await invited("ru-RU");
    await h.command(tg, "start", token);
    const texts = h.tg.textsTo(tg.id);
    expect(texts[0]).toBe(ru("invite.ok_student"));
    const menu = texts.at(-1) ?? "";
    expect(menu).toContain(ru("start.student", { name: NAME }));
    expect(menu).toContain(ru("start.choose_lang"));
    expect(menu).toContain("Выберите язык");
    expect(menu).toContain("Тілді таңдаңыз");
    const buttons = h.buttonsTo(tg.id);
    expect(buttons).toEqual(expect.arrayContaining(["menu:report", "menu:status", ...START_CHOICE]));
    expect(buttons).not.toContain("menu:lang"); // the choice replaces the menu's "Language" button
    // Stored, so that notices and digests go out in it; still not a choice.
    expect(await userRow(h, tg)).toMatchObject({ lang: "ru", langChosen: false });
    // The chat's command menu is Russian too (today's complaint: Russian menu, Kazakh messages).
    const menus = chatMenus(h, tg.id);
    expect(menus.at(-1)?.commands.find((c) => c.command === "report")?.description).toBe(
      ru("commands.report"),
    );
  });

  it("kk: a Kazakh Telegram user gets Kazakh, and the same choice", async () => {
    const { h, tg, token } = await invited("kk");
    await h.command(tg, "start", token);
    const menu = h.tg.lastTextTo(tg.id);
    expect(menu).toContain(kk("start.student", { name: NAME }));
    expect(menu).toContain(kk("start.choose_lang"));
    expect(h.buttonsTo(tg.id)).toEqual(expect.arrayContaining(START_CHOICE));
    expect(await userRow(h, tg)).toMatchObject({ lang: "kk", langChosen: false });
  });

  it("choosing under the menu stores the choice, redraws the menu in it, and later app languages are ignored", async () => {
    const { h, tg, token } = await invited("ru");
    await h.command(tg, "start", token);
    const menuMessage = h.lastMessageIdTo(tg.id);
    await h.press(tg, "lang:kk:menu", menuMessage);
    expect(await userRow(h, tg)).toMatchObject({ lang: "kk", langChosen: true });
    const edit = h.tg.sent("editMessageText", tg.id).at(-1);
    expect(edit?.message_id).toBe(menuMessage);
    expect(String(edit?.text)).toContain(kk("lang.set"));
    expect(String(edit?.text)).toContain(kk("start.student", { name: NAME }));
    expect(h.buttonsTo(tg.id)).not.toContain("lang:ru:menu");
    expect(h.buttonsTo(tg.id)).toContain("menu:lang");
    // The app says Russian, then English: the choice stands, and /start no longer offers it.
    for (const code of ["ru", "en-GB"]) {
      tg.language_code = code;
      await h.command(tg, "start");
      const menu = h.tg.lastTextTo(tg.id);
      expect(menu).toContain(kk("start.student", { name: NAME }));
      expect(menu).not.toContain(kk("start.choose_lang"));
      expect(h.buttonsTo(tg.id).filter((b) => b.startsWith("lang:"))).toEqual([]);
    }
    expect(await userRow(h, tg)).toMatchObject({ lang: "kk", langChosen: true });
  });

  it("an unchosen language follows the app's: stored (an outbox notice uses it) and the chat menu is redone", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id); // stored Kazakh, not chosen
    tg.language_code = "ru";
    await fileReport(h, tg, "own_will", "ru");
    expect(await userRow(h, tg)).toMatchObject({ lang: "ru", langChosen: false });
    const menus = chatMenus(h, tg.id);
    expect(menus).toHaveLength(1); // once, when the language moved, not on every update
    expect(menus[0]?.scope.type).toBe("chat");
    expect(menus[0]?.commands.find((c) => c.command === "status")?.description).toBe(ru("commands.status"));
    // The deputy records the interview: the learner's notice is written to the outbox in Russian.
    await deputyActs(h, staff);
    expect(h.tg.lastTextTo(tg.id)).toBe(ru("notice.interview", { id: 1, date: "20.03.2026" }));
    // Back to Kazakh in the app: followed again.
    tg.language_code = "kk";
    await h.command(tg, "status");
    expect(await userRow(h, tg)).toMatchObject({ lang: "kk", langChosen: false });
    // An update without a language (Telegram may omit it) changes nothing.
    tg.language_code = undefined;
    await h.command(tg, "help");
    expect(await userRow(h, tg)).toMatchObject({ lang: "kk" });
    expect(h.tg.lastTextTo(tg.id)).toContain(kk("help.intro"));
  });

  it("/lang stores the choice and sets this chat's command menu again in it (kk → ru)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const { tg } = await addStudent(h.db, inst.id);
    await h.command(tg, "lang");
    expect(h.buttonsTo(tg.id)).toEqual(["lang:kk", "lang:ru", "lang:en"]);
    expect(chatMenus(h, tg.id)).toEqual([]);
    await h.press(tg, "lang:ru");
    expect(await userRow(h, tg)).toMatchObject({ lang: "ru", langChosen: true });
    expect(h.tg.sent("editMessageText", tg.id).at(-1)?.text).toBe(ru("lang.set"));
    const menus = chatMenus(h, tg.id);
    expect(menus).toHaveLength(1);
    expect(menus[0]?.scope).toEqual({ type: "chat", chat_id: tg.id });
    expect(menus[0]?.commands.map((c) => c.command)).toEqual([
      "start",
      "report",
      "status",
      "cancel",
      "lang",
      "help",
    ]);
    expect(menus[0]?.commands.find((c) => c.command === "lang")?.description).toBe(ru("commands.lang"));
    // Chosen: no offer on /start.
    await h.command(tg, "start");
    expect(h.tg.lastTextTo(tg.id)).not.toContain(ru("start.choose_lang"));
  });

  it("a stranger's /lang stores the choice but sets no chat menu (nothing to list yet)", async () => {
    const h = hr.current;
    const u = newUser();
    await h.command(u, "lang");
    await h.press(u, "lang:en");
    expect(await userRow(h, u)).toMatchObject({ lang: "en", langChosen: true });
    expect(chatMenus(h, u.id)).toEqual([]);
  });

  it("a forged language under the menu is refused and nothing is stored", async () => {
    const { h, tg, token } = await invited("ru");
    await h.command(tg, "start", token);
    await h.press(tg, "lang:xx:menu");
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toBe(ru("errors.unknown_button"));
    expect(await userRow(h, tg)).toMatchObject({ lang: "ru", langChosen: false });
  });
});

describe("an unknown user is shown their Telegram id (issue 14.15)", () => {
  const hr = useHarness();

  it("kk: the id, what to do next, no language buttons, no users row", async () => {
    const h = hr.current;
    const u = newUser();
    await h.command(u, "start");
    const text = h.tg.lastTextTo(u.id);
    expect(text).toBe(kk("start.unknown", { id: u.id }));
    expect(text).toContain(`<code>${u.id}</code>`);
    expect(text).toContain("кадр бөлімшесінен бір реттік шақыру сілтемесін сұраңыз");
    expect(h.tg.sent("sendMessage", u.id).at(-1)?.parse_mode).toBe("HTML");
    expect(h.buttonsTo(u.id)).toEqual([]);
    expect(await userRow(h, u)).toBeUndefined();
  });

  it("ru: in the Telegram app's language, also in /help", async () => {
    const h = hr.current;
    const u: TgUser = { ...newUser("Иван"), language_code: "ru-RU" };
    await h.command(u, "start");
    const text = h.tg.lastTextTo(u.id);
    expect(text).toBe(ru("start.unknown", { id: u.id }));
    expect(text).toContain(`Ваш идентификатор Telegram: <code>${u.id}</code>`);
    expect(text).toContain("попросите в кадровом подразделении");
    await h.command(u, "help");
    expect(h.tg.lastTextTo(u.id)).toContain(`<code>${u.id}</code>`);
    expect(await userRow(h, u)).toBeUndefined();
  });

  it("a learner whose access was revoked is unknown again: the id, no choice", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const { tg, student } = await addStudent(h.db, inst.id);
    await h.db.update(students).set({ userId: null }).where(eq(students.id, student.id));
    await h.command(tg, "start");
    expect(h.tg.lastTextTo(tg.id)).toBe(kk("start.unknown", { id: tg.id }));
    expect(h.buttonsTo(tg.id)).toEqual([]);
  });
});
