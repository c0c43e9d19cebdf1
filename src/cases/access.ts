/**
 * Who may see what of a case, besides acting on its steps (that is checkAccess, src/cases/act.ts): the
 * bot asks here and never decides itself. A case of another institution, or another learner's, looks
 * exactly like a missing one.
 */
import { eq } from "drizzle-orm";
import type { Executor } from "../db/client";
import { cases, students } from "../db/schema";
import type { OfficialEntry } from "../people/identity";

/** Whoever is asking, as the bot's identity knows them. */
export interface Viewer {
  official: Pick<OfficialEntry, "id" | "institutionId" | "roles"> | null;
  isAdmin: boolean;
}

/**
 * The audit trail of a case is read by the head of the institution or an administrator (the people who
 * answer for the procedure), and only as an official of the case's institution (trailFor checks that).
 */
export const mayReadTrail = (viewer: Viewer): boolean =>
  viewer.official !== null && (viewer.official.roles.includes("head") || viewer.isAdmin);

/** An official of the case's institution may see the case and its documents. */
export async function officialMaySeeCase(
  db: Executor,
  official: Pick<OfficialEntry, "institutionId"> | null,
  caseId: number,
): Promise<boolean> {
  if (!official) return false;
  const [c] = await db.select({ institutionId: cases.institutionId }).from(cases).where(eq(cases.id, caseId));
  return c?.institutionId === official.institutionId;
}

/** The case is the learner's own: its roster entry is bound to this users row. */
export async function isLearnersCase(db: Executor, userId: number | null, caseId: number): Promise<boolean> {
  if (userId === null) return false;
  const [own] = await db
    .select({ userId: students.userId })
    .from(cases)
    .innerJoin(students, eq(students.id, cases.studentId))
    .where(eq(cases.id, caseId));
  return own?.userId === userId;
}
