// One block per product decision of docs/decisions.md ("only the head decides"), as example tables.
// Expectations come from docs/decisions.md and the Kazakh text, not from what the code happens to return.
import { existsSync } from "node:fs";
import { join } from "node:path";
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
  dueDateFor,
  ENDED_CASE_STATES,
  expulsionOutcome,
  GROUNDS,
  type Ground,
  headDecisions,
  INTERFACE_LANGUAGES,
  isCategory,
  isComplete,
  isGround,
  isRetentionOver,
  isRole,
  LANGUAGES_CITE,
  MAX_EXTRA_ENDORSERS,
  missingBefore,
  needsMilitaryReferral,
  OPEN_CASE_STATES,
  openableSteps,
  opinionSteps,
  REIMBURSEMENT_CITE,
  REJECTION_REQUIRES_REASON,
  RETENTION_CITE,
  type Role,
  RULES_EDITION,
  RULES_EDITION_CITE,
  requiresReimbursement,
  retentionEndsOn,
  retentionStartsOn,
  STUDENT_FILED_GROUNDS,
  type StepKey,
  stepOf,
  type Workflow,
  type WorkflowContext,
  workflowFor,
} from "../../src/rules/index";

const wfOf = (ground: Ground, category: Category = "cadet", conscriptServed = true): Workflow =>
  workflowFor(ground, { category, conscriptServed });
const keysOf = (wf: Workflow): StepKey[] => wf.steps.map((s) => s.key);
const atRegistration = (wf: Workflow): StepKey[] => openableSteps(wf, new Set(), new Set()).map((s) => s.key);
const EXTRA: (readonly Role[])[] = [[], ["unit_head"], ["unit_head", "deputy_academic", "deputy_upbringing"]];
const MAPS: (Partial<Record<Ground, boolean>> | undefined)[] = [
  undefined,
  Object.fromEntries(GROUNDS.map((g) => [g, true])),
  Object.fromEntries(GROUNDS.map((g) => [g, false])),
];
/** Every shape a case can take: grounds × categories × conscript × extra opinion-givers × D5 maps. */
function* everyShape(): Generator<[string, Workflow]> {
  for (const g of GROUNDS)
    for (const category of CATEGORIES)
      for (const conscriptServed of [true, false])
        for (const endorsers of EXTRA)
          for (const [i, reimbursement] of MAPS.entries())
            yield [
              `${g}/${category}/served=${conscriptServed}/extra=${endorsers.length}/map${i}`,
              workflowFor(g, { category, conscriptServed, endorsers, reimbursement }),
            ];
}

describe("D1: counting convention", () => {
  it("D1: five-day week, Asia/Almaty, N-th working day after the trigger", () => {
    expect(COUNTING_CITE).toMatch(/D1/);
    expect(DEFAULT_CALENDAR.weekPattern).toEqual([1, 2, 3, 4, 5]);
    expect(addWorkingDays("2026-03-20", 2)).toBe("2026-03-27");
  });
});

describe("D2 (rev.): what each statutory period is counted from", () => {
  it.each([
    // ground, category, step, anchor, N, clause
    ["own_will", "cadet", "instruct", "registered", 2, "cl. 20: the report is registered"],
    [
      "own_will",
      "cadet",
      "conversation",
      "opened",
      2,
      "cl. 20: the head's instruction (the step opens with it)",
    ],
    ["own_will", "cadet", "order", "decision", 2, "cl. 21: the decision (cadets)"],
    ["own_will", "masters", "submission", "decision", 2, "cl. 21: the decision (master's)"],
    ["academic_failure", "cadet", "submit_academic", "registered", 3, "cl. 14: last day of the debt period"],
    ["academic_failure", "cadet", "order", "decision", 2, "cl. 15 (cadets)"],
    ["academic_failure", "doctoral", "submission", "decision", 2, "cl. 15 (doctoral)"],
    ["negative_reasons", "masters", "order", "decision", 2, "cl. 18"],
    [
      "contract_refusal",
      "masters",
      "order",
      "decision",
      3,
      "cl. 26: the instruction, given with the decision",
    ],
    ["citizenship", "cadet", "notify_personnel_dept", "order_date", 5, "cl. 7: the order on expulsion"],
    [
      "own_will",
      "masters",
      "notify_personnel_dept",
      "order_date",
      5,
      "cl. 7: the order, never the submission",
    ],
  ] as const)("D2: %s / %s / %s — %s + %i WD (%s)", (ground, category, key, from, n, _why) => {
    expect(stepOf(wfOf(ground, category), key)?.deadline).toMatchObject({
      kind: "statutory",
      from,
      workingDays: n,
    });
  });

  it("D2: every statutory period cites D2 for its trigger", () => {
    for (const [name, wf] of everyShape()) {
      for (const s of wf.steps)
        if (s.deadline?.kind === "statutory") expect(s.deadline.cite, `${name}: ${s.key}`).toMatch(/D2/);
    }
  });

  it("D2: cl. 7 counts from the order's date even when the submission came first (master's own will)", () => {
    const notify = stepOf(wfOf("own_will", "masters"), "notify_personnel_dept");
    expect(notify?.opensAfter).toEqual(["order"]);
    // Submission done on the decision day, 20.03.2026; the order on expulsion dated Wed 01.04.2026 → 2, 3, 6, 7, 8.04.
    expect(
      notify &&
        dueDateFor(notify, {
          registered: "2026-03-16",
          decision: "2026-03-20",
          opened: "2026-04-01",
          order_date: "2026-04-01",
        }),
    ).toBe("2026-04-08");
  });
});

describe("D3 (rev.): targets for steps without a statutory period; cl. 20 read both ways", () => {
  it("D3: every non-statutory step has a 2-WD target from the day it opened, cited D3", () => {
    for (const [name, wf] of everyShape()) {
      for (const s of wf.steps) {
        expect(s.deadline, `${name}: ${s.key}`).not.toBeNull();
        if (s.deadline?.kind === "target") {
          expect(s.deadline, `${name}: ${s.key}`).toEqual({
            kind: "target",
            workingDays: DEFAULT_TARGET_WORKING_DAYS,
            from: "opened",
            cite: "D3",
          });
        }
      }
    }
    expect(DEFAULT_TARGET_WORKING_DAYS).toBe(2);
  });

  it("D3: cl. 20 both ways — the instruction and the conversation are both statutory", () => {
    const wf = wfOf("own_will");
    expect(stepOf(wf, "instruct")?.deadline).toMatchObject({
      kind: "statutory",
      workingDays: 2,
      cite: expect.stringMatching(/cl\. 20.*D3/),
    });
    expect(stepOf(wf, "conversation")?.deadline).toMatchObject({
      kind: "statutory",
      workingDays: 2,
      cite: expect.stringMatching(/cl\. 20.*D3/),
    });
  });

  it("D3: an institution can set its own targets, but not change statutory periods", () => {
    const wf = workflowFor("own_will", {
      category: "masters",
      conscriptServed: true,
      endorsers: ["unit_head"],
      targets: {
        endorse: 5,
        pre_endorse_1: 4,
        interview: 3,
        order: 6,
        conversation: 10,
        instruct: 10,
        submission: 9,
      },
    });
    expect(stepOf(wf, "endorse")?.deadline).toMatchObject({ kind: "target", workingDays: 5 });
    expect(stepOf(wf, "pre_endorse_1")?.deadline).toMatchObject({ kind: "target", workingDays: 4 });
    expect(stepOf(wf, "interview")?.deadline).toMatchObject({ kind: "target", workingDays: 3 });
    expect(stepOf(wf, "order")?.deadline).toMatchObject({ kind: "target", workingDays: 6 }); // master's: a target (D7)
    expect(stepOf(wf, "instruct")?.deadline).toMatchObject({ kind: "statutory", workingDays: 2 });
    expect(stepOf(wf, "conversation")?.deadline).toMatchObject({ kind: "statutory", workingDays: 2 });
    expect(stepOf(wf, "submission")?.deadline).toMatchObject({ kind: "statutory", workingDays: 2 });
    expect(stepOf(wf, "decide")?.deadline?.workingDays).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])("D3: rejects a target of %s", (bad) => {
    expect(() =>
      workflowFor("own_will", { category: "cadet", conscriptServed: true, targets: { decide: bad } }),
    ).toThrow(RangeError);
  });
});

describe("D4 (rev.): opinions to the head are advisory and asked at once", () => {
  it.each(["own_will", "contract_refusal", "citizenship"] as const)(
    "D4: %s — the report goes at registration to the deputy head for personnel for an opinion",
    (g) => {
      const endorse = stepOf(wfOf(g), "endorse");
      expect(endorse).toMatchObject({
        role: "deputy_personnel",
        opensAfter: [],
        produces: ["opinion"],
        advisory: true,
        cite: "D4",
      });
      expect(endorse?.deadline).toMatchObject({ kind: "target", cite: "D3" });
      expect(atRegistration(wfOf(g))).toContain("endorse");
    },
  );

  it("D4: no opinion step where the text itself puts an agreement first (ch. 2, ch. 3), nor on cl. 2", () => {
    for (const g of ["academic_failure", "negative_reasons", "foreign_org"] as const) {
      expect(opinionSteps(wfOf(g)), g).toEqual([]);
    }
  });

  it("D4, cl. 12, cl. 16: ch. 2 goes to the deputy for academic work, ch. 3 to the deputy for upbringing work — and these gate", () => {
    expect(stepOf(wfOf("academic_failure"), "agree_academic")).toMatchObject({
      role: "deputy_academic",
      cite: "cl. 12; D4",
    });
    expect(stepOf(wfOf("negative_reasons"), "agree_upbringing")).toMatchObject({
      role: "deputy_upbringing",
      cite: "cl. 16; D4",
    });
    expect(stepOf(wfOf("academic_failure"), "agree_academic")?.advisory).toBeUndefined();
    expect(stepOf(wfOf("negative_reasons"), "agree_upbringing")?.advisory).toBeUndefined();
  });

  it("D4: up to three extra opinions, asked at the same time as the deputy head, not before", () => {
    const wf = workflowFor("own_will", {
      category: "cadet",
      conscriptServed: true,
      endorsers: ["unit_head", "deputy_upbringing", "deputy_academic"],
    });
    expect(MAX_EXTRA_ENDORSERS).toBe(3);
    expect(opinionSteps(wf).map((s) => [s.key, s.role])).toEqual([
      ["endorse", "deputy_personnel"],
      ["pre_endorse_1", "unit_head"],
      ["pre_endorse_2", "deputy_upbringing"],
      ["pre_endorse_3", "deputy_academic"],
    ]);
    for (const s of opinionSteps(wf)) {
      expect(s).toMatchObject({ opensAfter: [], produces: ["opinion"], advisory: true, cite: "D4" });
      expect(s.deadline).toMatchObject({ kind: "target", cite: "D3" });
    }
    expect(atRegistration(wf)).toEqual([
      "endorse",
      "pre_endorse_1",
      "pre_endorse_2",
      "pre_endorse_3",
      "interview",
      "instruct",
    ]);
  });

  it("D4: with one extra opinion-giver the head's cl. 20 instruction still opens at registration, due registered + 2 WD", () => {
    const wf = workflowFor("own_will", {
      category: "cadet",
      conscriptServed: true,
      endorsers: ["unit_head"],
    });
    expect(atRegistration(wf)).toContain("instruct");
    const instruct = stepOf(wf, "instruct");
    // Registered Fri 20.03.2026; 23.03 Nauryz, 24–25.03 its substitutes → Thu 26, Fri 27.03.2026.
    expect(instruct && dueDateFor(instruct, { registered: "2026-03-20", opened: "2026-03-20" })).toBe(
      "2026-03-27",
    );
  });

  it("D4: the extra opinions apply to the reports learners file (ch. 6 too), not to ch. 2 and ch. 3", () => {
    const extra = { category: "cadet" as const, conscriptServed: true, endorsers: ["unit_head"] as Role[] };
    expect(stepOf(workflowFor("contract_refusal", extra), "pre_endorse_1")).toMatchObject({
      role: "unit_head",
      opensAfter: [],
    });
    expect(keysOf(workflowFor("academic_failure", extra))).not.toContain("pre_endorse_1");
    expect(keysOf(workflowFor("negative_reasons", extra))).not.toContain("pre_endorse_1");
  });

  // D4: "when a learner's report is registered (ch. 4, 5, 6), it is pushed at once … An institution may also ask
  // for the opinion of up to three more officials … at the same time". The ch. 5 report is the learner's (cl. 23).
  it("D4: ch. 5 is a learner's report too — the extra opinion-givers are asked there as well", () => {
    const wf = workflowFor("citizenship", {
      category: "cadet",
      conscriptServed: true,
      endorsers: ["unit_head"],
    });
    expect(opinionSteps(wf).map((s) => s.key)).toEqual(["endorse", "pre_endorse_1"]);
  });

  it("D4: opinions never appear in any step's opensAfter, on any shape", () => {
    let opinions = 0;
    for (const [name, wf] of everyShape()) {
      const advisory = new Set(opinionSteps(wf).map((s) => s.key));
      opinions += advisory.size;
      for (const s of wf.steps) {
        for (const dep of s.opensAfter)
          expect(advisory.has(dep), `${name}: ${s.key} after ${dep}`).toBe(false);
      }
    }
    expect(opinions).toBeGreaterThan(0);
  });

  it("D4: a case completes without its opinions (isComplete ignores advisory steps)", () => {
    const wf = workflowFor("own_will", {
      category: "cadet",
      conscriptServed: true,
      endorsers: ["unit_head"],
    });
    const needed = keysOf(wf).filter((k) => k !== "endorse" && k !== "pre_endorse_1");
    expect(isComplete(wf, new Set(needed))).toBe(true);
    expect(isComplete(wf, new Set(needed.filter((k) => k !== "transcript")))).toBe(false);
  });

  it.each([
    [["head"]],
    [["deputy_personnel"]],
    [["admin"]],
    [["nobody"]],
    [["unit_head", "unit_head", "unit_head", "unit_head"]],
  ])("D4: refuses the extra opinion-givers %j", (endorsers) => {
    expect(() =>
      workflowFor("own_will", { category: "cadet", conscriptServed: true, endorsers: endorsers as never }),
    ).toThrow(RangeError);
  });
});

describe("D5 (rev.): reimbursement map, snapshotted in the case", () => {
  it("D5: defaults — every ground but citizenship", () => {
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

  it.each(GROUNDS)("D5: %s — the institution's map wins, missing entries fall back", (g) => {
    expect(requiresReimbursement(g)).toBe(DEFAULT_REIMBURSEMENT[g]);
    expect(requiresReimbursement(g, {})).toBe(DEFAULT_REIMBURSEMENT[g]);
    expect(requiresReimbursement(g, { [g]: true })).toBe(true);
    expect(requiresReimbursement(g, { [g]: false })).toBe(false);
  });

  it("D5: a workflow built with own_will = false has no interview; the decision opens after the conversation alone", () => {
    const wf = workflowFor("own_will", {
      category: "cadet",
      conscriptServed: true,
      reimbursement: { own_will: false },
    });
    expect(keysOf(wf)).not.toContain("interview");
    expect(stepOf(wf, "decide")?.opensAfter).toEqual(["conversation"]);
  });

  it("D5: a later change of the institution's map does not reshape a workflow already built", () => {
    const map: Partial<Record<Ground, boolean>> = { own_will: true };
    const ctx: WorkflowContext = { category: "cadet", conscriptServed: true, reimbursement: map };
    const wf = workflowFor("own_will", ctx);
    map.own_will = false;
    expect(keysOf(wf)).toContain("interview");
    expect([...(stepOf(wf, "decide")?.opensAfter ?? [])].sort()).toEqual(["conversation", "interview"]);
    expect(keysOf(workflowFor("own_will", ctx))).not.toContain("interview");
  });

  it("D5: mandatory where the map says so — the interview is in every workflow of a reimbursement ground", () => {
    for (const [name, wf] of everyShape()) {
      const hasInterview = keysOf(wf).includes("interview");
      const map = MAPS[Number(name.slice(-1))];
      expect(hasInterview, name).toBe(requiresReimbursement(wf.ground, map));
    }
  });
});

describe("D6 (rev.): only the head decides", () => {
  it("D6: every ВСУЗ workflow has exactly one head's decision step; the foreign one has none", () => {
    for (const g of GROUNDS) {
      const decisions = wfOf(g).steps.filter((s) => s.terminal === "decision");
      expect(decisions.length, g).toBe(g === "foreign_org" ? 0 : 1);
      for (const d of decisions) expect(d).toMatchObject({ key: "decide", role: "head" });
    }
    expect(decisionStep(wfOf("foreign_org"))).toBeUndefined();
    expect(decisionStep(wfOf("own_will"))?.key).toBe("decide");
  });

  it("D6: nobody below the head ends a case — only the head's decision step is terminal", () => {
    for (const [name, wf] of everyShape()) {
      for (const s of wf.steps) if (s.terminal !== undefined) expect(s.role, name).toBe("head");
    }
  });

  it.each([
    ["own_will", ["approve", "reject", "send_back"]],
    ["contract_refusal", ["approve", "send_back"]],
    ["citizenship", ["approve", "reject"]],
    ["academic_failure", ["approve", "reject"]],
    ["negative_reasons", ["approve", "reject"]],
  ] as const)("D6: %s — the head may %j", (g, decisions) => {
    expect(headDecisions(g).decisions).toEqual(decisions);
    expect(headDecisions(g).cite).toMatch(/D6/);
  });

  it("D6: only reports the learner filed can be sent back; ch. 6 cannot be rejected (Law Art. 10 p. 11)", () => {
    for (const g of GROUNDS) {
      expect(headDecisions(g).decisions.includes("send_back"), g).toBe(STUDENT_FILED_GROUNDS.includes(g));
    }
    expect(headDecisions("contract_refusal").decisions).not.toContain("reject");
  });

  it("D6: a rejection (and a sending back) needs a reason", () => {
    expect(REJECTION_REQUIRES_REASON).toEqual({ value: true, cite: "D6" });
  });

  it.each([
    ["own_will", ["conversation", "interview"]],
    ["contract_refusal", ["interview"]],
    ["citizenship", ["verify_decree"]],
    ["academic_failure", ["interview"]],
    ["negative_reasons", ["interview"]],
  ] as const)("D6: %s — the decision needs what the text puts before it: %j", (g, needs) => {
    const wf = wfOf(g);
    expect(missingBefore(wf, "decide", new Set()).sort()).toEqual([...needs].sort());
    expect(missingBefore(wf, "decide", new Set(needs))).toEqual([]);
  });

  it("D6: missingBefore names the unfinished prerequisites only; [] for a step the workflow lacks", () => {
    const wf = wfOf("own_will");
    expect(missingBefore(wf, "decide", new Set<StepKey>(["conversation"]))).toEqual(["interview"]);
    expect(missingBefore(wf, "conversation", new Set())).toEqual(["instruct"]);
    expect(missingBefore(wf, "instruct", new Set())).toEqual([]);
    expect(missingBefore(wf, "verify_decree", new Set())).toEqual([]);
  });

  it("D6: the head may decide without a late opinion — decide opens with every opinion still pending", () => {
    const wf = workflowFor("own_will", {
      category: "cadet",
      conscriptServed: true,
      endorsers: ["unit_head"],
    });
    const done = new Set<StepKey>(["interview", "instruct", "conversation"]);
    const opened = new Set<StepKey>([...done, "endorse", "pre_endorse_1"]);
    expect(openableSteps(wf, done, opened).map((s) => s.key)).toEqual(["decide"]);
  });

  it.each(GROUNDS)("D6: %s — withdrawable until the decision, only if the learner filed it", (g) => {
    const wf = wfOf(g);
    const filed = STUDENT_FILED_GROUNDS.includes(g);
    expect(canWithdraw(wf, new Set())).toBe(filed);
    expect(canWithdraw(wf, new Set<StepKey>(["endorse", "interview"]))).toBe(filed);
    expect(canWithdraw(wf, new Set<StepKey>(["decide"]))).toBe(false);
  });
});

describe("D7 (rev.): order on expulsion; submission for master's and doctoral students in ch. 2 and ch. 4", () => {
  it.each([
    ["own_will", "dismissal", "release_to_sending_unit"],
    ["academic_failure", "dismissal", "release_to_sending_unit"],
    ["foreign_org", "dismissal", "release_to_sending_unit"],
    ["negative_reasons", "dismissal", "dismissal"],
    ["citizenship", "dismissal", "dismissal"],
    ["contract_refusal", "dismissal", "dismissal"],
  ] as const)("D7: %s — cadet %s, master's/doctoral %s", (g, cadet, others) => {
    expect(expulsionOutcome(g, "cadet").outcome).toBe(cadet);
    expect(expulsionOutcome(g, "masters").outcome).toBe(others);
    expect(expulsionOutcome(g, "doctoral").outcome).toBe(others);
  });

  it.each([
    // ground, category, order: kind, submission: kind | null
    ["own_will", "cadet", "statutory", null],
    ["own_will", "masters", "target", "statutory"],
    ["own_will", "doctoral", "target", "statutory"],
    ["academic_failure", "cadet", "statutory", null],
    ["academic_failure", "masters", "target", "statutory"],
    ["academic_failure", "doctoral", "target", "statutory"],
    ["negative_reasons", "masters", "statutory", null],
    ["contract_refusal", "doctoral", "statutory", null],
    ["citizenship", "masters", "target", null],
  ] as const)("D7: %s / %s — order %s, submission %s", (g, c, order, submission) => {
    const wf = wfOf(g, c);
    expect(stepOf(wf, "order")?.deadline?.kind).toBe(order);
    expect(stepOf(wf, "submission")?.deadline?.kind ?? null).toBe(submission);
    if (submission !== null) expect(stepOf(wf, "submission")?.deadline?.from).toBe("decision");
  });

  it("D7: ch. 6 — an order, statutory 3 WD from the decision, for every category", () => {
    for (const c of CATEGORIES) {
      expect(stepOf(wfOf("contract_refusal", c), "order")?.deadline).toMatchObject({
        kind: "statutory",
        workingDays: 3,
        from: "decision",
      });
    }
  });
});

describe("D8 (rev.): retention one year from the day the case ended", () => {
  it.each([
    ["2025-03-10", "2026-03-10"],
    ["2024-02-29", "2025-02-28"],
    ["2026-12-31", "2027-12-31"],
  ])("ended %s: personal data kept through %s", (ended, last) => {
    expect(retentionEndsOn(ended)).toBe(last);
  });

  it("purge from the next Almaty local day", () => {
    expect(isRetentionOver("2025-03-10", new Date("2026-03-10T18:59:59Z"))).toBe(false); // 23:59:59 local
    expect(isRetentionOver("2025-03-10", new Date("2026-03-10T19:00:00Z"))).toBe(true);
    expect(RETENTION_CITE).toMatch(/D8/);
  });

  it("29 February: kept through 28 February of the next year, purged on 1 March", () => {
    expect(isRetentionOver("2024-02-29", new Date("2025-02-28T18:59:59Z"))).toBe(false);
    expect(isRetentionOver("2024-02-29", new Date("2025-02-28T19:00:00Z"))).toBe(true);
  });

  it("366 days after the end is over in a year without 29 February; a year spanning it needs 367", () => {
    expect(isRetentionOver("2026-03-20", new Date("2027-03-21T06:00:00Z"))).toBe(true); // day 366
    expect(isRetentionOver("2027-03-20", new Date("2028-03-20T06:00:00Z"))).toBe(false); // day 366, kept
    expect(isRetentionOver("2027-03-20", new Date("2028-03-21T06:00:00Z"))).toBe(true);
  });
});

describe("D9: rules edition", () => {
  it("D9: is recorded verbatim", () => {
    expect(RULES_EDITION).toBe("75/қе (04.06.2024) as amended by 88/қе (29.09.2025)");
    expect(RULES_EDITION_CITE).toMatch(/D9/);
  });
});

describe("D10: languages", () => {
  it("D10: interface kk (default), ru, en; documents kk or ru", () => {
    expect(INTERFACE_LANGUAGES).toEqual(["kk", "ru", "en"]);
    expect(DEFAULT_LANGUAGE).toBe("kk");
    expect(DOCUMENT_LANGUAGES).toEqual(["kk", "ru"]);
    expect(LANGUAGES_CITE).toBe("D10");
  });
});

describe("D11 (rev.): tracked steps after the order, in parallel", () => {
  it.each(GROUNDS)("D11: %s — they all open together when the order is done", (g) => {
    for (const c of CATEGORIES) {
      const wf = wfOf(g, c, false);
      const post = wf.steps.filter((s) =>
        ["notify_personnel_dept", "military_referral", "transcript", "cost_calculation"].includes(s.key),
      );
      const orderKey = post[0]?.opensAfter[0];
      expect(["order", "foreign_order", "foreign_submission"]).toContain(orderKey);
      for (const s of post) {
        expect(s.opensAfter).toEqual([orderKey]);
        expect(s.cite).toMatch(/D11/);
      }
      const done = new Set(wf.steps.map((s) => s.key).filter((k) => !post.some((p) => p.key === k)));
      expect(openableSteps(wf, done, done).map((s) => s.key)).toEqual(post.map((s) => s.key));
    }
  });

  it("D11: a submission is never what the after-order steps wait for (ch. 2, ch. 4)", () => {
    for (const g of ["own_will", "academic_failure"] as const) {
      for (const c of ["masters", "doctoral"] as const) {
        for (const s of wfOf(g, c, false).steps)
          expect(s.opensAfter, `${g}/${c}/${s.key}`).not.toContain("submission");
      }
    }
  });

  it.each([
    // leaves the service (dismissal), RK citizen (not ch. 5), conscript term not served
    ["own_will", "cadet", false, true],
    ["own_will", "cadet", true, false],
    ["own_will", "masters", false, false],
    ["academic_failure", "doctoral", false, false],
    ["negative_reasons", "masters", false, true],
    ["contract_refusal", "doctoral", false, true],
    ["citizenship", "cadet", false, false],
    ["foreign_org", "cadet", false, true],
    ["foreign_org", "masters", false, false],
  ] as const)(
    "D11, cl. 7: %s / %s, served = %s → military referral %s",
    (g, category, conscriptServed, expected) => {
      expect(needsMilitaryReferral(g, { category, conscriptServed })).toBe(expected);
      expect(keysOf(wfOf(g, category, conscriptServed)).includes("military_referral")).toBe(expected);
    },
  );
});

describe("the decisions table", () => {
  it("lists D1–D16, each with a summary, a cite and where it lives", () => {
    expect(Object.keys(DECISIONS)).toEqual(Array.from({ length: 16 }, (_, i) => `D${i + 1}`));
    for (const d of Object.values(DECISIONS)) {
      expect(d.summary).toMatch(/\S/);
      expect(d.cite).toMatch(/\S/);
      expect(d.where).toMatch(/\.ts/);
    }
  });

  it("every file a decision says it lives in exists (src/rules, or src/<dir>)", () => {
    const src = join(__dirname, "../../src");
    for (const [id, d] of Object.entries(DECISIONS)) {
      const files = [...d.where.matchAll(/[\w/-]+\.ts/g)].map((m) => m[0]);
      expect(files.length, id).toBeGreaterThan(0);
      for (const f of files) {
        const path = f.includes("/") ? join(src, f) : join(src, "rules", f);
        expect(existsSync(path), `${id}: ${f}`).toBe(true);
      }
    }
  });

  it("the revised decisions say what changed: D6 only the head, D7 order and submission", () => {
    expect(DECISIONS.D6.summary).toMatch(/head/);
    expect(DECISIONS.D7.summary).toMatch(/submission/);
    expect(DECISIONS.D15.cite).toMatch(/Art\. 5; docs\/calendar\.md/);
  });
});

describe("walking a workflow: openableSteps / isComplete", () => {
  it("every workflow can be walked to completion, each step opening once, opinions never done", () => {
    for (const [name, wf] of everyShape()) {
      const advisory = new Set(opinionSteps(wf).map((s) => s.key));
      const done = new Set<StepKey>();
      const opened = new Set<StepKey>();
      for (let round = 0; round < 2 * wf.steps.length && !isComplete(wf, done); round++) {
        for (const s of openableSteps(wf, done, opened)) opened.add(s.key);
        // a step cannot open twice
        expect(openableSteps(wf, done, opened), name).toEqual([]);
        const work = [...opened].find((k) => !done.has(k) && !advisory.has(k));
        expect(work, `${name} stuck after ${[...done]}`).toBeDefined();
        if (work) done.add(work);
      }
      expect(isComplete(wf, done), name).toBe(true);
      expect(done.size, name).toBe(wf.steps.length - advisory.size);
      // every step, opinions included, was opened on the way
      expect(opened.size, name).toBe(wf.steps.length);
    }
  });

  it("own will, step by step (D4, cl. 20, cl. 19, cl. 21)", () => {
    const wf = wfOf("own_will");
    const open = (done: StepKey[], opened: StepKey[] = done) =>
      openableSteps(wf, new Set(done), new Set(opened)).map((s) => s.key);
    const registration: StepKey[] = ["endorse", "interview", "instruct"];
    expect(open([])).toEqual(registration);
    expect(open([], registration)).toEqual([]);
    expect(open(["instruct"], registration)).toEqual(["conversation"]);
    expect(open(["instruct", "conversation"], [...registration, "conversation"])).toEqual([]);
    expect(open(["instruct", "conversation", "interview"], [...registration, "conversation"])).toEqual([
      "decide",
    ]);
    expect(
      open(["interview", "instruct", "conversation", "decide"], [...registration, "conversation", "decide"]),
    ).toEqual(["order"]);
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
    const wf = workflowFor("own_will", {
      category: "masters",
      conscriptServed: true,
      endorsers: ["unit_head"],
    });
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

describe("D8 (rev.): retention counts from the day the case ended, never while it runs", () => {
  it.each([
    ["closed", "2026-05-01", "2026-05-01"],
    ["rejected", "2026-05-01", "2026-05-01"],
    ["withdrawn", "2026-05-01", "2026-05-01"],
    ["returned", "2026-05-01", "2026-05-01"],
    // Running cases: never purged, even with an end date set.
    ["open", "2020-01-01", null],
    ["approved", "2020-01-01", null],
    ["sent_back", "2020-01-01", null],
    // An unknown state is never purged (fail-safe), nor an ended case without an end date.
    ["archived", "2020-01-01", null],
    ["closed", null, null],
  ] as const)("%s, ended %s → from %s", (state, ended, from) => {
    expect(retentionStartsOn(state, ended)).toBe(from);
  });

  it("ended and running states are disjoint, and sent_back is running", () => {
    expect(ENDED_CASE_STATES.filter((s) => OPEN_CASE_STATES.includes(s))).toEqual([]);
    expect(OPEN_CASE_STATES).toEqual(["open", "approved", "sent_back"]);
    expect(ENDED_CASE_STATES).toEqual(expect.arrayContaining(["closed", "rejected", "withdrawn"]));
  });
});
