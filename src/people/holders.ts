/**
 * Who holds a role at an institution on a date: active officials bound to Telegram who have the role,
 * plus acting officials whose delegation (D4 "or their acting delegate") covers the date.
 */
import { and, eq, gte, isNotNull, lte, sql } from "drizzle-orm";
import { alias, unionAll } from "drizzle-orm/pg-core";
import type { Executor } from "../db/client";
import { delegations, officialRoles, officials, users } from "../db/schema";
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
  const delegate = alias(officials, "delegate");
  // Own holders and acting delegates in one round trip.
  const own = db
    .select({
      officialId: officials.id,
      fullName: officials.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      onBehalfOfOfficialId: sql<number | null>`null::int`.as("on_behalf_of_official_id"),
    })
    .from(officialRoles)
    .innerJoin(officials, eq(officials.id, officialRoles.officialId))
    .innerJoin(users, eq(users.id, officials.userId))
    .where(
      and(
        eq(officialRoles.role, role),
        eq(officials.institutionId, institutionId),
        eq(officials.active, true),
        isNotNull(officials.userId),
      ),
    );
  const acting = db
    .select({
      officialId: delegate.id,
      fullName: delegate.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      onBehalfOfOfficialId: delegations.fromOfficialId,
    })
    .from(delegations)
    .innerJoin(delegate, eq(delegate.id, delegations.toOfficialId))
    .innerJoin(users, eq(users.id, delegate.userId))
    .where(
      and(
        eq(delegations.institutionId, institutionId),
        eq(delegations.role, role),
        lte(delegations.startsOn, on),
        gte(delegations.endsOn, on),
        eq(delegate.active, true),
      ),
    );
  const rows = (await unionAll(own, acting)) as Holder[];
  const byId = new Map<number, Holder>();
  // An official's own role wins over a delegation of the same role.
  for (const h of rows) if (h.onBehalfOfOfficialId === null) byId.set(h.officialId, h);
  for (const h of rows) if (!byId.has(h.officialId)) byId.set(h.officialId, h);
  return [...byId.values()].sort((a, b) => a.officialId - b.officialId);
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
