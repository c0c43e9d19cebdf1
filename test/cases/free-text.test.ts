/**
 * Issue 14.5: free text outside any flow. A learner gets the personnel subdivision's contact (the
 * institution's setting, from the CLI) and the menu instead of "I did not understand"; with no contact set,
 * to ask there in person. Officials keep "nothing is being asked" (14.8), now with the menu; unknown users
 * keep their hint. Through the bot and the CLI, in kk and ru.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type CliIo, runCli } from "../../src/cli/run";
import { auditEvents, institutions } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { type Harness, newUser, useHarness } from "../support/harness";

const kk = tFor("kk");
const ru = tFor("ru");
const CONTACT = "каб. 214, тел. 8 (7172) 55-12-34, пн–пт 09:00–18:00";

function cli(h: Harness) {
  return async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      db: h.db,
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      now: () => h.clock(),
    };
    const code = await runCli(argv, io);
    return { code, out, err };
  };
}

/** Callback data of the last message's inline keyboard. */
const lastButtons = (h: Harness, chatId: number) => h.buttonsTo(chatId);

describe("free text outside a flow (issue 14.5)", () => {
  const hr = useHarness();

  it("the administrator sets, shows and clears the personnel contact from the CLI", async () => {
    const h = hr.current;
    await addInstitution(h.db);
    const run = cli(h);
    const help = await run("institution", "set", "--help");
    expect(help.out.join("\n")).toContain("--personnel-contact");
    expect(help.out.join("\n")).toContain("in person");

    const before = await run("institution", "list");
    expect(before.out).toContain(
      "  personnel contact: not set (learners are told to ask at the personnel subdivision in person)",
    );
    const set = await run("institution", "set", "akad", "--personnel-contact", `  ${CONTACT}  `);
    expect(set).toMatchObject({ code: 0, err: [] });
    expect(set.out[0]).toBe("institution AKAD: changed personnelContact");
    expect(set.out).toContain(`  personnel contact: ${CONTACT}`);
    const [row] = await h.db.select().from(institutions);
    expect(row!.personnelContact).toBe(CONTACT); // trimmed
    const [audited] = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "institution.updated"));
    expect(audited!.after).toEqual({ personnelContact: CONTACT });

    const check = await run("institution", "check", "akad");
    expect(check.out).toContain(`personnel contact for learners: ${CONTACT}`);

    expect((await run("institution", "set", "akad", "--personnel-contact", "a\nb")).err).toEqual([
      "error: personnel contact contains a line break or a control character",
    ]);
    expect((await run("institution", "set", "akad", "--personnel-contact", "x".repeat(301))).err).toEqual([
      "error: personnel contact is longer than 300 characters",
    ]);
    expect((await run("institution", "set", "akad", "--personnel-contact", "")).out[0]).toBe(
      "institution AKAD: changed personnelContact",
    );
    expect((await h.db.select().from(institutions))[0]!.personnelContact).toBe("");
    expect((await run("institution", "check", "akad")).out).toContain(
      'personnel contact for learners: not set (they are told to ask in person); institution set AKAD --personnel-contact "…"',
    );
  });

  it("institution add takes the contact too", async () => {
    const h = hr.current;
    const run = cli(h);
    const r = await run(
      "institution",
      "add",
      "--code",
      "akad",
      "--name-kk",
      "ҰҚК Академиясы",
      "--name-ru",
      "Академия КНБ",
      "--head-title-kk",
      "ҰҚК Академиясының бастығына",
      "--head-title-ru",
      "Начальнику Академии КНБ",
      "--personnel-contact",
      CONTACT,
    );
    expect(r).toMatchObject({ code: 0, err: [] });
    expect((await h.db.select().from(institutions))[0]!.personnelContact).toBe(CONTACT);
  });

  for (const [lang, t] of [
    ["kk", kk],
    ["ru", ru],
  ] as const) {
    it(`${lang}: a learner's free text gets the contact and the menu, not "I did not understand"`, async () => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      await h.db
        .update(institutions)
        .set({ personnelContact: `${CONTACT} <b>` })
        .where(eq(institutions.id, inst.id));
      const { tg } = await addStudent(h.db, inst.id, { lang });
      await h.text(tg, "Сәлеметсіз бе, баянатты қайда тапсырамын?");
      const text = h.tg.lastTextTo(tg.id);
      // The contact is the administrator's text: escaped like any value.
      expect(text).toContain(t("fallback.learner_contact", { contact: `${CONTACT} <b>` }));
      expect(text).toContain(`${CONTACT} &lt;b&gt;`);
      expect(text).not.toContain(t("errors.unknown_message"));
      // The menu: its text and its buttons.
      expect(text).toContain(t("start.student", { name: "Әбілқайыр Сәкенұлы Нұрғалиев" }));
      expect(lastButtons(h, tg.id)).toEqual(["menu:report", "menu:status", "menu:lang", "menu:help"]);
      // A sticker or a photo is free text too.
      await h.sticker(tg);
      expect(h.tg.lastTextTo(tg.id)).toBe(text);
    });

    it(`${lang}: with no contact set, the learner is told to ask at the personnel subdivision in person`, async () => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      const { tg } = await addStudent(h.db, inst.id, { lang });
      await h.text(tg, "привет");
      const text = h.tg.lastTextTo(tg.id);
      expect(text.startsWith(t("fallback.learner_in_person"))).toBe(true);
      expect(text).toContain(lang === "kk" ? "кадр бөлімшесіне" : "в кадровое подразделение");
      expect(lastButtons(h, tg.id)).toContain("menu:report");
    });
  }

  it("an official's typed text keeps 'nothing is being asked', now with the menu; unknown users keep their hint", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await h.db.update(institutions).set({ personnelContact: CONTACT }).where(eq(institutions.id, inst.id));
    const deputy = await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.", "ru");
    await h.text(deputy.tg, "20.03.2026");
    const text = h.tg.lastTextTo(deputy.tg.id);
    expect(text.startsWith(ru("pending.no_question"))).toBe(true);
    expect(text).toContain(ru("start.official", { name: "Орынбасар К.К." }));
    expect(text).not.toContain(CONTACT);
    expect(lastButtons(h, deputy.tg.id)).toEqual(["menu:inbox", "menu:lang", "menu:help"]);

    const stranger = newUser("Stranger");
    await h.text(stranger, "hello");
    expect(h.tg.lastTextTo(stranger.id)).toBe(kk("errors.unknown_message"));
    expect(lastButtons(h, stranger.id)).toEqual([]);
  });
});
