import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { BLOCKED_BY_USER, requeueBlocked } from "../../src/cases/outbox";
import { NamedMessages } from "../../src/cases/retention";
import { clearSentTexts, SENT_TEXT_DAYS } from "../../src/cases/sent-texts";
import { outbox } from "../../src/db/schema";
import { localDateOf } from "../../src/rules";
import { addInstitution } from "../support/fixtures";
import { useHarness } from "../support/harness";
import { actOn, at, digestsTo, fileCase, staff, tick } from "./helpers";

const DAY = 86_400_000;

describe("sent texts are cleared SENT_TEXT_DAYS after they were written (D8, issue 17)", () => {
  const hr = useHarness({ now: "2026-03-20T04:00:00Z" });

  it("clears what will not be sent again; keeps the recent, the pending and the blocked (requeued later)", async () => {
    const h = hr.current;
    const now = h.clock();
    const old = new Date(now.getTime() - (SENT_TEXT_DAYS + 1) * DAY);
    const recent = new Date(now.getTime() - (SENT_TEXT_DAYS - 1) * DAY);
    const row = (
      chatId: number,
      state: "sent" | "cancelled" | "failed" | "pending",
      createdAt: Date,
      lastError?: string,
    ) => ({
      chatId,
      method: "sendMessage" as const,
      payload: { text: `Текст ${chatId}: Асанов Ерлан`, parse_mode: "HTML" },
      state,
      nextAttemptAt: createdAt,
      lastError: lastError ?? null,
      sentAt: state === "sent" ? createdAt : null,
    });
    await h.db
      .insert(outbox)
      .values([
        row(101, "sent", old),
        row(102, "cancelled", old),
        row(103, "failed", old, "400: Bad Request: chat not found"),
        row(104, "failed", old, BLOCKED_BY_USER),
        row(105, "pending", old),
        row(106, "sent", recent),
        row(107, "sent", old),
      ]);

    expect(await clearSentTexts(h.db, now, { batch: 2 })).toBe(4);
    const rows = await h.db.select().from(outbox).orderBy(outbox.id);
    const cleared = rows.filter((r) => r.clearedAt !== null);
    expect(cleared.map((r) => r.state)).toEqual(["sent", "cancelled", "failed", "sent"]);
    for (const r of cleared) {
      expect(r.payload).toEqual({});
      expect(r.chatId).toBe(0);
      expect(r.clearedAt).toEqual(now);
    }
    // Kept whole: the blocked one, the pending one, the recent one.
    expect(rows.filter((r) => r.clearedAt === null).map((r) => r.chatId)).toEqual([104, 105, 106]);
    expect(
      rows.filter((r) => r.clearedAt === null).every((r) => String(r.payload.text).includes("Асанов")),
    ).toBe(true);

    // Again: nothing left to clear, nothing rewritten.
    expect(await clearSentTexts(h.db, new Date(now.getTime() + 1000))).toBe(0);
    expect(
      (await h.db.select().from(outbox).where(eq(outbox.chatId, 0))).every((r) => +r.clearedAt! === +now),
    ).toBe(true);
    // The user unblocks the bot: the blocked message is sent after all, text and chat intact.
    expect(await requeueBlocked(h.db, 104, now)).toBe(1);
    // The purge's name search reads only the rows that still hold a text.
    const named = new NamedMessages(["Асанов Ерлан"]);
    await named.extend(h.db);
    const kept = rows.filter((r) => r.clearedAt === null).map((r) => r.id);
    expect(named.ids.get("Асанов Ерлан")).toEqual(kept);
  });

  it("the daily tick clears a case's messages SENT_TEXT_DAYS after they were sent, before the purge; the case goes on as before", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    const caseId = await fileCase(h, inst.id, "contract_refusal", { name: "Бекова Алия Маратовна" });
    h.clock.set(new Date(h.clock().getTime() + 60_000)); // the learner's receipt waits a little for the chat
    await tick(h);
    const filed = await h.db.select().from(outbox).where(eq(outbox.caseId, caseId));
    expect(filed.length).toBeGreaterThan(2);
    expect(filed.map((r) => r.state)).toEqual(filed.map(() => "sent"));

    // Not before the period is over, and only on the daily tick (the one with the purge).
    h.clock.set(new Date(h.clock().getTime() + SENT_TEXT_DAYS * DAY - 60_000));
    expect((await tick(h, { purge: true })).sentTextsCleared).toBe(0);
    h.clock.set(new Date(h.clock().getTime() + 2 * DAY));
    expect((await tick(h)).sentTextsCleared).toBe(0);
    expect((await tick(h, { purge: true })).sentTextsCleared).toBeGreaterThanOrEqual(filed.length);
    const cutoff = h.clock().getTime() - SENT_TEXT_DAYS * DAY;
    const all = await h.db.select().from(outbox);
    // Everything sent before the period is empty; the recent digests (naming no learner) are kept.
    const old = all.filter((r) => r.sentAt && +r.sentAt < cutoff);
    expect(old.length).toBeGreaterThanOrEqual(filed.length);
    expect(old.filter((r) => JSON.stringify(r.payload) !== "{}" || r.chatId !== 0)).toEqual([]);
    expect(all.filter((r) => JSON.stringify(r.payload).includes("Бекова"))).toEqual([]);
    expect(all.filter((r) => r.clearedAt === null).every((r) => +r.sentAt! >= cutoff)).toBe(true);

    // The deputy still holds the interview: the copy of the task message is edited through step_messages.
    const before = h.tg.calls.length;
    const date = localDateOf(h.clock()).split("-").reverse().join(".");
    await actOn(h, s.deputy, caseId, "interview", "interview", { date });
    await h.flush();
    const edits = h.tg.calls.slice(before).filter((c) => c.method === "editMessageText");
    expect(edits.map((c) => c.payload.chat_id)).toContain(s.deputy.user.telegramId);
  });

  it("digests are written nameless (ids, step names, dates) and the name search does not read them", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    const caseId = await fileCase(h, inst.id, "own_will", { name: "Жаксыбекова Айгерим Серикқызы" });
    at(h, "2026-03-17 09:30");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(1);
    const rows = await h.db.select().from(outbox);
    const digests = rows.filter((r) => String(r.payload.text).startsWith("<b>📋"));
    expect(digests.length).toBeGreaterThanOrEqual(2);
    expect(digests.every((r) => r.nameless && !JSON.stringify(r.payload).includes("Жаксыбекова"))).toBe(true);
    // The case's own messages (the cards, the receipt) name the learner and are searched.
    const own = rows.filter((r) => r.caseId === caseId);
    expect(own.some((r) => JSON.stringify(r.payload).includes("Жаксыбекова"))).toBe(true);
    expect(own.every((r) => !r.nameless)).toBe(true);
    const named = new NamedMessages(["Жаксыбекова Айгерим Серикқызы", "<b>📋"]);
    await named.extend(h.db);
    expect(named.ids.get("<b>📋")).toEqual([]);
    expect(named.ids.get("Жаксыбекова Айгерим Серикқызы")!.length).toBeGreaterThan(0);
  });
});
