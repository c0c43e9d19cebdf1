/**
 * The per-update conversation storage (src/db/conversation-storage.ts perUpdateStorage) with a value handed
 * over from the identity's statement (issue 17), against a store that records what it is asked: the handed
 * value serves the first read of its key in its own update only; writes and deletes are still held until
 * the update succeeds. What an update holds is found by its storage key (the chat), not by an ambient async
 * context: two chats' updates at once keep theirs apart, and a thrown update leaves nothing behind.
 */
import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import { describe, expect, it } from "vitest";
import { type ConversationAdapter, perUpdateStorage } from "../../src/db/conversation-storage";

type State = VersionedState<ConversationData>;
const state = (n: number): State => ({ version: [0, n], state: {} }) as State;

/** An update's context as the storage sees it: only its storage key (the bot's is the chat id). */
interface Update {
  chat?: string;
}
const keyOf = (ctx: Update) => ctx.chat;

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
    const s = perUpdateStorage(inner, keyOf);
    const ctx = { chat: "1" };
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
    const s = perUpdateStorage(inner, keyOf);
    const ctx = { chat: "1" };
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
    const s = perUpdateStorage(inner, keyOf);
    const a = { chat: "1" };
    const b = { chat: "1" };
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
    const s = perUpdateStorage(inner, keyOf);
    const failing = { chat: "1" };
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

    const ok = { chat: "1" };
    s.prefetched(ok, "1", JSON.stringify(state(1)));
    let reread: unknown;
    await s.commit(ok, async () => {
      await s.adapter.write("1", state(3));
      reread = await s.adapter.read("1"); // the held write, not the handed value
    });
    expect(reread).toEqual(state(3));
    expect(calls).toEqual(["write 1"]);
    expect(rows.get("1")).toBe(JSON.stringify(state(3)));

    const deleting = { chat: "1" };
    await s.commit(deleting, async () => {
      await s.adapter.delete("1");
      expect(calls).toEqual(["write 1"]); // held
    });
    expect(calls).toEqual(["write 1", "delete 1"]);
  });

  it("two chats' updates at once each hold their own; one failing applies nothing of its own only", async () => {
    const { inner, calls, rows } = recordingStore({ "1": state(1), "2": state(2) });
    const s = perUpdateStorage(inner, keyOf);
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const one = { chat: "1" };
    const two = { chat: "2" };
    s.prefetched(one, "1", JSON.stringify(state(1)));
    s.prefetched(two, "2", JSON.stringify(state(2)));
    const first = s.commit(one, async () => {
      expect(await s.adapter.read("1")).toEqual(state(1));
      await s.adapter.write("1", state(10));
      await gate; // the other chat's update runs meanwhile
      expect(await s.adapter.read("1")).toEqual(state(10));
      throw new Error("the reply failed");
    });
    await s.commit(two, async () => {
      expect(await s.adapter.read("2")).toEqual(state(2)); // its own handed value
      await s.adapter.write("2", state(20));
      open();
    });
    await expect(first).rejects.toThrow("the reply failed");
    expect(calls).toEqual(["write 2"]);
    expect(rows.get("1")).toBe(JSON.stringify(state(1)));
    expect(rows.get("2")).toBe(JSON.stringify(state(20)));
  });

  it("a thrown update leaves nothing behind; without a key (no chat) nothing is held", async () => {
    const { inner, calls } = recordingStore({ "1": state(1) });
    const s = perUpdateStorage(inner, keyOf);
    await expect(
      s.commit({ chat: "1" }, async () => {
        await s.adapter.write("1", state(2));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    // Outside any update the adapter is the store itself: the failed update's entry is gone.
    await s.adapter.write("1", state(3));
    expect(calls).toEqual(["write 1"]);
    // The next update of that chat holds again.
    await s.commit({ chat: "1" }, async () => {
      await s.adapter.write("1", state(4));
      expect(calls).toEqual(["write 1"]);
    });
    expect(calls).toEqual(["write 1", "write 1"]);
    // An update without a chat: the plugin's calls go straight to the store.
    await s.commit({}, async () => {
      await s.adapter.write("undefined", state(5));
      expect(calls).toEqual(["write 1", "write 1", "write undefined"]);
    });
  });

  it("two updates of one chat at once are refused (the bot orders them per chat)", async () => {
    const { inner } = recordingStore();
    const s = perUpdateStorage(inner, keyOf);
    await s.commit({ chat: "1" }, async () => {
      await expect(s.commit({ chat: "1" }, async () => {})).rejects.toThrow("two updates of one chat");
    });
  });
});
