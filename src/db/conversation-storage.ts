/**
 * Conversation state in Postgres for @grammyjs/conversations v2. A text column, not jsonb: jsonb
 * rejects \u0000, which users can type. Keyed by chat, so a restart resumes where the user was. Here, in
 * db/, because both the bot (which runs the conversations) and the jobs (which drop idle drafts,
 * src/jobs/drafts.ts) read it: the jobs need nothing from the bot.
 */
import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../clock";
import type { Db } from "./client";
import { slimConversationState } from "./conversation-slim";
import { conversationState } from "./schema";

/**
 * Bumped whenever a conversation's flow changes: older stored states are then dropped. Here, not in
 * create-bot, so the jobs can tell a resumable draft without loading the bot.
 */
export const CONVERSATION_VERSION = 2;

/** The id of the learner's report conversation (src/bot/conversations/report.ts), whose drafts the jobs read. */
export const REPORT_CONVERSATION = "report";

export function conversationStorage(db: Db, clock: Clock = () => new Date()) {
  // Prepared once: read on every update of every chat.
  const readQuery = db
    .select({ value: conversationState.value })
    .from(conversationState)
    .where(eq(conversationState.key, sql.placeholder("key")))
    .prepare("conversation_read");
  const writeQuery = db
    .insert(conversationState)
    .values({
      key: sql.placeholder("key"),
      value: sql.placeholder("value"),
      updatedAt: sql.placeholder("at"),
    })
    .onConflictDoUpdate({
      target: conversationState.key,
      set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` },
    })
    .prepare("conversation_write");
  return {
    async read(key: string): Promise<VersionedState<ConversationData> | undefined> {
      const [row] = await readQuery.execute({ key });
      return parseState(row?.value ?? null);
    },
    async write(key: string, state: VersionedState<ConversationData>): Promise<void> {
      const value = JSON.stringify(slimConversationState(state));
      await writeQuery.execute({ key, value, at: clock() });
    },
    async delete(key: string): Promise<void> {
      await db.delete(conversationState).where(eq(conversationState.key, key));
    },
  };
}

type State = VersionedState<ConversationData>;
export type ConversationAdapter = ReturnType<typeof conversationStorage>;

/** A stored value as the plugin wants it (null: nothing stored). */
const parseState = (value: string | null): State | undefined =>
  value === null ? undefined : (JSON.parse(value) as State);

/** The stored value of one key, read by someone else earlier in the same update (the identity's statement). */
interface Prefetched {
  key: string;
  value: string | null;
}

/**
 * Conversation state changes only when the update that changed it succeeds. The conversations plugin
 * saves state in a `finally`, and when a conversation throws (a database error inside `external`, a reply
 * that failed) it drops that conversation and deletes its state: the learner's draft was gone after one
 * transient failure (issue 12.2). Here the plugin's writes and deletes are held for the update and applied
 * by `commit` only when the rest of the update succeeded; a failed update leaves the state as it was, so
 * the learner repeats the step ("try again") and the conversation replays from where it stood.
 *
 * Issue 17: the plugin's read at the start of an update costs no statement of its own when the update's
 * value was already read with the sender's identity (src/people/identity.ts loadIdentityWithState) and
 * handed over with `prefetched(ctx, key, value)` before `commit` runs: the first read of that same key in
 * that update takes it. It was read inside the same per-chat order (and webhook mode's lock) as the read it
 * replaces, a moment earlier in the same update: the same value. Any other key, a second read, or an update
 * with nothing handed over reads the database as before.
 *
 * What an update holds is found by its storage key (`keyOf`, the plugin's getStorageKey: the chat), the
 * only key the plugin reads and writes in that update, and the one the adapter is called with. The bot
 * handles one update per chat at a time (sequentialize, src/bot/create-bot.ts), so a key names one update:
 * `commit` sets its entry for the rest of the update and removes it in a `finally`, thrown or not. An
 * update without a key (no chat: an inline query) holds nothing; the plugin has no conversation there.
 * Not an ambient async context: keeping one turns on Node's promise hooks for the whole process, 4-7 % of
 * the bot's CPU (issue 17).
 */
export function perUpdateStorage<C extends object>(
  inner: ConversationAdapter,
  keyOf: (ctx: C) => string | undefined,
) {
  type Op = { kind: "write"; state: State } | { kind: "delete" };
  interface Held {
    ops: Map<string, Op>;
    prefetched: Prefetched | undefined;
  }
  /** The updates being handled, by storage key. */
  const held = new Map<string, Held>();
  /** Handed over for an update (keyed by its context object), taken by that update's `commit`. */
  const handed = new WeakMap<C, Prefetched>();
  const adapter: ConversationAdapter = {
    async read(key) {
      const scope = held.get(key);
      const op = scope?.ops.get(key);
      if (op) return op.kind === "write" ? op.state : undefined;
      const pre = scope?.prefetched;
      if (pre && pre.key === key) {
        scope.prefetched = undefined; // once: a later read asks the database, as it always did
        return parseState(pre.value);
      }
      return inner.read(key);
    },
    async write(key, state) {
      const ops = held.get(key)?.ops;
      if (ops) ops.set(key, { kind: "write", state });
      else await inner.write(key, state);
    },
    async delete(key) {
      const ops = held.get(key)?.ops;
      if (ops) ops.set(key, { kind: "delete" });
      else await inner.delete(key);
    },
  };
  /** The stored value of `key` as read earlier in this update (null: none stored). */
  const prefetched = (ctx: C, key: string, value: string | null): void => {
    handed.set(ctx, { key, value });
  };
  /** Middleware installed before the conversations plugin. */
  const commit = async (ctx: C, next: () => Promise<void>) => {
    const pre = handed.get(ctx);
    handed.delete(ctx);
    const key = keyOf(ctx);
    if (key === undefined) return next();
    if (held.has(key)) throw new Error("two updates of one chat handled at once");
    const scope: Held = { ops: new Map(), prefetched: pre };
    held.set(key, scope);
    try {
      await next(); // throws: nothing is applied
    } finally {
      held.delete(key);
    }
    for (const [k, op] of scope.ops) {
      if (op.kind === "write") await inner.write(k, op.state);
      else await inner.delete(k);
    }
  };
  return { adapter, commit, prefetched };
}
