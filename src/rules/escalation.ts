// Escalation of a missed deadline: who hears of it besides the step's own holders, and which deadlines
// escalate at all. Read by the breach notices and the digests (src/jobs/breach.ts, src/jobs/digest.ts).
import type { Role } from "./grounds";
import type { DueKind } from "./workflows";

/**
 * Who hears of a missed statutory deadline besides the step's own holders: the head of the institution
 * (who decides and instructs, cl. 12, 16, 19, 20) and, for the personnel subdivision's steps, the deputy
 * head in charge of personnel work (D4: he supervises that subdivision). Targets (D3) never escalate.
 */
export function escalationRoles(stepRole: Role): Role[] {
  return stepRole === "personnel_officer" ? ["head", "deputy_personnel"] : ["head"];
}

/** Only statutory deadlines (cl. 7, 14, 15, 18, 20, 21, 26) are breached and escalated; D3 targets are not. */
export const escalates = (step: { dueKind: DueKind | null }): boolean => step.dueKind === "statutory";
