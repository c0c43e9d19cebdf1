import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, caseSteps, cases, conversationState, users } from "../../src/db/schema";
import { createLogger } from "../../src/logger";
import type { StepKey } from "../../src/rules";
import { startWebhookServer } from "../../src/server/webhook";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, tap } from "../support/flows";
import { useHarness } from "../support/harness";

describe("security", () => {
  const hr = useHarness();

  it("shows HTML in names and reasons as text in officials' task messages", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id, { name: '<a href="tg://x">Evil</a> & <b>' });
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, "<i>reasons</i> with <code>markup</code> and & ampersands");
    await h.press(tg, "r:c:yes");
    await h.text(tg, "Өткізу");
    await h.press(tg, "r:l:ru");
    await h.press(tg, "r:submit");
    await h.flush();
    // Every card the deputy got (the first carries the report): names and reasons shown as text.
    const cards = h.tg.textsTo(staff.deputy.tg.id);
    expect(cards).toHaveLength(2);
    expect(cards[0]).toContain("&lt;i&gt;reasons&lt;/i&gt;");
    for (const task of cards) {
      expect(task).toContain("&lt;a href=&quot;tg://x&quot;&gt;Evil&lt;/a&gt; &amp; &lt;b&gt;");
      // Only our own tags remain.
      expect(task.replace(/<\/?[bi]>|<blockquote expandable>|<\/blockquote>/g, "")).not.toMatch(/<[a-z/]/i);
    }
  });

  it("forged and replayed callback data change nothing", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    await h.flush();
    const stepRow = async (key: StepKey) =>
      (await h.db.select().from(caseSteps).where(eq(caseSteps.key, key)))[0]!;
    const endorse = await stepRow("endorse");
    const interview = await stepRow("interview");
    const instruct = await stepRow("instruct");
    const heard = h.tg.textsTo(tg.id).length;
    // Forged: wrong action for the step, absurd ids, injection attempts, overlong data; and the first
    // chain's "return" and "waive" on the opinion and on the interview: nobody below the head can end or
    // return the report (docs/decisions.md, D4, D6), and the cl. 4 interview is never waived (D5).
    for (const data of [
      `s:${endorse.id}:approve`,
      `s:${endorse.id}:return`,
      `s:${endorse.id}:waive`,
      `s:${interview.id}:return`,
      `s:${interview.id}:waive`,
      "s:0:done",
      "s:1:done;drop",
      "c:1 OR 1=1",
      "x".repeat(64),
      "wy:999",
      "t:1",
    ]) {
      await h.press(staff.deputy.tg, data);
    }
    for (const a of h.tg.sent("answerCallbackQuery").slice(-11, -5))
      expect(String(a.text)).toContain("өкілеттігіңіз жоқ");
    expect(
      (await h.db.select().from(caseSteps).orderBy(caseSteps.id)).map((x) => [x.key, x.state, x.version]),
    ).toEqual([
      ["endorse", "pending", endorse.version],
      ["interview", "pending", interview.version],
      ["instruct", "pending", instruct.version],
    ]);
    expect((await h.db.select().from(cases))[0]).toMatchObject({ state: "open", outcomeReason: null });
    await h.flush();
    expect(h.tg.textsTo(tg.id)).toHaveLength(heard); // the learner was told nothing
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"));
    expect(refused.map((e) => (e.details as { action: string }).action)).toEqual([
      "approve",
      "return",
      "waive",
      "return",
      "waive",
      "done",
    ]);

    // Replayed: the same press after the step is done, and the other answer pressed on a stale card.
    await tap(h, staff.deputy.tg, `s:${endorse.id}:agree`);
    await h.press(staff.deputy.tg, `s:${endorse.id}:agree`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("Орынбасар К.К.");
    await h.press(staff.deputy.tg, `s:${endorse.id}:disagree`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("Орынбасар К.К.");
    await h.press(staff.deputy.tg, `s:${interview.id}:interview`);
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.press(staff.deputy.tg, `s:${interview.id}:interview`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("Орынбасар К.К.");
    // Once done, the forged actions are still refused, not recorded as stale presses.
    await h.press(staff.deputy.tg, `s:${interview.id}:waive`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("өкілеттігіңіз жоқ");
    const done = await h.db.select().from(caseSteps).orderBy(caseSteps.id);
    expect(done.find((x) => x.key === "endorse")?.result).toEqual({ action: "agree" });
    expect(done.find((x) => x.key === "interview")?.result).toEqual({
      action: "interview",
      date: "2026-03-20",
    });
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.agree"))).toHaveLength(1);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.disagree"))).toHaveLength(
      0,
    );
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.stale"))).toHaveLength(3);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"))).toHaveLength(
      7,
    );
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    // Every press got an answer (no endless spinner).
    const presses = h.tg.calls.filter((c) => c.method === "answerCallbackQuery").length;
    expect(presses).toBeGreaterThanOrEqual(17);
  });

  it("updates from chats the bot does not know: groups are ignored, strangers get the access hint only", async () => {
    const h = hr.current;
    await h.send({
      message: {
        message_id: 1,
        date: 0,
        chat: { id: -100123, type: "supergroup", title: "Group" },
        from: { id: 9001, is_bot: false, first_name: "G" },
        text: "/report",
        entities: [{ type: "bot_command", offset: 0, length: 7 }],
      },
    } as never);
    expect(h.tg.calls.filter((c) => c.method === "sendMessage")).toHaveLength(0);
    await h.send({
      edited_message: {
        message_id: 2,
        date: 0,
        edit_date: 0,
        chat: { id: 9002, type: "private", first_name: "E" },
        text: "x",
      },
    } as never);
    const stranger = { id: 9003, first_name: "S" };
    await h.command(stranger, "inbox");
    expect(h.tg.lastTextTo(stranger.id)).toContain("лауазымды адамдарға");
    await h.command(stranger, "case", "1");
    expect(await h.db.select().from(cases)).toHaveLength(0);
  });

  it("oversized messages are refused inside the conversation and stored nowhere", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, "ж".repeat(4096));
    expect(h.tg.textsTo(tg.id).at(-2)).toContain("4096");
    const states = await h.db.select().from(conversationState);
    expect(states.every((s) => s.value.length < 20_000)).toBe(true);
    // \u0000 in text (jsonb would reject it) is stored fine in the conversation state, and refused as an
    // answer (issue 12.5: accepted, it made every submit fail): the learner is told why and asked again.
    await h.text(tg, `Себептері:\u0000 отбасылық жағдай, ауру, т.б.`);
    expect(h.tg.textsTo(tg.id).at(-2)).toContain("басқару таңбалары");
    expect(h.tg.lastTextTo(tg.id)).toContain("себептерін");
  });

  it("the webhook refuses requests without the secret token (401) and answers health checks", async () => {
    const h = hr.current;
    const server = await startWebhookServer(h.bot, h.db, createLogger("silent"), {
      host: "127.0.0.1",
      port: 0,
      secretToken: "s3cret-token-for-tests",
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const update = {
        update_id: 1,
        message: {
          message_id: 1,
          date: 0,
          chat: { id: 7001, type: "private", first_name: "W" },
          from: { id: 7001, is_bot: false, first_name: "W" },
          text: "/start",
          entities: [{ type: "bot_command", offset: 0, length: 6 }],
        },
      };
      const post = (headers: Record<string, string>) =>
        fetch(`${base}/telegram`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(update),
        });
      expect((await post({})).status).toBe(401);
      expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "wrong" })).status).toBe(401);
      expect(await h.db.select().from(users)).toHaveLength(0);
      const ok = await post({ "X-Telegram-Bot-Api-Secret-Token": "s3cret-token-for-tests" });
      expect(ok.status).toBe(200);
      // Handled (the stranger got the access hint), and a stranger costs no users row (issue 12.17).
      expect(h.tg.lastTextTo(7001)).toContain("шақыру сілтемесін");
      expect(await h.db.select().from(users)).toHaveLength(0);
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, db: "up" });
      expect((await fetch(`${base}/other`)).status).toBe(404);
      const huge = await fetch(`${base}/telegram`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "X-Telegram-Bot-Api-Secret-Token": "s3cret-token-for-tests",
        },
        body: JSON.stringify({ update_id: 2, padding: "x".repeat(2_000_000) }),
      });
      expect(huge.status).toBe(413);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("logs", () => {
  it("never carry the bound parameters of a failed query (names, reasons)", async () => {
    const { safeError } = await import("../../src/logger");
    const err = new Error(
      'Failed query: insert into "cases" ("reasons") values ($1)\nparams: Отбасылық жағдай, Нұрғалиев',
    );
    const logged = JSON.stringify(safeError(err));
    expect(logged).toContain("Failed query");
    expect(logged).not.toContain("Нұрғалиев");
  });
});
