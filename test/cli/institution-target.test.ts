/**
 * D3: the institution's target for steps without a statutory period is a setting (`institution set
 * --target-days`), frozen in each case when it is filed; statutory periods never change with it.
 */
import { describe, expect, it } from "vitest";
import { cases } from "../../src/db/schema";
import { workflowFor } from "../../src/rules";
import { fileCase, stepOf } from "../jobs/helpers";
import { cliOutput } from "../support/cli";
import { addInstitution, addStaff } from "../support/fixtures";
import { useHarness } from "../support/harness";

describe("D3 in the rules: targetDays", () => {
  it("sets every target step and leaves the statutory periods alone", () => {
    const base = workflowFor("own_will", { category: "cadet", conscriptServed: false });
    const five = workflowFor("own_will", { category: "cadet", conscriptServed: false, targetDays: 5 });
    for (const [i, s] of base.steps.entries()) {
      const t = five.steps[i]!;
      if (s.deadline?.kind === "target") {
        expect(s.deadline.workingDays).toBe(2);
        expect(t.deadline).toMatchObject({ kind: "target", workingDays: 5, from: "opened" });
      } else expect(t.deadline).toEqual(s.deadline);
    }
    expect(five.steps.filter((s) => s.deadline?.kind === "target").length).toBeGreaterThan(0);
    expect(five.steps.filter((s) => s.deadline?.kind === "statutory").length).toBeGreaterThan(0);
  });
});

describe("institution set --target-days (D3)", () => {
  const hr = useHarness({ now: "2026-03-02T05:00:00Z" }); // Monday 2 March 2026, 10:00 in Almaty

  it("applies to cases filed afterwards; a case filed before keeps its target; 1–30 only", async () => {
    const h = hr.current;
    const { run, out } = cliOutput(h);
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const before = await fileCase(h, inst.id);

    expect(await run("institution", "set", inst.code, "--target-days", "31")).not.toBe(0);
    expect(out.join("\n")).toMatch(/--target-days/);
    out.length = 0;
    expect(await run("institution", "set", inst.code, "--target-days", "4")).toBe(0);
    expect(out.join("\n")).toContain("target for steps without a statutory period (D3): 4 working day(s)");
    const after = await fileCase(h, inst.id);

    // The deputy head's opinion carries the target: 2 working days from Monday → Wednesday 4 March, or 4 →
    // Friday 6 March. The head's cl. 20 instruction is statutory (2 working days) in both.
    expect((await stepOf(h.db, before, "endorse")).dueOn).toBe("2026-03-04");
    expect((await stepOf(h.db, after, "endorse")).dueOn).toBe("2026-03-06");
    expect((await stepOf(h.db, before, "instruct")).dueOn).toBe("2026-03-04");
    expect((await stepOf(h.db, after, "instruct")).dueOn).toBe("2026-03-04");
    const rows = await h.db
      .select({ id: cases.id, targetDays: cases.targetDays })
      .from(cases)
      .orderBy(cases.id);
    expect(rows.map((r) => r.targetDays)).toEqual([2, 4]);

    // A calendar change recomputes with each case's own target: Thursday 5 off, and Monday 9 is the
    // substitute for Sunday 8 March, so four working days end on Tuesday 10 March.
    expect(await run("calendar", "add-day-off", "2026-03-05", "--note", "test")).toBe(0);
    expect((await stepOf(h.db, before, "endorse")).dueOn).toBe("2026-03-04");
    expect((await stepOf(h.db, after, "endorse")).dueOn).toBe("2026-03-10");
  });
});
