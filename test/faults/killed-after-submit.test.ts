/**
 * Issue 12.15: the process is killed right after a submit commits, before the report conversation saved its
 * state or answered. The receipt still reaches the learner (queued with the case), and the stale draft does
 * not offer its old preview and Submit again.
 */
import { describe, expect, it } from "vitest";
import { RECEIPT_GRACE_MS } from "../../src/cases/receipt";
import { submitReport } from "../../src/cases/submit";
import { cases } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, REASONS } from "../support/flows";
import { useHarness } from "../support/harness";

describe("killed between the submit's commit and the conversation's answer", () => {
  const hr = useHarness();

  it("the receipt comes from the outbox; the stale draft says the report is registered", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg, user } = await addStudent(h.db, inst.id, { lang: "ru" });
    // The learner reaches the preview; the conversation's state is saved there.
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    await h.text(tg, "+7 700 123 45 67");
    await h.press(tg, "r:l:ru");
    expect(h.buttonsTo(tg.id)).toContain("r:submit");
    // The press on Submit commits the case, and the process dies before anything else happens.
    const r = await submitReport(
      h.db,
      {
        userId: user.id,
        ground: "own_will",
        reasons: REASONS,
        conscriptServed: false,
        phone: null,
        reportLang: "ru",
      },
      h.clock(),
    );
    expect(r.ok).toBe(true);
    const before = h.tg.textsTo(tg.id).length;
    await h.flush();
    expect(h.tg.textsTo(tg.id)).toHaveLength(before); // within the grace period the conversation may still answer
    h.clock.advance(RECEIPT_GRACE_MS + 1000);
    await h.flush();
    expect(h.tg.lastTextTo(tg.id)).toContain("Ваш рапорт зарегистрирован как дело № 1");
    // The learner comes back to the old draft: told it is registered, no preview, no second case.
    await h.press(tg, "r:submit");
    expect(h.tg.lastTextTo(tg.id)).toContain("Ваш рапорт уже зарегистрирован как дело № 1");
    await h.text(tg, "ещё раз");
    expect(h.buttonsTo(tg.id)).not.toContain("r:submit");
    expect(await h.db.select().from(cases)).toHaveLength(1);
  });

  it("an ordinary submit answers at once and the queued receipt is not sent twice", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    h.clock.advance(RECEIPT_GRACE_MS + 1000);
    await h.flush();
    const receipts = h.tg.textsTo(tg.id).filter((t) => t.includes("№ 1 іс ретінде тіркелді"));
    expect(receipts).toHaveLength(1);
  });
});
