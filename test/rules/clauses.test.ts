// One block per clause of 75/қе (as amended by 88/қе): what the code does with it, as example tables.
// Each expectation is taken from the Kazakh text (docs/rules-75-ke.kk.txt) and the product decisions
// (docs/decisions.md: "only the head decides"), not from what the code happens to return.
import { describe, expect, it } from "vitest";
import { actionsFor } from "../../src/cases/actions";
import {
  addWorkingDays,
  CATEGORIES,
  type Category,
  conscriptMatters,
  dueDateFor,
  expulsionOutcome,
  GROUND_RULES,
  GROUNDS,
  type Ground,
  headDecisions,
  isComplete,
  missingBefore,
  needsMilitaryReferral,
  openableSteps,
  opinionSteps,
  type Role,
  STEP_KEYS,
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
/** Every step that must be done before `key` can open (opensAfter, transitively). */
const before = (wf: Workflow, key: StepKey): Set<StepKey> => {
  const seen = new Set<StepKey>();
  const visit = (k: StepKey): void => {
    for (const dep of step(wf, k).opensAfter) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(key);
  return seen;
};
/** What is open on the day the report is registered (nothing done, nothing opened yet). */
const atRegistration = (wf: Workflow): StepKey[] => openableSteps(wf, new Set(), new Set()).map((s) => s.key);
const VSUZ_GROUNDS = GROUNDS.filter((g) => g !== "foreign_org");
const REIMBURSEMENT_GROUNDS: Ground[] = [
  "own_will",
  "contract_refusal",
  "academic_failure",
  "negative_reasons",
  "foreign_org",
];
const all = (fn: (ground: Ground, category: Category) => void): void => {
  for (const g of GROUNDS) for (const c of CATEGORIES) fn(g, c);
};
/** Every shape a case can take: grounds × categories × conscript answer × extra opinion-givers (D4). */
const EXTRA: (readonly Role[])[] = [[], ["unit_head"], ["unit_head", "deputy_academic", "deputy_upbringing"]];
const everyShape = (fn: (ground: Ground, c: WorkflowContext, name: string) => void): void => {
  for (const g of GROUNDS)
    for (const category of CATEGORIES)
      for (const conscriptServed of [true, false])
        for (const endorsers of EXTRA)
          fn(
            g,
            { category, conscriptServed, endorsers },
            `${g}/${category}/served=${conscriptServed}/extra=${endorsers.length}`,
          );
};

describe("cl. 2 (88/қе): expulsion from a foreign educational organisation", () => {
  it("cl. 2, cl. 4, cl. 7: cadet — interview, order on dismissal, notification, cost calculation", () => {
    expect(keys(workflowFor("foreign_org", ctx("cadet")))).toEqual([
      "interview",
      "foreign_order",
      "notify_personnel_dept",
      "cost_calculation",
    ]);
    // cl. 7: a cadet who has not served the conscript term is referred to the military administration body.
    expect(keys(workflowFor("foreign_org", ctx("cadet", { conscriptServed: false })))).toEqual([
      "interview",
      "foreign_order",
      "notify_personnel_dept",
      "military_referral",
      "cost_calculation",
    ]);
  });

  it("cl. 2: the personnel subdivision prepares the order / sends the submission; no period stated → D3 target", () => {
    for (const c of CATEGORIES) {
      const wf = workflowFor("foreign_org", ctx(c));
      const s = step(wf, c === "cadet" ? "foreign_order" : "foreign_submission");
      expect(s.role).toBe("personnel_officer");
      expect(s.deadline).toMatchObject({ kind: "target", from: "opened", cite: "D3" });
      expect(s.produces).toEqual([c === "cadet" ? "order" : "submission"]);
      expect(s.cite).toMatch(/cl\. 2/);
    }
  });

  it("cl. 2: no head's decision (the foreign organisation expelled the learner), no opinion asked (D4)", () => {
    for (const c of CATEGORIES) {
      const wf = workflowFor("foreign_org", ctx(c, { endorsers: ["unit_head"] }));
      expect(wf.steps.some((s) => s.terminal === "decision")).toBe(false);
      expect(opinionSteps(wf)).toEqual([]);
      expect(wf.chapter).toBe("ch. 1 (cl. 2)");
    }
  });

  it("cl. 4: the interview covers foreign organisations too, at registration, before the order / submission", () => {
    for (const c of CATEGORIES) {
      const wf = workflowFor("foreign_org", ctx(c));
      expect(atRegistration(wf)).toEqual(["interview"]);
      const first = c === "cadet" ? "foreign_order" : "foreign_submission";
      expect(before(wf, first).has("interview")).toBe(true);
    }
  });

  it("cl. 2: the cost calculation follows every foreign expulsion, even where the D5 map is switched off", () => {
    const wf = workflowFor("foreign_org", ctx("cadet", { reimbursement: { foreign_org: false } }));
    expect(keys(wf)).toEqual(["foreign_order", "notify_personnel_dept", "cost_calculation"]);
    expect(step(wf, "foreign_order").opensAfter).toEqual([]);
    expect(step(wf, "cost_calculation").cite).toBe("cl. 2, 8; D11");
  });

  // D7 names cl. 2 among the cases where master's and doctoral students get "an order on expulsion from the
  // institution and a submission"; cl. 2 itself orders the cost calculation "after the order on expulsion from
  // the foreign organisation is issued", and cl. 7 (D2) counts the notification from that order, "never the
  // date of a submission".
  it.each(["masters", "doctoral"] as const)(
    "D7, cl. 2, cl. 7: %s — an order on expulsion and a submission; the cl. 7 steps follow the order",
    (c) => {
      const wf = workflowFor("foreign_org", ctx(c));
      const order = wf.steps.find((s) => s.produces.includes("order"));
      expect(order, "D7: cl. 2 master's/doctoral get an order on expulsion").toBeDefined();
      expect(wf.steps.some((s) => s.produces.includes("submission"))).toBe(true);
      expect(step(wf, "notify_personnel_dept").opensAfter).toEqual([order?.key]);
      expect(step(wf, "cost_calculation").opensAfter).toEqual([order?.key]);
    },
  );

  it("cl. 2, D7: master's and doctoral students are released to the sending unit; cadets are dismissed", () => {
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
  ] as const)("cl. 3: %s is item %i, procedure in %s", (ground, item, chapter) => {
    expect(GROUND_RULES[ground]).toMatchObject({ item, chapter, institution: "vsuz" });
    expect(workflowFor(ground, ctx("cadet")).chapter).toBe(chapter);
  });

  it("cl. 2: the foreign ground comes from cl. 2, not cl. 3", () => {
    expect(GROUND_RULES.foreign_org).toMatchObject({ item: null, institution: "foreign" });
    expect(GROUNDS).toHaveLength(6);
  });
});

describe("cl. 4–5: the reimbursement interview by the deputy head for personnel (D5: mandatory, never waived)", () => {
  it.each([
    ["own_will", true],
    ["contract_refusal", true],
    ["academic_failure", true],
    ["negative_reasons", true],
    ["foreign_org", true],
    ["citizenship", false],
  ] as const)("cl. 4–5, D5: %s has the interview by default = %s", (ground, expected) => {
    for (const c of CATEGORIES) {
      const wf = workflowFor(ground, ctx(c));
      const interview = wf.steps.find((s) => s.produces.includes("interview_sheet"));
      expect(interview !== undefined).toBe(expected);
      if (interview) {
        // cl. 4: the deputy head for personnel; cl. 5: the interview sheet. A separate step from the opinion.
        expect(interview).toMatchObject({ key: "interview", role: "deputy_personnel" });
        expect(interview.cite).toMatch(/cl\. 4–5/);
        expect(interview.advisory).toBeUndefined();
        expect(interview.deadline).toMatchObject({ kind: "target", cite: "D3" });
      }
    }
  });

  it("cl. 4–5: the interview is its own step: the opinion (D4) produces no interview sheet", () => {
    for (const g of ["own_will", "contract_refusal", "citizenship"] as const) {
      expect(step(workflowFor(g, ctx("cadet")), "endorse").produces).toEqual(["opinion"]);
    }
  });

  it.each([
    ["own_will", []],
    ["contract_refusal", []],
    ["foreign_org", []],
    ["academic_failure", ["agree_academic"]],
    ["negative_reasons", ["agree_upbringing"]],
  ] as const)("cl. 4, D4: %s — the interview opens after %j", (ground, after) => {
    expect(step(workflowFor(ground, ctx("cadet")), "interview").opensAfter).toEqual(after);
  });

  it("cl. 4, D4: ch. 4 and ch. 6 — the interview is asked at registration, with the opinions", () => {
    expect(atRegistration(workflowFor("own_will", ctx("cadet")))).toContain("interview");
    expect(atRegistration(workflowFor("contract_refusal", ctx("cadet")))).toContain("interview");
  });

  it("cl. 4, D5: never waived — the head's decision (or the foreign order) needs it, on every shape", () => {
    let checked = 0;
    everyShape((g, c, name) => {
      if (!REIMBURSEMENT_GROUNDS.includes(g)) return;
      const wf = workflowFor(g, c);
      const gate =
        g === "foreign_org" ? (c.category === "cadet" ? "foreign_order" : "foreign_submission") : "decide";
      expect(before(wf, gate).has("interview"), name).toBe(true);
      // Everything else done: the case is still not complete, and the gate says what is missing.
      const rest = new Set(keys(wf).filter((k) => k !== "interview"));
      expect(isComplete(wf, rest), name).toBe(false);
      if (gate === "decide") expect(missingBefore(wf, "decide", rest), name).toEqual(["interview"]);
      checked++;
    });
    expect(checked).toBe(REIMBURSEMENT_GROUNDS.length * CATEGORIES.length * 2 * EXTRA.length);
  });

  it("cl. 4, D5: no step key and no action lets the interview be skipped on a reimbursement ground", () => {
    expect(STEP_KEYS.filter((k) => /waive|skip|exempt/.test(k))).toEqual([]);
    for (const g of REIMBURSEMENT_GROUNDS) {
      // The interview step has one action: record it, with its date (cl. 5: the sheet is signed).
      expect(actionsFor("interview", g)).toEqual([{ action: "interview", inputs: ["date"] }]);
      // No action on any step of the workflow is a waiver.
      for (const s of workflowFor(g, ctx("cadet", { endorsers: ["unit_head"] })).steps) {
        for (const a of actionsFor(s.key, g))
          expect(a.action, `${g}/${s.key}`).not.toMatch(/waive|skip|exempt/);
      }
    }
  });

  it("D5: the map snapshotted in the case decides — own will without reimbursement has no interview", () => {
    const wf = workflowFor("own_will", ctx("cadet", { reimbursement: { own_will: false } }));
    expect(keys(wf)).not.toContain("interview");
    expect(step(wf, "decide").opensAfter).toEqual(["conversation"]);
    expect(keys(wf)).not.toContain("cost_calculation"); // cl. 8 follows the same map
  });

  it("D5: switching a ground on or off reshapes only the interview and what waits for it", () => {
    const on = workflowFor("citizenship", ctx("cadet", { reimbursement: { citizenship: true } }));
    expect(step(on, "interview")).toMatchObject({ role: "deputy_personnel", opensAfter: [] });
    expect([...step(on, "decide").opensAfter].sort()).toEqual(["interview", "verify_decree"]);
    const ch6 = workflowFor("contract_refusal", ctx("cadet", { reimbursement: { contract_refusal: false } }));
    expect(step(ch6, "decide").opensAfter).toEqual([]);
    const ch2 = workflowFor("academic_failure", ctx("cadet", { reimbursement: { academic_failure: false } }));
    expect(keys(ch2)).not.toContain("interview");
    expect(step(ch2, "decide").opensAfter).toEqual(["agree_academic"]);
    const ch3 = workflowFor("negative_reasons", ctx("cadet", { reimbursement: { negative_reasons: false } }));
    expect(step(ch3, "decide").opensAfter).toEqual(["agree_upbringing"]);
  });
});

describe("cl. 6: a transcript for those expelled from a ВСУЗ", () => {
  it("cl. 6: every ВСУЗ ground and category has a transcript step after the order", () => {
    for (const g of VSUZ_GROUNDS) {
      for (const c of CATEGORIES) {
        const wf = workflowFor(g, ctx(c));
        const t = step(wf, "transcript");
        expect(t).toMatchObject({
          role: "personnel_officer",
          opensAfter: ["order"],
          produces: ["transcript"],
          cite: "cl. 6; D11",
        });
        expect(t.deadline).toMatchObject({ kind: "target" });
      }
    }
  });

  it("cl. 6 [I]: no transcript on the foreign ground: cl. 6 speaks of the ВСУЗ only", () => {
    for (const c of CATEGORIES) expect(keys(workflowFor("foreign_org", ctx(c)))).not.toContain("transcript");
  });
});

describe("cl. 7 (88/қе): NSC Personnel Department within 5 WD of the order; military referral", () => {
  it("cl. 7: every workflow notifies the Personnel Department within 5 WD of the order date", () => {
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

  it("cl. 7: 5 WD from Tue 17.03.2026 ends Fri 27.03, and from Fri 20.03 ends Wed 01.04 (Nauryz between)", () => {
    const s = step(workflowFor("negative_reasons", ctx("cadet")), "notify_personnel_dept");
    expect(dueDateFor(s, { registered: "2026-03-10", opened: "2026-03-17", order_date: "2026-03-17" })).toBe(
      "2026-03-27",
    );
    expect(addWorkingDays("2026-03-20", 5)).toBe("2026-04-01");
  });

  it("cl. 7, D2: never counted from a submission — master's own will: after the order, from its date", () => {
    const wf = workflowFor("own_will", ctx("masters"));
    const s = step(wf, "notify_personnel_dept");
    expect(s.opensAfter).toEqual(["order"]);
    // Submission on 20.03, order on expulsion on 27.03.2026: 30, 31.03, 1, 2, 3.04.
    expect(
      dueDateFor(s, {
        registered: "2026-03-16",
        decision: "2026-03-20",
        opened: "2026-03-27",
        order_date: "2026-03-27",
      }),
    ).toBe("2026-04-03");
  });

  // cl. 7: "expelled … and those who refused the contract, if they have not served the conscript term"; D11:
  // only those who leave the service (not master's/doctoral students returned to their units, cl. 22, cl. 2,
  // cl. 15), and RK citizens (not ch. 5).
  it.each([
    ["own_will", "cadet", true],
    ["own_will", "masters", false],
    ["own_will", "doctoral", false],
    ["academic_failure", "cadet", true],
    ["academic_failure", "masters", false],
    ["academic_failure", "doctoral", false],
    ["foreign_org", "cadet", true],
    ["foreign_org", "masters", false],
    ["foreign_org", "doctoral", false],
    ["negative_reasons", "cadet", true],
    ["negative_reasons", "masters", true],
    ["negative_reasons", "doctoral", true],
    ["contract_refusal", "cadet", true],
    ["contract_refusal", "masters", true],
    ["contract_refusal", "doctoral", true],
    ["citizenship", "cadet", false],
    ["citizenship", "masters", false],
    ["citizenship", "doctoral", false],
  ] as const)("cl. 7, D11: %s / %s, conscript term not served → military referral = %s", (g, c, expected) => {
    expect(needsMilitaryReferral(g, { category: c, conscriptServed: false })).toBe(expected);
    expect(needsMilitaryReferral(g, { category: c, conscriptServed: true })).toBe(false);
    // D11: personnel confirms the conscript answer wherever a referral can follow (never in ch. 5).
    if (expected) expect(conscriptMatters(g)).toBe(true);
    expect(conscriptMatters(g)).toBe(g !== "citizenship");
    const notServed = workflowFor(g, ctx(c, { conscriptServed: false }));
    expect(keys(notServed).includes("military_referral")).toBe(expected);
    expect(keys(workflowFor(g, ctx(c)))).not.toContain("military_referral");
    if (expected) {
      expect(step(notServed, "military_referral")).toMatchObject({
        role: "personnel_officer",
        produces: ["military_referral"],
        cite: "cl. 7; D11",
      });
    }
  });
});

describe("cl. 8: reimbursement under order 85 қе (cost calculation)", () => {
  it.each([
    ["own_will", true],
    ["contract_refusal", true],
    ["academic_failure", true],
    ["negative_reasons", true],
    ["foreign_org", true],
    ["citizenship", false],
  ] as const)("cl. 8, D5: %s has a cost calculation by default = %s", (ground, expected) => {
    expect(keys(workflowFor(ground, ctx("cadet"))).includes("cost_calculation")).toBe(expected);
  });

  it("cl. 8, D5: follows the map snapshotted in the case", () => {
    const wf = workflowFor("citizenship", ctx("cadet", { reimbursement: { citizenship: true } }));
    expect(step(wf, "cost_calculation").cite).toBe("cl. 8; D5; D11");
    expect(keys(workflowFor("own_will", ctx("cadet", { reimbursement: { own_will: false } })))).not.toContain(
      "cost_calculation",
    );
  });
});

describe("cl. 12–14: academic submission no later than 3 WD from the moment the grounds arose", () => {
  const wf = workflowFor("academic_failure", ctx("cadet"));
  const s = step(wf, "submit_academic");

  it("cl. 14: statutory, 3 WD from the registered trigger, by the academic-methods head (cl. 13 attachments)", () => {
    expect(s).toMatchObject({ role: "academic_methods_head", opensAfter: [] });
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 3, from: "registered", cite: "cl. 14; D2" });
    expect(s.produces).toEqual(["academic_submission", "interview_sheets", "debt_notifications"]);
  });

  it.each([
    ["2026-03-19", "2026-03-27"],
    ["2026-05-05", "2026-05-12"], // 6, 8, 12 May: 7 May and the 11 May substitute are off
    ["2025-12-30", "2026-01-06"],
  ])("cl. 14: debt deadline passed %s → submission due %s", (registered, due) => {
    expect(dueDateFor(s, { registered, opened: registered })).toBe(due);
  });

  it("cl. 12: agreed by the deputy head for academic work before it reaches the head (it gates)", () => {
    expect(step(wf, "agree_academic")).toMatchObject({
      role: "deputy_academic",
      opensAfter: ["submit_academic"],
      produces: ["agreement"],
    });
    expect(step(wf, "agree_academic").advisory).toBeUndefined();
    expect(step(wf, "decide").opensAfter).toEqual(["interview"]);
    expect(before(wf, "decide")).toEqual(new Set(["submit_academic", "agree_academic", "interview"]));
    expect(opinionSteps(wf)).toEqual([]);
  });
});

describe("cl. 15: academic failure — order (cadets) or submission (master's, doctoral) within 2 WD", () => {
  it("cl. 15: cadets — the order on dismissal, statutory 2 WD from the decision", () => {
    const wf = workflowFor("academic_failure", ctx("cadet"));
    expect(keys(wf)).not.toContain("submission");
    const s = step(wf, "order");
    expect(s).toMatchObject({ role: "personnel_officer", opensAfter: ["decide"], produces: ["order"] });
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 2, from: "decision", cite: "cl. 15; D2" });
    expect(dueDateFor(s, { registered: "2026-03-10", opened: "2026-03-20", decision: "2026-03-20" })).toBe(
      "2026-03-27",
    );
  });

  it.each(["masters", "doctoral"] as const)(
    "cl. 15, D7: %s — the submission is statutory (2 WD from the decision), the order on expulsion a target",
    (c) => {
      const wf = workflowFor("academic_failure", ctx(c));
      const sub = step(wf, "submission");
      expect(sub).toMatchObject({
        role: "personnel_officer",
        opensAfter: ["decide"],
        produces: ["submission"],
      });
      expect(sub.deadline).toEqual({
        kind: "statutory",
        workingDays: 2,
        from: "decision",
        cite: "cl. 15; D2",
      });
      expect(
        dueDateFor(sub, { registered: "2026-03-10", opened: "2026-03-26", decision: "2026-03-20" }),
      ).toBe("2026-03-27");
      const order = step(wf, "order");
      expect(order).toMatchObject({ opensAfter: ["decide"], produces: ["order"] });
      expect(order.deadline).toMatchObject({ kind: "target", from: "opened", cite: "D3" });
      expect(step(wf, "notify_personnel_dept").opensAfter).toEqual(["order"]);
    },
  );

  it("cl. 15, D7: release to the sending unit for master's and doctoral students", () => {
    expect(expulsionOutcome("academic_failure", "masters").outcome).toBe("release_to_sending_unit");
    expect(expulsionOutcome("academic_failure", "cadet")).toEqual({ outcome: "dismissal", cite: "cl. 15" });
  });
});

describe("cl. 16–18: negative reasons — reasoned report, upbringing deputy, dismissal order within 2 WD", () => {
  it.each(CATEGORIES)("cl. 16–18: %s — the same steps and a dismissal order", (category) => {
    const wf = workflowFor("negative_reasons", ctx(category));
    expect(keys(wf)).toEqual([
      "submit_negative",
      "agree_upbringing",
      "interview",
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
    // cl. 16: agreed with the deputy for upbringing work before the head; it gates (not an opinion).
    expect(step(wf, "agree_upbringing")).toMatchObject({
      role: "deputy_upbringing",
      opensAfter: ["submit_negative"],
    });
    expect(before(wf, "decide").has("agree_upbringing")).toBe(true);
    expect(opinionSteps(wf)).toEqual([]);
    expect(step(wf, "order").deadline).toEqual({
      kind: "statutory",
      workingDays: 2,
      from: "decision",
      cite: "cl. 18; D2",
    });
    expect(expulsionOutcome("negative_reasons", category)).toEqual({ outcome: "dismissal", cite: "cl. 18" });
  });

  it("cl. 16: the head chooses approve or reject", () => {
    expect(headDecisions("negative_reasons").decisions).toEqual(["approve", "reject"]);
  });
});

describe("cl. 19–22: own will", () => {
  it.each([
    ["cadet", ["order"]],
    ["masters", ["order", "submission"]],
    ["doctoral", ["order", "submission"]],
  ] as const)(
    "cl. 19–22: %s — opinion, interview, instruction, conversation, decision, then %j",
    (category, tail) => {
      const wf = workflowFor("own_will", ctx(category));
      expect(keys(wf)).toEqual([
        "endorse",
        "interview",
        "instruct",
        "conversation",
        "decide",
        ...tail,
        "notify_personnel_dept",
        "transcript",
        "cost_calculation",
      ]);
      expect(wf).toMatchObject({ chapter: "ch. 4", cite: "cl. 19–22" });
    },
  );

  it("cl. 20, D4: at registration, all at once — the opinion, the interview and the head's instruction", () => {
    expect(atRegistration(workflowFor("own_will", ctx("cadet")))).toEqual([
      "endorse",
      "interview",
      "instruct",
    ]);
  });

  it("cl. 20, D2, D3: the head instructs within 2 WD of the report's registration (statutory)", () => {
    const s = step(workflowFor("own_will", ctx("cadet")), "instruct");
    expect(s).toMatchObject({ role: "head", opensAfter: [], produces: ["instruction"] });
    expect(s.deadline).toEqual({
      kind: "statutory",
      workingDays: 2,
      from: "registered",
      cite: "cl. 20; D2; D3",
    });
    // Registered Thu 19.03.2026 → due Thu 26.03.2026 (20.03 and 26.03; 23–25.03 Nauryz days off).
    expect(dueDateFor(s, { registered: "2026-03-19", opened: "2026-03-19" })).toBe("2026-03-26");
  });

  it("cl. 20, D4: with one extra opinion-giver the instruction still opens at registration, due registered + 2 WD", () => {
    const wf = workflowFor("own_will", ctx("cadet", { endorsers: ["unit_head"] }));
    expect(atRegistration(wf)).toEqual(["endorse", "pre_endorse_1", "interview", "instruct"]);
    const s = step(wf, "instruct");
    expect(s.opensAfter).toEqual([]);
    // Registered Fri 20.03.2026; 21–22 weekend, 23.03 Nauryz, 24–25.03 its substitutes → Thu 26, Fri 27.03.
    expect(dueDateFor(s, { registered: "2026-03-20", opened: "2026-03-20" })).toBe("2026-03-27");
    // Counted from registration, whatever day the step was shown to the head.
    expect(dueDateFor(s, { registered: "2026-03-20", opened: "2026-03-26" })).toBe("2026-03-27");
  });

  it("cl. 20, D2, D3: the conversation, by personnel, within 2 WD of the instruction (statutory, from the day it opened)", () => {
    const s = step(workflowFor("own_will", ctx("cadet")), "conversation");
    expect(s).toMatchObject({
      role: "personnel_officer",
      opensAfter: ["instruct"],
      produces: ["conversation_record"],
    });
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 2, from: "opened", cite: "cl. 20; D2; D3" });
    // Instruction (the day the step opened) Thu 26.03.2026 → Fri 27, Mon 30.03; the registration date plays no part.
    expect(dueDateFor(s, { registered: "2026-03-20", opened: "2026-03-26" })).toBe("2026-03-30");
    expect(dueDateFor(s, { registered: "2026-03-02", opened: "2026-03-20" })).toBe("2026-03-27");
  });

  it("cl. 19, D6: the head decides after the conversation and the interview, never after an opinion", () => {
    const wf = workflowFor("own_will", ctx("cadet", { endorsers: ["unit_head"] }));
    const d = step(wf, "decide");
    expect(d).toMatchObject({ role: "head", terminal: "decision", produces: ["decision"] });
    expect([...d.opensAfter].sort()).toEqual(["conversation", "interview"]);
    expect(before(wf, "decide")).toEqual(new Set(["conversation", "instruct", "interview"]));
  });

  it("cl. 19, D6: the head approves, rejects (with a reason) or sends the report back to the learner", () => {
    expect(headDecisions("own_will")).toEqual({
      decisions: ["approve", "reject", "send_back"],
      cite: "cl. 19; D6",
    });
  });

  it("cl. 21, D7: cadets — the order on dismissal within 2 WD of the decision", () => {
    const s = step(workflowFor("own_will", ctx("cadet")), "order");
    expect(s.opensAfter).toEqual(["decide"]);
    expect(s.deadline).toEqual({ kind: "statutory", workingDays: 2, from: "decision", cite: "cl. 21; D2" });
    // Decision Fri 03.05.2024 → Sat 04.05 (a working Saturday), Mon 06.05.
    expect(dueDateFor(s, { registered: "2024-05-01", opened: "2024-05-03", decision: "2024-05-03" })).toBe(
      "2024-05-06",
    );
  });

  it.each(["masters", "doctoral"] as const)(
    "cl. 21, D7: %s — order on expulsion (target) and submission (statutory, from the decision)",
    (c) => {
      const wf = workflowFor("own_will", ctx(c));
      const order = step(wf, "order");
      expect(order).toMatchObject({ role: "personnel_officer", opensAfter: ["decide"], produces: ["order"] });
      expect(order.deadline).toEqual({ kind: "target", workingDays: 2, from: "opened", cite: "D3" });
      const sub = step(wf, "submission");
      expect(sub).toMatchObject({
        role: "personnel_officer",
        opensAfter: ["decide"],
        produces: ["submission"],
      });
      expect(sub.deadline).toEqual({
        kind: "statutory",
        workingDays: 2,
        from: "decision",
        cite: "cl. 21; D2",
      });
      expect(sub.cite).toBe("cl. 21, 22; D7");
      // Decision Fri 20.03.2026 → submission due Fri 27.03, whenever the step opened.
      expect(
        dueDateFor(sub, { registered: "2026-03-16", decision: "2026-03-20", opened: "2026-03-26" }),
      ).toBe("2026-03-27");
      // cl. 7: the after-order steps hang on the order, not on the submission, and count from its date.
      for (const k of ["notify_personnel_dept", "transcript", "cost_calculation"] as const) {
        expect(step(wf, k).opensAfter, k).toEqual(["order"]);
      }
      expect(step(wf, "notify_personnel_dept").deadline).toMatchObject({
        from: "order_date",
        workingDays: 5,
      });
    },
  );

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
    "cl. 23–24: %s — opinion (D4), decree check, decision, order; no cost calculation",
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
      expect(atRegistration(wf)).toEqual(["endorse", "verify_decree"]);
      expect(step(wf, "verify_decree")).toMatchObject({
        role: "personnel_officer",
        opensAfter: [],
        produces: ["decree"],
        cite: "cl. 23",
      });
      // D6: the decree check comes before the decision; the opinion never does.
      expect(step(wf, "decide")).toMatchObject({ opensAfter: ["verify_decree"], cite: "cl. 23; D6" });
      expect(step(wf, "order")).toMatchObject({
        role: "personnel_officer",
        opensAfter: ["decide"],
        cite: "cl. 24; D3",
      });
      expect(step(wf, "order").deadline?.kind).toBe("target"); // cl. 24 states no period
      expect(expulsionOutcome("citizenship", c)).toEqual({ outcome: "dismissal", cite: "cl. 24" });
    },
  );

  it("cl. 23, D6: the head approves or rejects (with a reason)", () => {
    expect(headDecisions("citizenship").decisions).toEqual(["approve", "reject"]);
  });
});

describe("cl. 25–26: refusal to conclude the service contract", () => {
  it.each(CATEGORIES)(
    "cl. 25–26: %s — a dismissal order within 3 WD of the decision (= the instruction)",
    (c) => {
      const wf = workflowFor("contract_refusal", ctx(c, { conscriptServed: false }));
      expect(keys(wf)).toEqual([
        "endorse",
        "interview",
        "decide",
        "order",
        "notify_personnel_dept",
        "military_referral",
        "transcript",
        "cost_calculation",
      ]);
      expect(atRegistration(wf)).toEqual(["endorse", "interview"]);
      // D6: only the interview comes before the decision; cl. 26's instruction is given with it (D2).
      expect(step(wf, "decide")).toMatchObject({ opensAfter: ["interview"], cite: "cl. 25; cl. 26; D2; D6" });
      const order = step(wf, "order");
      expect(order).toMatchObject({ role: "personnel_officer", opensAfter: ["decide"], produces: ["order"] });
      expect(order.deadline).toEqual({
        kind: "statutory",
        workingDays: 3,
        from: "decision",
        cite: "cl. 26; D2",
      });
      // Decision Fri 20.03.2026 → Thu 26, Fri 27, Mon 30.03.
      expect(
        dueDateFor(order, { registered: "2026-03-10", opened: "2026-03-20", decision: "2026-03-20" }),
      ).toBe("2026-03-30");
      expect(keys(wf)).not.toContain("submission"); // cl. 26 makes no cadet / master's distinction (D7)
      expect(expulsionOutcome("contract_refusal", c)).toEqual({ outcome: "dismissal", cite: "cl. 26; D7" });
    },
  );

  it("cl. 25, D6 (Law Art. 10 p. 11): no rejection on the merits — approve, or send back for the reasons", () => {
    const { decisions, cite } = headDecisions("contract_refusal");
    expect(decisions).toEqual(["approve", "send_back"]);
    expect(decisions).not.toContain("reject");
    expect(cite).toMatch(/Art\. 10 p\. 11/);
  });
});
