// Product decisions of RULES.md §1 that are not a calendar, a ground or a workflow step (D6, D8, D10), and
// the table of all decisions, so a lawyer can find each one in one place.

import {
  dayNumberFromParts,
  fromDayNumber,
  type LocalDate,
  localDayNumberOf,
  partsFromDayNumber,
  toDayNumber,
} from "./dates";
import type { Cited } from "./grounds";
import { STUDENT_FILED_GROUNDS } from "./grounds";
import { decisionStep, type StepKey, type Workflow } from "./workflows";

export type DecisionId = "D1" | "D2" | "D3" | "D4" | "D5" | "D6" | "D7" | "D8" | "D9" | "D10" | "D11";

/** RULES.md §1, one line each; `cite` is the clause basis, `where` the code that carries it. */
export const DECISIONS: Readonly<Record<DecisionId, { summary: string; where: string } & Cited>> =
  Object.freeze({
    D1: {
      summary:
        "N working days run from the day after the trigger's Asia/Almaty date to 23:59:59 of the N-th working day",
      where: "deadlines.ts, calendar.ts",
      cite: "CALENDAR.md",
    },
    D2: {
      summary:
        "Triggers: cl. 20 registration; cl. 15, 18, 21, 26 the decision; cl. 14 debt deadline; cl. 7 order date",
      where: "workflows.ts (DeadlineAnchor)",
      cite: "cl. 7, 14, 15, 18, 20, 21, 26",
    },
    D3: {
      summary:
        "Steps without a statutory period get an institution target (default 2 WD), labelled as a target",
      where: "workflows.ts (DEFAULT_TARGET_WORKING_DAYS)",
      cite: "cl. 4, 5, 6, 20, 23–24",
    },
    D4: {
      summary:
        "Learner reports go first to the deputy head for personnel; ch. 2 to the academic, ch. 3 to the upbringing deputy",
      where: "workflows.ts (endorse, agree_academic, agree_upbringing)",
      cite: "cl. 4, 5, 12, 16",
    },
    D5: {
      summary:
        "Reimbursement grounds: all but citizenship by default; per-institution map; waiver needs a written reason",
      where: "grounds.ts (DEFAULT_REIMBURSEMENT)",
      cite: "cl. 2, 4, 8",
    },
    D6: {
      summary: "The head may reject with a mandatory reason; the learner may withdraw until the decision",
      where: "decisions.ts (canWithdraw), workflows.ts (decide)",
      cite: "— (the rules are silent)",
    },
    D7: {
      summary:
        "Ch. 6 ends in dismissal for every category; return to the sending unit only in ch. 4, submission in ch. 2 and cl. 2",
      where: "grounds.ts (expulsionOutcome), workflows.ts",
      cite: "cl. 2, 15, 21, 22, 26",
    },
    D8: {
      summary:
        "Personal data kept one year from the expulsion order date, then purged; anonymised record stays",
      where: "decisions.ts (retentionEndsOn)",
      cite: "cl. 15, 18, 21",
    },
    D9: {
      summary: "Each case records the rules edition it was opened under",
      where: "grounds.ts (RULES_EDITION)",
      cite: "cl. 2, 7 amended",
    },
    D10: {
      summary: "Interface in Kazakh (default), Russian, English; the formal report in Kazakh or Russian",
      where: "decisions.ts (INTERFACE_LANGUAGES)",
      cite: "state and official languages",
    },
    D11: {
      summary:
        "After the order: notify the NSC Personnel Department (5 WD), military referral, transcript, cost calculation",
      where: "workflows.ts (afterOrder)",
      cite: "cl. 6, 7, 8",
    },
  });

// --- D6 -----------------------------------------------------------------------------------------------------

/** D6: a rejection must carry a reason, which the learner is told. */
export const REJECTION_REQUIRES_REASON: { value: true } & Cited = Object.freeze({ value: true, cite: "D6" });

/**
 * D6: the learner may withdraw his report until the head decides. Only where the learner filed it
 * (STUDENT_FILED_GROUNDS). [I] A ch. 5 report rests on a decree already in force, so it is not withdrawable.
 */
export function canWithdraw(wf: Workflow, done: ReadonlySet<StepKey>): boolean {
  const decision = decisionStep(wf);
  return STUDENT_FILED_GROUNDS.includes(wf.ground) && decision !== undefined && !done.has(decision.key);
}

// --- D8 -----------------------------------------------------------------------------------------------------

export const RETENTION_CITE = "D8; cl. 15, 18, 21";

/**
 * D8: the last day a case's personal data is kept: the same date one year after the expulsion order
 * (29 February → 28 February). It may be purged from the next day on.
 */
export function retentionEndsOn(orderDate: LocalDate): LocalDate {
  const [y, m, d] = partsFromDayNumber(toDayNumber(orderDate));
  const leapDayInCommonYear = m === 2 && d === 29;
  return fromDayNumber(dayNumberFromParts(y + 1, m, leapDayInCommonYear ? 28 : d));
}

/** D8: may the personal data of a case whose order is dated `orderDate` be purged at instant `now`. */
export function isRetentionOver(orderDate: LocalDate, now: Date): boolean {
  return localDayNumberOf(now) > toDayNumber(retentionEndsOn(orderDate));
}

/**
 * D8 [I]: the day a case's retention period counts from. The order date where there is one; a case that
 * ended without an order (rejected, returned, withdrawn: D6) counts from the day it ended, so that its
 * personal data are not kept forever. Null while the case is still running.
 */
export function retentionStartsOn(orderDate: LocalDate | null, endedOn: LocalDate | null): LocalDate | null {
  return orderDate ?? endedOn;
}

// --- D10 ----------------------------------------------------------------------------------------------------

export type Language = "kk" | "ru" | "en";
/** D10: interface languages; Kazakh is the default. */
export const INTERFACE_LANGUAGES: readonly Language[] = Object.freeze(["kk", "ru", "en"]);
export const DEFAULT_LANGUAGE: Language = "kk";
/** D10: the formal report is produced in Kazakh or Russian (the learner chooses). */
export const DOCUMENT_LANGUAGES: readonly Language[] = Object.freeze(["kk", "ru"]);
export const LANGUAGES_CITE = "D10";
