// Decisions of docs/decisions.md that are not a calendar, a ground or a workflow step (D6, D8, D10), and
// the table of all decisions, so a lawyer can find each one in one place.

import {
  dayNumberFromParts,
  fromDayNumber,
  type LocalDate,
  localDayNumberOf,
  partsFromDayNumber,
  toDayNumber,
} from "./dates";
import type { Cited, Ground } from "./grounds";
import { STUDENT_FILED_GROUNDS } from "./grounds";
import { decisionStep, type StepKey, type Workflow } from "./workflows";

export type DecisionId =
  | "D1"
  | "D2"
  | "D3"
  | "D4"
  | "D5"
  | "D6"
  | "D7"
  | "D8"
  | "D9"
  | "D10"
  | "D11"
  | "D12"
  | "D13"
  | "D14"
  | "D15"
  | "D16";

/** docs/decisions.md, one line each; `cite` is the clause basis, `where` the code that carries it. */
export const DECISIONS: Readonly<Record<DecisionId, { summary: string; where: string } & Cited>> =
  Object.freeze({
    D1: {
      summary:
        "N working days run from the day after the trigger's Asia/Almaty date to 23:59:59 of the N-th working day",
      where: "deadlines.ts, calendar.ts",
      cite: "docs/calendar.md",
    },
    D2: {
      summary:
        "Triggers: cl. 20 registration and the instruction; cl. 15, 18, 21, 26 the decision; cl. 14 debt deadline; cl. 7 the order on expulsion",
      where: "workflows.ts (DeadlineAnchor)",
      cite: "cl. 7, 14, 15, 18, 20, 21, 26",
    },
    D3: {
      summary:
        "Steps without a statutory period get an institution target (default 2 WD), labelled as a target; cl. 20 read both ways, both statutory",
      where: "workflows.ts (DEFAULT_TARGET_WORKING_DAYS, instruct, conversation)",
      cite: "cl. 20",
    },
    D4: {
      summary:
        "A learner's report goes at once, in full, to the deputy head for personnel (and up to three more officials) for an advisory opinion; the head's instruction opens alongside",
      where: "workflows.ts (opinions, advisory), cases/act.ts",
      cite: "cl. 4, 5, 12, 16, 19, 20, 23, 25",
    },
    D5: {
      summary:
        "Reimbursement grounds: all but citizenship by default; the cl. 4 interview is mandatory there, never waived; the map is snapshotted in the case",
      where: "grounds.ts (DEFAULT_REIMBURSEMENT), workflows.ts (interview)",
      cite: "cl. 2, 4, 8",
    },
    D6: {
      summary:
        "Only the head decides, once what the text puts first is done; ch. 4: approve, reject with a reason or send back; ch. 5: approve or reject; ch. 6: approve or send back (the case stays open)",
      where: "decisions.ts (headDecisions, canWithdraw), workflows.ts (decide)",
      cite: "cl. 19, 20, 23, 25; Law Art. 10 p. 11",
    },
    D7: {
      summary:
        "Master's and doctoral students in ch. 2, ch. 4 and cl. 2: an order on expulsion and a submission; everyone else: an order on expulsion and dismissal",
      where: "grounds.ts (expulsionOutcome), workflows.ts (orderAndSubmission)",
      cite: "cl. 2, 15, 21, 22, 24, 26",
    },
    D8: {
      summary:
        "Personal data kept one year from the day the case ended, then purged; anonymised record stays",
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
        "After the order: notify the NSC Personnel Department (5 WD, letter number and date), transcript, cost calculation (amount), conscript referral only for those who leave the service",
      where: "workflows.ts (afterOrder, needsMilitaryReferral)",
      cite: "cl. 6, 7, 8, 22",
    },
    D12: {
      summary:
        "The formal report is stored with the case when submitted, unchanged; a re-submission is a new version; officials read what is stored",
      where: "cases/report-versions.ts, cases/open.ts (officials' filings), cases/attachments.ts",
      cite: "cl. 5, 7, 19, 21, 25, 26",
    },
    D13: {
      summary: "Citations in the reader's language; decision codes never shown; targets called so in words",
      where: "messages/format.ts (formatCite)",
      cite: "—",
    },
    D14: {
      summary: "No case waits on nobody: roles without a bound holder are reported at once and daily",
      where: "cases/no-holder.ts, jobs/digest.ts, cli institution check",
      cite: "—",
    },
    D15: {
      summary: "Six-day week: no Monday substitute for a Saturday holiday, no five-day-week decree transfers",
      where: "calendar.ts",
      cite: "Law on holidays, Art. 5; docs/calendar.md",
    },
    D16: {
      summary:
        "The dashboard: own tasks for every official; the institution's cases and statistics for the head, personnel and the administrator (or their acting delegates); other officials only cases they took part in; HQ statistics of every institution, no names; learners nothing",
      where: "dashboard/access.ts, dashboard/queries.ts, people/hq-viewers.ts",
      cite: "—",
    },
  });

// --- D6 -----------------------------------------------------------------------------------------------------

/** D6: a rejection, and a sending back, must carry a reason, which the learner is told. */
export const REJECTION_REQUIRES_REASON: { value: true } & Cited = Object.freeze({ value: true, cite: "D6" });

/** What the head may do with a report (D6). "send_back": to the learner, to complete it; the case stays open. */
export type HeadDecision = "approve" | "reject" | "send_back";

/**
 * D6: the head's choices by ground. Ch. 6: a learner who refuses the contract is subject to expulsion (Law
 * on special state bodies, Art. 10 p. 11), so no rejection on the merits; the head may send the report back
 * to complete the reasons cl. 25 requires. Only reports the learner filed can be sent back to the learner.
 */
export function headDecisions(ground: Ground): { decisions: readonly HeadDecision[] } & Cited {
  if (ground === "contract_refusal")
    return { decisions: ["approve", "send_back"], cite: "cl. 25; Law Art. 10 p. 11; D6" };
  if (STUDENT_FILED_GROUNDS.includes(ground))
    return { decisions: ["approve", "reject", "send_back"], cite: "cl. 19; D6" };
  return { decisions: ["approve", "reject"], cite: "cl. 12, 16, 23; D6" };
}

/**
 * D6: the learner may withdraw his report until the head decides (also while it is sent back to him). Only
 * where the learner filed it (STUDENT_FILED_GROUNDS). [I] A ch. 5 report rests on a decree already in force,
 * so it is not withdrawable.
 */
export function canWithdraw(wf: Workflow, done: ReadonlySet<StepKey>): boolean {
  const decision = decisionStep(wf);
  return STUDENT_FILED_GROUNDS.includes(wf.ground) && decision !== undefined && !done.has(decision.key);
}

// --- D8 -----------------------------------------------------------------------------------------------------

export const RETENTION_CITE = "D8; cl. 15, 18, 21";

/**
 * Every state a case can be in (cases.state): open, approved (the head approved; the order and the
 * after-order steps are still to come), sent_back (D6: with the learner to complete; still open), rejected,
 * withdrawn (D6), closed (every step done), and returned (ended below the head under the rules before the
 * revision; no longer produced, but such cases may still be in the database).
 */
export type CaseState = "open" | "approved" | "sent_back" | "rejected" | "withdrawn" | "closed" | "returned";

/**
 * D4, D6: the states in which a case is with the officials: its pending steps can be acted on and are listed
 * in inboxes, digests and breach notices. A sent-back case waits for the learner instead.
 */
export const ACTIVE_CASE_STATES: readonly CaseState[] = Object.freeze(["open", "approved"]);

/**
 * D8 (rev.): the states of a running case, never purged however old: the active states plus sent_back (the
 * head sent the report back to the learner to complete; the case stays open, D6). One such case per learner
 * (the database's partial unique index is built from this list). A state in neither list is never purged
 * either (fail-safe).
 */
export const OPEN_CASE_STATES: readonly CaseState[] = Object.freeze([...ACTIVE_CASE_STATES, "sent_back"]);

/**
 * D8 (rev.): the states of a case that has ended: closed (every step done), rejected by the head, withdrawn
 * by the learner (D6), and returned (ended below the head under the rules before the revision; such cases
 * may still be in the database). Its personal data is purged one year after the day it ended.
 */
export const ENDED_CASE_STATES: readonly CaseState[] = Object.freeze([
  "closed",
  "rejected",
  "withdrawn",
  "returned",
]);

/** Every case state, running ones first. */
export const CASE_STATES: readonly CaseState[] = Object.freeze([...OPEN_CASE_STATES, ...ENDED_CASE_STATES]);

/** D6, D8: the case is running (not ended): open, approved or sent back to the learner. */
export const isOpenCase = (state: CaseState): boolean => OPEN_CASE_STATES.includes(state);

/** D4, D6: the case is with the officials (open or approved), so its pending steps can be acted on. */
export const isActiveCase = (state: CaseState): boolean => ACTIVE_CASE_STATES.includes(state);

/**
 * D8: the last day a case's personal data is kept: the same date one year after the day the case ended
 * (29 February → 28 February). It may be purged from the next day on.
 */
export function retentionEndsOn(endedOn: LocalDate): LocalDate {
  const [y, m, d] = partsFromDayNumber(toDayNumber(endedOn));
  const leapDayInCommonYear = m === 2 && d === 29;
  return fromDayNumber(dayNumberFromParts(y + 1, m, leapDayInCommonYear ? 28 : d));
}

/** D8: may the personal data of a case that ended on `endedOn` be purged at instant `now`. */
export function isRetentionOver(endedOn: LocalDate, now: Date): boolean {
  return localDayNumberOf(now) > toDayNumber(retentionEndsOn(endedOn));
}

/**
 * D8 (rev.): the day a case's retention period counts from: the day it ended (`endedOn`, the Asia/Almaty
 * local date of cases.closed_at), whatever the state it ended in; the order date plays no part (an order
 * may be dated long before the after-order steps close the case). Null while the case is running (an open
 * state, even with an end date set) or when no end date was recorded: such a case is never purged.
 */
export function retentionStartsOn(state: string, endedOn: LocalDate | null): LocalDate | null {
  return ENDED_CASE_STATES.some((s) => s === state) ? endedOn : null;
}

// --- D10 ----------------------------------------------------------------------------------------------------

/** D10: interface languages; Kazakh is the default. */
export const INTERFACE_LANGUAGES = Object.freeze(["kk", "ru", "en"] as const);
export type Language = (typeof INTERFACE_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "kk";
/** D10: the formal report is produced in Kazakh or Russian (the learner chooses). */
export const DOCUMENT_LANGUAGES = Object.freeze(["kk", "ru"] as const);
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

export const isLanguage = (value: unknown): value is Language => INTERFACE_LANGUAGES.some((l) => l === value);
export const isDocumentLanguage = (value: unknown): value is DocumentLanguage =>
  DOCUMENT_LANGUAGES.some((l) => l === value);

/**
 * D10: the interface language a Telegram app's language_code stands for, until the user chooses one:
 * "ru…" → Russian, "kk…" → Kazakh, anything else (English included) → Kazakh, the state language.
 * English is there for whoever chooses it with /lang.
 */
export function languageOfTelegram(code: string): Language {
  const primary = code.toLowerCase().split(/[-_]/)[0];
  return primary === "ru" ? "ru" : DEFAULT_LANGUAGE;
}
export const LANGUAGES_CITE = "D10";
