/**
 * Officials and their roles, the people of an institution, revoking access and delegations (an acting
 * official holds another's role for a period). Every change is audited (ids and roles, no names).
 */
import { and, asc, eq, gte, inArray, isNotNull, isNull, lte, or } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { sendWaitingTasks } from "../cases/no-holder";
import { BLOCKED_BY_USER } from "../cases/outbox";
import type { Db, Executor } from "../db/client";
import { delegations, invites, officialRoles, officials, outbox, students, users } from "../db/schema";
import { InputError } from "../errors";
import { isLocalDate, isRole, type LocalDate, ROLES, type Role } from "../rules";
import { type Holder, roleHolders } from "./holders";
import type { StudentEntry } from "./identity";
import { type Actor, by, textField, validate } from "./institutions";
import { createInvite } from "./invites";
import { queueButtonReset } from "./menu-button";

export type OfficialRow = typeof officials.$inferSelect;
export interface Official extends OfficialRow {
  roles: Role[];
}
export type Delegation = typeof delegations.$inferSelect;

/** Checks role names against ROLES; duplicates are dropped, order kept. */
export function parseRoles(names: readonly string[]): Role[] {
  const bad = names.filter((r) => !isRole(r));
  if (bad.length > 0)
    throw new InputError(
      `unknown role${bad.length > 1 ? "s" : ""} ${bad.join(", ")}: use ${ROLES.join(", ")}`,
    );
  return [...new Set(names.filter(isRole))];
}

const newOfficial = z.object({
  institutionId: z.number().int().positive(),
  fullName: textField("the name", 200).pipe(
    z
      .string()
      .regex(
        /^[\p{L}\p{M}][\p{L}\p{M} .'’ʼ-]*$/u,
        "the name may contain only letters, spaces, hyphens, apostrophes and dots",
      ),
  ),
  position: textField("the position", 300),
  roles: z.array(z.string()).min(1, "give at least one role"),
});

const rolesOf = async (db: Executor, officialId: number): Promise<Role[]> => {
  const rows = await db
    .select({ role: officialRoles.role })
    .from(officialRoles)
    .where(eq(officialRoles.officialId, officialId))
    .orderBy(asc(officialRoles.role));
  return rows.map((r) => r.role);
};

export async function getOfficial(db: Executor, id: number): Promise<Official | null> {
  const [row] = await db.select().from(officials).where(eq(officials.id, id));
  return row ? { ...row, roles: await rolesOf(db, id) } : null;
}

/**
 * The institutions an administrator reaches: every one (null) for those named in ADMIN_TELEGRAM_IDS, else
 * only their own (an administrator by role; -1, none, without an official record).
 */
export function adminScope(listedAdmin: boolean, official: { institutionId: number } | null): number | null {
  return listedAdmin ? null : (official?.institutionId ?? -1);
}

/** An official within an administrator's scope (adminScope), or null: outside it they do not exist. */
export async function officialInScope(
  db: Executor,
  scope: number | null,
  id: number,
): Promise<Official | null> {
  const o = await getOfficial(db, id);
  return o && (scope === null || o.institutionId === scope) ? o : null;
}

/** Active officials within an administrator's scope who have no Telegram account yet: whom /invite can invite. */
export async function officialsToInvite(
  db: Executor,
  scope: number | null,
): Promise<{ id: number; fullName: string; roles: Role[] }[]> {
  const rows = await db
    .select({ id: officials.id, fullName: officials.fullName, role: officialRoles.role })
    .from(officials)
    .leftJoin(officialRoles, eq(officialRoles.officialId, officials.id))
    .where(
      and(
        isNull(officials.userId),
        eq(officials.active, true),
        scope === null ? undefined : eq(officials.institutionId, scope),
      ),
    )
    .orderBy(asc(officials.id), asc(officialRoles.role));
  const byId = new Map<number, { id: number; fullName: string; roles: Role[] }>();
  for (const r of rows) {
    const e = byId.get(r.id) ?? { id: r.id, fullName: r.fullName, roles: [] };
    if (r.role) e.roles.push(r.role);
    byId.set(r.id, e);
  }
  return [...byId.values()];
}

export async function requireOfficial(db: Executor, id: number): Promise<Official> {
  const o = await getOfficial(db, id);
  if (!o) throw new InputError(`no official with id ${id} (see: people <code>)`);
  return o;
}

export async function addOfficial(
  db: Db,
  input: { institutionId: number; fullName: string; position: string; roles: readonly string[] },
  now: Date,
  actor?: Actor,
): Promise<Official> {
  const v = validate(newOfficial, input);
  const roles = parseRoles(v.roles);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(officials)
      .values({ institutionId: v.institutionId, fullName: v.fullName, position: v.position })
      .returning();
    if (!row) throw new Error("official insert returned nothing");
    await tx.insert(officialRoles).values(roles.map((role) => ({ officialId: row.id, role })));
    await audit(tx, {
      at: now,
      action: "official.added",
      ...by(actor, { officialId: row.id }),
      institutionId: row.institutionId,
      after: { officialId: row.id, roles },
    });
    return { ...row, roles: [...roles].sort() };
  });
}

/** Adds and removes roles of an official; returns the roles before and after. */
export async function changeRoles(
  db: Db,
  officialId: number,
  change: { add?: readonly string[]; remove?: readonly string[] },
  now: Date,
  actor?: Actor,
): Promise<{ before: Role[]; after: Role[] }> {
  const add = parseRoles(change.add ?? []);
  const remove = parseRoles(change.remove ?? []);
  const both = add.filter((r) => remove.includes(r));
  if (both.length > 0) throw new InputError(`role ${both.join(", ")} is both added and removed`);
  if (add.length === 0 && remove.length === 0) throw new InputError("give a role to add or to remove");
  return db.transaction(async (tx) => {
    const [o] = await tx.select().from(officials).where(eq(officials.id, officialId)).for("update");
    if (!o) throw new InputError(`no official with id ${officialId} (see: people <code>)`);
    const before = await rolesOf(tx, officialId);
    if (add.length > 0)
      await tx
        .insert(officialRoles)
        .values(add.map((role) => ({ officialId, role })))
        .onConflictDoNothing();
    if (remove.length > 0)
      await tx
        .delete(officialRoles)
        .where(and(eq(officialRoles.officialId, officialId), inArray(officialRoles.role, remove)));
    const after = await rolesOf(tx, officialId);
    // D14: roles given to an official already in the bot bring the tasks already waiting for them.
    const given = after.filter((r) => !before.includes(r));
    if (given.length > 0 && o.userId !== null && o.active) await sendWaitingTasks(tx, officialId, now, given);
    if (JSON.stringify(before) !== JSON.stringify(after))
      await audit(tx, {
        at: now,
        action: "official.roles_changed",
        ...by(actor, { officialId }),
        institutionId: o.institutionId,
        before: { roles: before },
        after: { roles: after },
      });
    return { before, after };
  });
}

/**
 * A one-time invite for an official. Earlier unused invites of the official are revoked. A deactivated
 * official (access revoked) is refused unless `reactivate` is set, which makes them active again.
 */
export async function createOfficialInvite(
  db: Db,
  officialId: number,
  now: Date,
  opts: { reactivate?: boolean; actor?: Actor } = {},
): Promise<{ token: string; expiresAt: Date; reactivated: boolean }> {
  const o = await requireOfficial(db, officialId);
  if (o.userId !== null)
    throw new InputError(`official ${officialId} is already bound to a Telegram account (revoke it first)`);
  let reactivated = false;
  if (!o.active) {
    if (!opts.reactivate)
      throw new InputError(
        `official ${officialId} is deactivated (access revoked); add --reactivate to restore`,
      );
    await db.update(officials).set({ active: true }).where(eq(officials.id, officialId));
    await audit(db, {
      at: now,
      action: "official.reactivated",
      ...by(opts.actor, { officialId }),
      institutionId: o.institutionId,
      before: { active: false },
      after: { active: true },
    });
    reactivated = true;
  }
  const revoked = await revokeUnusedInvites(db, { officialId }, now);
  const { token, expiresAt } = await createInvite(db, { institutionId: o.institutionId, officialId }, now);
  await audit(db, {
    at: now,
    action: "invites.issued",
    institutionId: o.institutionId,
    ...by(opts.actor, { kind: "official", officialId, issued: 1, revoked }),
  });
  return { token, expiresAt, reactivated };
}

async function revokeUnusedInvites(
  db: Executor,
  target: { studentId: number } | { officialId: number },
  now: Date,
): Promise<number> {
  const rows = await db
    .update(invites)
    .set({ revokedAt: now })
    .where(
      and(
        "studentId" in target
          ? eq(invites.studentId, target.studentId)
          : eq(invites.officialId, target.officialId),
        isNull(invites.usedAt),
        isNull(invites.revokedAt),
      ),
    )
    .returning({ id: invites.id });
  return rows.length;
}

// --- People -------------------------------------------------------------------------------------------------

export interface StudentListing extends Omit<StudentEntry, "institutionId"> {
  active: boolean;
  /** Bound to a Telegram account. */
  bound: boolean;
}

export interface OfficialListing {
  id: number;
  fullName: string;
  position: string;
  roles: Role[];
  active: boolean;
  bound: boolean;
}

/** Students and officials of an institution (personal data: for the listing only). */
export async function listPeople(
  db: Executor,
  institutionId: number,
): Promise<{ students: StudentListing[]; officials: OfficialListing[] }> {
  const s = await db
    .select()
    .from(students)
    .where(eq(students.institutionId, institutionId))
    .orderBy(asc(students.personalNumber));
  const o = await db
    .select()
    .from(officials)
    .where(eq(officials.institutionId, institutionId))
    .orderBy(asc(officials.id));
  const roles =
    o.length === 0
      ? []
      : await db
          .select()
          .from(officialRoles)
          .where(
            inArray(
              officialRoles.officialId,
              o.map((x) => x.id),
            ),
          )
          .orderBy(asc(officialRoles.role));
  return {
    students: s.map((x) => ({
      id: x.id,
      personalNumber: x.personalNumber,
      fullName: x.fullName,
      rank: x.rank,
      category: x.category,
      faculty: x.faculty,
      course: x.course,
      groupName: x.groupName,
      sendingUnit: x.sendingUnit,
      sex: x.sex,
      active: x.active,
      bound: x.userId !== null,
    })),
    officials: o.map((x) => ({
      id: x.id,
      fullName: x.fullName,
      position: x.position,
      roles: roles.filter((r) => r.officialId === x.id).map((r) => r.role),
      active: x.active,
      bound: x.userId !== null,
    })),
  };
}

export async function findStudent(db: Executor, institutionId: number, personalNumber: string) {
  const [row] = await db
    .select()
    .from(students)
    .where(
      and(
        eq(students.institutionId, institutionId),
        eq(students.personalNumber, personalNumber.normalize("NFC").trim().toUpperCase()),
      ),
    );
  return row ?? null;
}

export type AccessTarget = { kind: "student"; studentId: number } | { kind: "official"; officialId: number };

/**
 * Takes a Telegram account off a roster entry (a student stays on the roster, unbound) or off an official
 * (who is also deactivated), and revokes their unused invites. Identity is loaded on every update, so the
 * next message from that account is treated as from a stranger.
 */
export async function revokeAccess(
  db: Db,
  target: AccessTarget,
  now: Date,
  actor?: Actor,
): Promise<{
  changed: boolean;
  wasBound: boolean;
  invitesRevoked: number;
  /** An official: queued messages to their chat cancelled, delegations ended (ids). */
  messagesCancelled?: number;
  delegationsEnded?: number[];
}> {
  return db.transaction(async (tx) => {
    const ids =
      target.kind === "student" ? { studentId: target.studentId } : { officialId: target.officialId };
    const { institutionId, before, after, changed, extra } =
      target.kind === "student"
        ? await unbindStudent(tx, target.studentId, now)
        : await unbindOfficial(tx, target.officialId, now);
    const invitesRevoked = await revokeUnusedInvites(tx, ids, now);
    const wasBound = before.userId !== null;
    if (changed || invitesRevoked > 0)
      await audit(tx, {
        at: now,
        action: "access.revoked",
        ...by(actor, { ...ids, invitesRevoked, ...extra }),
        institutionId,
        before,
        after,
      });
    return { changed: changed || invitesRevoked > 0, wasBound, invitesRevoked, ...extra };
  });
}

/** What revokeAccess changed on the roster entry or the official (for the audit trail). */
interface Unbound {
  institutionId: number;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  changed: boolean;
  /** An official: queued messages cancelled, delegations ended (ids). */
  extra: { messagesCancelled?: number; delegationsEnded?: number[] };
}

/** The student stays on the roster, unbound. */
async function unbindStudent(tx: Executor, studentId: number, now: Date): Promise<Unbound> {
  const [s] = await tx.select().from(students).where(eq(students.id, studentId)).for("update");
  if (!s) throw new InputError(`no student with id ${studentId}`);
  const changed = s.userId !== null;
  if (changed) await tx.update(students).set({ userId: null, updatedAt: now }).where(eq(students.id, s.id));
  return {
    institutionId: s.institutionId,
    before: { userId: s.userId },
    after: { userId: null },
    changed,
    extra: {},
  };
}

/** The official is unbound and deactivated; what was queued for them and their delegations end. */
async function unbindOfficial(tx: Executor, officialId: number, now: Date): Promise<Unbound> {
  const [o] = await tx.select().from(officials).where(eq(officials.id, officialId)).for("update");
  if (!o) throw new InputError(`no official with id ${officialId} (see: people <code>)`);
  const changed = o.userId !== null || o.active;
  if (changed) await tx.update(officials).set({ userId: null, active: false }).where(eq(officials.id, o.id));
  // Issue 12.7: what was queued for them before the revocation no longer reaches them, and the
  // delegations they gave or received end (holders.ts would ignore them anyway; ending them keeps a
  // later reactivation from reviving them).
  const messagesCancelled = o.userId === null ? 0 : await cancelQueuedFor(tx, o.userId);
  // Issue 18: their chat's dashboard button goes back to the default (queued after the cancellations).
  if (o.userId !== null) {
    const [u] = await tx.select({ telegramId: users.telegramId }).from(users).where(eq(users.id, o.userId));
    if (u) await queueButtonReset(tx, u.telegramId, now);
  }
  const delegationsEnded = (
    await tx
      .update(delegations)
      .set({ endedAt: now })
      .where(
        and(
          isNull(delegations.endedAt),
          or(eq(delegations.fromOfficialId, o.id), eq(delegations.toOfficialId, o.id)),
        ),
      )
      .returning({ id: delegations.id })
  ).map((d) => d.id);
  return {
    institutionId: o.institutionId,
    before: { userId: o.userId, active: o.active },
    after: { userId: null, active: false },
    changed,
    extra: { messagesCancelled, delegationsEnded },
  };
}

/**
 * The messages still queued for a revoked official's chat are cancelled: their task messages (a step's
 * buttons), and, unless the same account is also an active learner (bound before separation of duties,
 * issue 12.8), everything else queued for them as an official (digests, breach notices). Messages that
 * failed because the official had blocked the bot are cancelled too, so unblocking does not bring them.
 */
async function cancelQueuedFor(tx: Executor, userId: number): Promise<number> {
  const [u] = await tx.select({ telegramId: users.telegramId }).from(users).where(eq(users.id, userId));
  if (!u) return 0;
  const [learner] = await tx
    .select({ id: students.id })
    .from(students)
    .where(and(eq(students.userId, userId), eq(students.active, true)));
  const rows = await tx
    .update(outbox)
    .set({ state: "cancelled" })
    .where(
      and(
        eq(outbox.chatId, u.telegramId),
        eq(outbox.method, "sendMessage"),
        or(
          eq(outbox.state, "pending"),
          and(eq(outbox.state, "failed"), eq(outbox.lastError, BLOCKED_BY_USER)),
        ),
        learner ? isNotNull(outbox.stepId) : undefined,
      ),
    )
    .returning({ id: outbox.id });
  return rows.length;
}

// --- Delegations --------------------------------------------------------------------------------------------

export interface DelegationInput {
  institutionId: number;
  role: string;
  fromOfficialId: number;
  toOfficialId: number;
  startsOn: string;
  endsOn: string;
}

/**
 * An acting official holds another's role from `startsOn` to `endsOn` (inclusive local dates). The
 * delegating official must hold the role; both must be active officials of the institution; the same
 * official's delegations of a role may not overlap.
 */
export async function addDelegation(
  db: Db,
  input: DelegationInput,
  now: Date,
  actor?: Actor,
): Promise<Delegation> {
  const [role] = parseRoles([input.role]);
  if (!role) throw new InputError("give a role");
  for (const d of [input.startsOn, input.endsOn])
    if (!isLocalDate(d)) throw new InputError(`"${d}" is not a date: use YYYY-MM-DD`);
  if (input.startsOn > input.endsOn) throw new InputError("the delegation ends before it starts");
  if (input.fromOfficialId === input.toOfficialId)
    throw new InputError("an official cannot delegate to himself");
  return db.transaction(async (tx) => {
    for (const id of [input.fromOfficialId, input.toOfficialId]) {
      const o = await getOfficial(tx, id);
      if (!o || o.institutionId !== input.institutionId)
        throw new InputError(`no official with id ${id} at this institution`);
      if (!o.active) throw new InputError(`official ${id} is deactivated`);
      if (id === input.fromOfficialId && !o.roles.includes(role))
        throw new InputError(`official ${id} does not hold the role ${role}`);
    }
    const overlapping = await tx
      .select({ id: delegations.id, startsOn: delegations.startsOn, endsOn: delegations.endsOn })
      .from(delegations)
      .where(
        and(
          eq(delegations.institutionId, input.institutionId),
          eq(delegations.role, role),
          eq(delegations.fromOfficialId, input.fromOfficialId),
          lte(delegations.startsOn, input.endsOn),
          gte(delegations.endsOn, input.startsOn),
          isNull(delegations.endedAt),
        ),
      );
    const clash = overlapping[0];
    if (clash)
      throw new InputError(
        `official ${input.fromOfficialId} already delegates ${role} from ${clash.startsOn} to ${clash.endsOn} (delegation ${clash.id})`,
      );
    const [row] = await tx
      .insert(delegations)
      .values({
        institutionId: input.institutionId,
        role,
        fromOfficialId: input.fromOfficialId,
        toOfficialId: input.toOfficialId,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
      })
      .returning();
    if (!row) throw new Error("delegation insert returned nothing");
    await audit(tx, {
      at: now,
      action: "delegation.added",
      ...by(actor, { delegationId: row.id }),
      onBehalfOfOfficialId: row.fromOfficialId,
      institutionId: row.institutionId,
      after: {
        role,
        fromOfficialId: row.fromOfficialId,
        toOfficialId: row.toOfficialId,
        startsOn: row.startsOn,
        endsOn: row.endsOn,
      },
    });
    return row;
  });
}

/**
 * Ends a delegation now (issue 12.7): from this moment the delegate no longer holds the role for the
 * delegating official. The row stays, with its end time, and the change is audited.
 */
export async function endDelegation(
  db: Db,
  delegationId: number,
  now: Date,
  actor?: Actor,
): Promise<Delegation> {
  return db.transaction(async (tx) => {
    const [d] = await tx.select().from(delegations).where(eq(delegations.id, delegationId)).for("update");
    if (!d) throw new InputError(`no delegation with id ${delegationId} (see: people <code>)`);
    if (d.endedAt) throw new InputError(`delegation ${delegationId} has already ended`);
    const [ended] = await tx
      .update(delegations)
      .set({ endedAt: now })
      .where(eq(delegations.id, delegationId))
      .returning();
    if (!ended) throw new Error("delegation update returned nothing");
    await audit(tx, {
      at: now,
      action: "delegation.ended",
      ...by(actor, { delegationId }),
      onBehalfOfOfficialId: d.fromOfficialId,
      institutionId: d.institutionId,
      before: { endedAt: null },
      after: { endedAt: now.toISOString() },
    });
    return ended;
  });
}

export function listDelegations(db: Executor, institutionId: number): Promise<Delegation[]> {
  return db
    .select()
    .from(delegations)
    .where(eq(delegations.institutionId, institutionId))
    .orderBy(asc(delegations.startsOn), asc(delegations.id));
}

/**
 * Who holds a role on a local date: active officials bound to Telegram with the role, plus delegates whose
 * delegation covers the date (`onBehalfOfOfficialId` names the official they act for). See holders.ts.
 */
export async function activeHolders(
  db: Executor,
  institutionId: number,
  role: Role,
  localDate: LocalDate,
): Promise<Holder[]> {
  if (!isLocalDate(localDate)) throw new InputError(`"${localDate}" is not a date: use YYYY-MM-DD`);
  return roleHolders(db, institutionId, role, localDate);
}
