/** Read-only views: a learner's case, an official's pending steps, a case's audit trail. */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditEvents, caseSteps, cases, students } from "../db/schema";
import { holdingsOn } from "../people/holders";
import type { OfficialEntry } from "../people/identity";
import { type LocalDate, localDateOf } from "../rules";
import { type CaseContext, loadCaseContext, type StepRow } from "./common";
import { ACTIVE_STATES } from "./states";

/** The learner's latest case (open or not), or null. */
export async function latestCaseOfUser(db: Db, userId: number): Promise<CaseContext | null> {
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .innerJoin(students, eq(students.id, cases.studentId))
    .where(eq(students.userId, userId))
    .orderBy(desc(cases.id))
    .limit(1);
  return row ? loadCaseContext(db, row.id) : null;
}

/** A case of the official's own institution, or null (other institutions' cases do not exist for them). */
export async function caseForOfficial(
  db: Db,
  official: OfficialEntry,
  caseId: number,
): Promise<CaseContext | null> {
  const ctx = await loadCaseContext(db, caseId);
  return ctx && ctx.c.institutionId === official.institutionId ? ctx : null;
}

export interface InboxItem {
  step: StepRow;
  caseId: number;
}

/** Pending steps of roles the official holds (own or delegated) today: overdue first, then by due date. */
export async function inboxOf(db: Db, official: OfficialEntry, now: Date): Promise<InboxItem[]> {
  const today = localDateOf(now);
  // Own roles and acting delegations held today, in one set-based lookup.
  const roles = (await holdingsOn(db, [official.institutionId], today))
    .filter((h) => h.officialId === official.id)
    .map((h) => h.role);
  if (roles.length === 0) return [];
  const rows = await db
    .select({ step: caseSteps, caseId: cases.id })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .where(
      and(
        eq(cases.institutionId, official.institutionId),
        inArray(cases.state, [...ACTIVE_STATES]),
        eq(caseSteps.state, "pending"),
        inArray(caseSteps.role, roles),
      ),
    )
    .orderBy(asc(caseSteps.dueOn), asc(caseSteps.id));
  // Steps without a due date go last; ascending due date already puts overdue (earlier) first.
  return rows.sort((a, b) => dueKey(a.step.dueOn) - dueKey(b.step.dueOn) || a.step.id - b.step.id);
}

const dueKey = (d: string | null) => (d ? Date.parse(d as LocalDate) : Number.MAX_SAFE_INTEGER);

export async function auditTrail(db: Db, caseId: number) {
  return db.select().from(auditEvents).where(eq(auditEvents.caseId, caseId)).orderBy(asc(auditEvents.id));
}
