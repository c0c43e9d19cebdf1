import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../src/db/schema";
import { newUser, useHarness } from "../support/harness";

describe("/start, /help, /lang", () => {
  const h = useHarness();

  it("answers /start in Kazakh and tells an unknown user how to get access", async () => {
    const u = newUser();
    await h.current.command(u, "start");
    expect(h.current.tg.lastTextTo(u.id)).toContain("шақыру сілтемесін");
  });

  it("stores the language chosen with /lang and answers in it from then on", async () => {
    const u = newUser();
    await h.current.command(u, "lang");
    expect(h.current.buttonsTo(u.id)).toEqual(["lang:kk", "lang:ru", "lang:en"]);
    await h.current.press(u, "lang:ru");
    const [row] = await h.current.db.select().from(users).where(eq(users.telegramId, u.id));
    expect(row?.lang).toBe("ru");
    await h.current.command(u, "help");
    expect(h.current.tg.lastTextTo(u.id)).toContain("Справка");
    // A restart keeps the choice: it is in the database, not in memory.
    h.current.rebuild();
    await h.current.command(u, "start");
    expect(h.current.tg.lastTextTo(u.id)).toContain("кадровом подразделении");
  });

  it("answers an unknown button instead of leaving a spinner", async () => {
    const u = newUser();
    await h.current.press(u, "zz:garbage");
    const answers = h.current.tg.sent("answerCallbackQuery");
    expect(answers).toHaveLength(1);
    expect(String(answers[0]?.text)).toContain("батырма");
  });

  it("refuses a forged language code in callback data", async () => {
    const u = newUser();
    await h.current.command(u, "start");
    await h.current.press(u, "lang:xx");
    // Nothing stored: a stranger has no users row (issue 12.17), and a forged code does not make one.
    const [row] = await h.current.db.select().from(users).where(eq(users.telegramId, u.id));
    expect(row).toBeUndefined();
    expect(String(h.current.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("батырма");
  });

  it("answers plain text with a pointer to /help", async () => {
    const u = newUser();
    await h.current.text(u, "hello?");
    expect(h.current.tg.lastTextTo(u.id)).toContain("/help");
  });
});
