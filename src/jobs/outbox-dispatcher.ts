/**
 * Sends what use cases wrote to the outbox. At-least-once with a lease: rows are claimed with
 * FOR UPDATE SKIP LOCKED (so several instances never take the same row), sent, then marked. Only the
 * oldest pending row of each chat is claimed, so a chat's messages keep their order through retries.
 * A claim is fenced by the row's attempt count: right before each send the dispatcher re-checks and extends
 * it in one UPDATE, so a flood wait (or any stall) longer than the lease never lets two dispatchers send
 * the same row; the row is dropped if another dispatcher has claimed it meanwhile.
 *   429 → wait retry_after (and slow everyone down); 5xx and network errors → back off, never give up;
 *   403 → the user blocked the bot: mark them unreachable and tell the administrators (the row is kept as
 *         failed; it is sent again when the user writes to the bot, see requeueBlocked);
 *   "message is not modified" → success.
 */
import { and, eq, sql } from "drizzle-orm";
import { type Api, GrammyError, HttpError } from "grammy";
import { BLOCKED_BY_USER, enqueue, langsOf } from "../cases/outbox";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { outbox, stepMessages, users } from "../db/schema";
import { type Logger, redactTelegramText, safeError } from "../logger";
import { unreachableNotice } from "../messages/notices";

export interface DispatcherDeps {
  db: Db;
  /** A raw Api without auto-retry: the dispatcher has its own retry policy. */
  api: Api;
  clock: Clock;
  log: Logger;
  adminTelegramIds: readonly number[];
}

export interface DispatchOptions {
  batchSize?: number;
  /** How long a claimed row stays invisible to other dispatchers (renewed right before each send). */
  leaseMs?: number;
  /** Sustained send rate across all chats (Telegram allows about 30/s in bulk). */
  ratePerSecond?: number;
  concurrency?: number;
  /** Real sleeping for 429 pauses; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
}

type Row = typeof outbox.$inferSelect;

export interface DispatchStats {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  /** Claimed, but another dispatcher claimed them while this one waited (its lease ran out): not sent. */
  released: number;
}

/** The default lease on a claimed row; renewed right before each send (holdClaim). */
export const LEASE_MS = 60_000;
/**
 * The HTTP timeout of the dispatcher's Api (src/main.ts, src/jobs/main.ts): a send must end within the
 * lease it was started under, or another dispatcher could claim the row while it is still in flight.
 */
export const SEND_TIMEOUT_SECONDS = 30;

const MAX_BACKOFF_MS = 5 * 60_000;
export const backoffMs = (attempts: number) =>
  Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

export async function claimBatch(db: Db, now: Date, limit: number, leaseMs: number): Promise<Row[]> {
  const until = new Date(now.getTime() + leaseMs);
  const rows = await db.execute(sql`
    UPDATE outbox SET next_attempt_at = ${until.toISOString()}::timestamptz, attempts = attempts + 1
    WHERE id IN (
      SELECT o.id FROM outbox o
      WHERE o.state = 'pending' AND o.next_attempt_at <= ${now.toISOString()}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chat_id = o.chat_id AND p.state = 'pending' AND p.id < o.id)
      ORDER BY o.id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, chat_id, method, payload, step_id, attempts`);
  const list = (Array.isArray(rows) ? rows : (rows as unknown as { rows: unknown[] }).rows) as {
    id: number | string;
    chat_id: number | string;
    method: string;
    payload: Record<string, unknown> | string;
    step_id: number | null;
    attempts: number;
  }[];
  return list
    .map((r) => ({
      id: Number(r.id),
      chatId: Number(r.chat_id),
      method: r.method,
      payload: typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload,
      stepId: r.step_id,
      attempts: r.attempts,
    }))
    .sort((a, b) => a.id - b.id) as Row[];
}

/**
 * The pacing gate: at most `rate` sends per second and a global pause after a 429 (retry_after).
 *  - Slots missed by up to two intervals (a batch boundary, a slow reply) are made up, so the sustained
 *    rate is the configured one, not a little under it; at most two extra sends follow an idle spell
 *    (25/s gives at most 28 in any second, under Telegram's 30).
 *  - The rate adapts: a 429 lowers it (×0.7, once per pause), and every five seconds' worth of successful
 *    sends raises it by 1/s, back up to the configured rate. Several dispatchers on one bot token, or the bot's own
 *    replies beside them, thus settle under Telegram's ~30/s instead of bouncing off it.
 */
class Pacer {
  private next = 0;
  private current: number;
  private okInARow = 0;
  private calmUntil = 0;
  constructor(
    private readonly rate: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.current = rate;
  }
  /** The rate in force now (sends per second). */
  get ratePerSecond(): number {
    return this.current;
  }
  async take() {
    const now = Date.now();
    const interval = 1000 / this.current;
    const at = Math.max(this.next, now - 2 * interval);
    this.next = at + interval;
    if (at > now) await this.sleep(at - now);
  }
  pause(ms: number) {
    this.next = Math.max(this.next, Date.now() + ms);
  }
  /** A send went through. */
  ok() {
    if (this.current >= this.rate) return;
    if (++this.okInARow >= this.current * 5) {
      this.current = Math.min(this.rate, this.current + 1);
      this.okInARow = 0;
    }
  }
  /** Telegram answered 429: pause for retry_after and slow down (once per pause: other sends in flight
   * at the same moment get the same answer). */
  tooMany(ms: number) {
    const now = Date.now();
    this.pause(ms);
    this.okInARow = 0;
    if (now >= this.calmUntil) {
      this.current = Math.max(Math.min(1, this.rate), this.current * 0.7);
      this.calmUntil = now + ms;
    }
  }
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function dispatchOnce(
  deps: DispatcherDeps,
  opts: DispatchOptions = {},
  pacer?: Pacer,
): Promise<DispatchStats> {
  const { db, clock, log } = deps;
  const sleep = opts.sleep ?? realSleep;
  const gate = pacer ?? new Pacer(opts.ratePerSecond ?? 25, sleep);
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const batch = await claimBatch(db, clock(), opts.batchSize ?? 50, leaseMs);
  const stats: DispatchStats = { claimed: batch.length, sent: 0, retried: 0, failed: 0, released: 0 };
  const queue = [...batch];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      await gate.take();
      const outcome = await sendOne(deps, row, gate, leaseMs);
      stats[outcome]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, batch.length) }, worker));
  if (batch.length) log.debug({ ...stats }, "outbox batch");
  return stats;
}

/**
 * Re-checks the claim right before a send and extends it by a full lease. The pacer may have held the row
 * past its lease (a 429's retry_after can be minutes), and another dispatcher may have claimed it since:
 * that claim raised `attempts`, so ours no longer matches and the row is left to it.
 */
async function holdClaim(db: Db, row: Row, now: Date, leaseMs: number): Promise<boolean> {
  const held = await db
    .update(outbox)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
    .where(and(eq(outbox.id, row.id), eq(outbox.state, "pending"), eq(outbox.attempts, row.attempts)))
    .returning({ id: outbox.id });
  return held.length > 0;
}

async function sendOne(
  deps: DispatcherDeps,
  row: Row,
  gate: Pacer,
  leaseMs: number,
): Promise<"sent" | "retried" | "failed" | "released"> {
  const { db, api, clock } = deps;
  const payload = { chat_id: row.chatId, ...(row.payload as Record<string, unknown>) };
  if (!(await holdClaim(db, row, clock(), leaseMs))) return "released";
  try {
    const res = (await (api.raw as unknown as Record<string, (p: unknown) => Promise<unknown>>)[row.method]!(
      payload,
    )) as { message_id?: number } | true;
    const marked = await markSent(db, row, clock());
    gate.ok();
    await keepCopy(deps, row, typeof res === "object" ? res.message_id : undefined, marked);
    return "sent";
  } catch (err) {
    return handleSendError(deps, row, gate, err);
  }
}

/** Marks the row sent; false when it was no longer pending. */
async function markSent(db: Db, row: Row, now: Date): Promise<boolean> {
  const marked = await db
    .update(outbox)
    .set({ state: "sent", sentAt: now, lastError: null })
    .where(and(eq(outbox.id, row.id), eq(outbox.state, "pending")))
    .returning({ id: outbox.id });
  return marked.length > 0;
}

/** A task card's copy is remembered (to retire it later) or, if the row was no longer pending, stripped. */
async function keepCopy(deps: DispatcherDeps, row: Row, messageId: number | undefined, marked: boolean) {
  if (!row.stepId || !messageId) return;
  if (!marked) {
    // The step was done while this copy was in flight: take its buttons away at once.
    await deps.api.raw.editMessageReplyMarkup({ chat_id: row.chatId, message_id: messageId }).catch(() => {});
  } else {
    await deps.db
      .insert(stepMessages)
      .values({ stepId: row.stepId, chatId: row.chatId, messageId })
      .onConflictDoUpdate({ target: [stepMessages.stepId, stepMessages.chatId], set: { messageId } });
  }
}

async function handleSendError(
  deps: DispatcherDeps,
  row: Row,
  gate: Pacer,
  err: unknown,
): Promise<"sent" | "retried" | "failed"> {
  const { db, clock } = deps;
  const now = clock();
  if (err instanceof GrammyError) return handleTelegramError(deps, row, gate, err, now);
  // A network error's text can carry the request URL, and with it the bot token: redacted too.
  const message = redactTelegramText(err instanceof HttpError ? String(err.error) : String(err));
  await retryAt(db, row.id, new Date(now.getTime() + backoffMs(row.attempts)), message);
  return "retried";
}

async function handleTelegramError(
  deps: DispatcherDeps,
  row: Row,
  gate: Pacer,
  err: GrammyError,
  now: Date,
): Promise<"sent" | "retried" | "failed"> {
  const { db, log } = deps;
  if (err.error_code === 400 && /message is not modified/i.test(err.description)) {
    await db.update(outbox).set({ state: "sent", sentAt: now }).where(eq(outbox.id, row.id));
    return "sent";
  }
  // Telegram's description can quote the message text: store and log it redacted.
  const description = redactTelegramText(err.description);
  if (err.error_code === 429) {
    const wait = (err.parameters.retry_after ?? 1) * 1000;
    gate.tooMany(wait);
    await retryAt(db, row.id, new Date(now.getTime() + wait), `${err.error_code}: ${description}`);
    return "retried";
  }
  if (err.error_code === 403) {
    await markUnreachable(deps, row);
    return "failed";
  }
  if (err.error_code >= 500) {
    await retryAt(
      db,
      row.id,
      new Date(now.getTime() + backoffMs(row.attempts)),
      `${err.error_code}: ${description}`,
    );
    return "retried";
  }
  // Any other 4xx will not get better by retrying.
  log.warn(
    { outboxId: row.id, method: row.method, code: err.error_code, description },
    "outbox message refused",
  );
  await db
    .update(outbox)
    .set({ state: "failed", lastError: `${err.error_code}: ${description}` })
    .where(eq(outbox.id, row.id));
  return "failed";
}

async function retryAt(db: Db, id: number, at: Date, error: string) {
  await db.update(outbox).set({ nextAttemptAt: at, lastError: error }).where(eq(outbox.id, id));
}

async function markUnreachable(deps: DispatcherDeps, row: Row) {
  const { db, clock, adminTelegramIds } = deps;
  const now = clock();
  await db.transaction(async (tx) => {
    await tx.update(outbox).set({ state: "failed", lastError: BLOCKED_BY_USER }).where(eq(outbox.id, row.id));
    const flipped = await tx
      .update(users)
      .set({ unreachable: true })
      .where(and(eq(users.telegramId, row.chatId), eq(users.unreachable, false)))
      .returning({ id: users.id });
    // Tell the administrators once per user (not once per message), and never about themselves.
    if (flipped.length > 0 && !adminTelegramIds.includes(row.chatId)) {
      const [caseRow] = await tx.select({ caseId: outbox.caseId }).from(outbox).where(eq(outbox.id, row.id));
      const langs = await langsOf(tx, [...adminTelegramIds]);
      await enqueue(
        tx,
        adminTelegramIds.map((chatId) => ({
          chatId,
          text: unreachableNotice(langs.get(chatId), row.chatId, caseRow?.caseId ?? null),
        })),
        now,
      );
    }
  });
}

/** Runs the dispatcher until stopped; returns a stop function that waits for the current batch. */
export function startOutboxDispatcher(
  deps: DispatcherDeps,
  opts: DispatchOptions & { idleMs?: number } = {},
) {
  let stopped = false;
  const pacer = new Pacer(opts.ratePerSecond ?? 25, opts.sleep ?? realSleep);
  const loop = (async () => {
    while (!stopped) {
      try {
        const stats = await dispatchOnce(deps, opts, pacer);
        if (stats.claimed === 0) await realSleep(opts.idleMs ?? 300);
      } catch (err) {
        deps.log.error({ err: safeError(err) }, "outbox dispatcher error");
        await realSleep(1000);
      }
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
