/**
 * D8 (rev.) retention: a case's personal data is kept one year from the day the case ended (closed,
 * rejected, withdrawn; the Asia/Almaty date of cases.closed_at: `retentionStartsOn`, `retentionEndsOn`),
 * then purged (`isRetentionOver`). The order date plays no part. A running case (open, approved, sent_back)
 * is never purged, however old, even with an end date set.
 *
 * Removed: the report's reasons, the phone, the learner's snapshot (names) and the link to the roster entry,
 * the outcome reason, the order number, every step's result, the texts of every outbox message of the case,
 * sent or not (replaced by a stub; unsent ones are cancelled), the copies of its task messages
 * (step_messages; the copies in officials' chats are edited into the stub), the learner's conversation
 * drafts (conversation_state of the learner's chat last touched before the case ended) and the stored
 * versions of the report (report_versions). When the learner has no other case, the learner is
 * pseudonymised too (issue 12.10, pseudonymiseLearners): the roster entry, the Telegram account's users row,
 * the chat id and the sent texts that name them, so the ids the audit trail keeps join to nothing personal.
 * Kept: the anonymised record (institution, ground, category, rules edition, state, dates, step timings) and
 * the audit skeleton.
 *
 * Set-based (issue 17: 10,000 cases in ≤ 2 s; one transaction of ~30 statements per case took 44–100 s, the
 * chunks took about 10 s, half of it the read of the outbox for names, now about 4.5 s, nearly all of it
 * PostgreSQL's own work on the chunks' rows: docs/performance-2026-11.md §8, §10).
 * purgeExpired purges the cases in chunks of PURGE_CHUNK, one transaction each (purgeChunk), every step one
 * statement over the chunk's ids (`= any($1)`, jsonb_to_recordset, UPDATE … FROM), the audit one auditMany.
 * purgeCase is the same code with a chunk of one. A chunk leaves the database as purging its cases one
 * after another in the chunk's order would, with the same audit payloads: a learner with several cases in
 * the chunk is pseudonymised by the last of them (the earlier ones saw a later case: "other_case"); a
 * learner's draft goes with the first case whose end it predates; a sent text naming a learner counts for
 * the first learner in the order whose name it holds, unless one of the chunk's earlier (or the same) cases
 * had stubbed it as its own message already (textsStubbedBy). Two learners sharing one Telegram account, or
 * a learner whose chat holds messages of a later case of the chunk (a learner who is also an official),
 * would make the order matter in ways one statement cannot follow: such a chunk is purged case by case
 * (Entangled).
 *
 * Each case is claimed with a conditional UPDATE … WHERE purged_at IS NULL (rows locked in id order), so two
 * runners never purge (or audit) a case twice. A chunk is all or nothing: when its transaction fails,
 * purgeExpired purges that chunk's cases one by one, so one bad case is left whole (and reported through
 * onError) and the others are purged.
 *
 * Finding the sent texts that name a learner is a substring search of the texts still in the outbox. Rows
 * sent more than SENT_TEXT_DAYS ago have lost their text and chat already (src/cases/sent-texts.ts; the
 * daily tick clears them just before the purge), so only the last week's texts are read, and a year-old
 * case's own rows need no stub; digests are not read either (outbox.nameless: they list ids, step names and
 * dates only). purgeExpired reads those texts once per run, before the chunks, matching every learner's
 * name and number at once (NamedMessages), and each chunk re-checks only the rows found plus those written
 * since; a run of fewer than NAME_SCAN_FROM cases searches in SQL instead, in one scan for all its names
 * (outbox_text_idx, migration 0010). The other lookups go through indexes (migration 0009).
 */
import { and, eq, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { type AuditEntry, auditMany } from "../audit";
import { STRANGER_NOISE_DAYS } from "../audit/stranger";
import { type Db, type Executor, rowsOf } from "../db/client";
import {
  caseSteps,
  cases,
  invites,
  outbox,
  stepMessages,
  strangerActivity,
  students,
  users,
} from "../db/schema";
import { purgeStub } from "../messages/notices";
import {
  addCalendarDays,
  dueInstant,
  ENDED_CASE_STATES,
  isRetentionOver,
  type LocalDate,
  localDateOf,
  RETENTION_CITE,
  retentionEndsOn,
  retentionStartsOn,
} from "../rules";
import { purgeAttachmentsOf } from "./attachments";

export interface PurgedCase {
  caseId: number;
  institutionId: number;
  /** The state the case ended in (closed, rejected, withdrawn, returned). */
  state: string;
  /** The day the case ended (Asia/Almaty date of closed_at): retention counts from it. */
  endedOn: LocalDate;
  retentionEndedOn: LocalDate;
}

/** The case fields that hold personal data (D8). */
export const PURGED_CASE_FIELDS = [
  "reasons",
  "phone",
  "student_snapshot",
  "student_id",
  "outcome_reason",
  "order_number",
] as const;

/** Cases purged in one transaction by purgeExpired. */
export const PURGE_CHUNK = 1000;

/** The day a case row's retention counts from (D8), or null while it runs. */
const startOf = (c: { state: string; closedAt: Date | null }): LocalDate | null =>
  retentionStartsOn(c.state, c.closedAt ? localDateOf(c.closedAt) : null);

/**
 * Stranger noise (issue 12.17, src/audit/stranger.ts) is kept STRANGER_NOISE_DAYS: older rows are deleted
 * with the daily purge. Returns the number of rows deleted.
 */
export async function pruneStrangerNoise(db: Executor, now: Date): Promise<number> {
  const before = addCalendarDays(localDateOf(now), -STRANGER_NOISE_DAYS);
  const gone = await db
    .delete(strangerActivity)
    .where(lt(strangerActivity.onDate, before))
    .returning({ id: strangerActivity.telegramId });
  return gone.length;
}

export interface PurgeOptions {
  /** At most this many cases (the oldest ids first). */
  limit?: number;
  /** From this many cases on, the learners' names are found in one read of the outbox (NAME_SCAN_FROM). */
  nameScanFrom?: number;
  /** Cases per transaction (PURGE_CHUNK). */
  chunk?: number;
  /**
   * A case that could not be purged (its transaction failed): it is left whole and the others are purged.
   * Without it, purgeExpired throws once every other case is purged.
   */
  onError?: (caseId: number, err: unknown) => void;
}

/** Purges every case whose retention is over at `now`; returns the cases purged by this call. */
export async function purgeExpired(db: Db, now: Date, opts: PurgeOptions = {}): Promise<PurgedCase[]> {
  await pruneStrangerNoise(db, now);
  const candidates = await expiredCases(db, now, opts.limit ?? 10_000);
  // A day's purge is a few cases: their names searched in SQL (one scan of the outbox, ~0.15 s a name) cost
  // less than one read of the whole outbox into node (2–5 s at 300,000 rows), which pays off from about ten
  // learners on.
  const named =
    candidates.length >= (opts.nameScanFrom ?? NAME_SCAN_FROM)
      ? await findNamedMessages(db, candidates)
      : undefined;
  const size = Math.max(1, opts.chunk ?? PURGE_CHUNK);
  const purged: PurgedCase[] = [];
  const failed: { caseId: number; err: unknown }[] = [];
  const fail = (caseId: number, err: unknown) => {
    failed.push({ caseId, err });
    opts.onError?.(caseId, err);
  };
  for (let i = 0; i < candidates.length; i += size) {
    // The rows written since the last read (the previous chunk's edits among them), so that the chunk's
    // search of newer rows stays short.
    if (named && i > 0) await named.extend(db);
    purged.push(...(await purgeChunkOrEach(db, candidates.slice(i, i + size), now, named, fail)));
  }
  if (failed.length > 0 && !opts.onError)
    throw new Error(`purge: ${failed.length} case(s) left whole: ${failed.map((f) => f.caseId).join(", ")}`, {
      cause: failed[0]!.err,
    });
  return purged;
}

/**
 * The cases whose retention is over, oldest id first. A year is at least 365 days, so a case that ended on
 * or after today − 365 days is never over: prefiltered in SQL (ended states only, by closed_at), decided
 * with the rule.
 */
async function expiredCases(db: Db, now: Date, limit: number): Promise<number[]> {
  const cutoff = addCalendarDays(localDateOf(now), -365);
  const rows = await db
    .select({ id: cases.id, state: cases.state, closedAt: cases.closedAt })
    .from(cases)
    .where(
      and(
        isNull(cases.purgedAt),
        inArray(cases.state, [...ENDED_CASE_STATES]),
        lt(cases.closedAt, dueInstant(cutoff)),
      ),
    )
    .orderBy(cases.id)
    .limit(limit);
  return rows
    .filter((c) => {
      const from = startOf(c);
      return from !== null && isRetentionOver(from, now);
    })
    .map((c) => c.id);
}

/**
 * One chunk in one transaction; if that fails (a bad case, a deadlock, Entangled), its cases again, each in
 * its own transaction, so that one bad case is left whole and the others are purged.
 */
async function purgeChunkOrEach(
  db: Db,
  chunk: readonly number[],
  now: Date,
  named: NamedMessages | undefined,
  fail: (caseId: number, err: unknown) => void,
): Promise<PurgedCase[]> {
  try {
    return await purgeChunk(db, chunk, now, named);
  } catch (err) {
    if (chunk.length === 1) {
      fail(chunk[0]!, err);
      return [];
    }
  }
  const purged: PurgedCase[] = [];
  for (const id of chunk) {
    try {
      const done = await purgeCase(db, id, now, named);
      if (done) purged.push(done);
    } catch (err) {
      fail(id, err);
    }
  }
  return purged;
}

/**
 * Purges one case if its retention is over and nobody purged it yet; null otherwise. A chunk of one: the
 * same statements as purgeExpired's chunks. `named`: the outbox rows already known to name its learner
 * (purgeExpired); without it the learner is searched in every text.
 */
export async function purgeCase(
  db: Db,
  caseId: number,
  now: Date,
  named?: NamedMessages,
): Promise<PurgedCase | null> {
  const [done] = await purgeChunk(db, [caseId], now, named);
  return done ?? null;
}

/**
 * The chunk's cases interact in a way its set-based statements do not follow (see the header): the chunk is
 * purged case by case instead. Never thrown for a chunk of one.
 */
class Entangled extends Error {}

/** A claimed case: its place in the chunk's order and what it was before the claim. */
interface Claimed {
  id: number;
  pos: number;
  institutionId: number;
  state: string;
  studentId: number | null;
  from: LocalDate;
}

/** A learner to pseudonymise, by the case at `pos` (the last of theirs in the chunk). */
interface Learner {
  pos: number;
  entry: typeof students.$inferSelect;
  /** Still studying: the case did not end in expulsion (closed). */
  enrolled: boolean;
  account: typeof users.$inferSelect | undefined;
}

/** A copy of a task message of the chunk (step_messages), by the position of its case. */
interface Copy {
  stepId: number;
  chatId: number;
  messageId: number;
  caseId: number;
  pos: number;
}

/** The chunk's cases whose retention is over, purged in one transaction, in the order given. */
async function purgeChunk(
  db: Db,
  caseIds: readonly number[],
  now: Date,
  named: NamedMessages | undefined,
): Promise<PurgedCase[]> {
  const stub = purgeStub();
  return db.transaction(async (tx) => {
    // The planner's estimates over jsonb_to_recordset are high enough to have these statements JIT-compiled,
    // which took longer (up to 0.25 s each) than running them.
    await tx.execute(sql`SET LOCAL jit = off`);
    const chunk = await claimCases(tx, caseIds, now);
    if (chunk.length === 0) return [];
    const ids = chunk.map((c) => c.id);
    const posOf = new Map(chunk.map((c) => [c.id, c.pos]));

    const steps = await tx
      .update(caseSteps)
      .set({ result: null })
      .where(anyOf(caseSteps.caseId, ids))
      .returning({ id: caseSteps.id, caseId: caseSteps.caseId });
    const stepPos = new Map(steps.map((s) => [s.id, posOf.get(s.caseId)!]));
    const copies = await copiesOf(tx, steps, posOf);

    // The learners are read, and their names searched, before any of the chunk's texts is stubbed: a case
    // purged alone would have seen the later cases' messages as they were.
    const { outcomes, learners } = await learnersOf(tx, chunk);
    const nameHits = await stubNamingTexts(tx, learners, stub, named, {
      caseIds: ids,
      stepIds: steps.map((s) => s.id),
    });
    const own = await stubCaseMessages(tx, chunk, steps, copies, stub);
    checkSeparate(learners, [...own.chats, ...copies.map((c) => ({ pos: c.pos, chat: c.chatId }))]);
    if (steps.length > 0)
      await tx.delete(stepMessages).where(
        anyOf(
          stepMessages.stepId,
          steps.map((s) => s.id),
        ),
      );
    await editCopiesIntoStub(tx, copies, stub, now);

    const drafts = await purgeLearnerDrafts(tx, chunk);
    const versions = await purgeReportVersions(tx, ids);
    const attachments = await purgeAttachmentsOf(tx, ids);
    const accounts = await pseudonymiseLearners(tx, learners, now);
    const texts = textsStubbedBy(nameHits, posOf, stepPos, copies);
    for (const l of learners) {
      const a = accounts.get(l.pos)!;
      outcomes.set(l.pos, {
        outcome: "pseudonymised",
        enrolled: l.enrolled,
        userRow: a.userRow,
        outboxChatsCleared: a.outboxChatsCleared,
        outboxTextsStubbed: texts.get(l.pos) ?? 0,
      });
    }

    const stepsOf = countBy(steps, (s) => posOf.get(s.caseId)!);
    const copiesOfCase = countBy(copies, (c) => c.pos);
    const entries: AuditEntry[] = chunk.map((c) => ({
      at: now,
      action: "case.purged",
      institutionId: c.institutionId,
      caseId: c.id,
      after: { purged: true },
      details: {
        cite: RETENTION_CITE,
        state: c.state,
        endedOn: c.from,
        retentionEndedOn: retentionEndsOn(c.from),
        fields: [
          ...PURGED_CASE_FIELDS,
          "case_steps.result",
          "outbox.payload",
          "step_messages",
          "conversation_state",
          "report_versions",
          "case_attachments.file_id",
        ],
        steps: stepsOf.get(c.pos) ?? 0,
        outboxStubbed: own.stubbed.get(c.pos) ?? 0,
        copiesEdited: copiesOfCase.get(c.pos) ?? 0,
        conversationDrafts: drafts.get(c.pos) ?? 0,
        reportVersions: versions.get(c.id) ?? 0,
        attachments: attachments.get(c.id) ?? 0,
        learner: outcomes.get(c.pos)!,
      },
    }));
    await auditMany(tx, entries);
    return chunk.map((c) => ({
      caseId: c.id,
      institutionId: c.institutionId,
      state: c.state,
      endedOn: c.from,
      retentionEndedOn: retentionEndsOn(c.from),
    }));
  });
}

/**
 * The cases whose retention is over, claimed: their personal fields cleared and purged_at set, on the
 * condition that nobody purged them and their state is still the one read (a case reopened since is running
 * and never purged). The rows are locked in id order: two runners on the same cases wait for each other
 * (the second then finds them purged) rather than deadlock on them.
 */
async function claimCases(tx: Executor, caseIds: readonly number[], now: Date): Promise<Claimed[]> {
  const rows = await tx
    .select({
      id: cases.id,
      state: cases.state,
      closedAt: cases.closedAt,
      purgedAt: cases.purgedAt,
      studentId: cases.studentId,
    })
    .from(cases)
    .where(anyOf(cases.id, caseIds));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const due = caseIds.flatMap((id) => {
    const row = byId.get(id);
    const from = row ? startOf(row) : null;
    if (!row?.closedAt || from === null || row.purgedAt || !isRetentionOver(from, now)) return [];
    return [{ ...row, from }];
  });
  if (due.length === 0) return [];
  // The personal fields, and the facts (issue 16: the foreign organisation, the debt period).
  const cleared = sql.raw(PURGED_CASE_FIELDS.map((f) => `${f} = NULL`).join(", "));
  const claimed = rowsOf<{ id: number; institution_id: number }>(
    await tx.execute(sql`
      UPDATE cases c SET ${cleared},
        facts = '{}'::jsonb,
        purged_at = ${now.toISOString()}::timestamptz
      FROM (
        SELECT x.id FROM cases x
        JOIN jsonb_to_recordset(${json(due.map((d) => ({ id: d.id, state: d.state })))}) AS w(id int, state text)
          ON w.id = x.id AND w.state = x.state
        WHERE x.purged_at IS NULL
        ORDER BY x.id FOR UPDATE OF x
      ) l
      WHERE c.id = l.id
      RETURNING c.id, c.institution_id`),
  );
  const institution = new Map(claimed.map((r) => [Number(r.id), Number(r.institution_id)]));
  return due
    .filter((d) => institution.has(d.id))
    .map((d, pos) => ({
      id: d.id,
      pos,
      institutionId: institution.get(d.id)!,
      state: d.state,
      studentId: d.studentId,
      from: d.from,
    }));
}

/** The copies of the chunk's task messages, in the chunk's order (then step, then chat). */
async function copiesOf(
  tx: Executor,
  steps: readonly { id: number; caseId: number }[],
  posOf: ReadonlyMap<number, number>,
): Promise<Copy[]> {
  if (steps.length === 0) return [];
  const caseOf = new Map(steps.map((s) => [s.id, s.caseId]));
  const rows = await tx
    .select({ stepId: stepMessages.stepId, chatId: stepMessages.chatId, messageId: stepMessages.messageId })
    .from(stepMessages)
    .where(anyOf(stepMessages.stepId, [...caseOf.keys()]));
  return rows
    .map((r) => {
      const caseId = caseOf.get(r.stepId)!;
      return { ...r, caseId, pos: posOf.get(caseId)! };
    })
    .sort((a, b) => a.pos - b.pos || a.stepId - b.stepId || a.chatId - b.chatId);
}

/**
 * The case's messages, whatever their state (pending, sent, failed, cancelled): those written for it
 * (case_id), its task messages (step_id) and the edits of its task messages into status lines (chat and
 * message id of a copy). The whole payload is replaced (text, buttons, any other field), keeping only the
 * message id an edit needs to be matched; unsent ones are cancelled. Returns how many rows each case
 * matched (a row of two cases counts for both, as when each is purged alone) and the chats they are in.
 */
async function stubCaseMessages(
  tx: Executor,
  chunk: readonly Claimed[],
  steps: readonly { id: number; caseId: number }[],
  copies: readonly Copy[],
  stub: string,
): Promise<{ stubbed: Map<number, number>; chats: { pos: number; chat: number }[] }> {
  const posOf = new Map(chunk.map((c) => [c.id, c.pos]));
  const byCase = json(chunk.map((c) => ({ id: c.id, pos: c.pos })));
  const bySteps = json(steps.map((s) => ({ id: s.id, pos: posOf.get(s.caseId)! })));
  const byCopies = json(copies.map((c) => ({ chat: c.chatId, msg: String(c.messageId), pos: c.pos })));
  const rows = rowsOf<{ pos: number; chat: string | number; n: number }>(
    await tx.execute(sql`
      WITH m AS (
        SELECT o.id, w.pos, o.chat_id FROM jsonb_to_recordset(${byCase}) AS w(id int, pos int)
          JOIN outbox o ON o.case_id = w.id AND o.cleared_at IS NULL
        UNION
        SELECT o.id, s.pos, o.chat_id FROM jsonb_to_recordset(${bySteps}) AS s(id int, pos int)
          JOIN outbox o ON o.step_id = s.id AND o.cleared_at IS NULL
        UNION
        SELECT o.id, e.pos, o.chat_id FROM jsonb_to_recordset(${byCopies}) AS e(chat bigint, msg text, pos int)
          JOIN outbox o ON o.method = 'editMessageText' AND o.chat_id = e.chat
            AND (o.payload->>'message_id') = e.msg
      ), u AS (
        UPDATE outbox o SET ${STUB_PAYLOAD(stub)},
          state = CASE WHEN o.state = 'pending' THEN 'cancelled' ELSE o.state END
        WHERE o.id = any(array(SELECT DISTINCT id FROM m))
      )
      SELECT pos, chat_id AS chat, count(*)::int AS n FROM m GROUP BY pos, chat_id`),
  );
  const stubbed = new Map<number, number>();
  for (const r of rows) stubbed.set(r.pos, (stubbed.get(r.pos) ?? 0) + Number(r.n));
  return { stubbed, chats: rows.map((r) => ({ pos: r.pos, chat: Number(r.chat) })) };
}

/** The payload of a stubbed message: the stub, and the message id an edit needs to be matched. */
const STUB_PAYLOAD = (stub: string) =>
  sql`payload = jsonb_strip_nulls(jsonb_build_object('text', ${stub}::text, 'message_id', o.payload->'message_id'))`;

/** The copies still shown in officials' chats lose their text and buttons too: an edit each, in order. */
async function editCopiesIntoStub(tx: Executor, copies: readonly Copy[], stub: string, now: Date) {
  if (copies.length === 0) return;
  const rows = copies.map((c) => ({ chat: c.chatId, msg: c.messageId, c: c.caseId }));
  await tx.execute(sql`
    INSERT INTO outbox (chat_id, method, payload, case_id, next_attempt_at)
    SELECT r.chat, 'editMessageText', jsonb_build_object('message_id', r.msg, 'text', ${stub}::text), r.c,
      ${now.toISOString()}::timestamptz
    FROM ROWS FROM (jsonb_to_recordset(${json(rows)}) AS (chat bigint, msg int, c int))
      WITH ORDINALITY AS r(chat, msg, c, n)
    ORDER BY r.n`);
}

/** What became of the learner's identity when a case of theirs was purged (audited with the purge). */
export type LearnerPurge =
  | { outcome: "no_entry" }
  /** Another case of theirs is running or still retained: that case's purge does it. */
  | { outcome: "other_case" }
  /**
   * Pseudonymised: the roster entry's names, numbers, rank and group are blanked and the Telegram account
   * unlinked. `enrolled`: the learner is still studying (the case did not end in expulsion), so a fresh
   * roster entry and users row carry on for them, under new ids the old audit rows do not name.
   */
  | {
      outcome: "pseudonymised";
      enrolled: boolean;
      userRow: "deleted" | "rekeyed" | "none";
      outboxChatsCleared: number;
      outboxTextsStubbed: number;
    };

const OTHER_CASE: LearnerPurge = { outcome: "other_case" };

/**
 * Who each case's purge pseudonymises (issue 12.10). A learner with no other case (open or still retained;
 * a purged case no longer names its learner) is pseudonymised by the last of their cases in the chunk; the
 * earlier ones find that later case ("other_case"), as when purged one by one. The entries and accounts
 * are locked (in id order). `outcomes` has every case but the learners' own, set once they are done.
 */
async function learnersOf(
  tx: Executor,
  chunk: readonly Claimed[],
): Promise<{ outcomes: Map<number, LearnerPurge>; learners: Learner[] }> {
  const outcomes = new Map<number, LearnerPurge>();
  const last = new Map<number, Claimed>();
  for (const c of chunk) {
    if (c.studentId === null) {
      outcomes.set(c.pos, { outcome: "no_entry" });
      continue;
    }
    const earlier = last.get(c.studentId);
    if (earlier) outcomes.set(earlier.pos, OTHER_CASE);
    last.set(c.studentId, c);
  }
  if (last.size === 0) return { outcomes, learners: [] };
  // The chunk's cases are claimed (no learner any more): a case still naming the learner is another one.
  const busy = new Set(
    rowsOf<{ s: number }>(
      await tx.execute(
        sql`SELECT DISTINCT student_id AS s FROM cases WHERE ${anyOf(cases.studentId, [...last.keys()])}`,
      ),
    ).map((r) => Number(r.s)),
  );
  const free = [...last.values()].filter((c) => !busy.has(c.studentId!));
  for (const c of last.values()) if (busy.has(c.studentId!)) outcomes.set(c.pos, OTHER_CASE);
  const entries = free.length
    ? await tx
        .select()
        .from(students)
        .where(
          anyOf(
            students.id,
            free.map((c) => c.studentId!),
          ),
        )
        .orderBy(students.id)
        .for("update")
    : [];
  const entryOf = new Map(entries.map((e) => [e.id, e]));
  const ready: { c: Claimed; entry: typeof students.$inferSelect }[] = [];
  for (const c of free) {
    const entry = entryOf.get(c.studentId!);
    if (!entry) outcomes.set(c.pos, { outcome: "no_entry" });
    else if (entry.pseudonymisedAt) outcomes.set(c.pos, OTHER_CASE);
    else ready.push({ c, entry });
  }
  const userIds = ready.flatMap((r) => (r.entry.userId === null ? [] : [r.entry.userId]));
  // One account bound to two of the chunk's learners: purged one by one, the first rekeys it for the second.
  if (new Set(userIds).size < userIds.length) throw new Entangled("two learners share a Telegram account");
  const accounts = userIds.length
    ? await tx.select().from(users).where(anyOf(users.id, userIds)).orderBy(users.id).for("update")
    : [];
  const accountOf = new Map(accounts.map((a) => [a.id, a]));
  const learners = ready
    .map(({ c, entry }) => ({
      pos: c.pos,
      entry,
      enrolled: entry.active && c.state !== "closed",
      account: entry.userId === null ? undefined : accountOf.get(entry.userId),
    }))
    .sort((a, b) => a.pos - b.pos);
  return { outcomes, learners };
}

/**
 * Purged one by one, a learner's chat id is cleared before the later cases' messages are stubbed: a
 * message of a later case in that chat (the learner is also an official) would then be missed by its
 * edit's match, or its pending state seen. A chunk where that happens is purged case by case.
 */
function checkSeparate(learners: readonly Learner[], chats: readonly { pos: number; chat: number }[]) {
  if (learners.length === 0) return;
  const latest = new Map<number, number>();
  for (const c of chats) latest.set(c.chat, Math.max(latest.get(c.chat) ?? -1, c.pos));
  for (const l of learners)
    if (l.account && (latest.get(l.account.telegramId) ?? -1) > l.pos)
      throw new Entangled("a learner's chat holds messages of a later case");
}

/**
 * The outbox rows whose text may name a learner: still holding a text (src/cases/sent-texts.ts) and not
 * nameless (a digest). The predicate of outbox_text_idx, so the name search reads that index only.
 */
const mayNameLearner = (alias?: string) =>
  sql.raw(
    alias ? `${alias}.cleared_at IS NULL AND NOT ${alias}.nameless` : "cleared_at IS NULL AND NOT nameless",
  );

/** An outbox row whose text named one of the chunk's learners, stubbed; `pos`: the first such learner. */
interface NameHit {
  id: number;
  pos: number;
  caseId: number | null;
  stepId: number | null;
  method: string;
  chatId: number;
  messageId: string | null;
}

/**
 * Sent texts that name a learner the chunk pseudonymises (digests listing several cases carry no case id):
 * the full name, and for one who left the personal number too (needles under three characters are not
 * searched). Pending rows are left (their case's purge cancels them, or they are not personal to this case).
 * With `named`, a needle it knows is searched only in the rows found for it and the rows written after its
 * read; any other needle in every text.
 */
async function stubNamingTexts(
  tx: Executor,
  learners: readonly Learner[],
  stub: string,
  named: NamedMessages | undefined,
  own: { caseIds: readonly number[]; stepIds: readonly number[] },
): Promise<NameHit[]> {
  const needles = learners.flatMap((l) =>
    [...new Set([l.entry.fullName, ...(l.enrolled ? [] : [l.entry.personalNumber])])]
      .filter((n) => n.length >= 3)
      .map((needle) => ({ needle, pos: l.pos })),
  );
  if (needles.length === 0) return [];
  const known = named ? needles.filter((n) => named.ids.has(n.needle)) : [];
  const unknown = named ? needles.filter((n) => !named.ids.has(n.needle)) : needles;
  // Each text is read once (OFFSET 0 keeps the subquery's text from being read again per needle).
  const texts = (where: SQL) =>
    sql`(SELECT id, case_id, step_id, method, chat_id, payload->>'text' AS t FROM outbox
      WHERE ${where} AND state <> 'pending' AND ${mayNameLearner()} OFFSET 0) o`;
  const branches: SQL[] = [];
  if (known.length > 0) {
    const k = json(known.map((n) => ({ ...n, ids: named!.ids.get(n.needle) })));
    branches.push(sql`
      SELECT o.id, k.pos, o.case_id, o.step_id, o.method, o.chat_id
      FROM jsonb_to_recordset(${k}) AS k(needle text, pos int, ids bigint[])
        CROSS JOIN LATERAL unnest(k.ids) AS r(id)
        JOIN outbox o ON o.id = r.id
      WHERE o.state <> 'pending' AND ${mayNameLearner("o")} AND strpos(o.payload->>'text', k.needle) > 0`);
    branches.push(sql`
      SELECT o.id, k.pos, o.case_id, o.step_id, o.method, o.chat_id FROM ${texts(sql`id > ${named!.upTo}`)}
        JOIN jsonb_to_recordset(${k}) AS k(needle text, pos int, ids bigint[]) ON strpos(o.t, k.needle) > 0`);
  }
  if (unknown.length > 0)
    branches.push(sql`
      SELECT o.id, u.pos, o.case_id, o.step_id, o.method, o.chat_id FROM ${texts(sql`true`)}
        JOIN jsonb_to_recordset(${json(unknown)}) AS u(needle text, pos int) ON strpos(o.t, u.needle) > 0`);
  const rows = rowsOf<{
    id: string | number;
    pos: number;
    case_id: number | null;
    step_id: number | null;
    method: string;
    chat_id: string | number;
    message_id: string | null;
  }>(
    // The chunk's own messages are left to stubCaseMessages, which stubs them right after: here they are
    // only counted (textsStubbedBy), not written twice. The rows are few but the planner cannot know it:
    // `= any(array(…))` makes their update an index lookup.
    await tx.execute(sql`
      WITH hit AS (${sql.join(branches, sql` UNION ALL `)}),
        h AS (SELECT DISTINCT ON (id) * FROM hit ORDER BY id, pos),
        u AS (
          UPDATE outbox o SET ${STUB_PAYLOAD(stub)}
          WHERE o.id = any(array(SELECT id FROM h
            WHERE NOT coalesce(case_id = any(${ints(own.caseIds)}) OR step_id = any(${ints(own.stepIds)}), false)))
        )
      SELECT h.*, CASE WHEN h.method = 'editMessageText'
        THEN (SELECT x.payload->>'message_id' FROM outbox x WHERE x.id = h.id) END AS message_id
      FROM h`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    pos: r.pos,
    caseId: r.case_id,
    stepId: r.step_id,
    method: r.method,
    chatId: Number(r.chat_id),
    messageId: r.message_id,
  }));
}

/**
 * outboxTextsStubbed per learner: a text naming learners counts for the first of them in the chunk's order,
 * unless a case at or before that place had it as its own message (it was a stub by then).
 */
function textsStubbedBy(
  hits: readonly NameHit[],
  posOf: ReadonlyMap<number, number>,
  stepPos: ReadonlyMap<number, number>,
  copies: readonly Copy[],
): Map<number, number> {
  const copyPos = new Map<string, number>();
  for (const c of copies) {
    const key = `${c.chatId}:${c.messageId}`;
    if (!copyPos.has(key)) copyPos.set(key, c.pos);
  }
  const out = new Map<number, number>();
  for (const h of hits) {
    const own = [
      h.caseId === null ? undefined : posOf.get(h.caseId),
      h.stepId === null ? undefined : stepPos.get(h.stepId),
      h.method === "editMessageText" ? copyPos.get(`${h.chatId}:${h.messageId}`) : undefined,
    ].filter((p) => p !== undefined);
    if (h.pos < Math.min(Number.POSITIVE_INFINITY, ...own)) out.set(h.pos, (out.get(h.pos) ?? 0) + 1);
  }
  return out;
}

/** The roster entry as left behind: no name, no number (the id keeps the unique key unique), no rank or group. */
const PSEUDONYM = {
  personalNumber: sql<string>`'PURGED-' || ${students.id}`,
  fullName: "",
  rank: "",
  faculty: "",
  course: "",
  groupName: "",
  sendingUnit: "",
};

/**
 * Issue 12.10: after the purge nothing may join back to the person. The audit trail keeps actor user ids
 * and, in invite events, roster entry ids; the outbox keeps chat ids (the learner's Telegram id). So, when
 * the learner has no other case (learnersOf):
 *  - the roster entry is pseudonymised (PSEUDONYM, inactive, unlinked, its invites deleted);
 *  - the learner's users row is deleted, or, when the account still needs one (the learner is still
 *    enrolled, or the account is bound to something else), replaced by a new row with a new id: the old
 *    id in the audit trail then joins to nothing;
 *  - a learner still enrolled (the case ended without expulsion: rejected, withdrawn, returned) carries on
 *    under a fresh copy of the roster entry (new id), bound to the new users row; their unused invites move
 *    to it;
 *  - the learner's chat id is cleared (0) on the messages of their purged cases (and, for one who left, on
 *    every message already sent to them), and every sent message whose text names them is replaced by the
 *    stub (stubNamingTexts: a digest listing several cases, a notice to an administrator).
 * A case ending in "closed" is an expulsion (the order was issued): the learner left. Conversation state
 * touched after the case ended stays under purgeLearnerDrafts' rule (the idle-conversation prune drops it);
 * its key, the Telegram id, joins to no users row once the row is gone. Returns, per learner (by position),
 * what became of the account and how many messages lost the chat id.
 */
async function pseudonymiseLearners(
  tx: Executor,
  learners: readonly Learner[],
  now: Date,
): Promise<Map<number, { userRow: "deleted" | "rekeyed" | "none"; outboxChatsCleared: number }>> {
  const out = new Map(
    learners.map((l) => [
      l.pos,
      { userRow: "none" as "deleted" | "rekeyed" | "none", outboxChatsCleared: 0 },
    ]),
  );
  if (learners.length === 0) return out;
  const withAccount = learners.filter((l) => l.account);
  if (withAccount.length > 0) {
    // The chat id on the messages of the learner's purged cases; for one who left, on every sent message.
    const l = json(withAccount.map((x) => ({ pos: x.pos, tg: x.account!.telegramId, enrolled: x.enrolled })));
    const cleared = rowsOf<{ pos: number }>(
      await tx.execute(sql`
        UPDATE outbox o SET chat_id = 0
        FROM jsonb_to_recordset(${l}) AS l(pos int, tg bigint, enrolled boolean)
        WHERE o.chat_id = l.tg AND CASE WHEN l.enrolled
          THEN EXISTS (SELECT 1 FROM cases c WHERE c.id = o.case_id AND c.purged_at IS NOT NULL)
          ELSE o.state <> 'pending' END
        RETURNING l.pos`),
    );
    for (const r of cleared) out.get(r.pos)!.outboxChatsCleared++;
  }

  // The entries: pseudonymised in place (their ids are what the audit trail names).
  const entryIds = learners.map((l) => l.entry.id);
  await tx
    .update(students)
    .set({ ...PSEUDONYM, userId: null, active: false, pseudonymisedAt: now, updatedAt: now })
    .where(anyOf(students.id, entryIds));
  const carriesOn = await freshEntries(tx, learners, now);

  // The accounts: a new users row (new id) if still needed, none otherwise. Asked before the entries'
  // invites go, as each learner's purge would: with only their own and earlier learners' invites gone.
  const needed = await accountsNeeded(tx, withAccount, carriesOn);
  await tx.delete(invites).where(anyOf(invites.studentId, entryIds));
  const gone = withAccount.filter((l) => !needed.has(l.pos));
  if (gone.length > 0)
    await tx.delete(users).where(
      anyOf(
        users.id,
        gone.map((l) => l.account!.id),
      ),
    );
  for (const l of gone) out.get(l.pos)!.userRow = "deleted";
  const rekey = withAccount.filter((l) => needed.has(l.pos));
  await rekeyAccounts(tx, rekey, carriesOn);
  for (const l of rekey) out.get(l.pos)!.userRow = "rekeyed";
  return out;
}

/** A learner still enrolled carries on under a fresh copy of the entry; their unused invites move to it. */
async function freshEntries(
  tx: Executor,
  learners: readonly Learner[],
  now: Date,
): Promise<Map<number, number>> {
  const carriesOn = new Map<number, number>();
  const enrolled = learners.filter((l) => l.enrolled);
  if (enrolled.length === 0) return carriesOn;
  const fresh = await tx
    .insert(students)
    .values(
      enrolled.map(({ entry: s }) => ({
        institutionId: s.institutionId,
        personalNumber: s.personalNumber,
        fullName: s.fullName,
        rank: s.rank,
        category: s.category,
        faculty: s.faculty,
        course: s.course,
        groupName: s.groupName,
        sendingUnit: s.sendingUnit,
        sex: s.sex, // the report's grammar (D10) goes on as before
        active: true,
        updatedAt: now,
      })),
    )
    .returning({
      id: students.id,
      institutionId: students.institutionId,
      personalNumber: students.personalNumber,
    });
  // Matched by the unique (institution, number), which the pseudonymised entries no longer hold.
  const freshOf = new Map(fresh.map((f) => [`${f.institutionId}\u0000${f.personalNumber}`, f.id]));
  for (const l of enrolled)
    carriesOn.set(l.pos, freshOf.get(`${l.entry.institutionId}\u0000${l.entry.personalNumber}`)!);
  const moves = enrolled.map((l) => ({ old: l.entry.id, fresh: carriesOn.get(l.pos)! }));
  await tx.execute(sql`
    UPDATE invites i SET student_id = m.fresh
    FROM jsonb_to_recordset(${json(moves)}) AS m(old int, fresh int)
    WHERE i.student_id = m.old AND i.used_at IS NULL AND i.revoked_at IS NULL`);
  return carriesOn;
}

/**
 * The learners (by position) whose account is still needed: they carry on, or an official, a roster entry
 * or an invite other than those of the learners purged so far in the chunk's order is bound to it.
 */
async function accountsNeeded(
  tx: Executor,
  withAccount: readonly Learner[],
  carriesOn: ReadonlyMap<number, number>,
): Promise<Set<number>> {
  const needed = new Set(carriesOn.keys());
  const ask = withAccount.filter((l) => !needed.has(l.pos));
  if (ask.length === 0) return needed;
  const all = json(withAccount.map((l) => ({ pos: l.pos, entry: l.entry.id })));
  const rows = rowsOf<{ pos: number }>(
    await tx.execute(sql`
      SELECT l.pos FROM jsonb_to_recordset(${json(ask.map((l) => ({ pos: l.pos, acct: l.account!.id })))})
        AS l(pos int, acct int)
      WHERE EXISTS (SELECT 1 FROM officials WHERE user_id = l.acct)
        OR EXISTS (SELECT 1 FROM students WHERE user_id = l.acct)
        OR EXISTS (SELECT 1 FROM invites i WHERE i.used_by_user_id = l.acct
          AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(${all}) AS p(pos int, entry int)
            WHERE p.entry = i.student_id AND p.pos <= l.pos))`),
  );
  for (const r of rows) needed.add(r.pos);
  return needed;
}

/**
 * Each account replaced by a new users row: the Telegram id (unique) freed, a new row with it, every
 * reference moved to it (and the fresh entry bound to it), the old row dropped.
 */
async function rekeyAccounts(
  tx: Executor,
  learners: readonly Learner[],
  carriesOn: ReadonlyMap<number, number>,
) {
  if (learners.length === 0) return;
  const old = learners.map((l) => l.account!.id);
  await tx
    .update(users)
    .set({ telegramId: sql`-${users.id}` })
    .where(anyOf(users.id, old));
  const fresh = await tx
    .insert(users)
    .values(
      learners.map(({ account: a }) => ({
        telegramId: a!.telegramId,
        lang: a!.lang,
        langChosen: a!.langChosen, // a language they chose stays chosen
        unreachable: a!.unreachable,
      })),
    )
    .returning({ id: users.id, telegramId: users.telegramId });
  const newOf = new Map(fresh.map((f) => [f.telegramId, f.id]));
  const moves = json(learners.map((l) => ({ old: l.account!.id, to: newOf.get(l.account!.telegramId)! })));
  const m = sql`jsonb_to_recordset(${moves}) AS m(old int, "to" int)`;
  await tx.execute(sql`UPDATE officials x SET user_id = m."to" FROM ${m} WHERE x.user_id = m.old`);
  await tx.execute(sql`UPDATE students x SET user_id = m."to" FROM ${m} WHERE x.user_id = m.old`);
  await tx.execute(
    sql`UPDATE invites x SET used_by_user_id = m."to" FROM ${m} WHERE x.used_by_user_id = m.old`,
  );
  const binds = learners.flatMap((l) =>
    carriesOn.has(l.pos) ? [{ entry: carriesOn.get(l.pos)!, to: newOf.get(l.account!.telegramId)! }] : [],
  );
  if (binds.length > 0)
    await tx.execute(sql`
      UPDATE students x SET user_id = b."to"
      FROM jsonb_to_recordset(${json(binds)}) AS b(entry int, "to" int) WHERE x.id = b.entry`);
  await tx.delete(users).where(anyOf(users.id, old));
}

/**
 * The outbox rows whose text names one of a run's learners, found by reading the outbox once: every row up
 * to `upTo` was read, so a needle's rows up to it are `ids.get(needle)`; rows after it are searched again
 * in the chunk's transaction. Texts only ever lose a name (the purge stubs them), never gain one, so the
 * rows found are a superset of those still naming the learner. `extend` reads the rows written since
 * (the purge's own edits among them), so that the search of newer rows stays short.
 */
export class NamedMessages {
  upTo = 0;
  readonly ids: Map<string, number[]>;
  private readonly needles: string[];
  private readonly matcher: Matcher;

  constructor(needles: readonly string[]) {
    this.needles = [...new Set(needles)].filter((n) => n.length >= 3);
    this.ids = new Map(this.needles.map((n) => [n, []]));
    this.matcher = new Matcher(this.needles);
  }

  /**
   * Reads the rows after `upTo`, whatever their state (a pending row may be sent before the chunk's
   * transaction runs). The new bound is read under a SHARE lock, which waits for the outbox's writers in
   * flight: every row up to it is committed, and rows written later get higher ids.
   */
  async extend(db: Db): Promise<void> {
    if (this.needles.length === 0) return;
    const upTo = await db.transaction(async (tx) => {
      await tx.execute(sql`LOCK TABLE ${outbox} IN SHARE MODE`);
      const [r] = rowsOf<{ id: string | number | null }>(
        await tx.execute(sql`SELECT max(id) AS id FROM ${outbox}`),
      );
      return Number(r?.id ?? 0);
    });
    for (let after = this.upTo; after < upTo; ) {
      const page = rowsOf<{ id: string | number; text: string | null }>(
        await db.execute(sql`
          SELECT id, payload->>'text' AS text FROM ${outbox}
          WHERE id > ${after} AND id <= ${upTo} AND ${mayNameLearner()}
          ORDER BY ${outbox.id} LIMIT ${SCAN_PAGE}`),
      );
      for (const r of page) {
        const id = Number(r.id);
        if (r.text) this.matcher.find(r.text, (k) => this.add(k, id));
        after = id;
      }
      if (page.length < SCAN_PAGE) break;
    }
    this.upTo = Math.max(this.upTo, upTo);
  }

  private add(needle: number, id: number) {
    const list = this.ids.get(this.needles[needle]!)!;
    if (list.at(-1) !== id) list.push(id);
  }
}

/** Outbox rows read per round trip while searching for names. */
const SCAN_PAGE = 5000;
/** From this many cases on, purgeExpired finds the learners' names in one read of the outbox. */
const NAME_SCAN_FROM = 10;

/** The learners of these cases by full name and personal number (whichever the purge will look for). */
async function findNamedMessages(db: Db, caseIds: number[]): Promise<NamedMessages> {
  const learners = await db
    .select({ fullName: students.fullName, personalNumber: students.personalNumber })
    .from(cases)
    .innerJoin(students, eq(students.id, cases.studentId))
    .where(sql`${cases.id} = any(${`{${caseIds.join(",")}}`}::int[])`);
  const named = new NamedMessages(learners.flatMap((l) => [l.fullName, l.personalNumber]));
  await named.extend(db);
  return named;
}

/**
 * Aho–Corasick over UTF-16 code units: every occurrence of any of the needles in one pass over a text. The
 * root's transitions are a table (most characters of a text lead there); the others one map keyed by
 * node × 65536 + code unit.
 */
export class Matcher {
  private readonly root = new Int32Array(65536).fill(-1);
  private readonly next = new Map<number, number>();
  private readonly fail: Int32Array;
  /** The needle ending at a node, or -1. */
  private readonly out: Int32Array;
  /** The nearest node on a node's failure chain where a needle ends, or -1. */
  private readonly dict: Int32Array;

  constructor(needles: readonly string[]) {
    const children: number[][] = [[]];
    const out: number[] = [-1];
    for (const [k, needle] of needles.entries()) out[this.insert(needle, children, out)] = k;
    this.out = Int32Array.from(out);
    this.fail = new Int32Array(out.length);
    this.dict = new Int32Array(out.length).fill(-1);
    this.link(children);
  }

  /** Adds the needle's path to the trie; returns the node where it ends. */
  private insert(needle: string, children: number[][], out: number[]): number {
    let u = 0;
    for (let i = 0; i < needle.length; i++) {
      const c = needle.charCodeAt(i);
      let v = this.step(u, c);
      if (v < 0) {
        v = out.push(-1) - 1;
        children.push([]);
        if (u === 0) this.root[c] = v;
        else this.next.set(u * 65536 + c, v);
        children[u]!.push(c);
      }
      u = v;
    }
    return u;
  }

  /** Failure and output links, breadth first: a node's links are set before its children's. */
  private link(children: number[][]): void {
    const queue = children[0]!.map((c) => this.root[c]!);
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q]!;
      for (const c of children[u]!) {
        const v = this.step(u, c);
        let f = this.fail[u]!;
        while (f !== 0 && this.step(f, c) < 0) f = this.fail[f]!;
        const g = this.step(f, c);
        const to = g >= 0 && g !== v ? g : 0;
        this.fail[v] = to;
        this.dict[v] = this.out[to]! >= 0 ? to : this.dict[to]!;
        queue.push(v);
      }
    }
  }

  private step(u: number, c: number): number {
    return u === 0 ? this.root[c]! : (this.next.get(u * 65536 + c) ?? -1);
  }

  /** Calls `found` with the index of each needle occurring in `text` (once per occurrence). */
  find(text: string, found: (needle: number) => void): void {
    let u = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let v = this.step(u, c);
      while (v < 0 && u !== 0) {
        u = this.fail[u]!;
        v = this.step(u, c);
      }
      u = Math.max(v, 0);
      if (this.out[u]! >= 0) found(this.out[u]!);
      for (let d = this.dict[u]!; d >= 0; d = this.dict[d]!) found(this.out[d]!);
    }
  }
}

/**
 * D8: the learners' conversation drafts. @grammyjs/conversations keeps one row per chat, keyed by the chat
 * id in decimal (src/bot/create-bot.ts: `getStorageKey: ctx.chatId.toString()`, no prefix); the learner's
 * chat with the bot is private, so its id is the learner's Telegram id. A row last touched no later than
 * the case ended holds this case's report draft (or an older, stale state of that chat) and is deleted. A
 * row touched after that belongs to what the learner did since (a new report being written) and is kept:
 * it is not this case's data, and the daily prune of idle conversations drops it once abandoned. A chat's
 * row goes with the first case of the chunk (in its order) that ended after it was touched. Returns the
 * number of rows deleted per case position.
 */
async function purgeLearnerDrafts(tx: Executor, chunk: readonly Claimed[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const mine = chunk.filter((c) => c.studentId !== null);
  if (mine.length === 0) return out;
  const l = json(mine.map((c) => ({ id: c.id, pos: c.pos, student: c.studentId })));
  const rows = rowsOf<{ pos: number; n: number }>(
    await tx.execute(sql`
      WITH l AS (
        SELECT w.pos, u.telegram_id::text AS key, c.closed_at
        FROM jsonb_to_recordset(${l}) AS w(id int, pos int, student int)
        JOIN cases c ON c.id = w.id
        JOIN students s ON s.id = w.student
        JOIN users u ON u.id = s.user_id
      ), hit AS (
        SELECT DISTINCT ON (k.key) k.key, l.pos FROM conversation_state k
        JOIN l ON l.key = k.key AND k.updated_at <= l.closed_at
        ORDER BY k.key, l.pos
      ), d AS (
        DELETE FROM conversation_state k USING hit WHERE k.key = hit.key RETURNING k.key
      )
      SELECT hit.pos, count(*)::int AS n FROM hit JOIN d ON d.key = hit.key GROUP BY hit.pos`),
  );
  for (const r of rows) out.set(r.pos, Number(r.n));
  return out;
}

/**
 * D8: PURGE OF THE STORED REPORT VERSIONS (D12: every submitted version of the formal report, with its
 * reasons and phone). Raw SQL on purpose: the report_versions table is being added to the schema by the
 * lead; it must exist before this runs (the purge fails, and rolls back, otherwise).
 * Returns the number of rows deleted per case.
 */
async function purgeReportVersions(tx: Executor, caseIds: readonly number[]): Promise<Map<number, number>> {
  const deleted = rowsOf<{ case_id: number }>(
    await tx.execute(
      sql`DELETE FROM report_versions WHERE case_id = any(${ints(caseIds)}) RETURNING case_id`,
    ),
  );
  return countBy(deleted, (r) => Number(r.case_id));
}

/** `column = any($1)` over an int[] parameter (one parameter however many ids). */
const anyOf = (column: AnyPgColumn, ids: readonly number[]): SQL => sql`${column} = any(${ints(ids)})`;
const ints = (ids: readonly number[]): SQL => sql`${`{${ids.join(",")}}`}::int[]`;
const json = (value: unknown): SQL => sql`${JSON.stringify(value)}::jsonb`;

function countBy<T>(items: readonly T[], key: (item: T) => number): Map<number, number> {
  const out = new Map<number, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}
