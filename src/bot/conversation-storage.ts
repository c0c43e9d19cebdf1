/**
 * Conversation state in Postgres for @grammyjs/conversations v2. A text column, not jsonb: jsonb
 * rejects \u0000, which users can type. Keyed by chat, so a restart resumes where the user was.
 */
import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import { eq, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { conversationState } from "../db/schema";

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

/** Drops conversations untouched for `olderThan` (abandoned flows of old versions pile up otherwise). */
export async function pruneConversations(db: Db, olderThan: Date): Promise<number> {
  const rows = await db
    .delete(conversationState)
    .where(lt(conversationState.updatedAt, olderThan))
    .returning({ key: conversationState.key });
  return rows.length;
}
