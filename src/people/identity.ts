/**
 * Who a Telegram user is to us: a users row, at most one active student entry and at most one active
 * official entry (with roles). Loaded on every update; nothing is cached, so revoking access takes
 * effect on the next update.
 */
import { and, eq, sql } from "drizzle-orm";
import { requeueBlocked } from "../cases/outbox";
import type { Executor } from "../db/client";
import { officialRoles, officials, students, users } from "../db/schema";
import { DEFAULT_LANGUAGE, isLanguage, isRole, type Language, languageOfTelegram, type Role } from "../rules";
import type { Sex } from "./sex";

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
  /** From the roster's optional column; null: unknown (Russian texts then avoid agreement, issue 14.6). */
  sex: Sex | null;
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
  /** The language to answer in: the chosen one, else the Telegram app's (D10); stored in users.lang. */
  lang: Language;
  /** Chosen with /lang (or the first /start's buttons): the Telegram app's language no longer counts. */
  langChosen: boolean;
  /** This update moved the stored language to the Telegram app's: what was set in the old one is stale. */
  langFollowed: boolean;
  student: StudentEntry | null;
  official: OfficialEntry | null;
  /** From ADMIN_TELEGRAM_IDS, or the administrator role of an official. */
  isAdmin: boolean;
}

export const ANONYMOUS: Identity = {
  telegramId: null,
  userId: null,
  lang: DEFAULT_LANGUAGE,
  langChosen: false,
  langFollowed: false,
  student: null,
  official: null,
  isAdmin: false,
};

/**
 * Finds or creates the users row (only the Telegram id and language are stored) and loads roles.
 * One round trip for a known user: this runs on every update.
 */
function identityQuery(db: Executor) {
  return db
    .select({
      userId: users.id,
      lang: users.lang,
      langChosen: users.langChosen,
      unreachable: users.unreachable,
      student: {
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
        sex: students.sex,
      },
      official: {
        id: officials.id,
        institutionId: officials.institutionId,
        fullName: officials.fullName,
        position: officials.position,
      },
      roles: sql<
        string[] | null
      >`(select array_agg(${officialRoles.role}) from ${officialRoles} where ${officialRoles.officialId} = ${officials.id})`,
    })
    .from(users)
    .leftJoin(students, and(eq(students.userId, users.id), eq(students.active, true)))
    .leftJoin(officials, and(eq(officials.userId, users.id), eq(officials.active, true)))
    .where(eq(users.telegramId, sql.placeholder("telegramId")))
    .limit(1)
    .prepare("load_identity");
}

/** Built once per database handle: this query runs on every update, so its SQL is not rebuilt each time. */
const prepared = new WeakMap<object, ReturnType<typeof identityQuery>>();

/**
 * Finds the users row (only the Telegram id and language are stored) and loads roles; an unknown account
 * gets no row (userId null), except a listed administrator. One round trip: this runs on every update.
 * `languageCode` is the sender's Telegram app language (absent from some updates: then nothing changes).
 */
export async function loadIdentity(
  db: Executor,
  telegramId: number,
  adminIds: readonly number[],
  now: Date = new Date(),
  languageCode?: string,
): Promise<Identity> {
  let query = prepared.get(db);
  if (!query) {
    query = identityQuery(db);
    prepared.set(db, query);
  }
  const [row] = await query.execute({ telegramId });
  let userId: number | null = null;
  // D10: until a language is chosen, the Telegram app's is the one we use.
  const detected = languageCode ? languageOfTelegram(languageCode) : undefined;
  let lang: string = detected ?? DEFAULT_LANGUAGE;
  let langFollowed = false;
  const isListedAdmin = adminIds.includes(telegramId);
  if (!row) {
    // Someone we do not know gets no users row (issue 12.17): a stranger's presses and guesses must not
    // cost a row each. A row is made when an invite binds them (redeemInvite), when they choose a language
    // (setLanguage), or here for an administrator of ADMIN_TELEGRAM_IDS (their actions are audited by id).
    if (isListedAdmin) userId = await ensureUser(db, telegramId, detected);
  } else {
    userId = row.userId;
    lang = row.lang;
    // D10: an unchosen language follows the Telegram app's, and is stored so that what background jobs
    // send (outbox notices, digests) uses it too. Written only when it differs: one query stays the rule.
    if (!row.langChosen && detected && detected !== row.lang) {
      // A /lang choice made meanwhile (another update) wins: only an unchosen row is moved.
      await db
        .update(users)
        .set({ lang: detected })
        .where(and(eq(users.id, row.userId), eq(users.langChosen, false)));
      lang = detected;
      langFollowed = true;
    }
    // They wrote to us, so they unblocked the bot: what failed with 403 meanwhile goes out now.
    if (row.unreachable) {
      await db.update(users).set({ unreachable: false }).where(eq(users.id, row.userId));
      await requeueBlocked(db, telegramId, now);
    }
  }
  const official: OfficialEntry | null = row?.official
    ? { ...row.official, roles: ((row.roles ?? []) as string[]).filter(isRole) }
    : null;
  return {
    telegramId,
    userId,
    lang: isLanguage(lang) ? lang : DEFAULT_LANGUAGE,
    langChosen: row?.langChosen ?? false,
    langFollowed,
    student: row?.student ?? null,
    official,
    isAdmin: isListedAdmin || (official?.roles.includes("admin") ?? false),
  };
}

/** Nobody to us: bound to no roster entry and no official, not an administrator (issue 12.17). */
export const isStranger = (i: Identity): boolean => !i.student && !i.official && !i.isAdmin;

/** The users row of a Telegram account, created if missing (in `lang` when given); its id. */
export async function ensureUser(db: Executor, telegramId: number, lang?: Language): Promise<number> {
  const [row] = await db
    .insert(users)
    .values({ telegramId, ...(lang ? { lang } : {}) })
    .onConflictDoUpdate({ target: users.telegramId, set: { telegramId } })
    .returning({ id: users.id });
  if (!row) throw new Error("user upsert returned nothing");
  return row.id;
}

/**
 * Stores the language the user chose (D10: the Telegram app's is ignored from now on); a Telegram account
 * with no users row yet gets one (a choice worth keeping).
 */
export async function setLanguage(
  db: Executor,
  who: number | { telegramId: number },
  lang: Language,
): Promise<void> {
  const chosen = { lang, langChosen: true };
  if (typeof who === "number") {
    await db.update(users).set(chosen).where(eq(users.id, who));
    return;
  }
  await db
    .insert(users)
    .values({ telegramId: who.telegramId, ...chosen })
    .onConflictDoUpdate({ target: users.telegramId, set: chosen });
}
