/** Which case states mean what, in one place (the purge's own lists live with D8 in src/rules/decisions.ts). */

/** With the officials: their steps can be acted on, and are listed in inboxes, digests and breach notices. */
export const ACTIVE_STATES = ["open", "approved"] as const;

/**
 * Not ended: the active states plus "sent_back" (D6: the head sent the report back to the learner to
 * complete; the case stays open and the officials wait). One such case per learner; never purged (D8).
 */
export const OPEN_STATES = ["open", "approved", "sent_back"] as const;

export const isActive = (state: string): boolean => (ACTIVE_STATES as readonly string[]).includes(state);
export const isOpen = (state: string): boolean => (OPEN_STATES as readonly string[]).includes(state);
