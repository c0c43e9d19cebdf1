/**
 * D16: `npm run admin -- hq add|remove|list`, the viewers of the NSC Personnel Department. Audited by ids;
 * with WEBAPP_URL known, the viewer's menu button is queued with the change.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type CliIo, runCli } from "../../src/cli/run";
import { auditEvents, hqViewers, outbox, users } from "../../src/db/schema";
import { addInstitution, addStudent } from "../support/fixtures";
import { useHarness } from "../support/harness";

describe("npm run admin -- hq (D16)", () => {
  const hr = useHarness();

  const cli = (extra: Partial<CliIo> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const run = async (...argv: string[]) => {
      out.length = 0;
      err.length = 0;
      const code = await runCli(argv, {
        db: hr.current.db,
        out: (s) => out.push(s),
        err: (s) => err.push(s),
        now: () => hr.current.clock(),
        ...extra,
      });
      return { code, out: [...out], err: [...err] };
    };
    return run;
  };

  it("adds, lists, removes and restores a viewer; each change audited by ids only", async () => {
    const h = hr.current;
    const run = cli();
    expect(await run("hq", "list")).toEqual({ code: 0, out: ["0 HQ viewers"], err: [] });

    const added = await run("hq", "add", "777000111", "Кадрлар департаменті Ж.Ж.");
    expect(added.code).toBe(0);
    expect(added.out).toEqual(["HQ viewer 1 added: Telegram account 777000111"]);
    expect(added.err).toEqual([
      "note: WEBAPP_URL is not set, so the dashboard is off: set it to let them open it",
    ]);
    const listed = await run("hq", "list");
    expect(listed.out[0]).toBe("1 HQ viewer");
    expect(listed.out[1]).toMatch(/^id\s+telegram id\s+full name\s+added\s+removed$/);
    expect(listed.out[2]).toMatch(/^1\s+777000111\s+Кадрлар департаменті Ж\.Ж\.\s+2026-03-20 09:00$/);

    // Already there: refused, nothing changes.
    const twice = await run("hq", "add", "777000111", "Someone else");
    expect(twice).toMatchObject({
      code: 1,
      err: ["error: Telegram account 777000111 is already an HQ viewer (see: hq list)"],
    });

    const removed = await run("hq", "remove", "777000111");
    expect(removed.out).toEqual([
      "HQ viewer 1 removed: Telegram account 777000111 no longer sees the statistics",
    ]);
    expect((await run("hq", "list")).out[0]).toBe("0 HQ viewers, 1 removed");
    expect(await run("hq", "remove", "777000111")).toMatchObject({
      code: 1,
      err: ["error: Telegram account 777000111 is not an HQ viewer (see: hq list)"],
    });
    const restored = await run("hq", "add", "777000111", "Кадрлар департаменті Ж.Ж.");
    expect(restored.out).toEqual(["HQ viewer 1 restored: Telegram account 777000111"]);
    const [row] = await h.db.select().from(hqViewers);
    expect(row).toMatchObject({ telegramId: 777000111, removedAt: null });

    const events = await h.db.select().from(auditEvents);
    const hqEvents = events.filter((e) => e.action.startsWith("hq."));
    expect(hqEvents.map((e) => e.action)).toEqual(["hq.added", "hq.removed", "hq.added"]);
    for (const e of hqEvents) {
      expect(e.details).toEqual({ hqViewerId: 1, telegramId: 777000111, via: "cli" });
      expect(JSON.stringify(e)).not.toContain("Кадрлар");
    }
  });

  it("refuses a malformed id or name, and says how to use the command", async () => {
    const run = cli();
    for (const [argv, msg] of [
      [["hq", "add", "abc", "Name"], /"abc" is not a Telegram user id/],
      [["hq", "add", "0", "Name"], /"0" is not a Telegram user id/],
      [["hq", "add", "12345", "  "], /name is required/],
      [["hq", "add", "12345", "Two\nlines"], /line break/],
      [["hq", "add", "12345"], /missing <name>/],
      [["hq", "remove", "12x"], /"12x" is not a Telegram user id/],
    ] as const) {
      const r = await run(...argv);
      expect(r.code, argv.join(" ")).toBe(1);
      expect(r.err.join("\n"), argv.join(" ")).toMatch(msg);
    }
    // D16: a learner's account cannot be made an HQ viewer.
    const inst = await addInstitution(hr.current.db);
    const learner = await addStudent(hr.current.db, inst.id);
    const refused = await run("hq", "add", String(learner.tg.id), "Learner");
    expect(refused.err).toEqual([
      `error: Telegram account ${learner.tg.id} is bound to a learner's roster entry: a learner cannot be an HQ viewer`,
    ]);
    const help = await run("help", "hq", "add");
    expect(help.out[0]).toBe("Usage: npm run admin -- hq add <telegramId> <name>");
    expect((await run("help")).out.join("\n")).toMatch(
      /hq list\s+the viewers of the NSC Personnel Department/,
    );
  });

  it("with WEBAPP_URL: the button is queued in the viewer's language when added, the default when removed", async () => {
    const h = hr.current;
    await h.db.insert(users).values({ telegramId: 777000222, lang: "ru" });
    const run = cli({ webAppUrl: "https://bot.example.kz/app/" });
    const added = await run("hq", "add", "777000222", "Viewer");
    expect(added.out).toEqual([
      "HQ viewer 1 added: Telegram account 777000222",
      "the dashboard's menu button is queued for their chat (the bot sends it)",
    ]);
    await run("hq", "remove", "777000222");
    const queued = await h.db.select().from(outbox).where(eq(outbox.chatId, 777000222));
    expect(queued.map((r) => [r.method, r.payload])).toEqual([
      [
        "setChatMenuButton",
        {
          menu_button: {
            type: "web_app",
            text: "Панель управления",
            web_app: { url: "https://bot.example.kz/app/" },
          },
        },
      ],
      ["setChatMenuButton", { menu_button: { type: "default" } }],
    ]);
    await h.flush();
    expect(h.tg.sent("setChatMenuButton", 777000222)).toHaveLength(2);
  });
});
