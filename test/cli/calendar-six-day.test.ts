/**
 * D15 in the administrator's calendar view: on a six-day week the seed's notes are that week's own (a Sunday
 * holiday's substitute; no Monday for a Saturday holiday; no five-day-week transfers).
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run";
import { useHarness } from "../support/harness";

describe("calendar show on a six-day week (D15)", () => {
  const hr = useHarness();

  it("names the six-day substitute days, not the five-day ones", async () => {
    const h = hr.current;
    const out: string[] = [];
    const run = (...argv: string[]) =>
      runCli(argv, { db: h.db, out: (s) => out.push(s), err: (s) => out.push(s), now: () => h.clock() });
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
