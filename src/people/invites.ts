/**
 * One-time invite links (https://t.me/<bot>?start=<token>). The token is 24 random bytes in base64url
 * (32 characters, within Telegram's 64-character start payload); only its SHA-256 is stored. A token
 * binds once, before it expires, to the entry it was made for, and only if that entry is still free.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { audit } from "../audit";
import type { Db } from "../db/client";
import { invites, officials, students } from "../db/schema";

export const INVITE_TTL_DAYS = 14;
const TOKEN_RE = /^[A-Za-z0-9_-]{32}$/;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface InviteTarget {
  institutionId: number;
  studentId?: number;
  officialId?: number;
}

export async function createInvite(
  db: Db,
  target: InviteTarget,
  now: Date,
  ttlDays = INVITE_TTL_DAYS,
): Promise<{ token: string; expiresAt: Date }> {
  if (!target.studentId === !target.officialId)
    throw new Error("an invite is for one student or one official");
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000);
  await db.insert(invites).values({
    tokenHash: hashToken(token),
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

export type RedeemResult =
  | { ok: true; kind: "student" | "official" }
  | { ok: false; reason: "invalid" | "expired" | "used" | "taken" | "already_bound" };

export async function redeemInvite(db: Db, token: string, userId: number, now: Date): Promise<RedeemResult> {
  if (!TOKEN_RE.test(token)) return { ok: false, reason: "invalid" };
  const tokenHash = hashToken(token);
  return db.transaction(async (tx) => {
    const [inv] = await tx.select().from(invites).where(eq(invites.tokenHash, tokenHash)).for("update");
    const fail = async (reason: "invalid" | "expired" | "used" | "taken" | "already_bound") => {
      await audit(tx, {
        at: now,
        action: "invite.refused",
        actorUserId: userId,
        institutionId: inv?.institutionId ?? null,
        details: { reason, inviteId: inv?.id ?? null },
      });
      return { ok: false as const, reason };
    };
    if (!inv || inv.revokedAt) return fail("invalid");
    if (inv.usedAt) return fail("used");
    if (inv.expiresAt <= now) return fail("expired");
    if (inv.kind === "student" && inv.studentId) {
      const [mine] = await tx
        .select({ id: students.id })
        .from(students)
        .where(and(eq(students.userId, userId), eq(students.active, true)));
      if (mine && mine.id !== inv.studentId) return fail("already_bound");
      const bound = await tx
        .update(students)
        .set({ userId, updatedAt: now })
        .where(and(eq(students.id, inv.studentId), eq(students.active, true), isNull(students.userId)))
        .returning({ id: students.id });
      if (bound.length === 0 && mine?.id !== inv.studentId) return fail("taken");
    } else if (inv.kind === "official" && inv.officialId) {
      const [mine] = await tx
        .select({ id: officials.id })
        .from(officials)
        .where(and(eq(officials.userId, userId), eq(officials.active, true)));
      if (mine && mine.id !== inv.officialId) return fail("already_bound");
      const bound = await tx
        .update(officials)
        .set({ userId })
        .where(and(eq(officials.id, inv.officialId), eq(officials.active, true), isNull(officials.userId)))
        .returning({ id: officials.id });
      if (bound.length === 0 && mine?.id !== inv.officialId) return fail("taken");
    } else {
      return fail("invalid");
    }
    // The row is locked FOR UPDATE above, so no one else can use it between the check and here.
    await tx.update(invites).set({ usedAt: now, usedByUserId: userId }).where(eq(invites.id, inv.id));
    await audit(tx, {
      at: now,
      action: "invite.redeemed",
      actorUserId: userId,
      institutionId: inv.institutionId,
      details: { inviteId: inv.id, kind: inv.kind, studentId: inv.studentId, officialId: inv.officialId },
    });
    return { ok: true as const, kind: inv.kind as "student" | "official" };
  });
}
