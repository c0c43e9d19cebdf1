/**
 * D15 in the administrator's calendar view: on a six-day week the seed's notes are that week's own (a Sunday
 * holiday's substitute; no Monday for a Saturday holiday; no five-day-week transfers).
 */
import { describe, expect, it } from "vitest";
import { fileCase, stepOf } from "../jobs/helpers";
import { cliOutput } from "../support/cli";
import { addInstitution, addStaff } from "../support/fixtures";
import { useHarness } from "../support/harness";

describe("calendar show on a six-day week (D15)", () => {
  const hr = useHarness();

  it("names the six-day substitute days, not the five-day ones", async () => {
    const h = hr.current;
    const { run, out } = cliOutput(h);
    const inst = ["--name-kk", "Ә", "--name-ru", "А", "--head-title-kk", "Ә", "--head-title-ru", "А"];
    expect(await run("institution", "add", "--code", "six", ...inst, "--week", "1,2,3,4,5,6")).toBe(0);
    expect(await run("institution", "add", "--code", "five", ...inst)).toBe(0);
    out.length = 0;
    expect(await run("calendar", "show", "2026", "--institution", "six")).toBe(0);
    const six = out.join("\n");
    out.length = 0;
    expect(await run("calendar", "show", "2026", "--institution", "five")).toBe(0);
    const five = out.join("\n");
    // Nauryz 2026: Sat 21, Sun 22, Mon 23. Six-day: the Sunday moves to Tue 24; 25 March works.
    expect(six).toMatch(/2026-03-24\s+Tue\s+seed\s+Nauryz: substitute for Sun 22\.03/);
    expect(six).not.toContain("2026-03-25");
    expect(five).toMatch(/2026-03-24\s+Tue\s+seed\s+Nauryz: substitute for Sat 21\.03/);
    expect(five).toMatch(/2026-03-25\s+Wed\s+seed\s+Nauryz: substitute for Sun 22\.03/);
  });
});

describe("institution set --week (D1)", () => {
  const hr = useHarness({ now: "2026-03-06T05:00:00Z" }); // Friday 6 March 2026, 10:00 in Almaty

  it("moves the due dates of open steps to the new working week, and says so", async () => {
    const h = hr.current;
    const { run, out } = cliOutput(h);
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const caseId = await fileCase(h, inst.id);
    // Ch. 4 cl. 20: the head's instruction, 2 working days from Friday: Wednesday 11 March on a five-day week
    // (Sunday 8 March is International Women's Day; its substitute is Monday 9 March).
    expect((await stepOf(h.db, caseId, "instruct")).dueOn).toBe("2026-03-11");
    expect(await run("institution", "set", inst.code, "--week", "1,2,3,4,5,6")).toBe(0);
    expect(out.join("\n")).toMatch(/due dates recomputed: [1-9]\d* open step\(s\) moved/);
    // Six-day week: Saturday 7 March works (Monday 9 is still off), so the two end on Tuesday 10 March.
    expect((await stepOf(h.db, caseId, "instruct")).dueOn).toBe("2026-03-10");
  });
});
