/**
 * Two bot instances behind a load balancer, one database: updates of one chat land on different
 * instances at the same time. The per-chat lock (Postgres advisory lock; in process for PGlite) keeps
 * them in order, so a double tap spread over both instances still behaves like one instance.
 */
import { describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/create-bot";
import { cases } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { REASONS } from "../support/flows";
import { useHarness } from "../support/harness";
import { BOT_INFO } from "../support/telegram";

describe("two instances on one database", () => {
  const hr = useHarness();

  it("a double tap on Submit spread over both instances files one case and one receipt", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    const deps = { ...h.deps, withLock: h.database.withLock };
    const mk = () =>
      createBot({ token: "42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz" }, deps, {
        botInfo: BOT_INFO,
        client: { fetch: h.tg.fetch as never },
      });
    const a = mk();
    const b = mk();
    h.bot = a;
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    h.bot = b;
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    h.bot = a;
    await h.text(tg, "+7 700 123 45 67");
    await h.press(tg, "r:l:ru");
    const preview = h.lastMessageIdTo(tg.id);
    const press = (id: number) => ({
      update_id: id,
      callback_query: {
        id: String(id),
        from: { id: tg.id, is_bot: false, first_name: tg.first_name },
        chat_instance: "ci",
        data: "r:submit",
        message: {
          message_id: preview,
          date: 0,
          chat: { id: tg.id, type: "private" as const, first_name: "x" },
          text: "",
        },
      },
    });
    const before = h.tg.textsTo(tg.id).length;
    await Promise.all([a.handleUpdate(press(90001) as never), b.handleUpdate(press(90002) as never)]);
    expect(await h.db.select().from(cases)).toHaveLength(1);
    const after = h.tg.textsTo(tg.id).slice(before);
    expect(after.filter((t) => t.includes("📨"))).toHaveLength(1);
    // The second press found the flow finished, as on one instance; it was not a second submission.
    expect(after.some((t) => t.includes("ашық іс"))).toBe(false);
    expect(h.tg.sent("answerCallbackQuery").at(-1)?.text).toContain("батырма");
  });
});
