/**
 * Who a Telegram user is to us: a users row, at most one active student entry and at most one active
 * official entry (with roles). Loaded on every update; nothing is cached, so revoking access takes
 * effect on the next update.
 *
 * Issue 17: the same statement also reads what the update's handlers would otherwise each ask for (one
 * statement per update is the cost that counts, docs/performance-2026-11.md): the learner's open case and
 * the few settings of their institution that /report and the learner's fallback hint use, and the stored
 * conversation state of the update's chat, which the conversation storage then takes instead of reading it
 * (src/db/conversation-storage.ts, perUpdateStorage). All of it is as fresh as the identity: read anew on
 * every update, never cached.
 */
import { and, eq, sql } from "drizzle-orm";
import { requeueBlocked } from "../cases/outbox";
import type { Executor } from "../db/client";
import {
  cases,
  conversationState,
  institutions,
  officialRoles,
  officials,
  students,
  users,
} from "../db/schema";
import {
  DEFAULT_LANGUAGE,
  isLanguage,
  isRole,
  type Language,
  languageOfTelegram,
  OPEN_CASE_STATES,
  type Role,
} from "../rules";
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

/** What of the learner's institution the bot shows them (/report's addressee, the fallback hint). */
export interface StudentInstitution {
  headTitleKk: string;
  headTitleRu: string;
  personnelContact: string;
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
  /** The student entry's open case (at most one: cases_one_open_per_student_uq); null: none, or no student. */
  openCaseId: number | null;
  /** The student entry's institution, as it is now; null when no student entry. */
  studentInstitution: StudentInstitution | null;
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
  openCaseId: null,
  studentInstitution: null,
};

/**
 * The open states as literals, as in the partial unique index's predicate (src/db/schema.ts), so that the
 * planner may use that index in a prepared statement's generic plan too (a parameter list would not prove
 * the predicate). Constants of the code, never input.
 */
const OPEN_STATES_SQL = sql.raw(OPEN_CASE_STATES.map((s) => `'${s}'`).join(","));

/**
 * The users row with its active entries and roles, the student's open case and institution, and the stored
 * conversation state under `stateKey` (null: none asked). One statement for anyone: it starts from one
 * row, so a stranger (no users row) still gets a row, with the state; this runs on every update.
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
      studentInstitution: {
        headTitleKk: institutions.headTitleKk,
        headTitleRu: institutions.headTitleRu,
        personnelContact: institutions.personnelContact,
      },
      openCaseId: sql<
        number | null
      >`(select ${cases.id} from ${cases} where ${cases.studentId} = ${students.id} and ${cases.state} in (${OPEN_STATES_SQL}) limit 1)`,
      state: sql<
        string | null
      >`(select ${conversationState.value} from ${conversationState} where ${conversationState.key} = ${sql.placeholder("stateKey")})`,
    })
    .from(sql`(select 1) as "one"`)
    .leftJoin(users, eq(users.telegramId, sql.placeholder("telegramId")))
    .leftJoin(students, and(eq(students.userId, users.id), eq(students.active, true)))
    .leftJoin(institutions, eq(institutions.id, students.institutionId))
    .leftJoin(officials, and(eq(officials.userId, users.id), eq(officials.active, true)))
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
  return (await loadIdentityWithState(db, telegramId, adminIds, now, languageCode, null)).identity;
}

/**
 * loadIdentity, and in the same statement the stored conversation state under `stateKey` (the update's
 * chat: src/bot/create-bot.ts), as stored (null: none stored, or no key given).
 */
export async function loadIdentityWithState(
  db: Executor,
  telegramId: number,
  adminIds: readonly number[],
  now: Date,
  languageCode: string | undefined,
  stateKey: string | null,
): Promise<{ identity: Identity; state: string | null }> {
  let query = prepared.get(db);
  if (!query) {
    query = identityQuery(db);
    prepared.set(db, query);
  }
  const [row] = await query.execute({ telegramId, stateKey });
  // D10: until a language is chosen, the Telegram app's is the one we use.
  const detected = languageCode ? languageOfTelegram(languageCode) : undefined;
  const isListedAdmin = adminIds.includes(telegramId);
  let user: { userId: number | null; lang: string; langFollowed: boolean };
  if (row?.userId == null) {
    // Someone we do not know gets no users row (issue 12.17): a stranger's presses and guesses must not
    // cost a row each. A row is made when an invite binds them (redeemInvite), when they choose a language
    // (setLanguage), or here for an administrator of ADMIN_TELEGRAM_IDS (their actions are audited by id).
    const userId = isListedAdmin ? await ensureUser(db, telegramId, detected) : null;
    user = { userId, lang: detected ?? DEFAULT_LANGUAGE, langFollowed: false };
  } else {
    user = await knownUser(db, { ...row, userId: row.userId }, telegramId, detected, now);
  }
  const official: OfficialEntry | null = row?.official
    ? { ...row.official, roles: ((row.roles ?? []) as string[]).filter(isRole) }
    : null;
  const student = row?.student ?? null;
  const identity: Identity = {
    telegramId,
    userId: user.userId,
    lang: isLanguage(user.lang) ? user.lang : DEFAULT_LANGUAGE,
    langChosen: row?.langChosen ?? false,
    langFollowed: user.langFollowed,
    student,
    official,
    isAdmin: isListedAdmin || (official?.roles.includes("admin") ?? false),
    openCaseId: student ? (row?.openCaseId ?? null) : null,
    studentInstitution: student ? (row?.studentInstitution ?? null) : null,
  };
  return { identity, state: row?.state ?? null };
}

/** A users row's language (D10) and reachability, brought up to date; at most two writes, seldom. */
async function knownUser(
  db: Executor,
  row: { userId: number; lang: string | null; langChosen: boolean | null; unreachable: boolean | null },
  telegramId: number,
  detected: Language | undefined,
  now: Date,
): Promise<{ userId: number; lang: string; langFollowed: boolean }> {
  let lang = row.lang ?? DEFAULT_LANGUAGE;
  let langFollowed = false;
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
  return { userId: row.userId, lang, langFollowed };
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
