// One block per clause of 75/қе (as amended by 88/қе): what the code does with it.
import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  CATEGORIES,
  type Category,
  dueDateFor,
  expulsionOutcome,
  GROUND_RULES,
  GROUNDS,
  type Ground,
  openableSteps,
  type StepDef,
  type StepKey,
  type Workflow,
  type WorkflowContext,
  workflowFor,
} from "../../src/rules/index";

const ctx = (category: Category, more: Partial<WorkflowContext> = {}): WorkflowContext => ({
  category,
  conscriptServed: true,
  ...more,
});
const keys = (wf: Workflow): StepKey[] => wf.steps.map((s) => s.key);
const step = (wf: Workflow, key: StepKey): StepDef => {
  const s = wf.steps.find((x) => x.key === key);
  if (s === undefined) throw new Error(`${wf.ground} has no ${key}`);
  return s;
};
const VSUZ_GROUNDS = GROUNDS.filter((g) => g !== "foreign_org");
const all = (fn: (ground: Ground, category: Category) => void): void => {
  for (const g of GROUNDS) for (const c of CATEGORIES) fn(g, c);
};

describe("cl. 2 (88/қе): expulsion from a foreign educational organisation", () => {
  it.each([
    ["cadet", ["endorse", "foreign_order", "notify_personnel_dept", "cost_calculation"]],
    ["masters", ["endorse", "foreign_submission", "notify_personnel_dept", "cost_calculation"]],
    ["doctoral", ["endorse", "foreign_submission", "notify_personnel_dept", "cost_calculation"]],
  ] as const)("%s: %j", (category, expected) => {
    expect(keys(workflowFor("foreign_org", ctx(category)))).toEqual(expected);
  });

  it("the personnel officer prepares the order / submission; no period is stated, so a D3 target", () => {
    for (const c of CATEGORIES) {
      const wf = workflowFor("foreign_org", ctx(c));
      const s = step(wf, c === "cadet" ? "foreign_order" : "foreign_submission");
      expect(s.role).toBe("personnel_officer");
      expect(s.deadline).toMatchObject({ kind: "target", from: "opened" });
      expect(s.produces).toEqual([c === "cadet" ? "order" : "submission"]);
      expect(s.cite).toMatch(/cl\. 2/);
    }
  });

  it("there is no head's decision: the foreign organisation expelled the learner", () => {
    const wf = workflowFor("foreign_org", ctx("cadet"));
    expect(wf.steps.some((s) => s.terminal === "decision")).toBe(false);
    expect(wf.chapter).toBe("ch. 1 (cl. 2)");
  });

  it("the cost calculation follows every foreign expulsion, even if the D5 map is switched off", () => {
    const wf = workflowFor("foreign_org", ctx("masters", { reimbursement: { foreign_org: false } }));
    expect(keys(wf)).toEqual(["foreign_submission", "notify_personnel_dept", "cost_calculation"]);
    expect(step(wf, "foreign_submission").opensAfter).toEqual([]);
    expect(step(wf, "cost_calculation").cite).toBe("cl. 2, 8; D11");
  });

  it("master's and doctoral students are released to the sending unit; cadets are dismissed", () => {
    expect(expulsionOutcome("foreign_org", "cadet")).toEqual({ outcome: "dismissal", cite: "cl. 2" });
    expect(expulsionOutcome("foreign_org", "doctoral")).toEqual({
      outcome: "release_to_sending_unit",
      cite: "cl. 2; D7",
    });
  });
});

describe("cl. 3: five grounds for expulsion from a ВСУЗ", () => {
  it.each([
    ["academic_failure", 1, "ch. 2"],
    ["negative_reasons", 2, "ch. 3"],
    ["own_will", 3, "ch. 4"],
    ["citizenship", 4, "ch. 5"],
    ["contract_refusal", 5, "ch. 6"],
  ] as const)("%s is item %i, procedure in %s", (ground, item, chapter) => {
    expect(GROUND_RULES[ground]).toMatchObject({ item, chapter, institution: "vsuz" });
    expect(workflowFor(ground, ctx("cadet")).chapter).toBe(chapter);
  });

  it("the foreign ground comes from cl. 2, not cl. 3", () => {
    expect(GROUND_RULES.foreign_org).toMatchObject({ item: null, institution: "foreign" });
    expect(GROUNDS).toHaveLength(6);
  });
});

describe("cl. 4–5: reimbursement interview by the deputy head for personnel, signed interview sheet", () => {
  it.each([
    ["own_will", true],
    ["contract_refusal", true],
    ["academic_failure", true],
    ["negative_reasons", true],
    ["foreign_org", true],
    ["citizenship", false],
  ] as const)("%s: interview sheet by default = %s", (ground, expected) => {
    for (const c of CATEGORIES) {
      const wf = workflowFor(ground, ctx(c));
      const interview = wf.steps.find((s) => s.produces.includes("interview_sheet"));
      expect(interview !== undefined).toBe(expected);
      if (interview) {
        expect(interview).toMatchObject({ key: "endorse", role: "deputy_personnel" });
        expect(interview.cite).toMatch(/cl\. 4–5/);
      }
    }
  });

  it("the institution's D5 map switches the interview on or off", () => {
    const on = workflowFor("citizenship", ctx("cadet", { reimbursement: { citizenship: true } }));
    expect(step(on, "endorse").produces).toEqual(["report", "interview_sheet"]);
    const off = workflowFor("academic_failure", ctx("cadet", { reimbursement: { academic_failure: false } }));
    expect(keys(off)).not.toContain("endorse");
    expect(step(off, "decide").opensAfter).toEqual(["agree_academic"]);
    const offNeg = workflowFor(
      "negative_reasons",
      ctx("cadet", { reimbursement: { negative_reasons: false } }),
    );
    expect(step(offNeg, "decide").opensAfter).toEqual(["agree_upbringing"]);
    const offOwn = workflowFor("own_will", ctx("cadet", { reimbursement: { own_will: false } }));
    expect(step(offOwn, "endorse")).toMatchObject({ produces: ["report"], cite: "D4" });
  });

  it("the interview comes before the head's decision (and before the foreign dismissal order)", () => {
    all((g, c) => {
      const wf = workflowFor(g, ctx(c));
      const i = keys(wf).indexOf("endorse");
      const decideOrOrder = keys(wf).findIndex(
        (k) => k === "decide" || k === "foreign_order" || k === "foreign_submission",
      );
      if (i >= 0) expect(i).toBeLessThan(decideOrOrder);
    });
  });
});

describe("cl. 6: a transcript for those expelled from a ВСУЗ", () => {
  it("every ВСУЗ ground and category has a transcript step after the order", () => {
    for (const g of VSUZ_GROUNDS) {
      for (const c of CATEGORIES) {
        const wf = workflowFor(g, ctx(c));
        const t = step(wf, "transcript");
        expect(t).toMatchObject({ role: "personnel_officer", produces: ["transcript"], cite: "cl. 6; D11" });
        expect(t.deadline).toMatchObject({ kind: "target" });
      }
    }
  });

  it("[I] no transcript on the foreign ground: cl. 6 speaks of the ВСУЗ only", () => {
    for (const c of CATEGORIES) expect(keys(workflowFor("foreign_org", ctx(c)))).not.toContain("transcript");
  });
});

describe("cl. 7 (88/қе): NSC Personnel Department within 5 WD of the order; military referral", () => {
  it("every workflow notifies the Personnel Department within 5 WD of the order date", () => {
    all((g, c) => {
      const s = step(workflowFor(g, ctx(c)), "notify_personnel_dept");
      expect(s.deadline).toEqual({
        kind: "statutory",
        workingDays: 5,
        from: "order_date",
        cite: "cl. 7 (88/қе); D2",
      });
      expect(s.role).toBe("personnel_officer");
    });
  });

  it("5 WD from Tue 17.03.2026 ends Fri 27.03 and from Fri 20.03 ends Wed 01.04 (Nauryz between)", () => {
    const s = step(workflowFor("negative_reasons", ctx("cadet")), "notify_personnel_dept");
    expect(dueDateFor(s, { registered: "2026-03-10", opened: "2026-03-17", order_date: "2026-03-17" })).toBe(
      "2026-03-27",
    );
    expect(addWorkingDays("2026-03-20", 5)).toBe("2026-04-01");
  });

  it("military referral only when conscript service was not served, on every ground", () => {
    all((g, c) => {
      expect(keys(workflowFor(g, ctx(c, { conscriptServed: true })))).not.toContain("military_referral");
      const s = step(workflowFor(g, ctx(c, { conscriptServed: false })), "military_referral");
      expect(s).toMatchObject({ role: "personnel_officer", cite: "cl. 7; D11" });
    });
  });
});

describe("cl. 8: reimbursement under order 85 қе (cost calculation)", () => {
  it.each([
    ["own_will", true],
    ["contract_refusal", true],
    ["academic_failure", true],
    ["negative_reasons", true],
    ["citizenship", false],
  ] as const)("%s: cost calculation by default = %s", (ground, expected) => {
    expect(keys(workflowFor(ground, ctx("cadet"))).includes("cost_calculation")).toBe(expected);
  });

  it("follows the D5 map", () => {
    const wf = workflowFor("citizenship", ctx("cadet", { reimbursement: { citizenship: true } }));
    expect(step(wf, "cost_calculation").cite).toBe("cl. 8; D5; D11");
    expect(keys(workflowFor("own_will", ctx("cadet", { reimbursement: { own_will: false } })))).not.toContain(
      "cost_calculation",
    );
  });
});

describe("cl. 14: academic submission no later than 3 WD from the moment the grounds arose", () => {
  const wf = workflowFor("academic_failure", ctx("cadet"));
  const s = step(wf, "submit_academic");

  it("is statutory, 3 WD from the registered trigger, by the academic-methods head", () => {
    expect(s).toMatchObject({ role: "academic_methods_head", opensAfter: [] });
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 3, from: "registered", cite: "cl. 14; D2" });
    expect(s.produces).toEqual(["academic_submission", "interview_sheets", "debt_notifications"]); // cl. 13
  });

  it.each([
    ["2026-03-19", "2026-03-27"],
    ["2026-05-05", "2026-05-12"], // 6, 8, 12 May: 7 May and the 11 May substitute are off
    ["2025-12-30", "2026-01-06"],
  ])("debt deadline passed %s → submission due %s", (registered, due) => {
    expect(dueDateFor(s, { registered, opened: registered })).toBe(due);
  });

  it("cl. 12: agreed by the deputy head for academic work", () => {
    expect(step(wf, "agree_academic")).toMatchObject({
      role: "deputy_academic",
      opensAfter: ["submit_academic"],
    });
  });
});

describe("cl. 15: academic failure — order (cadets) or submission (master's, doctoral) within 2 WD", () => {
  it.each([
    ["cadet", "order"],
    ["masters", "submission"],
    ["doctoral", "submission"],
  ] as const)("%s → %s", (category, key) => {
    const s = step(workflowFor("academic_failure", ctx(category)), key);
    expect(s).toMatchObject({ role: "personnel_officer", opensAfter: ["decide"], produces: [key] });
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 2, from: "decision", cite: "cl. 15; D2" });
    expect(dueDateFor(s, { registered: "2026-03-10", opened: "2026-03-20", decision: "2026-03-20" })).toBe(
      "2026-03-27",
    );
  });

  it("outcome: release to the sending unit for master's and doctoral students (D7)", () => {
    expect(expulsionOutcome("academic_failure", "masters").outcome).toBe("release_to_sending_unit");
    expect(expulsionOutcome("academic_failure", "cadet")).toEqual({ outcome: "dismissal", cite: "cl. 15" });
  });
});

describe("cl. 16–18: negative reasons — reasoned report, upbringing deputy, dismissal order within 2 WD", () => {
  it.each(CATEGORIES)("%s: same steps and a dismissal order", (category) => {
    const wf = workflowFor("negative_reasons", ctx(category));
    expect(keys(wf)).toEqual([
      "submit_negative",
      "agree_upbringing",
      "endorse",
      "decide",
      "order",
      "notify_personnel_dept",
      "transcript",
      "cost_calculation",
    ]);
    expect(step(wf, "submit_negative")).toMatchObject({
      role: "unit_head",
      produces: ["reasoned_report", "investigation_materials"],
    });
    expect(step(wf, "agree_upbringing").role).toBe("deputy_upbringing");
    expect(step(wf, "order").deadline).toEqual({
      kind: "statutory",
      workingDays: 2,
      from: "decision",
      cite: "cl. 18; D2",
    });
    expect(expulsionOutcome("negative_reasons", category)).toEqual({ outcome: "dismissal", cite: "cl. 18" });
  });
});

describe("cl. 19–22: own will", () => {
  it.each([
    ["cadet", "order"],
    ["masters", "submission"],
    ["doctoral", "submission"],
  ] as const)("%s: endorse → instruct → conversation → decide → %s → post-order", (category, last) => {
    const wf = workflowFor("own_will", ctx(category));
    expect(keys(wf)).toEqual([
      "endorse",
      "instruct",
      "conversation",
      "decide",
      last,
      "notify_personnel_dept",
      "transcript",
      "cost_calculation",
    ]);
    expect(wf).toMatchObject({ chapter: "ch. 4", cite: "cl. 19–22" });
  });

  it("cl. 20: the head instructs within 2 WD of the report's registration", () => {
    const s = step(workflowFor("own_will", ctx("cadet")), "instruct");
    expect(s).toMatchObject({ role: "head", opensAfter: ["endorse"] });
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 2, from: "registered", cite: "cl. 20; D2" });
    // registered on Thu 19.03.2026 → due Thu 26.03.2026 (20.03 and 26.03)
    expect(dueDateFor(s, { registered: "2026-03-19", opened: "2026-03-20" })).toBe("2026-03-26");
  });

  it("cl. 20: the personnel officer records the fact check (target)", () => {
    const s = step(workflowFor("own_will", ctx("cadet")), "conversation");
    expect(s).toMatchObject({ role: "personnel_officer", produces: ["conversation_record"] });
    expect(s.deadline?.kind).toBe("target");
  });

  it("cl. 19: the head decides on the report", () => {
    expect(step(workflowFor("own_will", ctx("cadet")), "decide")).toMatchObject({
      role: "head",
      terminal: "decision",
      opensAfter: ["conversation"],
    });
  });

  it("cl. 21: order / submission within 2 WD of the decision", () => {
    const s = step(workflowFor("own_will", ctx("doctoral")), "submission");
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 2, from: "decision", cite: "cl. 21; D2" });
    expect(s.cite).toBe("cl. 21, 22; D7");
    expect(dueDateFor(s, { registered: "2024-05-01", opened: "2024-05-03", decision: "2024-05-03" })).toBe(
      "2024-05-06",
    );
  });

  it("cl. 22: master's and doctoral students return to the sending units", () => {
    expect(expulsionOutcome("own_will", "masters")).toEqual({
      outcome: "release_to_sending_unit",
      cite: "cl. 21, 22; D7",
    });
    expect(expulsionOutcome("own_will", "cadet")).toEqual({ outcome: "dismissal", cite: "cl. 21" });
  });
});

describe("cl. 23–24: termination of citizenship", () => {
  it.each(CATEGORIES)(
    "%s: endorse (D4) → verify_decree → decide → order → post-order, no cost calculation",
    (c) => {
      const wf = workflowFor("citizenship", ctx(c));
      expect(keys(wf)).toEqual([
        "endorse",
        "verify_decree",
        "decide",
        "order",
        "notify_personnel_dept",
        "transcript",
      ]);
      expect(step(wf, "verify_decree")).toMatchObject({
        role: "personnel_officer",
        produces: ["decree"],
        cite: "cl. 23",
      });
      expect(step(wf, "decide").cite).toBe("cl. 23; D6");
      expect(step(wf, "order")).toMatchObject({ role: "personnel_officer", cite: "cl. 24; D3" });
      expect(step(wf, "order").deadline?.kind).toBe("target");
      expect(expulsionOutcome("citizenship", c)).toEqual({ outcome: "dismissal", cite: "cl. 24" });
    },
  );
});

describe("cl. 25–26: refusal to conclude the service contract", () => {
  it.each(CATEGORIES)("%s: dismissal order within 3 WD of the decision (= the instruction)", (c) => {
    const wf = workflowFor("contract_refusal", ctx(c, { conscriptServed: false }));
    expect(keys(wf)).toEqual([
      "endorse",
      "decide",
      "order",
      "notify_personnel_dept",
      "military_referral",
      "transcript",
      "cost_calculation",
    ]);
    expect(step(wf, "decide").cite).toBe("cl. 25; cl. 26; D2; D6");
    const order = step(wf, "order");
    expect(order.deadline).toEqual({
      kind: "statutory",
      workingDays: 3,
      from: "decision",
      cite: "cl. 26; D2",
    });
    expect(
      dueDateFor(order, { registered: "2026-03-10", opened: "2026-03-20", decision: "2026-03-20" }),
    ).toBe("2026-03-30");
    expect(expulsionOutcome("contract_refusal", c)).toEqual({ outcome: "dismissal", cite: "cl. 26; D7" });
  });
});

describe("D4: an institution's extra endorsers before the deputy head", () => {
  const ctx = { category: "cadet" as const, conscriptServed: true };

  it("puts them first, in order, each a target (D3), and the deputy head after the last", () => {
    const wf = workflowFor("own_will", { ...ctx, endorsers: ["unit_head", "deputy_upbringing"] });
    const [first, second, endorse] = wf.steps;
    expect(first).toMatchObject({ key: "pre_endorse_1", role: "unit_head", opensAfter: [], cite: "D4" });
    expect(first?.deadline).toMatchObject({ kind: "target", cite: "D3" });
    expect(second).toMatchObject({
      key: "pre_endorse_2",
      role: "deputy_upbringing",
      opensAfter: ["pre_endorse_1"],
    });
    expect(endorse).toMatchObject({
      key: "endorse",
      role: "deputy_personnel",
      opensAfter: ["pre_endorse_2"],
    });
    expect(openableSteps(wf, new Set(), new Set()).map((s) => s.key)).toEqual(["pre_endorse_1"]);
  });

  it("applies to the reports learners file (ch. 4, ch. 6) only", () => {
    expect(workflowFor("contract_refusal", { ...ctx, endorsers: ["unit_head"] }).steps[0]?.key).toBe(
      "pre_endorse_1",
    );
    expect(
      workflowFor("academic_failure", { ...ctx, endorsers: ["unit_head"] }).steps.map((s) => s.key),
    ).not.toContain("pre_endorse_1");
  });

  it.each([
    [["head"]],
    [["deputy_personnel"]],
    [["admin"]],
    [["nobody"]],
    [["unit_head", "unit_head", "unit_head", "unit_head"]],
  ])("refuses %j", (endorsers) => {
    expect(() => workflowFor("own_will", { ...ctx, endorsers: endorsers as never })).toThrow(RangeError);
  });
});
