/**
 * Issue 14.4: what the learner is told of the outcome: a rejection with what to do next, a notice for each
 * after-order step they must act on, the order, the submission, the transcript, the referral and the sum
 * in /status, and a "📋 Status" button under every notice.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { caseSteps } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { deputyActs, fileReport, instructAndTalk, stepButton, tap } from "../support/flows";
import { useHarness } from "../support/harness";

describe("the learner hears the outcome (issue 14.4)", () => {
  const hr = useHarness();

  it("a dismissed cadet (ru): order, referral, transcript and the sum, each told; /status shows them all", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id, { lang: "ru" });
    await fileReport(h, tg, "own_will", "ru");
    await deputyActs(h, staff);
    await instructAndTalk(h, staff, "no");
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    await h.flush();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "45-ж");
    await h.text(staff.personnel.tg, "20.03.2026");
    for (const s of await h.db.select().from(caseSteps).where(eq(caseSteps.state, "pending"))) {
      if (s.key === "notify_personnel_dept") {
        await h.press(staff.personnel.tg, `s:${s.id}:letter`);
        await h.text(staff.personnel.tg, "7-3/112");
        await h.text(staff.personnel.tg, "20.03.2026");
      } else if (s.key === "cost_calculation") {
        await h.press(staff.personnel.tg, `s:${s.id}:amount`);
        await h.text(staff.personnel.tg, "1 250 000");
      } else await tap(h, staff.personnel.tg, `s:${s.id}:done`);
    }
    await h.flush();
    const notices = h.tg.sent("sendMessage", tg.id).filter((p) => String(p.text).startsWith("Дело № 1"));
    const text = notices.map((p) => String(p.text)).join("\n");
    expect(text).toContain("транскрипт (академическая справка) готов");
    expect(text).toContain("направление в местный орган военного управления оформлено");
    expect(text).toContain("1\u00a0250\u00a0000 ₸");
    expect(text).toContain("Дело № 1 закрыто");
    // Every notice carries "📋 Status".
    for (const p of notices) {
      const kb = (
        p.reply_markup as { inline_keyboard: { callback_data: string }[][] }
      ).inline_keyboard.flat();
      expect(kb.map((b) => b.callback_data)).toContain("menu:status");
    }
    await h.command(tg, "status");
    const status = h.tg.lastTextTo(tg.id);
    expect(status).toContain("приказ об отчислении № 45-ж от 20.03.2026");
    expect(status).toContain("транскрипт готов");
    expect(status).toContain("направление в орган военного управления оформлено");
    expect(status).toContain("к возмещению: 1\u00a0250\u00a0000 ₸");
  });

  it("a rejection says the reason and what the learner can do next (kk)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    await deputyActs(h, staff);
    await instructAndTalk(h, staff);
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "reject"));
    await h.text(staff.head.tg, "Оқуды аяқтауға бір ай қалды.");
    await h.flush();
    const last = h.tg.lastTextTo(tg.id);
    expect(last).toContain("қабылдамады: «Оқуды аяқтауға бір ай қалды.");
    expect(last).toContain("/report арқылы жаңа баянат беріңіз");
  });
});
