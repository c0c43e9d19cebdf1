/**
 * Conversation state in Postgres for @grammyjs/conversations v2. A text column, not jsonb: jsonb
 * rejects \u0000, which users can type. Keyed by chat, so a restart resumes where the user was. Here, in
 * db/, because both the bot (which runs the conversations) and the jobs (which drop idle drafts,
 * src/jobs/drafts.ts) read it: the jobs need nothing from the bot.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../clock";
import type { Db } from "./client";
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
      return row ? (JSON.parse(row.value) as VersionedState<ConversationData>) : undefined;
    },
    async write(key: string, state: VersionedState<ConversationData>): Promise<void> {
      const value = JSON.stringify(state);
      await writeQuery.execute({ key, value, at: clock() });
    },
    async delete(key: string): Promise<void> {
      await db.delete(conversationState).where(eq(conversationState.key, key));
    },
  };
}

type State = VersionedState<ConversationData>;
export type ConversationAdapter = ReturnType<typeof conversationStorage>;

/**
 * Conversation state changes only when the update that changed it succeeds. The conversations plugin
 * saves state in a `finally`, and when a conversation throws (a database error inside `external`, a reply
 * that failed) it drops that conversation and deletes its state: the learner's draft was gone after one
 * transient failure (issue 12.2). Here the plugin's writes and deletes are held for the update and applied
 * by `commit` only when the rest of the update succeeded; a failed update leaves the state as it was, so
 * the learner repeats the step ("try again") and the conversation replays from where it stood.
 */
export function perUpdateStorage(inner: ConversationAdapter) {
  type Op = { kind: "write"; state: State } | { kind: "delete" };
  const held = new AsyncLocalStorage<Map<string, Op>>();
  const adapter: ConversationAdapter = {
    async read(key) {
      const op = held.getStore()?.get(key);
      if (op) return op.kind === "write" ? op.state : undefined;
      return inner.read(key);
    },
    async write(key, state) {
      const ops = held.getStore();
      if (ops) ops.set(key, { kind: "write", state });
      else await inner.write(key, state);
    },
    async delete(key) {
      const ops = held.getStore();
      if (ops) ops.set(key, { kind: "delete" });
      else await inner.delete(key);
    },
  };
  /** Middleware installed before the conversations plugin. */
  const commit = async (_ctx: unknown, next: () => Promise<void>) => {
    const ops = new Map<string, Op>();
    await held.run(ops, next); // throws: nothing is applied
    for (const [key, op] of ops) {
      if (op.kind === "write") await inner.write(key, op.state);
      else await inner.delete(key);
    }
  };
  return { adapter, commit };
}
