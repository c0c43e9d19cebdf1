/**
 * Who a Telegram user is to us: a users row, at most one active student entry and at most one active
 * official entry (with roles). Loaded on every update; nothing is cached, so revoking access takes
 * effect on the next update.
 */
import { and, eq } from "drizzle-orm";
import type { Executor } from "../db/client";
import { officialRoles, officials, students, users } from "../db/schema";
import { DEFAULT_LANG, isLang, type Lang } from "../i18n";
import type { Role } from "../rules";

export interface StudentEntry {
  id: number;
  institutionId: number;
  personalNumber: string;
  fullName: string;
  rank: string;
  category: string;
  faculty: string;
  course: string;
  groupName: string;
  sendingUnit: string;
}

export interface OfficialEntry {
  id: number;
  institutionId: number;
  fullName: string;
  position: string;
  roles: Role[];
}

export interface Identity {
  telegramId: number | null;
  userId: number | null;
  lang: Lang;
  student: StudentEntry | null;
  official: OfficialEntry | null;
  /** From ADMIN_TELEGRAM_IDS, or the administrator role of an official. */
  isAdmin: boolean;
}

export const ANONYMOUS: Identity = {
  telegramId: null,
  userId: null,
  lang: DEFAULT_LANG,
  student: null,
  official: null,
  isAdmin: false,
};

/** Finds or creates the users row (only the Telegram id and language are stored) and loads roles. */
export async function loadIdentity(
  db: Executor,
  telegramId: number,
  adminIds: readonly number[],
): Promise<Identity> {
  let [user] = await db.select().from(users).where(eq(users.telegramId, telegramId));
  if (!user) {
    [user] = await db
      .insert(users)
      .values({ telegramId })
      .onConflictDoUpdate({ target: users.telegramId, set: { telegramId } })
      .returning();
  } else if (user.unreachable) {
    // They wrote to us, so they unblocked the bot.
    await db.update(users).set({ unreachable: false }).where(eq(users.id, user.id));
  }
  if (!user) throw new Error("user upsert returned nothing");
  const [student] = await db
    .select({
      id: students.id,
      institutionId: students.institutionId,
      personalNumber: students.personalNumber,
      fullName: students.fullName,
      rank: students.rank,
      category: students.category,
      faculty: students.faculty,
      course: students.course,
      groupName: students.groupName,
      sendingUnit: students.sendingUnit,
    })
    .from(students)
    .where(and(eq(students.userId, user.id), eq(students.active, true)));
  const [official] = await db
    .select({
      id: officials.id,
      institutionId: officials.institutionId,
      fullName: officials.fullName,
      position: officials.position,
    })
    .from(officials)
    .where(and(eq(officials.userId, user.id), eq(officials.active, true)));
  let officialEntry: OfficialEntry | null = null;
  if (official) {
    const roles = await db
      .select({ role: officialRoles.role })
      .from(officialRoles)
      .where(eq(officialRoles.officialId, official.id));
    officialEntry = { ...official, roles: roles.map((r) => r.role as Role) };
  }
  return {
    telegramId,
    userId: user.id,
    lang: isLang(user.lang) ? user.lang : DEFAULT_LANG,
    student: student ?? null,
    official: officialEntry,
    isAdmin: adminIds.includes(telegramId) || (officialEntry?.roles.includes("admin") ?? false),
  };
}

export async function setLanguage(db: Executor, userId: number, lang: Lang): Promise<void> {
  await db.update(users).set({ lang }).where(eq(users.id, userId));
}
