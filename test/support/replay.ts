/**
 * Pins a conversation's stored call sequence (conversations v2 replays it: its waits, external() calls and
 * Bot API calls in order), update by update, against a file recorded from the code of the current
 * CONVERSATION_VERSION. Used by test/cases/report-replay.test.ts and test/cases/open-case-replay.test.ts;
 * their header comments say when and how to record.
 *
 *   const pin = replayPin({ file, conversation: "report", record: process.env.X === "1", version });
 *   const step = pin.script("name", h, tg);
 *   await step("label", () => h.text(tg, "…"));
 *   if (!pin.record) expect(pin.recorded.name).toEqual(pin.pinned().name);
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll } from "vitest";
import { conversationState } from "../../src/db/schema";
import type { Harness, TgUser } from "./harness";

/** Per script, per update: "what the update was: the operations it added (+…), or the whole list (=…)". */
export type Pinned = Record<string, string[]>;

/** Call at a test file's top level or in a describe: when recording, the file is written after all tests. */
export function replayPin(opts: { file: string; conversation: string; record: boolean; version: number }) {
  const recorded: Pinned = {};
  afterAll(() => {
    if (opts.record) writeFileSync(opts.file, `${JSON.stringify(recorded, null, 2)}\n`);
  });

  /** Runs updates, noting after each the operations of the conversation stored for this chat. */
  function script(name: string, h: Harness, tg: TgUser) {
    const log: string[] = [];
    recorded[name] = log;
    let before: string[] = [];
    return async (label: string, update: () => Promise<unknown>) => {
      await update();
      const [row] = await h.db
        .select({ value: conversationState.value })
        .from(conversationState)
        .where(eq(conversationState.key, String(tg.id)));
      const state = row ? JSON.parse(row.value) : null;
      const ops: string[] =
        state?.state?.[opts.conversation]?.[0]?.replay?.send?.map((op: { payload: string }) => op.payload) ??
        [];
      const grew = ops.length >= before.length && before.every((op, i) => ops[i] === op);
      log.push(`${label}: ${grew ? `+${ops.slice(before.length).join(" ")}` : `=${ops.join(" ")}`}`);
      before = ops;
    };
  }

  function pinned(): Pinned {
    if (!existsSync(opts.file)) {
      throw new Error(
        `${opts.file} is missing: record it for conversation version ${opts.version} (see the test's header)`,
      );
    }
    return JSON.parse(readFileSync(opts.file, "utf8"));
  }

  return { record: opts.record, recorded, script, pinned };
}
