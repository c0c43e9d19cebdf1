// Escalation of a missed deadline (src/rules/escalation.ts): the head always (cl. 12, 16, 19, 20), the
// deputy for personnel too for the personnel subdivision's steps (D4), and only statutory deadlines (D3).
import { describe, expect, it } from "vitest";
import { escalates, escalationRoles, ROLES } from "../../src/rules";

describe("escalation", () => {
  it("tells the head of every missed step, and the deputy for personnel of the personnel officer's", () => {
    for (const role of ROLES) {
      const expected = role === "personnel_officer" ? ["head", "deputy_personnel"] : ["head"];
      expect([role, escalationRoles(role)]).toEqual([role, expected]);
    }
  });

  it("escalates statutory deadlines only: targets and steps without a due date do not", () => {
    expect(escalates({ dueKind: "statutory" })).toBe(true);
    expect(escalates({ dueKind: "target" })).toBe(false);
    expect(escalates({ dueKind: null })).toBe(false);
  });
});
