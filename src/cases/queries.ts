/**
 * Read-only views: a case, a step, a learner's case, an official's pending steps, the jobs' pending steps, a
 * case's audit trail. The bot reads the database only through these (and src/people), never with SQL of its own.
 */
import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { auditEvents, caseSteps, cases, officials, students } from "../db/schema";
import { holdingsOn } from "../people/holders";
import type { OfficialEntry } from "../people/identity";
import { type LocalDate, localDateOf } from "../rules";
import { mayReadTrail, type Viewer } from "./access";
import { type CaseContext, type CaseRow, loadCaseContext, type StepRow } from "./common";
import { ACTIVE_STATES } from "./states";

/** A case's row, or null. */
export async function getCase(db: Executor, caseId: number): Promise<CaseRow | null> {
  const [row] = await db.select().from(cases).where(eq(cases.id, caseId));
  return row ?? null;
}

/** A step's row, or null. */
export async function getStep(db: Executor, stepId: number): Promise<StepRow | null> {
  const [row] = await db.select().from(caseSteps).where(eq(caseSteps.id, stepId));
  return row ?? null;
}

/** The learner's name as the roster has it now (null: no learner, e.g. a case personnel opened). */
export async function learnerNameOf(db: Executor, c: Pick<CaseRow, "studentId">): Promise<string | null> {
  if (c.studentId === null) return null;
  const [row] = await db
    .select({ name: students.fullName })
    .from(students)
    .where(eq(students.id, c.studentId));
  return row?.name ?? null;
}

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
  official: Pick<OfficialEntry, "institutionId">,
  caseId: number,
): Promise<CaseContext | null> {
  const ctx = await loadCaseContext(db, caseId);
  return ctx && ctx.c.institutionId === official.institutionId ? ctx : null;
}

/** What an official sees of a case: the case and the roles of its pending steps they hold today. */
export interface CaseView {
  cc: CaseContext;
  /** Roles the official holds today, own or delegated: their steps get buttons (checked again on press). */
  myRoles: ReadonlySet<string>;
}

/**
 * /case, a case button or a t.me link: the case if the official's institution is the case's; otherwise
 * null, and the refusal is audited (someone tried a case id that is not theirs), looking like a missing case.
 */
export async function viewCase(
  db: Db,
  viewer: { official: Pick<OfficialEntry, "id" | "institutionId">; userId: number | null },
  caseId: number,
  now: Date,
): Promise<CaseView | null> {
  const cc = await caseForOfficial(db, viewer.official, caseId);
  if (!cc) {
    await audit(db, {
      at: now,
      action: "case.view_refused",
      actorUserId: viewer.userId,
      actorOfficialId: viewer.official.id,
      details: { caseId },
    });
    return null;
  }
  const myRoles = new Set(
    (await holdingsOn(db, [cc.c.institutionId], localDateOf(now)))
      .filter((h) => h.officialId === viewer.official.id)
      .map((h) => h.role),
  );
  return { cc, myRoles };
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

/**
 * The pending steps of active cases at these institutions that also match `where`: what the digests, the
 * breach notices and the no-holder check list. A query: callers may add an order.
 */
export function pendingSteps(db: Executor, institutionIds: readonly number[], where?: SQL) {
  return db
    .select({
      id: caseSteps.id,
      caseId: caseSteps.caseId,
      institutionId: cases.institutionId,
      key: caseSteps.key,
      role: caseSteps.role,
      dueOn: caseSteps.dueOn,
      dueKind: caseSteps.dueKind,
      cite: caseSteps.cite,
    })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .where(
      and(
        eq(caseSteps.state, "pending"),
        inArray(cases.institutionId, [...institutionIds]),
        inArray(cases.state, [...ACTIVE_STATES]),
        where,
      ),
    );
}

/** A row of pendingSteps. */
export type PendingStep = Awaited<ReturnType<typeof pendingSteps>>[number];

export async function auditTrail(db: Executor, caseId: number) {
  return db.select().from(auditEvents).where(eq(auditEvents.caseId, caseId)).orderBy(asc(auditEvents.id));
}

export interface CaseTrail {
  events: Awaited<ReturnType<typeof auditTrail>>;
  /** The names of the institution's officials by id, for the events' actors. */
  officialNames: ReadonlyMap<number, string>;
}

/**
 * A case's audit trail for a viewer who may read it (mayReadTrail) at the case's own institution; null for
 * anyone else, and for a case that does not exist for them.
 */
export async function trailFor(db: Db, viewer: Viewer, caseId: number): Promise<CaseTrail | null> {
  if (!viewer.official || !mayReadTrail(viewer)) return null;
  const cc = await caseForOfficial(db, viewer.official, caseId);
  if (!cc) return null;
  const events = await auditTrail(db, caseId);
  const names = await db
    .select({ id: officials.id, name: officials.fullName })
    .from(officials)
    .where(eq(officials.institutionId, cc.c.institutionId));
  return { events, officialNames: new Map(names.map((o) => [o.id, o.name])) };
}
