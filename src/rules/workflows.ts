// Each ground's procedure as data: who acts, when a step opens, its period, what it produces, and why.
// Statutory periods are the ones the text states; every other step gets an institution target (D3).
import {
  type Category,
  type Cited,
  type Ground,
  isCategory,
  isGround,
  isRole,
  type Role,
  requiresReimbursement,
  STUDENT_FILED_GROUNDS,
} from "./grounds";

export type StepKey =
  | "endorse"
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
  | "pre_endorse_3";

export const STEP_KEYS: readonly StepKey[] = Object.freeze([
  "endorse",
  "instruct",
  "conversation",
  "decide",
  "order",
  "submission",
  "notify_personnel_dept",
  "military_referral",
  "transcript",
  "cost_calculation",
  "submit_academic",
  "agree_academic",
  "submit_negative",
  "agree_upbringing",
  "verify_decree",
  "foreign_order",
  "foreign_submission",
  "pre_endorse_1",
  "pre_endorse_2",
  "pre_endorse_3",
]);

/** D4: an institution may put up to three endorsers (e.g. the faculty or course chief) before the deputy head. */
export const MAX_EXTRA_ENDORSERS = 3;
const PRE_ENDORSE_KEYS = ["pre_endorse_1", "pre_endorse_2", "pre_endorse_3"] as const;
/** Roles that can't be an extra endorser: they already act in the chain, or are not part of it. */
const NOT_EXTRA_ENDORSERS: readonly Role[] = ["head", "deputy_personnel", "admin"];

/**
 * What a period is counted from (D2). "registered": the case's trigger date (the report's receipt; for
 * ch. 2 the day the academic-debt deadline passed, as entered by the academic-methods head). "opened": the
 * day the step opened. "decision": the head's decision (also the cl. 26 instruction). "order_date": the date
 * of the expulsion order, entered by the personnel officer (cl. 7).
 */
export type DeadlineAnchor = "registered" | "opened" | "decision" | "order_date";

export interface DeadlineRule extends Cited {
  /** "statutory": a period the rules set. "target": the institution's own target (D3), never shown as statutory. */
  kind: "statutory" | "target";
  workingDays: number;
  from: DeadlineAnchor;
}

export interface StepDef extends Cited {
  key: StepKey;
  /** Who acts. */
  role: Role;
  /** The step opens when all of these are done ([] = at registration). */
  opensAfter: readonly StepKey[];
  /** D3: steps with no statutory period get a target (default 2 WD from "opened"). */
  deadline: DeadlineRule | null;
  /** Documents the step needs or produces (see DOCUMENT_KEYS). */
  produces: readonly string[];
  /** The head's decision (approve / reject, D6). */
  terminal?: "decision";
}

export interface WorkflowContext {
  category: Category;
  /** Whether the learner has served the statutory term of conscript service (cl. 7; D11: learner says, personnel confirms). */
  conscriptServed: boolean;
  /** The institution's D5 map; missing grounds use DEFAULT_REIMBURSEMENT. */
  reimbursement?: Partial<Record<Ground, boolean>>;
  /**
   * D4: extra endorsers, in order, before the deputy head for personnel, for reports the learner files
   * (ch. 4, ch. 6). Snapshotted in the case when it is filed, so a later change does not reshape it.
   */
  endorsers?: readonly Role[];
  /** D3: the institution's target in working days per step (default DEFAULT_TARGET_WORKING_DAYS). Statutory periods cannot be changed. */
  targets?: Partial<Record<StepKey, number>>;
}

export interface Workflow extends Cited {
  ground: Ground;
  chapter: string;
  steps: readonly StepDef[];
}

/** D3: the default institution target, in working days from the day the step opened. */
export const DEFAULT_TARGET_WORKING_DAYS = 2;

/** Short keys of the documents steps need or produce (for templates and translations). */
export const DOCUMENT_KEYS = Object.freeze([
  "report", // the learner's report to the head (cl. 19, 23, 25)
  "interview_sheet", // cl. 5
  "instruction", // cl. 20
  "conversation_record", // cl. 20: result of the fact check
  "decision", // cl. 12, 16, 19, 23, 25
  "order", // dismissal and exclusion from the personnel lists (cl. 2, 15, 18, 21, 24, 26)
  "submission", // release from post, at the disposal of the sending unit (cl. 2, 15, 21)
  "personnel_dept_notification", // cl. 7
  "military_referral", // cl. 7
  "transcript", // cl. 6
  "cost_calculation", // cl. 2, 8 (order 85 қе)
  "academic_submission", // cl. 12, 14: the submission (report) of the academic-methods head
  "interview_sheets", // cl. 13: every interview since the debt arose
  "debt_notifications", // cl. 13: notifications the learner signed
  "agreement", // cl. 12, 16
  "reasoned_report", // cl. 16
  "investigation_materials", // cl. 16
  "decree", // cl. 23: Presidential Decree, original or a copy checked against it
] as const);
export type DocumentKey = (typeof DOCUMENT_KEYS)[number];

// --- Building blocks ---------------------------------------------------------------------------------------

type Draft = Omit<StepDef, "deadline" | "produces"> & {
  deadline: DeadlineRule;
  produces: readonly DocumentKey[];
};

const statutory = (workingDays: number, from: DeadlineAnchor, cite: string): DeadlineRule => ({
  kind: "statutory",
  workingDays,
  from,
  cite,
});

function target(ctx: WorkflowContext, key: StepKey): DeadlineRule {
  const workingDays = ctx.targets?.[key] ?? DEFAULT_TARGET_WORKING_DAYS;
  if (!Number.isInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`Target for ${key} must be a whole number of working days >= 1: ${workingDays}`);
  }
  return { kind: "target", workingDays, from: "opened", cite: "D3" };
}

/** The head's decision on the report or submission (D6: approve, or reject with a reason; withdrawable before). */
function decide(ctx: WorkflowContext, after: StepKey, cite: string): Draft {
  return {
    key: "decide",
    role: "head",
    opensAfter: [after],
    deadline: target(ctx, "decide"),
    produces: ["decision"],
    terminal: "decision",
    cite: `${cite}; D6`,
  };
}

/** Cl. 4–5 interview by the deputy head for personnel (D5), as its own step where no D4 endorsement exists. */
function interview(ctx: WorkflowContext, after: StepKey[]): Draft {
  return {
    key: "endorse",
    role: "deputy_personnel",
    opensAfter: after,
    deadline: target(ctx, "endorse"),
    produces: ["interview_sheet"],
    cite: "cl. 4–5; D5",
  };
}

/** D4: the learner's report goes first to the deputy head for personnel, who also holds the cl. 4 interview. */
function endorseReport(ground: Ground, ctx: WorkflowContext): Draft {
  const reimbursed = requiresReimbursement(ground, ctx.reimbursement);
  return {
    key: "endorse",
    role: "deputy_personnel",
    opensAfter: [],
    deadline: target(ctx, "endorse"),
    produces: reimbursed ? ["report", "interview_sheet"] : ["report"],
    cite: reimbursed ? "D4; cl. 4–5; D5" : "D4",
  };
}

/**
 * Cl. 15 / 21: the personnel subdivision issues the dismissal order (cadets) or sends the submission for
 * release from post (master's, doctoral), within 2 working days. [I] The text does not say from when; D2
 * counts from the head's decision.
 */
function orderOrSubmission(ctx: WorkflowContext, clause: string, submissionCite: string): Draft {
  const deadline = statutory(2, "decision", `${clause}; D2`);
  if (ctx.category === "cadet") {
    return {
      key: "order",
      role: "personnel_officer",
      opensAfter: ["decide"],
      deadline,
      produces: ["order"],
      cite: clause,
    };
  }
  return {
    key: "submission",
    role: "personnel_officer",
    opensAfter: ["decide"],
    deadline,
    produces: ["submission"],
    cite: submissionCite,
  };
}

/** D11: the tracked steps after the expulsion order; they run in parallel. */
function afterOrder(ground: Ground, after: StepKey, ctx: WorkflowContext): Draft[] {
  const steps: Draft[] = [
    {
      key: "notify_personnel_dept",
      role: "personnel_officer",
      opensAfter: [after],
      deadline: statutory(5, "order_date", "cl. 7 (88/қе); D2"),
      produces: ["personnel_dept_notification"],
      cite: "cl. 7; D11",
    },
  ];
  // Cl. 7 does not tell categories apart; personnel confirms the learner's answer (D11). [I]
  if (!ctx.conscriptServed) {
    steps.push({
      key: "military_referral",
      role: "personnel_officer",
      opensAfter: [after],
      deadline: target(ctx, "military_referral"),
      produces: ["military_referral"],
      cite: "cl. 7; D11",
    });
  }
  // [I] Cl. 6 gives a transcript to those expelled from a ВСУЗ; a foreign organisation issues its own.
  if (ground !== "foreign_org") {
    steps.push({
      key: "transcript",
      role: "personnel_officer",
      opensAfter: [after],
      deadline: target(ctx, "transcript"),
      produces: ["transcript"],
      cite: "cl. 6; D11",
    });
  }
  // [I] Cl. 2 orders the cost calculation after every foreign expulsion, whatever the D5 map says; elsewhere it
  // follows the D5 map (cl. 8).
  if (ground === "foreign_org" || requiresReimbursement(ground, ctx.reimbursement)) {
    steps.push({
      key: "cost_calculation",
      role: "personnel_officer",
      opensAfter: [after],
      deadline: target(ctx, "cost_calculation"),
      produces: ["cost_calculation"],
      cite: ground === "foreign_org" ? "cl. 2, 8; D11" : "cl. 8; D5; D11",
    });
  }
  return steps;
}

// --- The six procedures ----------------------------------------------------------------------------------

/** Ch. 4, cl. 19–22: expulsion at the learner's own will. */
function ownWill(ctx: WorkflowContext): Draft[] {
  const order = orderOrSubmission(ctx, "cl. 21", "cl. 21, 22; D7");
  return [
    endorseReport("own_will", ctx),
    {
      // [I] Cl. 20 reads most naturally as "the head gives the instruction within 2 WD" of the report's
      // receipt (D2), so the D4 endorsement target eats into that period.
      key: "instruct",
      role: "head",
      opensAfter: ["endorse"],
      deadline: statutory(2, "registered", "cl. 20; D2"),
      produces: ["instruction"],
      cite: "cl. 20",
    },
    {
      // The personnel subdivision holds the conversation and records whether the report's facts hold (cl. 20).
      key: "conversation",
      role: "personnel_officer",
      opensAfter: ["instruct"],
      deadline: target(ctx, "conversation"),
      produces: ["conversation_record"],
      cite: "cl. 20; D3",
    },
    decide(ctx, "conversation", "cl. 19"),
    order,
    ...afterOrder("own_will", order.key, ctx),
  ];
}

/** Ch. 6, cl. 25–26: refusal to conclude the service contract. */
function contractRefusal(ctx: WorkflowContext): Draft[] {
  return [
    endorseReport("contract_refusal", ctx),
    // D2: the cl. 26 instruction to the personnel subdivision is given together with the decision.
    decide(ctx, "endorse", "cl. 25; cl. 26; D2"),
    {
      // D7: a dismissal order for every category, as cl. 26 says (no return to the sending unit).
      key: "order",
      role: "personnel_officer",
      opensAfter: ["decide"],
      deadline: statutory(3, "decision", "cl. 26; D2"),
      produces: ["order"],
      cite: "cl. 26; D7",
    },
    ...afterOrder("contract_refusal", "order", ctx),
  ];
}

/** Ch. 2, cl. 10–15: academic failure (debt not cleared in time under order 8/ҚБП). */
function academicFailure(ctx: WorkflowContext): Draft[] {
  const steps: Draft[] = [
    {
      // Cl. 14: no later than 3 WD from the moment the grounds arose; D2: "registered" is the day the debt
      // deadline passed. Cl. 13 lists the attachments.
      key: "submit_academic",
      role: "academic_methods_head",
      opensAfter: [],
      deadline: statutory(3, "registered", "cl. 14; D2"),
      produces: ["academic_submission", "interview_sheets", "debt_notifications"],
      cite: "cl. 12–14",
    },
    {
      key: "agree_academic",
      role: "deputy_academic",
      opensAfter: ["submit_academic"],
      deadline: target(ctx, "agree_academic"),
      produces: ["agreement"],
      cite: "cl. 12; D4",
    },
  ];
  let last: StepKey = "agree_academic";
  if (requiresReimbursement("academic_failure", ctx.reimbursement)) {
    steps.push(interview(ctx, ["agree_academic"]));
    last = "endorse";
  }
  const order = orderOrSubmission(ctx, "cl. 15", "cl. 15; D7");
  steps.push(decide(ctx, last, "cl. 12"), order, ...afterOrder("academic_failure", order.key, ctx));
  return steps;
}

/** Ch. 3, cl. 16–18: negative reasons (cl. 17: only the cases of the laws it names). */
function negativeReasons(ctx: WorkflowContext): Draft[] {
  const steps: Draft[] = [
    {
      // [I] "Head of the educational (training) subdivision" = the course or faculty chief (unit_head).
      key: "submit_negative",
      role: "unit_head",
      opensAfter: [],
      deadline: target(ctx, "submit_negative"),
      produces: ["reasoned_report", "investigation_materials"],
      cite: "cl. 16; cl. 17",
    },
    {
      key: "agree_upbringing",
      role: "deputy_upbringing",
      opensAfter: ["submit_negative"],
      deadline: target(ctx, "agree_upbringing"),
      produces: ["agreement"],
      cite: "cl. 16; D4",
    },
  ];
  let last: StepKey = "agree_upbringing";
  if (requiresReimbursement("negative_reasons", ctx.reimbursement)) {
    steps.push(interview(ctx, ["agree_upbringing"]));
    last = "endorse";
  }
  steps.push(decide(ctx, last, "cl. 16"), {
    // Cl. 18 makes no cadet / master's distinction: every learner is dismissed (D7).
    key: "order",
    role: "personnel_officer",
    opensAfter: ["decide"],
    deadline: statutory(2, "decision", "cl. 18; D2"),
    produces: ["order"],
    cite: "cl. 18; D7",
  });
  return [...steps, ...afterOrder("negative_reasons", "order", ctx)];
}

/** Ch. 5, cl. 23–24: termination of citizenship of the Republic of Kazakhstan. */
function citizenship(ctx: WorkflowContext): Draft[] {
  return [
    // [I] D4 names ch. 5 among the reports that go first to the deputy head for personnel.
    endorseReport("citizenship", ctx),
    {
      // Cl. 23: if a copy of the Decree is given, personnel compares it with the original.
      key: "verify_decree",
      role: "personnel_officer",
      opensAfter: ["endorse"],
      deadline: target(ctx, "verify_decree"),
      produces: ["decree"],
      cite: "cl. 23",
    },
    decide(ctx, "verify_decree", "cl. 23"),
    {
      // Cl. 24: a single order of the head (expulsion, dismissal, exclusion), Art. 51 p. 10 of the Law; no
      // period is stated, so a target (D3). The personnel officer records it.
      key: "order",
      role: "personnel_officer",
      opensAfter: ["decide"],
      deadline: target(ctx, "order"),
      produces: ["order"],
      cite: "cl. 24; D3",
    },
    ...afterOrder("citizenship", "order", ctx),
  ];
}

/** Cl. 2 (as amended by 88/қе): expulsion by a foreign educational organisation under the treaty. */
function foreignOrg(ctx: WorkflowContext): Draft[] {
  const steps: Draft[] = [];
  // Cl. 4 covers foreign organisations too; the interview comes before the dismissal order. [I]
  if (requiresReimbursement("foreign_org", ctx.reimbursement)) steps.push(interview(ctx, []));
  const after: StepKey[] = steps.length > 0 ? ["endorse"] : [];
  // No head's decision: the foreign organisation has expelled the learner. No period is stated (D3).
  const order: Draft =
    ctx.category === "cadet"
      ? {
          key: "foreign_order",
          role: "personnel_officer",
          opensAfter: after,
          deadline: target(ctx, "foreign_order"),
          produces: ["order"],
          cite: "cl. 2",
        }
      : {
          key: "foreign_submission",
          role: "personnel_officer",
          opensAfter: after,
          deadline: target(ctx, "foreign_submission"),
          produces: ["submission"],
          cite: "cl. 2; D7",
        };
  return [...steps, order, ...afterOrder("foreign_org", order.key, ctx)];
}

const BUILDERS: Readonly<Record<Ground, (ctx: WorkflowContext) => Draft[]>> = {
  own_will: ownWill,
  contract_refusal: contractRefusal,
  academic_failure: academicFailure,
  negative_reasons: negativeReasons,
  citizenship,
  foreign_org: foreignOrg,
};

const WORKFLOW_CITES: Readonly<Record<Ground, { chapter: string; cite: string }>> = {
  academic_failure: { chapter: "ch. 2", cite: "cl. 10–15" },
  negative_reasons: { chapter: "ch. 3", cite: "cl. 16–18" },
  own_will: { chapter: "ch. 4", cite: "cl. 19–22" },
  citizenship: { chapter: "ch. 5", cite: "cl. 23–24" },
  contract_refusal: { chapter: "ch. 6", cite: "cl. 25–26" },
  foreign_org: { chapter: "ch. 1 (cl. 2)", cite: "cl. 2 (88/қе)" },
};

/** The procedure for a ground, with the category branch and optional steps already resolved (frozen). */
export function workflowFor(ground: Ground, ctx: WorkflowContext): Workflow {
  if (!isGround(ground)) throw new RangeError(`Unknown ground: ${String(ground)}`);
  if (!isCategory(ctx.category)) throw new RangeError(`Unknown category: ${String(ctx.category)}`);
  if (typeof ctx.conscriptServed !== "boolean") throw new RangeError("conscriptServed must be a boolean");
  const steps = withExtraEndorsers(ground, BUILDERS[ground](ctx), ctx).map((s) =>
    Object.freeze({
      ...s,
      opensAfter: Object.freeze([...s.opensAfter]),
      produces: Object.freeze([...s.produces]),
      deadline: Object.freeze({ ...s.deadline }),
    }),
  );
  return Object.freeze({ ground, ...WORKFLOW_CITES[ground], steps: Object.freeze(steps) });
}

/** D4: the institution's extra endorsers go first, one after another; the deputy head's step follows them. */
function withExtraEndorsers(ground: Ground, steps: Draft[], ctx: WorkflowContext): Draft[] {
  const extra = ctx.endorsers ?? [];
  if (extra.length === 0 || !STUDENT_FILED_GROUNDS.includes(ground)) return steps;
  if (extra.length > MAX_EXTRA_ENDORSERS)
    throw new RangeError(`At most ${MAX_EXTRA_ENDORSERS} extra endorsers (D4)`);
  const pre: Draft[] = extra.map((role, i) => {
    if (!isRole(role) || NOT_EXTRA_ENDORSERS.includes(role))
      throw new RangeError(`Not an extra endorser (D4): ${role}`);
    const key = PRE_ENDORSE_KEYS[i]!;
    return {
      key,
      role,
      opensAfter: i === 0 ? [] : [PRE_ENDORSE_KEYS[i - 1]!],
      deadline: target(ctx, key),
      produces: ["report"],
      cite: "D4",
    };
  });
  const last = pre[pre.length - 1]!.key;
  return [...pre, ...steps.map((s) => (s.key === "endorse" ? { ...s, opensAfter: [last] } : s))];
}

/** Steps not yet opened (nor done) whose opensAfter are all done, in workflow order. */
export function openableSteps(
  wf: Workflow,
  done: ReadonlySet<StepKey>,
  opened: ReadonlySet<StepKey>,
): StepDef[] {
  return wf.steps.filter(
    (s) => !opened.has(s.key) && !done.has(s.key) && s.opensAfter.every((k) => done.has(k)),
  );
}

/** Every step of the workflow is done. */
export function isComplete(wf: Workflow, done: ReadonlySet<StepKey>): boolean {
  return wf.steps.every((s) => done.has(s.key));
}

/** The step with this key, if the workflow has it. */
export function stepOf(wf: Workflow, key: StepKey): StepDef | undefined {
  return wf.steps.find((s) => s.key === key);
}

/** The head's decision step (D6); undefined for cl. 2 (foreign), where there is none. */
export function decisionStep(wf: Workflow): StepDef | undefined {
  return wf.steps.find((s) => s.terminal === "decision");
}
