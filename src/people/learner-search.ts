/**
 * Issue 16: an official finds a learner of his own institution to open a case on (cl. 2, 12, 16): by
 * personal number (exact) or by a part of the name, active roster entries only. Another institution's
 * learners are never found: the institution is the searching official's, never the caller's choice.
 */
import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Executor } from "../db/client";
import { cases, students } from "../db/schema";
import { containsIgnoringCase } from "../db/text-search";
import { OPEN_CASE_STATES } from "../rules";

export interface LearnerMatch {
  id: number;
  personalNumber: string;
  fullName: string;
  rank: string;
  category: string;
  groupName: string;
  /** A running case of theirs (one per learner): no second case can be opened. */
  openCaseId: number | null;
}

/** At most this many matches are shown as buttons; more asks for a narrower query. */
export const LEARNER_MATCHES_SHOWN = 8;

/**
 * Learners of `institutionId` whose personal number is `query` or whose name contains it (case-insensitive;
 * at least 2 characters), up to LEARNER_MATCHES_SHOWN + 1 (one more tells the caller there are more).
 */
export async function findLearners(
  db: Executor,
  institutionId: number,
  query: string,
): Promise<LearnerMatch[]> {
  const q = query.trim().replace(/\s+/g, " ");
  if (q.length < 2 || q.length > 100) return [];
  const rows = await db
    .select({
      id: students.id,
      personalNumber: students.personalNumber,
      fullName: students.fullName,
      rank: students.rank,
      category: students.category,
      groupName: students.groupName,
    })
    .from(students)
    .where(
      and(
        eq(students.institutionId, institutionId),
        eq(students.active, true),
        or(eq(students.personalNumber, q), containsIgnoringCase(students.fullName, q)),
      ),
    )
    .orderBy(asc(students.fullName), asc(students.id))
    .limit(LEARNER_MATCHES_SHOWN + 1);
  const open = rows.length
    ? await db
        .select({ id: cases.id, studentId: cases.studentId })
        .from(cases)
        .where(
          and(
            inArray(
              cases.studentId,
              rows.map((r) => r.id),
            ),
            inArray(cases.state, [...OPEN_CASE_STATES]),
          ),
        )
    : [];
  return rows.map((r) => ({ ...r, openCaseId: open.find((c) => c.studentId === r.id)?.id ?? null }));
}

/** One learner of the institution by id (a button's pointer is checked again here), or null. */
export async function learnerOfInstitution(
  db: Executor,
  institutionId: number,
  studentId: number,
): Promise<typeof students.$inferSelect | null> {
  const [row] = await db
    .select()
    .from(students)
    .where(
      and(eq(students.id, studentId), eq(students.institutionId, institutionId), eq(students.active, true)),
    );
  return row ?? null;
}
