// One block per product decision of RULES.md §1 that touches the rules.
import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  CATEGORIES,
  type Category,
  COUNTING_CITE,
  canWithdraw,
  DECISIONS,
  DEFAULT_CALENDAR,
  DEFAULT_LANGUAGE,
  DEFAULT_REIMBURSEMENT,
  DEFAULT_TARGET_WORKING_DAYS,
  DOCUMENT_LANGUAGES,
  decisionStep,
  expulsionOutcome,
  GROUNDS,
  INTERFACE_LANGUAGES,
  isCategory,
  isComplete,
  isGround,
  isRetentionOver,
  isRole,
  LANGUAGES_CITE,
  openableSteps,
  REIMBURSEMENT_CITE,
  REJECTION_REQUIRES_REASON,
  RETENTION_CITE,
  RULES_EDITION,
  RULES_EDITION_CITE,
  requiresReimbursement,
  retentionEndsOn,
  retentionStartsOn,
  STUDENT_FILED_GROUNDS,
  type StepKey,
  stepOf,
  type Workflow,
  workflowFor,
} from "../../src/rules/index";

const wfOf = (
  ground: (typeof GROUNDS)[number],
  category: Category = "cadet",
  conscriptServed = true,
): Workflow => workflowFor(ground, { category, conscriptServed });

describe("D1: counting convention", () => {
  it("five-day week, Asia/Almaty, N-th working day after the trigger", () => {
    expect(COUNTING_CITE).toMatch(/D1/);
    expect(DEFAULT_CALENDAR.weekPattern).toEqual([1, 2, 3, 4, 5]);
    expect(addWorkingDays("2026-03-20", 2)).toBe("2026-03-27");
  });
});

describe("D2: what each statutory period is counted from", () => {
  it.each([
    ["own_will", "instruct", "registered", 2],
    ["own_will", "order", "decision", 2],
    ["academic_failure", "submit_academic", "registered", 3],
    ["academic_failure", "order", "decision", 2],
    ["negative_reasons", "order", "decision", 2],
    ["contract_refusal", "order", "decision", 3],
    ["citizenship", "notify_personnel_dept", "order_date", 5],
  ] as const)("%s / %s: %s + %i WD", (ground, key, from, n) => {
    expect(stepOf(wfOf(ground), key)?.deadline).toMatchObject({ kind: "statutory", from, workingDays: n });
  });

  it("every statutory period cites D2 for its trigger", () => {
    for (const g of GROUNDS) {
      for (const s of wfOf(g).steps)
        if (s.deadline?.kind === "statutory") expect(s.deadline.cite).toMatch(/D2/);
    }
  });
});

describe("D3: targets for steps without a statutory period", () => {
  it("every non-statutory step has a 2-WD target from the day it opened, cited D3", () => {
    for (const g of GROUNDS) {
      for (const c of CATEGORIES) {
        for (const s of wfOf(g, c, false).steps) {
          expect(s.deadline, `${g}/${s.key}`).not.toBeNull();
          if (s.deadline?.kind === "target") {
            expect(s.deadline).toEqual({
              kind: "target",
              workingDays: DEFAULT_TARGET_WORKING_DAYS,
              from: "opened",
              cite: "D3",
            });
          }
        }
      }
    }
    expect(DEFAULT_TARGET_WORKING_DAYS).toBe(2);
  });

  it("an institution can set its own targets, but not change statutory periods", () => {
    const wf = workflowFor("own_will", {
      category: "cadet",
      conscriptServed: true,
      targets: { conversation: 5, instruct: 10 },
    });
    expect(stepOf(wf, "conversation")?.deadline?.workingDays).toBe(5);
    expect(stepOf(wf, "instruct")?.deadline).toMatchObject({ kind: "statutory", workingDays: 2 });
    expect(stepOf(wf, "decide")?.deadline?.workingDays).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects a target of %s", (bad) => {
    expect(() =>
      workflowFor("own_will", { category: "cadet", conscriptServed: true, targets: { decide: bad } }),
    ).toThrow(RangeError);
  });
});

describe("D4: who endorses or agrees before the head", () => {
  it.each(["own_will", "contract_refusal", "citizenship"] as const)(
    "%s: the learner's report goes first to the deputy head for personnel",
    (g) => {
      const first = wfOf(g).steps[0];
      expect(first).toMatchObject({ key: "endorse", role: "deputy_personnel", opensAfter: [] });
      expect(first?.produces).toContain("report");
      expect(first?.cite).toMatch(/D4/);
    },
  );

  it("ch. 2 goes to the deputy for academic work, ch. 3 to the deputy for upbringing work", () => {
    expect(stepOf(wfOf("academic_failure"), "agree_academic")).toMatchObject({
      role: "deputy_academic",
      cite: "cl. 12; D4",
    });
    expect(stepOf(wfOf("negative_reasons"), "agree_upbringing")).toMatchObject({
      role: "deputy_upbringing",
      cite: "cl. 16; D4",
    });
  });
});

describe("D5: reimbursement map", () => {
  it("defaults: every ground but citizenship", () => {
    expect(DEFAULT_REIMBURSEMENT).toEqual({
      academic_failure: true,
      negative_reasons: true,
      own_will: true,
      citizenship: false,
      contract_refusal: true,
      foreign_org: true,
    });
    expect(REIMBURSEMENT_CITE).toMatch(/D5/);
    expect(Object.isFrozen(DEFAULT_REIMBURSEMENT)).toBe(true);
  });

  it.each(GROUNDS)("%s: the institution's map wins, missing entries fall back", (g) => {
    expect(requiresReimbursement(g)).toBe(DEFAULT_REIMBURSEMENT[g]);
    expect(requiresReimbursement(g, {})).toBe(DEFAULT_REIMBURSEMENT[g]);
    expect(requiresReimbursement(g, { [g]: true })).toBe(true);
    expect(requiresReimbursement(g, { [g]: false })).toBe(false);
  });
});

describe("D6: decision, rejection with reason, withdrawal until the decision", () => {
  it("every ВСУЗ workflow has exactly one head's decision step; the foreign one has none", () => {
    for (const g of GROUNDS) {
      const decisions = wfOf(g).steps.filter((s) => s.terminal === "decision");
      expect(decisions.length, g).toBe(g === "foreign_org" ? 0 : 1);
      for (const d of decisions) expect(d).toMatchObject({ key: "decide", role: "head" });
    }
    expect(decisionStep(wfOf("foreign_org"))).toBeUndefined();
  });

  it("a rejection needs a reason", () => {
    expect(REJECTION_REQUIRES_REASON).toEqual({ value: true, cite: "D6" });
  });

  it.each(GROUNDS)("%s: withdrawable before the decision only if the learner filed it", (g) => {
    const wf = wfOf(g);
    const filed = STUDENT_FILED_GROUNDS.includes(g);
    expect(canWithdraw(wf, new Set())).toBe(filed);
    expect(canWithdraw(wf, new Set<StepKey>(["endorse"]))).toBe(filed);
    expect(canWithdraw(wf, new Set<StepKey>(["decide"]))).toBe(false);
  });
});

describe("D7: dismissal vs. return to the sending unit", () => {
  it.each([
    ["own_will", "dismissal", "release_to_sending_unit"],
    ["academic_failure", "dismissal", "release_to_sending_unit"],
    ["foreign_org", "dismissal", "release_to_sending_unit"],
    ["negative_reasons", "dismissal", "dismissal"],
    ["citizenship", "dismissal", "dismissal"],
    ["contract_refusal", "dismissal", "dismissal"],
  ] as const)("%s: cadet %s, master's/doctoral %s", (g, cadet, others) => {
    expect(expulsionOutcome(g, "cadet").outcome).toBe(cadet);
    expect(expulsionOutcome(g, "masters").outcome).toBe(others);
    expect(expulsionOutcome(g, "doctoral").outcome).toBe(others);
    // the workflow's order step matches the outcome
    const key = wfOf(g, "masters").steps.find(
      (s) => s.produces.includes("order") || s.produces.includes("submission"),
    );
    expect(key?.produces[0]).toBe(others === "dismissal" ? "order" : "submission");
  });
});

describe("D8: retention one year from the order date", () => {
  it.each([
    ["2025-03-10", "2026-03-10"],
    ["2024-02-29", "2025-02-28"],
    ["2026-12-31", "2027-12-31"],
  ])("order %s: personal data kept through %s", (order, last) => {
    expect(retentionEndsOn(order)).toBe(last);
  });

  it("purge from the next Almaty local day", () => {
    expect(isRetentionOver("2025-03-10", new Date("2026-03-10T18:59:59Z"))).toBe(false); // 23:59:59 local
    expect(isRetentionOver("2025-03-10", new Date("2026-03-10T19:00:00Z"))).toBe(true);
    expect(RETENTION_CITE).toMatch(/D8/);
  });
});

describe("D9: rules edition", () => {
  it("is recorded verbatim", () => {
    expect(RULES_EDITION).toBe("75/қе (04.06.2024) as amended by 88/қе (29.09.2025)");
    expect(RULES_EDITION_CITE).toMatch(/D9/);
  });
});

describe("D10: languages", () => {
  it("interface kk (default), ru, en; documents kk or ru", () => {
    expect(INTERFACE_LANGUAGES).toEqual(["kk", "ru", "en"]);
    expect(DEFAULT_LANGUAGE).toBe("kk");
    expect(DOCUMENT_LANGUAGES).toEqual(["kk", "ru"]);
    expect(LANGUAGES_CITE).toBe("D10");
  });
});

describe("D11: tracked steps after the order, in parallel", () => {
  it.each(GROUNDS)("%s: they all open together when the order/submission is done", (g) => {
    for (const c of CATEGORIES) {
      const wf = wfOf(g, c, false);
      const post = wf.steps.filter((s) =>
        ["notify_personnel_dept", "military_referral", "transcript", "cost_calculation"].includes(s.key),
      );
      const orderKey = post[0]?.opensAfter[0];
      expect(["order", "submission", "foreign_order", "foreign_submission"]).toContain(orderKey);
      for (const s of post) {
        expect(s.opensAfter).toEqual([orderKey]);
        expect(s.cite).toMatch(/D11/);
      }
      const done = new Set(wf.steps.map((s) => s.key).filter((k) => !post.some((p) => p.key === k)));
      expect(openableSteps(wf, done, done).map((s) => s.key)).toEqual(post.map((s) => s.key));
    }
  });
});

describe("the decisions table", () => {
  it("lists D1–D11, each with a summary, a cite and where it lives", () => {
    expect(Object.keys(DECISIONS)).toEqual([
      "D1",
      "D2",
      "D3",
      "D4",
      "D5",
      "D6",
      "D7",
      "D8",
      "D9",
      "D10",
      "D11",
    ]);
    for (const d of Object.values(DECISIONS)) {
      expect(d.summary).toMatch(/\S/);
      expect(d.cite).toMatch(/\S/);
      expect(d.where).toMatch(/\.ts/);
    }
  });
});

describe("walking a workflow: openableSteps / isComplete", () => {
  it("every workflow can be walked to completion, each step opening exactly once", () => {
    for (const g of GROUNDS) {
      for (const c of CATEGORIES) {
        for (const conscriptServed of [true, false]) {
          const wf = workflowFor(g, { category: c, conscriptServed });
          const done = new Set<StepKey>();
          const opened = new Set<StepKey>();
          const order: StepKey[] = [];
          for (let round = 0; round < 2 * wf.steps.length && !isComplete(wf, done); round++) {
            const next = openableSteps(wf, done, opened);
            for (const s of next) opened.add(s.key);
            // a step cannot open twice
            expect(openableSteps(wf, done, opened)).toEqual([]);
            const work = [...opened].find((k) => !done.has(k));
            expect(work, `${g}/${c} stuck after ${[...done]}`).toBeDefined();
            if (work) {
              done.add(work);
              order.push(work);
            }
          }
          expect(isComplete(wf, done)).toBe(true);
          expect(new Set(order).size).toBe(wf.steps.length);
        }
      }
    }
  });

  it("own will, step by step", () => {
    const wf = wfOf("own_will");
    const open = (done: StepKey[], opened: StepKey[] = done) =>
      openableSteps(wf, new Set(done), new Set(opened)).map((s) => s.key);
    expect(open([])).toEqual(["endorse"]);
    expect(open([], ["endorse"])).toEqual([]);
    expect(open(["endorse"])).toEqual(["instruct"]);
    expect(open(["endorse", "instruct", "conversation", "decide"])).toEqual(["order"]);
    expect(isComplete(wf, new Set(["endorse", "instruct"]))).toBe(false);
  });
});

describe("guards and validation", () => {
  it("type guards", () => {
    expect(isGround("own_will")).toBe(true);
    expect(isGround("expelled")).toBe(false);
    expect(isCategory("doctoral")).toBe(true);
    expect(isCategory("listener")).toBe(false);
    expect(isRole("head")).toBe(true);
    expect(isRole("student")).toBe(false);
  });

  it("workflowFor rejects unknown grounds, categories and a missing conscript answer", () => {
    expect(() => workflowFor("expelled" as "own_will", { category: "cadet", conscriptServed: true })).toThrow(
      RangeError,
    );
    expect(() => workflowFor("own_will", { category: "listener" as "cadet", conscriptServed: true })).toThrow(
      RangeError,
    );
    expect(() => workflowFor("own_will", { category: "cadet" } as never)).toThrow(RangeError);
  });

  it("workflows are frozen values", () => {
    const wf = wfOf("own_will");
    expect(Object.isFrozen(wf)).toBe(true);
    expect(Object.isFrozen(wf.steps)).toBe(true);
    for (const s of wf.steps) {
      expect(Object.isFrozen(s)).toBe(true);
      expect(Object.isFrozen(s.opensAfter)).toBe(true);
      expect(Object.isFrozen(s.produces)).toBe(true);
      expect(Object.isFrozen(s.deadline)).toBe(true);
    }
  });
});

describe("D8 [I]: retention counts from the order, or from the end of a case without one", () => {
  it.each([
    ["2026-03-20", "2026-05-01", "2026-03-20"],
    [null, "2026-05-01", "2026-05-01"],
    [null, null, null],
  ] as const)("order %s, ended %s → from %s", (order, ended, from) => {
    expect(retentionStartsOn(order, ended)).toBe(from);
  });
});
