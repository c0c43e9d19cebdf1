/**
 * Idle conversations (issue 14.5): a learner's report draft is dropped after CONVERSATION_TTL_MS without a
 * touch, and the day before the learner is told, once, in their language, with a button that resumes it.
 *
 * Conversation state is keyed by chat (src/bot/create-bot.ts, getStorageKey), and a report runs in
 * private chats only, where the chat id is the user's Telegram id: the key "123456" is users.telegram_id
 * 123456. The purge runs at the start of each local day (src/jobs/runner.ts), so a draft last touched on
 * day d is dropped on the night after day d + 14: the notice goes on day d + 14, from the learner's
 * institution's reminder hour (the digest's; not in the night), and says "tomorrow".
 *
 * Exactly once: a marker row in conversation_state itself, key "draft-notice:<chat>", value the draft's
 * updated_at, claimed with INSERT … ON CONFLICT DO UPDATE … WHERE the value differs, in the transaction
 * that enqueues the notice. A restart or a second jobs instance finds the marker and sends nothing; a
 * draft touched again gets a new updated_at, so its next idle spell is announced again. No migration: the
 * table is a key-value store, and chat keys are numbers, so a marker never collides with a chat.
 *
 * Nothing is dropped unannounced: the purge keeps a possible report draft until the local day after its
 * marker (jobs down on the notice day, then started past the 14 days: the notice goes now, the draft a day
 * later). Markers go with their draft, or after the same idle period.
 */
import { and, eq, inArray, like, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { enqueue } from "../cases/outbox";
import { type Db, rowsOf } from "../db/client";
import { CONVERSATION_VERSION, REPORT_CONVERSATION } from "../db/conversation-storage";
import { conversationState, institutions, students, users } from "../db/schema";
import { draftExpiringNotice } from "../messages/notices";
import { localDateOf } from "../rules";
import { localHourOf } from "./schedule";

/** How long an abandoned conversation (a report draft, an official's half-typed answer) is kept. */
export const CONVERSATION_TTL_MS = 14 * 86_400_000;

/** Key of the notice marker of a chat's draft. */
export const DRAFT_NOTICE_PREFIX = "draft-notice:";
const markerKey = (chatKey: string) => `${DRAFT_NOTICE_PREFIX}${chatKey}`;

/** Private chats only (a user's id is positive); markers and any other key never match. */
const CHAT_KEY = /^[0-9]{1,15}$/;

/**
 * Might hold a report draft: the same cheap test in SQL for the notice and the purge, so every row the
 * purge would hold gets its marker. The exact test (isReportDraft) decides whether a notice is sent.
 */
const mayBeDraft = () =>
  and(
    sql`${conversationState.key} ~ '^[0-9]{1,15}$'`,
    like(conversationState.value, `%"${REPORT_CONVERSATION}":[%`),
  );

/** A stored state of the current version with a report conversation in it (/report resumes it). */
export function isReportDraft(value: string): boolean {
  try {
    const v = JSON.parse(value) as { version?: unknown; state?: Record<string, unknown> };
    if (!Array.isArray(v.version) || v.version[1] !== CONVERSATION_VERSION) return false;
    const runs = v.state?.[REPORT_CONVERSATION];
    return Array.isArray(runs) && runs.length > 0;
  } catch {
    return false;
  }
}

/** The local day the purge drops a draft last touched at `updatedAt`, minus one: the notice's day. */
const noticeDay = (updatedAt: Date, ttlMs: number) => localDateOf(new Date(updatedAt.getTime() + ttlMs));

export interface DraftNoticeResult {
  /** Notices enqueued. */
  sent: number;
  /** Markers claimed without a notice (not a resumable draft, not a learner's, or the learner blocked the bot). */
  silent: number;
}

/** Announces the drafts the next purges drop; every tick (cheap: a few rows qualify on any day). */
export async function sendDraftNotices(
  db: Db,
  now: Date,
  ttlMs = CONVERSATION_TTL_MS,
): Promise<DraftNoticeResult> {
  const result: DraftNoticeResult = { sent: 0, silent: 0 };
  const today = localDateOf(now);
  const marker = alias(conversationState, "marker");
  // A day's margin: the notice's day is today or before for every draft touched more than ttl − 1 day ago.
  const rows = await db
    .select({
      key: conversationState.key,
      value: conversationState.value,
      updatedAt: conversationState.updatedAt,
      marked: marker.value,
    })
    .from(conversationState)
    .leftJoin(marker, eq(marker.key, sql`${DRAFT_NOTICE_PREFIX} || ${conversationState.key}`))
    .where(and(mayBeDraft(), lt(conversationState.updatedAt, new Date(now.getTime() - ttlMs + 86_400_000))));
  const due = rows.filter(
    (r) =>
      CHAT_KEY.test(r.key) &&
      r.marked !== r.updatedAt.toISOString() &&
      noticeDay(r.updatedAt, ttlMs) <= today,
  );
  if (due.length === 0) return result;

  // The owners: active learners, with their language and their institution's reminder hour.
  const owners = await db
    .select({
      telegramId: users.telegramId,
      lang: users.lang,
      unreachable: users.unreachable,
      reminderHour: institutions.reminderHour,
    })
    .from(users)
    .innerJoin(students, and(eq(students.userId, users.id), eq(students.active, true)))
    .innerJoin(institutions, eq(institutions.id, students.institutionId))
    .where(
      inArray(
        users.telegramId,
        due.map((r) => Number(r.key)),
      ),
    );
  const ownerOf = new Map(owners.map((o) => [String(o.telegramId), o]));
  const hour = localHourOf(now);

  for (const r of due) {
    const owner = ownerOf.get(r.key);
    const tell = owner !== undefined && !owner.unreachable && isReportDraft(r.value);
    // A learner is told from the institution's reminder hour; a row nobody is told about is marked at once.
    if (tell && hour < (owner.reminderHour ?? 9)) continue;
    const stamp = r.updatedAt.toISOString();
    await db.transaction(async (tx) => {
      // Claimed only while the draft is as read (a learner who came back in the meantime is not told).
      // Milliseconds, as JavaScript reads the column (the stamp is what the purge compares too).
      const won = await tx.execute(sql`
        INSERT INTO conversation_state (key, value, updated_at)
        SELECT ${markerKey(r.key)}, ${stamp}, ${now.toISOString()}::timestamptz
        WHERE EXISTS (
          SELECT 1 FROM conversation_state
          WHERE key = ${r.key} AND date_trunc('milliseconds', updated_at) = ${stamp}::timestamptz
        )
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
          WHERE conversation_state.value <> excluded.value
        RETURNING key`);
      if (rowsOf(won).length === 0) return;
      if (!tell) {
        result.silent++;
        return;
      }
      await enqueue(
        tx,
        [{ chatId: owner.telegramId, ...draftExpiringNotice(owner.lang, localDateOf(r.updatedAt)) }],
        now,
      );
      result.sent++;
    });
  }
  return result;
}

/**
 * Drops conversations untouched for `ttlMs` (abandoned flows of old versions pile up otherwise), except a
 * possible report draft not announced before today; then the markers whose draft is gone. Returns how many
 * conversations (not markers) were dropped.
 */
export async function pruneIdleConversations(
  db: Db,
  now: Date,
  ttlMs = CONVERSATION_TTL_MS,
): Promise<number> {
  const cutoff = new Date(now.getTime() - ttlMs);
  const today = localDateOf(now);
  const marker = alias(conversationState, "marker");
  const rows = await db
    .select({
      key: conversationState.key,
      updatedAt: conversationState.updatedAt,
      draft: sql<boolean>`coalesce(${mayBeDraft()}, false)`,
      marked: marker.value,
      markedAt: marker.updatedAt,
    })
    .from(conversationState)
    .leftJoin(marker, eq(marker.key, sql`${DRAFT_NOTICE_PREFIX} || ${conversationState.key}`))
    .where(lt(conversationState.updatedAt, cutoff));
  const drop = rows
    .filter(
      (r) =>
        !r.draft ||
        (r.marked === r.updatedAt.toISOString() && r.markedAt !== null && localDateOf(r.markedAt) < today),
    )
    .map((r) => r.key);
  let dropped = 0;
  for (let i = 0; i < drop.length; i += 1000) {
    const gone = await db
      .delete(conversationState)
      // Still idle: a draft touched since it was read is kept.
      .where(
        and(inArray(conversationState.key, drop.slice(i, i + 1000)), lt(conversationState.updatedAt, cutoff)),
      )
      .returning({ key: conversationState.key });
    dropped += gone.filter((g) => !g.key.startsWith(DRAFT_NOTICE_PREFIX)).length;
  }
  // Markers of drafts discarded, filed or dropped: nothing left to announce.
  await db.execute(sql`
    DELETE FROM conversation_state m
    WHERE m.key LIKE ${`${DRAFT_NOTICE_PREFIX}%`}
      AND NOT EXISTS (SELECT 1 FROM conversation_state d WHERE ${DRAFT_NOTICE_PREFIX} || d.key = m.key)`);
  return dropped;
}
