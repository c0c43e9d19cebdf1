import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { caseSteps, cases } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, stepButton } from "../support/flows";
import { useHarness } from "../support/harness";

describe("own-will report, cadet: from submission to a closed case", () => {
  const hr = useHarness();

  it("walks every role and closes the case", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg: student } = await addStudent(h.db, inst.id);

    await fileReport(h, student, "own_will");
    expect(h.tg.lastTextTo(student.id)).toContain("№ 1");
    const [c] = await h.db.select().from(cases);
    expect(c?.state).toBe("open");
    expect(c?.rulesEdition).toContain("88/қе");

    await h.flush();
    // The deputy head for personnel work gets the approval request (D4).
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("№ 1 іс");
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.flush();

    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "instruct"));
    await h.flush();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "record"));
    await h.text(staff.personnel.tg, "Факты подтверждены в беседе.");
    await h.flush();
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    await h.flush();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "123-к");
    await h.text(staff.personnel.tg, "20.03.2026");
    await h.flush();
    const steps = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, 1));
    const post = steps
      .filter((s) => s.state === "pending")
      .map((s) => s.key)
      .sort();
    expect(post).toEqual(["cost_calculation", "military_referral", "notify_personnel_dept", "transcript"]);
    const notify = steps.find((s) => s.key === "notify_personnel_dept");
    expect(notify?.dueKind).toBe("statutory");
    // cl. 7: 5 working days from the order date, Fri 20.03.2026 → 23–25 March are days off → 26, 27, 30, 31 March, 1 April.
    expect(notify?.dueOn).toBe("2026-04-01");
    for (const s of steps.filter((x) => x.state === "pending"))
      await h.press(staff.personnel.tg, `s:${s.id}:done`);
    const [closed] = await h.db.select().from(cases);
    expect(closed?.state).toBe("closed");
    await h.flush();
    expect(h.tg.lastTextTo(student.id)).toContain("жабылды");
  });
});
