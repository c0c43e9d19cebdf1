/**
 * Issue 18: the dashboard's menu button. Set at start for every bound official and HQ viewer (paced; a
 * refusal logged, the rest still set), when an official binds and when they choose a language; reset to the
 * default when their access is revoked (queued in the outbox with the revocation). Learners never get it;
 * without WEBAPP_URL nobody does.
 */
import { and, eq } from "drizzle-orm";
import { Api } from "grammy";
import { describe, expect, it } from "vitest";
import { installDashboardButtons } from "../../src/bot/menu-button";
import { menuButtons, outbox, students, users } from "../../src/db/schema";
import { createLogger } from "../../src/logger";
import { language } from "../../src/messages/callbacks";
import { addHqViewer, removeHqViewer } from "../../src/people/hq-viewers";
import { createInvite } from "../../src/people/invites";
import {
  addOfficial as createOfficial,
  createOfficialInvite,
  revokeAccess,
} from "../../src/people/officials";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { newUser, useHarness } from "../support/harness";

const URL = "https://bot.example.kz/app/";

const buttonsTo = (h: { tg: { sent(m: string, c?: number): Record<string, unknown>[] } }, chatId: number) =>
  h.tg.sent("setChatMenuButton", chatId).map((p) => p.menu_button);

describe("the dashboard's menu button (issue 18)", () => {
  const hr = useHarness();

  it("at start: every bound official and HQ viewer, in their language; learners, revoked and removed ones not", async () => {
    const h = hr.current;
    const a = await addInstitution(h.db);
    const b = await addInstitution(h.db, "SHEK");
    const head = await addOfficial(h.db, a.id, ["head"], "Head", "ru");
    const deputy = await addOfficial(h.db, a.id, ["deputy_academic"], "Deputy", "kk");
    const headB = await addOfficial(h.db, b.id, ["head"], "Head B", "en");
    const gone = await addOfficial(h.db, a.id, ["personnel_officer"], "Gone", "ru");
    await revokeAccess(h.db, { kind: "official", officialId: gone.official.id }, h.clock());
    const learner = await addStudent(h.db, a.id);
    const hq = newUser("HQ");
    await addHqViewer(h.db, hq.id, "HQ viewer", h.clock());
    const exHq = newUser("Ex HQ");
    await addHqViewer(h.db, exHq.id, "Former viewer", h.clock());
    await removeHqViewer(h.db, exHq.id, h.clock());
    h.tg.clear();

    const pauses: number[] = [];
    const result = await installDashboardButtons(h.api, h.db, URL, createLogger("silent"), {
      paceMs: 40,
      sleep: async (ms) => {
        pauses.push(ms);
      },
    });
    expect(result).toEqual({ set: 4, failed: 0, unchanged: 0 });
    expect(pauses).toEqual([40, 40, 40]);
    const calls = h.tg.sent("setChatMenuButton");
    expect(calls.map((c) => c.chat_id)).toEqual([head.tg.id, deputy.tg.id, headB.tg.id, hq.id]);
    expect(buttonsTo(h, head.tg.id)).toEqual([
      { type: "web_app", text: "Панель управления", web_app: { url: URL } },
    ]);
    expect(buttonsTo(h, deputy.tg.id)).toEqual([
      { type: "web_app", text: "Басқару тақтасы", web_app: { url: URL } },
    ]);
    expect(buttonsTo(h, headB.tg.id)).toEqual([
      { type: "web_app", text: "Dashboard", web_app: { url: URL } },
    ]);
    // An HQ viewer who never wrote to the bot has no language yet: Kazakh (D10).
    expect(buttonsTo(h, hq.id)).toEqual([
      { type: "web_app", text: "Басқару тақтасы", web_app: { url: URL } },
    ]);
    for (const id of [learner.tg.id, gone.tg.id, exHq.id]) expect(buttonsTo(h, id)).toEqual([]);

    // Issue 17: the next start finds every button in place and makes no call.
    h.tg.clear();
    const install = (url: string, api = h.api) =>
      installDashboardButtons(api, h.db, url, createLogger("silent"), { paceMs: 0 });
    expect(await install(URL)).toEqual({ set: 0, failed: 0, unchanged: 4 });
    expect(h.tg.sent("setChatMenuButton")).toEqual([]);

    // A new address: every chat again. A chat Telegram refuses (never started the bot): logged, the others
    // still get theirs, and the next start tries that one only.
    h.tg.failNext(
      1,
      { kind: "http", code: 400, description: "Bad Request: chat not found" },
      "setChatMenuButton",
    );
    const URL2 = "https://dash.example.kz/app/";
    expect(await install(URL2)).toEqual({ set: 3, failed: 1, unchanged: 0 });
    h.tg.clear();
    expect(await install(URL2)).toEqual({ set: 1, failed: 0, unchanged: 3 });
    expect(h.tg.sent("setChatMenuButton").map((c) => c.chat_id)).toEqual([head.tg.id]);

    // An official whose language changed elsewhere (users.lang) gets the button in it; the rest stay.
    h.tg.clear();
    await h.db.update(users).set({ lang: "en" }).where(eq(users.telegramId, deputy.tg.id));
    expect(await install(URL2)).toEqual({ set: 1, failed: 0, unchanged: 3 });
    expect(buttonsTo(h, deputy.tg.id)).toEqual([
      { type: "web_app", text: "Dashboard", web_app: { url: URL2 } },
    ]);

    // Another bot on the same database has set nothing yet.
    const other = new Api("777:OTHER_TOKEN_abcdefghijklmnopqrstuvwxyz", { fetch: h.tg.fetch as never });
    expect(await install(URL2, other)).toEqual({ set: 4, failed: 0, unchanged: 0 });

    // Revoked: the record goes with the button, so a later grant sets it again.
    await revokeAccess(h.db, { kind: "official", officialId: headB.official.id }, h.clock());
    expect(await h.db.select().from(menuButtons).where(eq(menuButtons.telegramId, headB.tg.id))).toEqual([]);

    // Stopping the program stops the loop.
    const stop = new AbortController();
    stop.abort();
    expect(
      await installDashboardButtons(h.api, h.db, URL, createLogger("silent"), { signal: stop.signal }),
    ).toEqual({ set: 0, failed: 0, unchanged: 0 });
  });

  it("an official who binds gets it, in their language, and again when they choose another; a learner never", async () => {
    const h = hr.current;
    h.deps.webAppUrl = URL;
    const inst = await addInstitution(h.db);
    const o = await createOfficial(
      h.db,
      { institutionId: inst.id, fullName: "New Official", position: "deputy", roles: ["deputy_personnel"] },
      h.clock(),
    );
    const { token } = await createOfficialInvite(h.db, o.id, h.clock());
    const tg = { ...newUser("Official"), language_code: "ru" };
    await h.command(tg, "start", token);
    expect(buttonsTo(h, tg.id)).toEqual([
      { type: "web_app", text: "Панель управления", web_app: { url: URL } },
    ]);
    await h.press(tg, language.pack("en"));
    expect(buttonsTo(h, tg.id).at(-1)).toEqual({ type: "web_app", text: "Dashboard", web_app: { url: URL } });
    // Recorded, so the next start leaves this chat alone.
    expect(
      (await h.db.select().from(menuButtons).where(eq(menuButtons.telegramId, tg.id))).map((r) => [
        r.url,
        r.lang,
      ]),
    ).toEqual([[URL, "en"]]);

    // A learner binding through their invite: no button, nor on a language change.
    const [s] = await h.db
      .insert(students)
      .values({
        institutionId: inst.id,
        personalNumber: "P-1",
        fullName: "Learner L.",
        rank: "курсант",
        category: "cadet",
      })
      .returning();
    const invite = await createInvite(h.db, { institutionId: inst.id, studentId: s!.id }, h.clock());
    const learner = { ...newUser("Learner"), language_code: "ru" };
    await h.command(learner, "start", invite.token);
    await h.press(learner, language.pack("kk"));
    expect(buttonsTo(h, learner.id)).toEqual([]);
    const [bound] = await h.db.select().from(students).where(eq(students.id, s!.id));
    expect(bound!.userId).not.toBeNull(); // the learner did bind
  });

  it("without WEBAPP_URL an official who binds gets no button", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const o = await createOfficial(
      h.db,
      { institutionId: inst.id, fullName: "New Official", position: "head", roles: ["head"] },
      h.clock(),
    );
    const { token } = await createOfficialInvite(h.db, o.id, h.clock());
    const tg = newUser("Official");
    await h.command(tg, "start", token);
    expect(h.tg.sent("setChatMenuButton")).toEqual([]);
  });

  it("revoking an official queues the default button with the revocation; an HQ viewer keeps theirs", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const o = await addOfficial(h.db, inst.id, ["head"], "Head", "ru");
    const both = await addOfficial(h.db, inst.id, ["personnel_officer"], "Also HQ", "ru");
    await addHqViewer(h.db, both.tg.id, "Also HQ", h.clock());
    await revokeAccess(h.db, { kind: "official", officialId: o.official.id }, h.clock());
    await revokeAccess(h.db, { kind: "official", officialId: both.official.id }, h.clock());
    const queued = await h.db.select().from(outbox).where(eq(outbox.method, "setChatMenuButton"));
    expect(queued.map((r) => [r.chatId, r.payload])).toEqual([
      [o.tg.id, { menu_button: { type: "default" } }],
    ]);
    await h.flush();
    expect(buttonsTo(h, o.tg.id)).toEqual([{ type: "default" }]);
    expect(buttonsTo(h, both.tg.id)).toEqual([]);
    // Removing the HQ viewer who is no longer an official takes it away too.
    await removeHqViewer(h.db, both.tg.id, h.clock());
    await h.flush();
    expect(buttonsTo(h, both.tg.id)).toEqual([{ type: "default" }]);
    const rows = await h.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.method, "setChatMenuButton"), eq(outbox.state, "sent")));
    expect(rows).toHaveLength(2);
  });
});
