// Each ground's procedure as data: who acts, when a step opens, its period, what it produces, and why.
// Statutory periods are the ones the text states; every other step gets an institution target (D3).
//
// The principle (docs/decisions.md): only the head decides on a report addressed to the head (cl. 19,
// 23, 25). Nobody below the head can end, return or hold up such a report: the opinions asked of the
// deputy head and of the institution's other officials are advisory (they never gate a step), and no step
// below the head consumes a statutory period that belongs to someone else.
import {
  type Category,
  type Cited,
  expulsionOutcome,
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
  | "pre_endorse_3";

export const STEP_KEYS: readonly StepKey[] = Object.freeze([
  "endorse",
  "interview",
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

/**
 * A step of a case (case_steps.state): pending (waiting for its role's holder), done, or cancelled (no longer
 * needed: the case ended, or an opinion still pending when the head decided, D4).
 */
export type StepState = "pending" | "done" | "cancelled";
export const STEP_STATES: readonly StepState[] = Object.freeze(["pending", "done", "cancelled"]);

/** D4: an institution may ask up to three more officials (e.g. the faculty or course chief) for an opinion. */
export const MAX_EXTRA_ENDORSERS = 3;
/** The keys of the extra opinions (named "pre_endorse" since the first chain; kept so stored cases still read). */
const EXTRA_OPINION_KEYS = ["pre_endorse_1", "pre_endorse_2", "pre_endorse_3"] as const;
/** Roles that can't give an extra opinion: they already act in the chain, or are not part of it. */
const NOT_EXTRA_ENDORSERS: readonly Role[] = ["head", "deputy_personnel", "admin"];

/**
 * What a period is counted from (D2). "registered": the case's trigger date (the report's receipt; for
 * ch. 2 the day the academic-debt deadline passed, as entered by the academic-methods head). "opened": the
 * day the step opened (a step that opens with the head's instruction counts from the instruction).
 * "decision": the head's decision (also the cl. 26 instruction). "order_date": the date of the order on
 * expulsion, entered by the personnel officer (cl. 7; never a submission's date).
 */
export type DeadlineAnchor = "registered" | "opened" | "decision" | "order_date";

/** "statutory": a period the rules set. "target": the institution's own target (D3), never shown as statutory. */
export type DueKind = "statutory" | "target";

export interface DeadlineRule extends Cited {
  kind: DueKind;
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
  /** The head's decision (D6). */
  terminal?: "decision";
  /**
   * D4: an opinion to the head. It never gates another step and is not needed to close the case; one still
   * pending when the head decides is closed as no longer needed (the head is shown that it is missing).
   */
  advisory?: true;
}

export interface WorkflowContext {
  category: Category;
  /** Whether the learner has served the statutory term of conscript service (cl. 7; D11: learner says, personnel confirms). */
  conscriptServed: boolean;
  /** The D5 map snapshotted in the case when it opened; missing grounds use DEFAULT_REIMBURSEMENT. */
  reimbursement?: Partial<Record<Ground, boolean>>;
  /**
   * D4: roles of the institution's extra opinion-givers for reports the learner files (ch. 4, ch. 6), asked
   * at the same time as the deputy head. Snapshotted in the case when it is filed.
   */
  endorsers?: readonly Role[];
  /** D3: the institution's target in working days for every step without a statutory period (default DEFAULT_TARGET_WORKING_DAYS). */
  targetDays?: number;
  /** D3: a per-step target overriding targetDays. Statutory periods cannot be changed. */
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
  "opinion", // D4: the deputy head's (or another official's) opinion to the head
  "interview_sheet", // cl. 5
  "instruction", // cl. 20
  "conversation_record", // cl. 20: result of the fact check
  "decision", // cl. 12, 16, 19, 23, 25
  "order", // on expulsion, dismissal and exclusion from the personnel lists (cl. 2, 15, 18, 21, 24, 26)
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
  "foreign_expulsion", // cl. 2: the foreign educational organisation's document on the expulsion
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
  const workingDays = ctx.targets?.[key] ?? ctx.targetDays ?? DEFAULT_TARGET_WORKING_DAYS;
  if (!Number.isInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`Target for ${key} must be a whole number of working days >= 1: ${workingDays}`);
  }
  return { kind: "target", workingDays, from: "opened", cite: "D3" };
}

/**
 * D6: the head's decision, once what the text puts before it is done (`after`: the cl. 4 interview on
 * reimbursement grounds, the cl. 20 conversation, the decree check). Never after an opinion (D4).
 */
function decide(ctx: WorkflowContext, after: StepKey[], cite: string): Draft {
  return {
    key: "decide",
    role: "head",
    opensAfter: after,
    deadline: target(ctx, "decide"),
    produces: ["decision"],
    terminal: "decision",
    cite: `${cite}; D6`,
  };
}

/**
 * Cl. 4–5: the deputy head for personnel explains the duty to reimburse the state and signs the interview
 * sheet with the learner. D5: mandatory on reimbursement grounds, never waived; [] where nothing comes first.
 */
function interview(ground: Ground, ctx: WorkflowContext, after: StepKey[]): Draft[] {
  if (!requiresReimbursement(ground, ctx.reimbursement)) return [];
  return [
    {
      key: "interview",
      role: "deputy_personnel",
      opensAfter: after,
      deadline: target(ctx, "interview"),
      produces: ["interview_sheet"],
      cite: "cl. 4–5; D5",
    },
  ];
}

/**
 * D4: the report, in full, goes at once to the deputy head for personnel for an opinion to the head ("agree",
 * or "disagree" with a written reason), and to the institution's extra opinion-givers at the same time.
 */
function opinions(ground: Ground, ctx: WorkflowContext): Draft[] {
  const steps: Draft[] = [
    {
      key: "endorse",
      role: "deputy_personnel",
      opensAfter: [],
      deadline: target(ctx, "endorse"),
      produces: ["opinion"],
      advisory: true,
      cite: "D4",
    },
  ];
  // D4: reports registered for the head from the learner (ch. 4, 5, 6) get the extra opinions too.
  const extra =
    STUDENT_FILED_GROUNDS.includes(ground) || ground === "citizenship" ? (ctx.endorsers ?? []) : [];
  if (extra.length > MAX_EXTRA_ENDORSERS)
    throw new RangeError(`At most ${MAX_EXTRA_ENDORSERS} extra endorsers (D4)`);
  extra.forEach((role, i) => {
    if (!isRole(role) || NOT_EXTRA_ENDORSERS.includes(role))
      throw new RangeError(`Not an extra endorser (D4): ${role}`);
    const key = EXTRA_OPINION_KEYS[i]!;
    steps.push({
      key,
      role,
      opensAfter: [],
      deadline: target(ctx, key),
      produces: ["opinion"],
      advisory: true,
      cite: "D4",
    });
  });
  return steps;
}

/**
 * Cl. 15 / 21 (D7): cadets get the order on expulsion and dismissal within the statutory 2 working days of
 * the decision [I: the text does not say from when; D2 counts from the decision]. Master's and doctoral
 * students get an order on expulsion (an institution target) and the submission on release from post,
 * which carries the statutory period.
 */
function orderAndSubmission(ground: Ground, ctx: WorkflowContext, clause: string): Draft[] {
  const outcome = expulsionOutcome(ground, ctx.category);
  if (outcome.outcome === "dismissal") {
    return [
      {
        key: "order",
        role: "personnel_officer",
        opensAfter: ["decide"],
        deadline: statutory(2, "decision", `${clause}; D2`),
        produces: ["order"],
        cite: `${clause}; D7`,
      },
    ];
  }
  return [
    {
      key: "order",
      role: "personnel_officer",
      opensAfter: ["decide"],
      deadline: target(ctx, "order"),
      produces: ["order"],
      cite: `${clause}; D7`,
    },
    {
      key: "submission",
      role: "personnel_officer",
      opensAfter: ["decide"],
      deadline: statutory(2, "decision", `${clause}; D2`),
      produces: ["submission"],
      cite: `${outcome.cite}`,
    },
  ];
}

/**
 * D11: cl. 7 referral to the local military administration body only for those who leave the service
 * (dismissal; not master's or doctoral students returned to their units, D7), are RK citizens (not ch. 5)
 * and have not served the conscript term (the learner says so; personnel confirms or corrects it).
 */
export function needsMilitaryReferral(
  ground: Ground,
  ctx: Pick<WorkflowContext, "category" | "conscriptServed">,
): boolean {
  return (
    expulsionOutcome(ground, ctx.category).outcome === "dismissal" &&
    ground !== "citizenship" &&
    !ctx.conscriptServed
  );
}

/**
 * D11: whether personnel must confirm the learner's conscript answer before the order: only where a cl. 7
 * referral can follow, so never in ch. 5 (the learner is no longer a citizen of the Republic).
 */
export const conscriptMatters = (ground: Ground): boolean => ground !== "citizenship";

/** D11: the tracked steps after the order on expulsion (`after`); they run in parallel. */
function afterOrder(ground: Ground, after: StepKey, ctx: WorkflowContext): Draft[] {
  const steps: Draft[] = [
    {
      // Cl. 7 (88/қе): within 5 working days of the order on expulsion, never of a submission (D2).
      key: "notify_personnel_dept",
      role: "personnel_officer",
      opensAfter: [after],
      deadline: statutory(5, "order_date", "cl. 7 (88/қе); D2"),
      produces: ["personnel_dept_notification"],
      cite: "cl. 7; D11",
    },
  ];
  if (needsMilitaryReferral(ground, ctx)) {
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
  const talk = interview("own_will", ctx, []);
  return [
    ...opinions("own_will", ctx),
    ...talk,
    {
      // D3: cl. 20 read both ways. The head's instruction within 2 WD of registration; it opens at
      // registration, alongside the opinions, so nobody below the head eats into the head's period (D4).
      key: "instruct",
      role: "head",
      opensAfter: [],
      deadline: statutory(2, "registered", "cl. 20; D2; D3"),
      produces: ["instruction"],
      cite: "cl. 20",
    },
    {
      // ...and the conversation within 2 WD of the instruction: the step opens with the instruction, so
      // "opened" is the instruction's date. Personnel also confirms the conscript answer here (D11).
      key: "conversation",
      role: "personnel_officer",
      opensAfter: ["instruct"],
      deadline: statutory(2, "opened", "cl. 20; D2; D3"),
      produces: ["conversation_record"],
      cite: "cl. 20; D11",
    },
    decide(ctx, ["conversation", ...talk.map((s) => s.key)], "cl. 19"),
    ...orderAndSubmission("own_will", ctx, "cl. 21"),
    ...afterOrder("own_will", "order", ctx),
  ];
}

/** Ch. 6, cl. 25–26: refusal to conclude the service contract. */
function contractRefusal(ctx: WorkflowContext): Draft[] {
  const talk = interview("contract_refusal", ctx, []);
  return [
    ...opinions("contract_refusal", ctx),
    ...talk,
    // D2: the cl. 26 instruction to the personnel subdivision is given together with the decision.
    decide(
      ctx,
      talk.map((s) => s.key),
      "cl. 25; cl. 26; D2",
    ),
    {
      // D7: an order on expulsion and dismissal for every category, as cl. 26 says.
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
      // Cl. 14: no later than 3 WD from the moment the grounds arose; D2: "registered" is the last day of
      // the debt-clearing period. Cl. 13 lists the attachments.
      key: "submit_academic",
      role: "academic_methods_head",
      opensAfter: [],
      deadline: statutory(3, "registered", "cl. 14; D2"),
      produces: ["academic_submission", "interview_sheets", "debt_notifications"],
      cite: "cl. 12–14",
    },
    {
      // Cl. 12: here the text itself puts the deputy's agreement before the head (D4).
      key: "agree_academic",
      role: "deputy_academic",
      opensAfter: ["submit_academic"],
      deadline: target(ctx, "agree_academic"),
      produces: ["agreement"],
      cite: "cl. 12; D4",
    },
  ];
  const talk = interview("academic_failure", ctx, ["agree_academic"]);
  steps.push(
    ...talk,
    decide(ctx, talk.length > 0 ? ["interview"] : ["agree_academic"], "cl. 12"),
    ...orderAndSubmission("academic_failure", ctx, "cl. 15"),
    ...afterOrder("academic_failure", "order", ctx),
  );
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
      // Cl. 16: the report reaches the head agreed with the deputy for upbringing work (D4).
      key: "agree_upbringing",
      role: "deputy_upbringing",
      opensAfter: ["submit_negative"],
      deadline: target(ctx, "agree_upbringing"),
      produces: ["agreement"],
      cite: "cl. 16; D4",
    },
  ];
  const talk = interview("negative_reasons", ctx, ["agree_upbringing"]);
  steps.push(...talk, decide(ctx, talk.length > 0 ? ["interview"] : ["agree_upbringing"], "cl. 16"), {
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
  const talk = interview("citizenship", ctx, []);
  return [
    // [I] D4 names ch. 5 among the reports pushed at once to the deputy head for an opinion.
    ...opinions("citizenship", ctx),
    ...talk,
    {
      // Cl. 23: if a copy of the Decree is given, personnel compares it with the original.
      key: "verify_decree",
      role: "personnel_officer",
      opensAfter: [],
      deadline: target(ctx, "verify_decree"),
      produces: ["decree"],
      cite: "cl. 23",
    },
    decide(ctx, ["verify_decree", ...talk.map((s) => s.key)], "cl. 23"),
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
  // Cl. 4 covers foreign organisations too; the interview comes before the dismissal order. [I]
  const talk = interview("foreign_org", ctx, []);
  const after = talk.map((s) => s.key);
  // No head's decision: the foreign organisation has expelled the learner. No period is stated (D3).
  // D7: everyone gets the order (cadets: dismissal; master's and doctoral: expulsion); master's and doctoral
  // students also the submission on release from post. Cl. 2 and cl. 7 follow the order, never the submission.
  const steps: Draft[] = [
    ...talk,
    {
      key: "foreign_order",
      role: "personnel_officer",
      opensAfter: after,
      deadline: target(ctx, "foreign_order"),
      produces: ["order"],
      cite: "cl. 2; D7",
    },
  ];
  if (ctx.category !== "cadet") {
    steps.push({
      key: "foreign_submission",
      role: "personnel_officer",
      opensAfter: after,
      deadline: target(ctx, "foreign_submission"),
      produces: ["submission"],
      cite: "cl. 2; D7",
    });
  }
  return [...steps, ...afterOrder("foreign_org", "foreign_order", ctx)];
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
  const steps = BUILDERS[ground](ctx).map((s) =>
    Object.freeze({
      ...s,
      opensAfter: Object.freeze([...s.opensAfter]),
      produces: Object.freeze([...s.produces]),
      deadline: Object.freeze({ ...s.deadline }),
    }),
  );
  return Object.freeze({ ground, ...WORKFLOW_CITES[ground], steps: Object.freeze(steps) });
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

/** Every step the case needs is done: opinions (D4, advisory) are not needed to close it. */
export function isComplete(wf: Workflow, done: ReadonlySet<StepKey>): boolean {
  return wf.steps.every((s) => s.advisory === true || done.has(s.key));
}

/** The step with this key, if the workflow has it. */
export function stepOf(wf: Workflow, key: StepKey): StepDef | undefined {
  return wf.steps.find((s) => s.key === key);
}

/** The head's decision step (D6); undefined for cl. 2 (foreign), where there is none. */
export function decisionStep(wf: Workflow): StepDef | undefined {
  return wf.steps.find((s) => s.terminal === "decision");
}

/** D4: the opinions to the head (the deputy head's and the institution's extra ones), in workflow order. */
export function opinionSteps(wf: Workflow): StepDef[] {
  return wf.steps.filter((s) => s.advisory === true);
}

/**
 * D6: what the text puts before a step that is not done yet (a case opened under an earlier chain may have a
 * step open before it; it can't be completed until these are).
 */
export function missingBefore(wf: Workflow, key: StepKey, done: ReadonlySet<StepKey>): StepKey[] {
  return (stepOf(wf, key)?.opensAfter ?? []).filter((k) => !done.has(k));
}
