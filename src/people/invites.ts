/**
 * One-time invite links (https://t.me/<bot>?start=<token>). The token is 24 random bytes in base64url
 * (32 characters, within Telegram's 64-character start payload); only its SHA-256 is stored. A token
 * binds once, before it expires, to the entry it was made for, and only if that entry is still free.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { audit, type Stranger } from "../audit";
import { sendWaitingTasks } from "../cases/no-holder";
import type { Db, Executor } from "../db/client";
import { invites, officials, students, users } from "../db/schema";

export const INVITE_TTL_DAYS = 14;
const TOKEN_RE = /^[A-Za-z0-9_-]{32}$/;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface InviteTarget {
  institutionId: number;
  studentId?: number;
  officialId?: number;
}

/** A new token and the hash stored for it. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(24).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

export const inviteExpiry = (now: Date, ttlDays = INVITE_TTL_DAYS) =>
  new Date(now.getTime() + ttlDays * 86_400_000);

export async function createInvite(
  db: Executor,
  target: InviteTarget,
  now: Date,
  ttlDays = INVITE_TTL_DAYS,
): Promise<{ token: string; expiresAt: Date }> {
  if (!target.studentId === !target.officialId)
    throw new Error("an invite is for one student or one official");
  const { token, tokenHash } = newToken();
  const expiresAt = inviteExpiry(now, ttlDays);
  await db.insert(invites).values({
    tokenHash,
    kind: target.studentId ? "student" : "official",
    institutionId: target.institutionId,
    studentId: target.studentId ?? null,
    officialId: target.officialId ?? null,
    expiresAt,
  });
  return { token, expiresAt };
}

export const inviteLink = (botUsername: string, token: string) =>
  `https://t.me/${botUsername}?start=${token}`;

export type RedeemRefusal = "invalid" | "expired" | "used" | "taken" | "already_bound" | "duties";

export type RedeemResult =
  | { ok: true; kind: "student" | "official" }
  | {
      ok: false;
      reason: RedeemRefusal;
      /** The locale key of the answer to the user. */
      messageKey: string;
    };

/**
 * Who redeems: a users row, or a Telegram account that has none yet (a stranger: the row is created only
 * when the invite binds, so a guessed token leaves no users row behind, issue 12.17).
 */
export type Redeemer = number | { telegramId: number };

export async function redeemInvite(
  db: Db,
  token: string,
  who: Redeemer,
  now: Date,
  /** The redeemer is a stranger (the bot knows; they may have a users row): refusals are their noise. */
  stranger?: Stranger,
): Promise<RedeemResult> {
  const knownUserId = typeof who === "number" ? who : null;
  if (!TOKEN_RE.test(token)) return { ok: false, reason: "invalid", messageKey: "invite.invalid" };
  const tokenHash = hashToken(token);
  return db.transaction(async (tx) => {
    const [inv] = await tx.select().from(invites).where(eq(invites.tokenHash, tokenHash)).for("update");
    // A refusal by someone who is nobody to us is stranger noise: the audit layer counts it (one row a
    // day per account, src/audit/stranger.ts) instead of one audit row per attempt.
    const fail = async (reason: RedeemRefusal, messageKey = `invite.${reason}`) => {
      await audit(tx, {
        at: now,
        action: "invite.refused",
        actorUserId: knownUserId,
        institutionId: inv?.institutionId ?? null,
        details: { reason, inviteId: inv?.id ?? null },
        stranger,
      });
      return { ok: false as const, reason, messageKey };
    };
    if (!inv || inv.revokedAt) return fail("invalid");
    if (inv.usedAt) return fail("used");
    if (inv.expiresAt <= now) return fail("expired");
    const redeeming: Redeeming = { tx, inv, who, knownUserId, now, fail };
    const held = await entriesHeld(tx, knownUserId);
    if (inv.kind === "student" && inv.studentId) return bindStudent(redeeming, held, inv.studentId);
    if (inv.kind === "official" && inv.officialId) return bindOfficial(redeeming, held, inv.officialId);
    return fail("invalid");
  });
}

/** An invite being redeemed, valid so far; `fail` records and returns a refusal. */
interface Redeeming {
  tx: Executor;
  inv: typeof invites.$inferSelect;
  who: Redeemer;
  knownUserId: number | null;
  now: Date;
  fail: (reason: RedeemRefusal, messageKey?: string) => Promise<RedeemResult>;
}

interface Held {
  asStudent?: { id: number };
  asOfficial?: { id: number };
}

/**
 * Separation of duties (issue 12.8): one Telegram account is a learner or an official, never both, so
 * nobody files a report and then gives an opinion on it or decides it. What the account already is.
 */
async function entriesHeld(tx: Executor, knownUserId: number | null): Promise<Held> {
  const [asStudent] = knownUserId
    ? await tx
        .select({ id: students.id })
        .from(students)
        .where(and(eq(students.userId, knownUserId), eq(students.active, true)))
    : [];
  const [asOfficial] = knownUserId
    ? await tx
        .select({ id: officials.id })
        .from(officials)
        .where(and(eq(officials.userId, knownUserId), eq(officials.active, true)))
    : [];
  return { asStudent, asOfficial };
}

/** The users row that binds: the known one, or one made now for a stranger. */
const binderOf = (r: Redeeming): Promise<number> | number =>
  r.knownUserId ?? userRowFor(r.tx, (r.who as { telegramId: number }).telegramId);

async function bindStudent(r: Redeeming, held: Held, studentId: number): Promise<RedeemResult> {
  const { tx, inv, now, fail } = r;
  if (held.asOfficial) return fail("duties", "duties.official_as_learner");
  if (held.asStudent && held.asStudent.id !== studentId) return fail("already_bound");
  // Already this learner's own entry: nothing to bind, the invite is used up.
  if (held.asStudent) return done(tx, inv, r.knownUserId!, now);
  // The entry is locked and checked first, so a refused stranger leaves no users row.
  const [free] = await tx
    .select({ id: students.id })
    .from(students)
    .where(and(eq(students.id, studentId), eq(students.active, true), isNull(students.userId)))
    .for("update");
  if (!free) return fail("taken");
  const userId = await binderOf(r);
  const bound = await tx
    .update(students)
    .set({ userId, updatedAt: now })
    .where(and(eq(students.id, studentId), eq(students.active, true), isNull(students.userId)))
    .returning({ id: students.id });
  if (bound.length === 0) return fail("taken");
  return done(tx, inv, userId, now);
}

async function bindOfficial(r: Redeeming, held: Held, officialId: number): Promise<RedeemResult> {
  const { tx, inv, now, fail } = r;
  if (held.asStudent) return fail("duties", "duties.learner_as_official");
  if (held.asOfficial && held.asOfficial.id !== officialId) return fail("already_bound");
  if (held.asOfficial?.id === officialId) return done(tx, inv, r.knownUserId!, now);
  const [free] = await tx
    .select({ id: officials.id })
    .from(officials)
    .where(and(eq(officials.id, officialId), eq(officials.active, true), isNull(officials.userId)))
    .for("update");
  if (!free) return fail("taken");
  const userId = await binderOf(r);
  const bound = await tx
    .update(officials)
    .set({ userId })
    .where(and(eq(officials.id, officialId), eq(officials.active, true), isNull(officials.userId)))
    .returning({ id: officials.id });
  if (bound.length === 0) return fail("taken");
  // D14: an official who joins late receives the tasks already waiting for their roles.
  await sendWaitingTasks(tx, officialId, now);
  return done(tx, inv, userId, now);
}

/** The users row of a Telegram account, created if missing (inside the transaction that binds it). */
async function userRowFor(tx: Executor, telegramId: number): Promise<number> {
  const [row] = await tx
    .insert(users)
    .values({ telegramId })
    .onConflictDoUpdate({ target: users.telegramId, set: { telegramId } })
    .returning({ id: users.id });
  if (!row) throw new Error("user upsert returned nothing");
  return row.id;
}

/** Marks the invite used (its row is locked FOR UPDATE above, so no one else can use it meanwhile). */
async function done(
  tx: Executor,
  inv: typeof invites.$inferSelect,
  userId: number,
  now: Date,
): Promise<RedeemResult> {
  await tx.update(invites).set({ usedAt: now, usedByUserId: userId }).where(eq(invites.id, inv.id));
  await audit(tx, {
    at: now,
    action: "invite.redeemed",
    actorUserId: userId,
    institutionId: inv.institutionId,
    details: { inviteId: inv.id, kind: inv.kind, studentId: inv.studentId, officialId: inv.officialId },
  });
  return { ok: true, kind: inv.kind as "student" | "official" };
}
