/**
 * Who holds a role at an institution on a date: active officials bound to Telegram who have the role,
 * plus acting officials whose delegation (D4 "or their acting delegate") covers the date, has not been
 * ended, and comes from an official who is still active and still holds the role.
 */
import { and, eq, gte, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "../db/client";
import { delegations, digestsSent, officialRoles, officials, users } from "../db/schema";
import type { LocalDate, Role } from "../rules";

export interface Holder {
  officialId: number;
  fullName: string;
  telegramId: number;
  lang: string;
  /** Set when the holder acts as a delegate of another official. */
  onBehalfOfOfficialId: number | null;
}

export async function roleHolders(
  db: Executor,
  institutionId: number,
  role: Role,
  on: LocalDate,
): Promise<Holder[]> {
  return (await holdingsOn(db, [institutionId], on, { role })).map(
    ({ officialId, fullName, telegramId, lang, onBehalfOfOfficialId }) => ({
      officialId,
      fullName,
      telegramId,
      lang,
      onBehalfOfOfficialId,
    }),
  );
}

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
 * Every (official, role) held at these institutions on `on`: active officials bound to Telegram with the
 * role, plus acting officials whose delegation (D4 "or their acting delegate") covers the date; an
 * official's own role wins over a delegation of the same role, and of two delegations of the same role to
 * the same official the older one (lower id) names whom they act for. One statement (own ∪ acting, issue
 * 17), whatever the number of institutions and roles. `role` or `roles` narrow it (a batch of opened steps
 * asks for all its roles at once); with `withoutDigestOn`, officials whose digest for that local date is
 * already claimed (digests_sent) are left out.
 */
export async function holdingsOn(
  db: Executor,
  institutionIds: readonly number[],
  on: LocalDate,
  opts: { withoutDigestOn?: LocalDate; role?: Role; roles?: readonly Role[] } = {},
): Promise<Holding[]> {
  if (institutionIds.length === 0) return [];
  const roles = opts.roles ? [...opts.roles] : opts.role ? [opts.role] : undefined;
  if (roles?.length === 0) return [];
  const rows = await holdingsQuery(db, [...institutionIds], on, roles, opts.withoutDigestOn);
  // Own roles first, then delegations oldest first: the first row of a key is the one that counts.
  rows.sort(
    (a, b) =>
      Number(a.onBehalfOfOfficialId !== null) - Number(b.onBehalfOfOfficialId !== null) ||
      a.delegationId - b.delegationId,
  );
  const byKey = new Map<string, Holding>();
  for (const { delegationId: _, ...h } of rows) {
    const key = `${h.institutionId}:${h.role}:${h.officialId}`;
    if (!byKey.has(key)) byKey.set(key, h);
  }
  return [...byKey.values()].sort((a, b) => a.officialId - b.officialId);
}

/** own ∪ acting as one UNION ALL; delegationId is 0 on own rows. */
function holdingsQuery(
  db: Executor,
  ids: number[],
  on: LocalDate,
  roles: Role[] | undefined,
  claimed: LocalDate | undefined,
) {
  const ownQ = db
    .select({
      officialId: officials.id,
      institutionId: officials.institutionId,
      role: officialRoles.role,
      fullName: officials.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      unreachable: users.unreachable,
      onBehalfOfOfficialId: sql<number | null>`null::integer`.as("on_behalf_of"),
      delegationId: sql<number>`0`.mapWith(Number).as("delegation_id"),
    })
    .from(officialRoles)
    .innerJoin(officials, eq(officials.id, officialRoles.officialId))
    .innerJoin(users, eq(users.id, officials.userId))
    .$dynamic();
  if (claimed)
    ownQ.leftJoin(
      digestsSent,
      and(eq(digestsSent.officialId, officials.id), eq(digestsSent.localDate, claimed)),
    );
  ownQ.where(
    and(
      inArray(officials.institutionId, ids),
      eq(officials.active, true),
      isNotNull(officials.userId),
      roles ? inArray(officialRoles.role, roles) : undefined,
      claimed ? isNull(digestsSent.officialId) : undefined,
    ),
  );

  const delegate = alias(officials, "delegate");
  const delegator = alias(officials, "delegator");
  const actingQ = db
    .select({
      officialId: delegate.id,
      institutionId: delegations.institutionId,
      role: delegations.role,
      fullName: delegate.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      unreachable: users.unreachable,
      onBehalfOfOfficialId: sql<number | null>`${delegations.fromOfficialId}`,
      delegationId: sql<number>`${delegations.id}`.mapWith(Number),
    })
    .from(delegations)
    .innerJoin(delegate, eq(delegate.id, delegations.toOfficialId))
    .innerJoin(delegator, eq(delegator.id, delegations.fromOfficialId))
    .innerJoin(users, eq(users.id, delegate.userId))
    .$dynamic();
  if (claimed)
    actingQ.leftJoin(
      digestsSent,
      and(eq(digestsSent.officialId, delegate.id), eq(digestsSent.localDate, claimed)),
    );
  actingQ.where(
    and(
      inArray(delegations.institutionId, ids),
      roles ? inArray(delegations.role, roles) : undefined,
      lte(delegations.startsOn, on),
      gte(delegations.endsOn, on),
      eq(delegate.active, true),
      // addDelegation keeps both officials in the delegation's institution; one digest per official relies on it.
      eq(delegate.institutionId, delegations.institutionId),
      // Issue 12.7: a delegation counts only while it is not ended and the official who delegated is still
      // active and still holds the role: nobody acts "on behalf of" a revoked head.
      isNull(delegations.endedAt),
      eq(delegator.active, true),
      sql`exists (select 1 from ${officialRoles} where ${officialRoles.officialId} = ${delegations.fromOfficialId} and ${officialRoles.role} = ${delegations.role})`,
      claimed ? isNull(digestsSent.officialId) : undefined,
    ),
  );
  return ownQ.unionAll(actingQ);
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

/** May this official act in this role today, and on whose behalf (null = in their own right). */
export async function actingCapacity(
  db: Executor,
  officialId: number,
  institutionId: number,
  role: Role,
  on: LocalDate,
): Promise<{ allowed: boolean; onBehalfOfOfficialId: number | null }> {
  const holders = await roleHolders(db, institutionId, role, on);
  const me = holders.find((h) => h.officialId === officialId);
  return me
    ? { allowed: true, onBehalfOfOfficialId: me.onBehalfOfOfficialId }
    : { allowed: false, onBehalfOfOfficialId: null };
}
