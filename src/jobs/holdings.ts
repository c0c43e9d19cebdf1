/**
 * Set-based companions of src/people/holders.ts for the jobs: who holds which role at many institutions
 * on one date (own roles plus delegations covering it), in two queries instead of one per official and
 * role. Same rules as roleHolders: active officials bound to Telegram; delegations of the institution whose
 * inclusive period covers the date; an official's own role wins over a delegation of the same role.
 * Also where the jobs' shared timing and escalation rules live.
 */
import { and, eq, gte, inArray, isNotNull, isNull, lte, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DateTime } from "luxon";
import type { Executor } from "../db/client";
import {
  caseSteps,
  cases,
  delegations,
  digestsSent,
  institutions,
  officialRoles,
  officials,
  users,
} from "../db/schema";
import { loadCalendar } from "../people/calendar-store";
import { type Calendar, isWorkingDay, type LocalDate, localDateOf, type Role, TIME_ZONE } from "../rules";

export interface Holding {
  officialId: number;
  institutionId: number;
  role: Role;
  fullName: string;
  telegramId: number;
  lang: string;
  unreachable: boolean;
  /** Set when the official holds the role as another's acting delegate. */
  onBehalfOfOfficialId: number | null;
}

/**
 * Every (official, role) held at these institutions on `on`. With `withoutDigestOn`, officials whose
 * digest for that local date is already claimed (digests_sent) are left out.
 */
export async function holdingsOn(
  db: Executor,
  institutionIds: readonly number[],
  on: LocalDate,
  opts: { withoutDigestOn?: LocalDate } = {},
): Promise<Holding[]> {
  if (institutionIds.length === 0) return [];
  const ids = [...institutionIds];
  const claimed = opts.withoutDigestOn;
  const ownQ = db
    .select({
      officialId: officials.id,
      institutionId: officials.institutionId,
      role: officialRoles.role,
      fullName: officials.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      unreachable: users.unreachable,
    })
    .from(officialRoles)
    .innerJoin(officials, eq(officials.id, officialRoles.officialId))
    .innerJoin(users, eq(users.id, officials.userId));
  const own = await (claimed
    ? ownQ
        .leftJoin(
          digestsSent,
          and(eq(digestsSent.officialId, officials.id), eq(digestsSent.localDate, claimed)),
        )
        .where(
          and(
            inArray(officials.institutionId, ids),
            eq(officials.active, true),
            isNotNull(officials.userId),
            isNull(digestsSent.officialId),
          ),
        )
    : ownQ.where(
        and(inArray(officials.institutionId, ids), eq(officials.active, true), isNotNull(officials.userId)),
      ));

  const delegate = alias(officials, "delegate");
  const actingQ = db
    .select({
      officialId: delegate.id,
      institutionId: delegations.institutionId,
      role: delegations.role,
      fullName: delegate.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      unreachable: users.unreachable,
      onBehalfOfOfficialId: delegations.fromOfficialId,
    })
    .from(delegations)
    .innerJoin(delegate, eq(delegate.id, delegations.toOfficialId))
    .innerJoin(users, eq(users.id, delegate.userId));
  const actingWhere = and(
    inArray(delegations.institutionId, ids),
    lte(delegations.startsOn, on),
    gte(delegations.endsOn, on),
    eq(delegate.active, true),
    // addDelegation keeps both officials in the delegation's institution; one digest per official relies on it.
    eq(delegate.institutionId, delegations.institutionId),
  );
  const acting = await (claimed
    ? actingQ
        .leftJoin(
          digestsSent,
          and(eq(digestsSent.officialId, delegate.id), eq(digestsSent.localDate, claimed)),
        )
        .where(and(actingWhere, isNull(digestsSent.officialId)))
    : actingQ.where(actingWhere));

  const byKey = new Map<string, Holding>();
  for (const h of own) {
    byKey.set(`${h.institutionId}:${h.role}:${h.officialId}`, {
      ...h,
      role: h.role as Role,
      onBehalfOfOfficialId: null,
    });
  }
  for (const h of acting) {
    const key = `${h.institutionId}:${h.role}:${h.officialId}`;
    if (!byKey.has(key)) byKey.set(key, { ...h, role: h.role as Role });
  }
  return [...byKey.values()].sort((a, b) => a.officialId - b.officialId);
}

/** Holders per institution and role, for quick lookups: `${institutionId}:${role}` → holdings. */
export function indexHoldings(list: readonly Holding[]): Map<string, Holding[]> {
  const map = new Map<string, Holding[]>();
  for (const h of list) {
    const key = `${h.institutionId}:${h.role}`;
    const arr = map.get(key);
    if (arr) arr.push(h);
    else map.set(key, [h]);
  }
  return map;
}

/**
 * Who hears of a missed statutory deadline besides the step's own holders: the head of the institution
 * (who decides and instructs, cl. 12, 16, 19, 20) and, for the personnel subdivision's steps, the deputy
 * head in charge of personnel work (D4: he supervises that subdivision). Targets (D3) never escalate.
 */
export function escalationRoles(stepRole: Role): Role[] {
  return stepRole === "personnel_officer" ? ["head", "deputy_personnel"] : ["head"];
}

/** Only statutory deadlines (cl. 7, 14, 15, 18, 20, 21, 26) are breached and escalated; D3 targets are not. */
export const escalates = (step: { dueKind: string | null }): boolean => step.dueKind === "statutory";

export type InstitutionRow = typeof institutions.$inferSelect;

/** An institution as the jobs see it at one instant: its calendar and whether its reminder hour has come. */
export interface InstitutionNow {
  inst: InstitutionRow;
  calendar: Calendar;
  today: LocalDate;
  /** Today is a working day on the institution's calendar (D1). */
  workingDay: boolean;
  /** The local (Asia/Almaty) time is at or after the institution's reminder hour. */
  afterReminderHour: boolean;
}

/** Local hour (0–23) in Asia/Almaty. */
export function localHourOf(now: Date): number {
  return DateTime.fromJSDate(now, { zone: TIME_ZONE }).hour;
}

/** Every institution with its calendar (one calendar per distinct week pattern) at `now`. */
export async function institutionsAt(db: Executor, now: Date): Promise<InstitutionNow[]> {
  const rows = await db.select().from(institutions).orderBy(institutions.id);
  const today = localDateOf(now);
  const hour = localHourOf(now);
  const calendars = new Map<string, Promise<Calendar>>();
  const out: InstitutionNow[] = [];
  for (const inst of rows) {
    const pattern =
      Array.isArray(inst.weekPattern) && inst.weekPattern.length > 0 ? inst.weekPattern : undefined;
    const key = JSON.stringify(pattern ?? null);
    let cal = calendars.get(key);
    if (!cal) {
      cal = loadCalendar(db, pattern);
      calendars.set(key, cal);
    }
    const calendar = await cal;
    out.push({
      inst,
      calendar,
      today,
      workingDay: isWorkingDay(today, calendar),
      afterReminderHour: hour >= (inst.reminderHour ?? 9),
    });
  }
  return out;
}

/** The pending steps of open cases at these institutions that also match `where` (digests, breaches). */
export function pendingSteps(db: Executor, institutionIds: number[], where: SQL | undefined) {
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
        inArray(cases.institutionId, institutionIds),
        inArray(cases.state, ["open", "approved"]),
        where,
      ),
    );
}
