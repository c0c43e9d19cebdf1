/**
 * Which case and step states mean what, for the use cases, the bot and the jobs: one place to import them from.
 * The lists themselves are the rules' (src/rules/decisions.ts, D6 and D8; src/rules/workflows.ts), so the
 * purge, the database's one-open-case index and every query read the same ones.
 */
import { ACTIVE_CASE_STATES, type CaseState, isActiveCase, isOpenCase, OPEN_CASE_STATES } from "../rules";

export type { CaseState, DueKind, StepState } from "../rules";
export { CASE_STATES, ENDED_CASE_STATES, STEP_STATES } from "../rules";

/** With the officials: their steps can be acted on, and are listed in inboxes, digests and breach notices. */
export const ACTIVE_STATES: readonly CaseState[] = ACTIVE_CASE_STATES;

/**
 * Not ended: the active states plus "sent_back" (D6: the head sent the report back to the learner to
 * complete; the case stays open and the officials wait). One such case per learner; never purged (D8).
 */
export const OPEN_STATES: readonly CaseState[] = OPEN_CASE_STATES;

/** The case is with the officials (open or approved). */
export const isActive: (state: CaseState) => boolean = isActiveCase;
/** The case has not ended (open, approved, or sent back to the learner). */
export const isOpen: (state: CaseState) => boolean = isOpenCase;
