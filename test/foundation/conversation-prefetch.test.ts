/**
 * The per-update conversation storage (src/db/conversation-storage.ts perUpdateStorage) with a value handed
 * over from the identity's statement (issue 17), against a store that records what it is asked: the handed
 * value serves the first read of its key in its own update only; writes and deletes are still held until
 * the update succeeds.
 */
import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import { describe, expect, it } from "vitest";
import { type ConversationAdapter, perUpdateStorage } from "../../src/db/conversation-storage";

type State = VersionedState<ConversationData>;
const state = (n: number): State => ({ version: [0, n], state: {} }) as State;

/** A store in memory that notes every call. */
function recordingStore(initial: Record<string, State> = {}) {
  const rows = new Map(Object.entries(initial).map(([k, v]) => [k, JSON.stringify(v)]));
  const calls: string[] = [];
  const inner: ConversationAdapter = {
    async read(key) {
      calls.push(`read ${key}`);
      const v = rows.get(key);
      return v === undefined ? undefined : (JSON.parse(v) as State);
    },
    async write(key, s) {
      calls.push(`write ${key}`);
      rows.set(key, JSON.stringify(s));
    },
    async delete(key) {
      calls.push(`delete ${key}`);
      rows.delete(key);
    },
  };
  return { inner, calls, rows };
}

describe("conversation state handed over with the identity (issue 17)", () => {
  it("serves the first read of its key in its update; a second read and another key ask the store", async () => {
    const { inner, calls } = recordingStore({ "1": state(1), "2": state(2) });
    const s = perUpdateStorage(inner);
    const ctx = {};
    s.prefetched(ctx, "1", JSON.stringify(state(7)));
    const seen: unknown[] = [];
    await s.commit(ctx, async () => {
      seen.push(await s.adapter.read("1")); // the handed value (what the identity's statement read)
      seen.push(await s.adapter.read("2"));
      seen.push(await s.adapter.read("1")); // once only: the store again
    });
    expect(seen).toEqual([state(7), state(2), state(1)]);
    expect(calls).toEqual(["read 2", "read 1"]);
  });

  it("nothing stored (null) reads as nothing, without asking the store", async () => {
    const { inner, calls } = recordingStore({ "1": state(1) });
    const s = perUpdateStorage(inner);
    const ctx = {};
    s.prefetched(ctx, "1", null);
    let seen: unknown = "unset";
    await s.commit(ctx, async () => {
      seen = await s.adapter.read("1");
    });
    expect(seen).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("belongs to its own update: another update, or one with nothing handed, reads the store", async () => {
    const { inner, calls } = recordingStore({ "1": state(1) });
    const s = perUpdateStorage(inner);
    const a = {};
    const b = {};
    s.prefetched(a, "1", JSON.stringify(state(9)));
    const seen: unknown[] = [];
    await s.commit(b, async () => {
      seen.push(await s.adapter.read("1"));
    });
    await s.commit(a, async () => {
      seen.push(await s.adapter.read("1"));
    });
    await s.commit(a, async () => {
      seen.push(await s.adapter.read("1")); // taken by the first commit of `a`
    });
    expect(seen).toEqual([state(1), state(9), state(1)]);
    expect(calls).toEqual(["read 1", "read 1"]);
  });

  it("writes stay held: a failed update applies nothing, and a held write wins over the handed value", async () => {
    const { inner, calls, rows } = recordingStore({ "1": state(1) });
    const s = perUpdateStorage(inner);
    const failing = {};
    s.prefetched(failing, "1", JSON.stringify(state(1)));
    await expect(
      s.commit(failing, async () => {
        await s.adapter.read("1");
        await s.adapter.write("1", state(2));
        throw new Error("the reply failed");
      }),
    ).rejects.toThrow("the reply failed");
    expect(calls).toEqual([]);
    expect(rows.get("1")).toBe(JSON.stringify(state(1)));

    const ok = {};
    s.prefetched(ok, "1", JSON.stringify(state(1)));
    let reread: unknown;
    await s.commit(ok, async () => {
      await s.adapter.write("1", state(3));
      reread = await s.adapter.read("1"); // the held write, not the handed value
      await s.adapter.delete("2");
    });
    expect(reread).toEqual(state(3));
    expect(calls).toEqual(["write 1", "delete 2"]);
    expect(rows.get("1")).toBe(JSON.stringify(state(3)));
  });
});
