/**
 * One Telegram hiccup inside /report (issue 12.2): a 429 with retry_after 1, a 502, or a dropped
 * connection on one of the bot's replies. The conversations plugin builds its own Api for each update, so
 * the bot's auto-retry (installed on bot.api) does not reach it; before the fix the reply failed, the
 * update failed with it, and the learner's answers so far were gone. Now the reply is retried (briefly, as
 * everywhere on the interactive path) and the draft survives: the preview still shows every answer.
 * And when an update inside a conversation fails for good (a reply Telegram refuses, a database error),
 * the conversation's state is left as it was before that update (src/db/conversation-storage.ts,
 * perUpdateStorage): the learner is told to try again, repeats the step, and nothing typed before is lost.
 */
import { describe, expect, it } from "vitest";
import { cases } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { REASONS } from "../support/flows";
import { useHarness } from "../support/harness";
import type { Failure } from "../support/telegram";

const t = tFor("kk");

describe("a Telegram hiccup on a reply inside the report conversation", () => {
  const hr = useHarness();

  const hiccups: [string, Failure][] = [
    [
      "a 429 with retry_after 1",
      { kind: "http", code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 },
    ],
    ["a 502", { kind: "http", code: 502, description: "Bad Gateway" }],
    ["a dropped connection", { kind: "network" }],
  ];

  for (const [what, failure] of hiccups) {
    it(`${what} on the reply to the reasons: retried, the draft kept, the report filed`, async () => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      await addStaff(h.db, inst.id);
      const { tg } = await addStudent(h.db, inst.id);
      await h.command(tg, "report");
      await h.press(tg, "r:g:own_will");
      // The next message the bot sends (the question that follows the reasons) fails once.
      h.tg.failNext(1, failure, "sendMessage");
      await h.text(tg, REASONS);
      expect(h.tg.calls.filter((c) => c.method === "!sendMessage")).toHaveLength(1); // the hiccup happened
      expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]); // …and the question still arrived
      expect(h.tg.textsTo(tg.id)).not.toContain(t("errors.internal"));

      await h.press(tg, "r:c:no");
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, "r:l:ru");
      expect(h.tg.lastTextTo(tg.id)).toContain(REASONS); // the answer given before the hiccup
      await h.press(tg, "r:submit");
      expect(await h.db.select().from(cases)).toHaveLength(1);
    }, 60_000);
  }

  it("all three in a row on one step: still retried within the interactive cap, the draft kept", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    h.tg.failNext(1, hiccups[0]![1], "sendMessage");
    h.tg.failNext(1, hiccups[1]![1], "sendMessage");
    await h.press(tg, "r:c:no"); // the phone question: 429, then 502, then delivered
    expect(h.tg.lastTextTo(tg.id)).toContain("+7 700 123 45 67");
    h.tg.failNext(1, hiccups[2]![1], "sendMessage");
    await h.text(tg, "+7 700 123 45 67"); // the language question: a dropped connection, then delivered
    await h.press(tg, "r:l:kk");
    expect(h.tg.lastTextTo(tg.id)).toContain(REASONS);
    expect(h.tg.calls.filter((c) => c.method === "!sendMessage")).toHaveLength(3);
  }, 60_000);

  it("a reply that fails for good: the update fails, the draft stays, the learner repeats the step", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    // Not retried (a 400): the conversation throws, so the update fails.
    h.tg.failNext(
      1,
      { kind: "http", code: 400, description: "Bad Request: message is too long" },
      "sendMessage",
    );
    await h.text(tg, REASONS);
    expect(h.tg.lastTextTo(tg.id)).toBe(t("errors.internal")); // told to try again
    await h.text(tg, REASONS); // the same step again: the chosen ground is still there
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
    await h.press(tg, "r:c:no");
    await h.text(tg, "+7 700 123 45 67");
    await h.press(tg, "r:l:ru");
    expect(h.tg.lastTextTo(tg.id)).toContain(REASONS);
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({ ground: "own_will", conscriptServed: false });
  }, 60_000);
});

describe("a connection to Telegram that stays down on a reply (issue 14.13)", () => {
  const hr = useHarness();

  it("is tried three times (1 s and 3 s apart), then the update fails instead of hanging; the draft stays", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    // The question after the reasons and the apology after it: every try dropped.
    h.tg.failNext(6, { kind: "network" }, "sendMessage");
    await h.text(tg, REASONS); // before, the plugin retried without end: this never returned
    // Three tries of the question, three of the apology.
    expect(h.tg.calls.filter((c) => c.method === "!sendMessage")).toHaveLength(6);
    expect(h.tg.textsTo(tg.id).join("\n")).not.toContain("Қадам 3/5");
    await h.text(tg, REASONS); // the same step again: the chosen ground is still there
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
  }, 60_000);
});
