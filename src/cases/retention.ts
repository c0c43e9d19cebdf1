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
 * pseudonymised too (issue 12.10, pseudonymiseLearner): the roster entry, the Telegram account's users row,
 * the chat id and the sent texts that name them, so the ids the audit trail keeps join to nothing personal.
 * Kept: the anonymised record (institution, ground, category, rules edition, state, dates, step timings) and
 * the audit skeleton.
 *
 * One transaction per case, claimed with a conditional UPDATE … WHERE purged_at IS NULL RETURNING, so two
 * runners never purge (or audit) a case twice.
 *
 * Issue 17: finding the sent texts that name a learner is a substring search of every text in the outbox.
 * Done per learner it read the whole outbox once or twice per case (some 200 ms a case at 300,000 rows);
 * purgeExpired now reads it once per run, before the cases' transactions, matching every learner's name
 * and number at once (NamedMessages), and each case's transaction re-checks only the rows found plus
 * those written since. The other lookups go through indexes (migration 0009).
 */
import { and, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { audit } from "../audit";
import { STRANGER_NOISE_DAYS } from "../audit/stranger";
import { type Db, type Executor, rowsOf } from "../db/client";
import {
  caseSteps,
  cases,
  conversationState,
  invites,
  officials,
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
import { purgeAttachments } from "./attachments";

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

/** Purges every case whose retention is over at `now`; returns the cases purged by this call. */
export async function purgeExpired(
  db: Db,
  now: Date,
  opts: { limit?: number; nameScanFrom?: number } = {},
): Promise<PurgedCase[]> {
  await pruneStrangerNoise(db, now);
  // A year is at least 365 days, so a case that ended on or after today − 365 days is never over: prefilter
  // in SQL (ended states only, by closed_at), decide with the rule.
  const cutoff = addCalendarDays(localDateOf(now), -365);
  const candidates = (
    await db
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
      .limit(opts.limit ?? 10_000)
  ).filter((c) => {
    const from = startOf(c);
    return from !== null && isRetentionOver(from, now);
  });
  // A day's purge is a few cases: each searched through the outbox by itself costs less than one read of
  // the whole outbox (~2 s at 300,000 rows), which pays off from about ten learners on.
  const named =
    candidates.length >= (opts.nameScanFrom ?? NAME_SCAN_FROM)
      ? await findNamedMessages(
          db,
          candidates.map((c) => c.id),
        )
      : undefined;
  const purged: PurgedCase[] = [];
  for (const [i, c] of candidates.entries()) {
    if (named && i > 0 && i % EXTEND_EVERY === 0) await named.extend(db);
    const done = await purgeCase(db, c.id, now, named);
    if (done) purged.push(done);
  }
  return purged;
}

/**
 * Purges one case if its retention is over and nobody purged it yet; null otherwise. `named`: the outbox
 * rows already known to name its learner (purgeExpired); without it the learner is searched in every text.
 */
export async function purgeCase(
  db: Db,
  caseId: number,
  now: Date,
  named?: NamedMessages,
): Promise<PurgedCase | null> {
  const stub = purgeStub();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        state: cases.state,
        closedAt: cases.closedAt,
        purgedAt: cases.purgedAt,
        studentId: cases.studentId,
      })
      .from(cases)
      .where(eq(cases.id, caseId));
    const from = row ? startOf(row) : null;
    if (!row?.closedAt || from === null || row.purgedAt || !isRetentionOver(from, now)) return null;
    const [claimed] = await tx
      .update(cases)
      .set({
        reasons: null,
        phone: null,
        studentSnapshot: null,
        studentId: null,
        outcomeReason: null,
        orderNumber: null,
        facts: {}, // issue 16: the foreign organisation, the debt period
        purgedAt: now,
      })
      // The state is checked again: a case reopened since the read above is running and never purged.
      .where(and(eq(cases.id, caseId), isNull(cases.purgedAt), eq(cases.state, row.state)))
      .returning({ id: cases.id, institutionId: cases.institutionId });
    if (!claimed) return null;

    const steps = await tx
      .update(caseSteps)
      .set({ result: null })
      .where(eq(caseSteps.caseId, caseId))
      .returning({ id: caseSteps.id });
    const stepIds = steps.map((s) => s.id);
    const copies = stepIds.length
      ? await tx
          .select({ chatId: stepMessages.chatId, messageId: stepMessages.messageId })
          .from(stepMessages)
          .where(inArray(stepMessages.stepId, stepIds))
      : [];

    // The case's messages, whatever their state (pending, sent, failed, cancelled): those written for it
    // (case_id), its task messages (step_id) and the edits of its task messages into status lines (chat and
    // message id of a copy). The whole payload is replaced (text, buttons, any other field), keeping only
    // the message id an edit needs to be matched.
    const edits = copies.map((c) => sql`(${c.chatId}::bigint, ${String(c.messageId)}::text)`);
    const mine = or(
      eq(outbox.caseId, caseId),
      stepIds.length ? inArray(outbox.stepId, stepIds) : undefined,
      edits.length
        ? sql`(${outbox.method} = 'editMessageText' AND (${outbox.chatId}, ${outbox.payload}->>'message_id') IN (${sql.join(edits, sql`, `)}))`
        : undefined,
    );
    const stubbed = await tx
      .update(outbox)
      .set({
        payload: sql`jsonb_strip_nulls(jsonb_build_object('text', ${stub}::text, 'message_id', ${outbox.payload}->'message_id'))`,
        state: sql`CASE WHEN ${outbox.state} = 'pending' THEN 'cancelled' ELSE ${outbox.state} END`,
      })
      .where(mine)
      .returning({ id: outbox.id });
    if (stepIds.length) await tx.delete(stepMessages).where(inArray(stepMessages.stepId, stepIds));
    // The copies still shown in officials' chats lose their text and buttons too.
    if (copies.length) {
      await tx.insert(outbox).values(
        copies.map((c) => ({
          chatId: c.chatId,
          method: "editMessageText" as const,
          payload: { message_id: c.messageId, text: stub },
          caseId,
          nextAttemptAt: now,
        })),
      );
    }

    const drafts = await purgeLearnerDrafts(tx, row.studentId, row.closedAt);
    const reportVersions = await purgeReportVersions(tx, caseId);
    const attachments = await purgeAttachments(tx, caseId);
    const learner =
      row.studentId === null
        ? { outcome: "no_entry" as const }
        : await pseudonymiseLearner(tx, row.studentId, row.state, now, stub, named);

    const retentionEndedOn = retentionEndsOn(from);
    await audit(tx, {
      at: now,
      action: "case.purged",
      institutionId: claimed.institutionId,
      caseId,
      after: { purged: true },
      details: {
        cite: RETENTION_CITE,
        state: row.state,
        endedOn: from,
        retentionEndedOn,
        fields: [
          ...PURGED_CASE_FIELDS,
          "case_steps.result",
          "outbox.payload",
          "step_messages",
          "conversation_state",
          "report_versions",
          "case_attachments.file_id",
        ],
        steps: stepIds.length,
        outboxStubbed: stubbed.length,
        copiesEdited: copies.length,
        conversationDrafts: drafts,
        reportVersions,
        attachments,
        learner,
      },
    });
    return {
      caseId,
      institutionId: claimed.institutionId,
      state: row.state,
      endedOn: from,
      retentionEndedOn,
    };
  });
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

/** The roster entry as left behind: no name, no number (the id keeps the unique key unique), no rank or group. */
const PSEUDONYM = (id: number) => ({
  personalNumber: `PURGED-${id}`,
  fullName: "",
  rank: "",
  faculty: "",
  course: "",
  groupName: "",
  sendingUnit: "",
});

/**
 * Issue 12.10: after the purge nothing may join back to the person. The audit trail keeps actor user ids
 * and, in invite events, roster entry ids; the outbox keeps chat ids (the learner's Telegram id). So, when
 * the learner has no other case (open or still retained; a purged case no longer names its learner):
 *  - the roster entry is pseudonymised (PSEUDONYM, inactive, unlinked, its invites deleted);
 *  - the learner's users row is deleted, or, when the account still needs one (the learner is still
 *    enrolled, or the account is bound to something else), replaced by a new row with a new id: the old
 *    id in the audit trail then joins to nothing;
 *  - a learner still enrolled (the case ended without expulsion: rejected, withdrawn, returned) carries on
 *    under a fresh copy of the roster entry (new id), bound to the new users row; their unused invites move
 *    to it;
 *  - the learner's chat id is cleared (0) on the messages of their purged cases (and, for one who left, on
 *    every message already sent to them), and every sent message whose text names them is replaced by the
 *    stub (a digest listing several cases, a notice to an administrator).
 * A case ending in "closed" is an expulsion (the order was issued): the learner left. Conversation state
 * touched after the case ended stays under purgeLearnerDrafts' rule (the idle-conversation prune drops it);
 * its key, the Telegram id, joins to no users row once the row is gone.
 */
async function pseudonymiseLearner(
  tx: Executor,
  studentId: number,
  endedState: string,
  now: Date,
  stub: string,
  named: NamedMessages | undefined,
): Promise<LearnerPurge> {
  const [other] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(eq(cases.studentId, studentId))
    .limit(1);
  if (other) return { outcome: "other_case" };
  const [s] = await tx.select().from(students).where(eq(students.id, studentId)).for("update");
  if (!s) return { outcome: "no_entry" };
  if (s.pseudonymisedAt) return { outcome: "other_case" };
  const enrolled = s.active && endedState !== "closed";
  const [account] = s.userId ? await tx.select().from(users).where(eq(users.id, s.userId)).for("update") : [];

  // The chat id on the messages of the learner's purged cases; for one who left, on every sent message.
  let outboxChatsCleared = 0;
  if (account) {
    const cleared = await tx
      .update(outbox)
      .set({ chatId: 0 })
      .where(
        and(
          eq(outbox.chatId, account.telegramId),
          enrolled
            ? sql`exists (select 1 from ${cases} where ${cases.id} = ${outbox.caseId} and ${cases.purgedAt} is not null)`
            : sql`${outbox.state} <> 'pending'`,
        ),
      )
      .returning({ id: outbox.id });
    outboxChatsCleared = cleared.length;
  }
  // Sent texts that name the learner (digests listing several cases carry no case id).
  const needles = [s.fullName, ...(enrolled ? [] : [s.personalNumber])].filter((n) => n.length >= 3);
  let outboxTextsStubbed = 0;
  for (const needle of needles) {
    const stubbed = await tx
      .update(outbox)
      .set({
        payload: sql`jsonb_strip_nulls(jsonb_build_object('text', ${stub}::text, 'message_id', ${outbox.payload}->'message_id'))`,
      })
      .where(
        and(
          sql`${outbox.state} <> 'pending'`,
          sql`strpos(${outbox.payload}->>'text', ${needle}::text) > 0`,
          knownRows(named, needle),
        ),
      )
      .returning({ id: outbox.id });
    outboxTextsStubbed += stubbed.length;
  }

  // The entry: pseudonymised in place (its id is what the audit trail names).
  await tx
    .update(students)
    .set({ ...PSEUDONYM(s.id), userId: null, active: false, pseudonymisedAt: now, updatedAt: now })
    .where(eq(students.id, s.id));
  let carriesOn: number | null = null;
  if (enrolled) {
    const [fresh] = await tx
      .insert(students)
      .values({
        institutionId: s.institutionId,
        personalNumber: s.personalNumber,
        fullName: s.fullName,
        rank: s.rank,
        category: s.category,
        faculty: s.faculty,
        course: s.course,
        groupName: s.groupName,
        sendingUnit: s.sendingUnit,
        active: true,
        updatedAt: now,
      })
      .returning({ id: students.id });
    carriesOn = fresh!.id;
    await tx
      .update(invites)
      .set({ studentId: carriesOn })
      .where(and(eq(invites.studentId, s.id), isNull(invites.usedAt), isNull(invites.revokedAt)));
  }
  await tx.delete(invites).where(eq(invites.studentId, s.id));

  // The account: a new users row (new id) if it is still needed, none otherwise.
  let userRow: "deleted" | "rekeyed" | "none" = "none";
  if (account) {
    const stillNeeded =
      carriesOn !== null ||
      (await exists(tx, sql`select 1 from ${officials} where ${officials.userId} = ${account.id}`)) ||
      (await exists(tx, sql`select 1 from ${students} where ${students.userId} = ${account.id}`)) ||
      (await exists(tx, sql`select 1 from ${invites} where ${invites.usedByUserId} = ${account.id}`));
    if (!stillNeeded) {
      await tx.delete(users).where(eq(users.id, account.id));
      userRow = "deleted";
    } else {
      // Free the Telegram id (unique) for the new row, move every reference, drop the old row.
      await tx.update(users).set({ telegramId: -account.id }).where(eq(users.id, account.id));
      const [fresh] = await tx
        .insert(users)
        .values({ telegramId: account.telegramId, lang: account.lang, unreachable: account.unreachable })
        .returning({ id: users.id });
      const to = fresh!.id;
      await tx.update(officials).set({ userId: to }).where(eq(officials.userId, account.id));
      await tx.update(students).set({ userId: to }).where(eq(students.userId, account.id));
      await tx.update(invites).set({ usedByUserId: to }).where(eq(invites.usedByUserId, account.id));
      if (carriesOn !== null) await tx.update(students).set({ userId: to }).where(eq(students.id, carriesOn));
      await tx.delete(users).where(eq(users.id, account.id));
      userRow = "rekeyed";
    }
  }
  return { outcome: "pseudonymised", enrolled, userRow, outboxChatsCleared, outboxTextsStubbed };
}

/**
 * The outbox rows whose text names one of a run's learners, found by reading the outbox once: every row up
 * to `upTo` was read, so a needle's rows up to it are `ids.get(needle)`; rows after it are searched again
 * in the case's transaction. Texts only ever lose a name (the purge stubs them), never gain one, so the
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
   * Reads the rows after `upTo`, whatever their state (a pending row may be sent before the case's
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
          WHERE id > ${after} AND id <= ${upTo} ORDER BY ${outbox.id} LIMIT ${SCAN_PAGE}`),
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

/** Restricts the search for `needle` to the rows found for it and newer ones (none: every row). */
function knownRows(named: NamedMessages | undefined, needle: string) {
  const ids = named?.ids.get(needle);
  if (!named || !ids) return undefined;
  return or(gt(outbox.id, named.upTo), sql`${outbox.id} = any(${`{${ids.join(",")}}`}::bigint[])`);
}

/** Outbox rows read per round trip while searching for names. */
const SCAN_PAGE = 5000;
/** Cases purged between two reads of the outbox's new rows (NamedMessages.extend). */
const EXTEND_EVERY = 500;
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

const exists = async (tx: Executor, q: ReturnType<typeof sql>): Promise<boolean> =>
  rowCount(await tx.execute(sql`${q} limit 1`)) > 0;

/**
 * D8: the learner's conversation drafts. @grammyjs/conversations keeps one row per chat, keyed by the chat
 * id in decimal (src/bot/create-bot.ts: `getStorageKey: ctx.chatId.toString()`, no prefix); the learner's
 * chat with the bot is private, so its id is the learner's Telegram id. A row last touched no later than
 * the case ended holds this case's report draft (or an older, stale state of that chat) and is deleted. A
 * row touched after that belongs to what the learner did since (a new report being written) and is kept:
 * it is not this case's data, and the daily prune of idle conversations drops it once abandoned.
 * Returns the number of rows deleted.
 */
async function purgeLearnerDrafts(tx: Executor, studentId: number | null, endedAt: Date): Promise<number> {
  if (studentId === null) return 0;
  const [learner] = await tx
    .select({ telegramId: users.telegramId })
    .from(students)
    .innerJoin(users, eq(users.id, students.userId))
    .where(eq(students.id, studentId));
  if (!learner) return 0;
  const deleted = await tx
    .delete(conversationState)
    .where(
      and(eq(conversationState.key, String(learner.telegramId)), lte(conversationState.updatedAt, endedAt)),
    )
    .returning({ key: conversationState.key });
  return deleted.length;
}

/**
 * D8: PURGE OF THE STORED REPORT VERSIONS (D12: every submitted version of the formal report, with its
 * reasons and phone). Raw SQL on purpose: the report_versions table is being added to the schema by the
 * lead; it must exist before this runs (the purge fails, and rolls back, otherwise).
 * Returns the number of rows deleted.
 */
export async function purgeReportVersions(tx: Executor, caseId: number): Promise<number> {
  const deleted = await tx.execute(
    sql`DELETE FROM report_versions WHERE case_id = ${caseId} RETURNING case_id`,
  );
  return rowCount(deleted);
}

/** Rows returned by a raw statement: postgres.js gives an array, PGlite an object with `rows`. */
const rowCount = (res: unknown): number =>
  (Array.isArray(res) ? res : ((res as { rows?: unknown[] }).rows ?? [])).length;
