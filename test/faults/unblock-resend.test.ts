/**
 * A user who blocked the bot and later unblocks it (issue 12.14): while blocked, every message to them
 * failed with 403 and they were marked unreachable. When they write to the bot again, the flag is
 * cleared and what failed meanwhile is sent, in order; a task message whose step has been finished since
 * stays unsent (its buttons would act on a finished step).
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { caseSteps, outbox, users } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport } from "../support/flows";
import { useHarness } from "../support/harness";

const BLOCKED = { kind: "http", code: 403, description: "Forbidden: bot was blocked by the user" } as const;

describe("a user unblocks the bot", () => {
  const hr = useHarness();

  it("messages that failed with 403 while blocked are sent when they write again", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    const deputy = staff.deputy.tg;
    const toDeputy = () => h.tg.sent("sendMessage", deputy.id);
    // The deputy has blocked the bot: every message to them is refused.
    const pendingToDeputy = (await h.db.select().from(outbox).where(eq(outbox.chatId, deputy.id))).length;
    expect(pendingToDeputy).toBeGreaterThan(0);
    h.tg.failNext(pendingToDeputy, BLOCKED, "sendMessage", deputy.id);
    await h.flush();
    expect(toDeputy()).toEqual([]);
    const failed = await h.db.select().from(outbox).where(eq(outbox.chatId, deputy.id)).orderBy(outbox.id);
    expect(failed.every((r) => r.state === "failed")).toBe(true);
    const [u] = await h.db.select().from(users).where(eq(users.telegramId, deputy.id));
    expect(u!.unreachable).toBe(true);

    // They unblock the bot and write to it.
    await h.command(deputy, "start");
    await h.flush();
    const [after] = await h.db.select().from(users).where(eq(users.telegramId, deputy.id));
    expect(after!.unreachable).toBe(false);
    const resent = toDeputy().filter((p) => failed.some((f) => f.payload.text === p.text));
    expect(resent.map((p) => p.text)).toEqual(failed.map((f) => f.payload.text)); // each once, in order
    const rows = await h.db.select().from(outbox).where(eq(outbox.chatId, deputy.id));
    expect(rows.every((r) => r.state === "sent")).toBe(true);
  });

  it("a task message of a step finished in the meantime is not sent again", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    const deputy = staff.deputy.tg;
    const mine = await h.db.select().from(outbox).where(eq(outbox.chatId, deputy.id));
    h.tg.failNext(mine.length, BLOCKED, "sendMessage", deputy.id);
    await h.flush();
    const stepRows = mine.filter((r) => r.stepId !== null);
    expect(stepRows.length).toBeGreaterThan(0);
    // Someone else finished those steps while the deputy had blocked the bot.
    for (const r of stepRows)
      await h.db.update(caseSteps).set({ state: "done" }).where(eq(caseSteps.id, r.stepId!));
    await h.command(deputy, "start");
    await h.flush();
    for (const r of stepRows) {
      const [row] = await h.db.select().from(outbox).where(eq(outbox.id, r.id));
      expect(row!.state).toBe("failed");
    }
    expect(
      h.tg.sent("sendMessage", deputy.id).filter((p) => stepRows.some((r) => r.payload.text === p.text)),
    ).toEqual([]);
  });
});
