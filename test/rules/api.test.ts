// The public contract other modules code against: if a name or a signature drifts, tsc fails here.
import { describe, expect, it } from "vitest";
import type {
  Anchors,
  Calendar,
  CalendarOverride,
  Category,
  Cited,
  DeadlineAnchor,
  DeadlineRule,
  Ground,
  HeadDecision,
  LocalDate,
  Role,
  StepDef,
  StepKey,
  Workflow,
  WorkflowContext,
} from "../../src/rules/index";
import * as rules from "../../src/rules/index";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertType = <T extends true>(_: T): void => {};

assertType<Same<LocalDate, string>>(true);
assertType<Same<typeof rules.TIME_ZONE, "Asia/Almaty">>(true);
assertType<
  Same<
    Ground,
    "academic_failure" | "negative_reasons" | "own_will" | "citizenship" | "contract_refusal" | "foreign_org"
  >
>(true);
assertType<Same<Category, "cadet" | "masters" | "doctoral">>(true);
assertType<
  Same<
    Role,
    | "head"
    | "deputy_personnel"
    | "deputy_academic"
    | "deputy_upbringing"
    | "personnel_officer"
    | "academic_methods_head"
    | "unit_head"
    | "admin"
  >
>(true);
assertType<Same<typeof rules.ROLES, readonly Role[]>>(true);
assertType<Same<typeof rules.GROUNDS, readonly Ground[]>>(true);
assertType<Same<typeof rules.STUDENT_FILED_GROUNDS, readonly Ground[]>>(true);
assertType<Same<Cited, { cite: string }>>(true);
assertType<Same<CalendarOverride, { date: LocalDate; kind: "day_off" | "working"; note?: string }>>(true);
assertType<
  Same<
    Calendar,
    {
      readonly weekPattern: readonly number[];
      readonly overrides: ReadonlyMap<LocalDate, "day_off" | "working">;
    }
  >
>(true);
assertType<Same<typeof rules.KZ_SEED, readonly CalendarOverride[]>>(true);
assertType<Same<typeof rules.DEFAULT_CALENDAR, Calendar>>(true);
assertType<Same<typeof rules.statutoryDaysOff, (year: number) => LocalDate[]>>(true);
assertType<Same<typeof rules.isWorkingDay, (date: LocalDate, calendar?: Calendar) => boolean>>(true);
assertType<
  Same<typeof rules.addWorkingDays, (from: LocalDate | Date, days: number, calendar?: Calendar) => LocalDate>
>(true);
assertType<Same<typeof rules.localDateOf, (instant: Date) => LocalDate>>(true);
assertType<Same<typeof rules.dueInstant, (date: LocalDate) => Date>>(true);
assertType<Same<typeof rules.isOverdue, (due: LocalDate, now: Date) => boolean>>(true);
assertType<Same<typeof rules.workingDaysOverdue, (due: LocalDate, now: Date, calendar?: Calendar) => number>>(
  true,
);
assertType<Same<typeof rules.workingDaysLeft, (due: LocalDate, now: Date, calendar?: Calendar) => number>>(
  true,
);
assertType<
  Same<
    StepKey,
    | "endorse"
    | "interview"
    | "instruct"
    | "conversation"
    | "decide"
    | "order"
    | "submission"
    | "notify_personnel_dept"
    | "military_referral"
    | "transcript"
    | "cost_calculation"
    | "submit_academic"
    | "agree_academic"
    | "submit_negative"
    | "agree_upbringing"
    | "verify_decree"
    | "foreign_order"
    | "foreign_submission"
    | "pre_endorse_1"
    | "pre_endorse_2"
    | "pre_endorse_3"
  >
>(true);
assertType<Same<DeadlineAnchor, "registered" | "opened" | "decision" | "order_date">>(true);
assertType<
  Same<
    DeadlineRule,
    { cite: string; kind: "statutory" | "target"; workingDays: number; from: DeadlineAnchor }
  >
>(true);
assertType<
  Same<
    StepDef,
    {
      cite: string;
      key: StepKey;
      role: Role;
      opensAfter: readonly StepKey[];
      deadline: DeadlineRule | null;
      produces: readonly string[];
      terminal?: "decision";
      advisory?: true;
    }
  >
>(true);
// Optional fields hide from Same<>: pin the key set too (D4: `advisory` marks an opinion to the head).
assertType<
  Same<
    keyof StepDef,
    "cite" | "key" | "role" | "opensAfter" | "deadline" | "produces" | "terminal" | "advisory"
  >
>(true);
assertType<
  Same<
    keyof WorkflowContext,
    "category" | "conscriptServed" | "reimbursement" | "endorsers" | "targetDays" | "targets"
  >
>(true);
assertType<Same<WorkflowContext["endorsers"], readonly Role[] | undefined>>(true);
assertType<Same<HeadDecision, "approve" | "reject" | "send_back">>(true);
assertType<
  Same<typeof rules.headDecisions, (ground: Ground) => { decisions: readonly HeadDecision[] } & Cited>
>(true);
assertType<Same<typeof rules.canWithdraw, (wf: Workflow, done: ReadonlySet<StepKey>) => boolean>>(true);
assertType<Same<typeof rules.opinionSteps, (wf: Workflow) => StepDef[]>>(true);
assertType<Same<typeof rules.decisionStep, (wf: Workflow) => StepDef | undefined>>(true);
assertType<
  Same<typeof rules.missingBefore, (wf: Workflow, key: StepKey, done: ReadonlySet<StepKey>) => StepKey[]>
>(true);
assertType<
  Same<
    typeof rules.needsMilitaryReferral,
    (ground: Ground, ctx: Pick<WorkflowContext, "category" | "conscriptServed">) => boolean
  >
>(true);
assertType<Same<typeof rules.MAX_EXTRA_ENDORSERS, 3>>(true);
// WorkflowContext may carry more optional fields (targets), but must accept the documented shape.
const ctx: WorkflowContext = { category: "cadet", conscriptServed: true, reimbursement: { own_will: false } };
assertType<Same<Workflow, { cite: string; ground: Ground; chapter: string; steps: readonly StepDef[] }>>(
  true,
);
assertType<Same<typeof rules.workflowFor, (ground: Ground, ctx: WorkflowContext) => Workflow>>(true);
assertType<
  Same<
    typeof rules.requiresReimbursement,
    (ground: Ground, map?: Partial<Record<Ground, boolean>>) => boolean
  >
>(true);
assertType<Same<typeof rules.DEFAULT_REIMBURSEMENT, Readonly<Record<Ground, boolean>>>>(true);
assertType<
  Same<
    typeof rules.openableSteps,
    (wf: Workflow, done: ReadonlySet<StepKey>, opened: ReadonlySet<StepKey>) => StepDef[]
  >
>(true);
assertType<
  Same<Anchors, { registered: LocalDate; decision?: LocalDate; order_date?: LocalDate; opened: LocalDate }>
>(true);
assertType<
  Same<typeof rules.dueDateFor, (step: StepDef, anchors: Anchors, calendar?: Calendar) => LocalDate | null>
>(true);
assertType<Same<typeof rules.isComplete, (wf: Workflow, done: ReadonlySet<StepKey>) => boolean>>(true);

describe("public API of src/rules", () => {
  it("has the agreed values", () => {
    expect(rules.TIME_ZONE).toBe("Asia/Almaty");
    expect(rules.STUDENT_FILED_GROUNDS).toEqual(["own_will", "contract_refusal"]);
    expect(rules.ROLES).toHaveLength(8);
    expect(rules.RULES_EDITION).toBe("75/қе (04.06.2024) as amended by 88/қе (29.09.2025)");
    expect(rules.workflowFor("own_will", ctx).ground).toBe("own_will");
    expect(rules.makeCalendar().weekPattern).toEqual([1, 2, 3, 4, 5]);
    expect(rules.MAX_EXTRA_ENDORSERS).toBe(3); // D4
    expect(Object.keys(rules.DECISIONS)).toHaveLength(16); // D1–D16
  });
});
