import { describe, expect, it } from "vitest";
import { enqueue } from "../../src/cases/outbox";
import { outbox } from "../../src/db/schema";
import { dispatchOnce } from "../../src/jobs/outbox-dispatcher";
import { createLogger } from "../../src/logger";
import { useHarness } from "../support/harness";

describe("outbox dispatcher and Telegram's limits", () => {
  const hr = useHarness({ now: "2026-03-16T05:00:00Z" });

  it("waits retry_after on 429, keeps each chat's order, and delivers every message once", async () => {
    const h = hr.current;
    await enqueue(
      h.db,
      [
        { chatId: 1, text: "a1" },
        { chatId: 2, text: "b1" },
        { chatId: 1, text: "a2" },
        { chatId: 2, text: "b2" },
      ],
      h.clock(),
    );
    h.tg.failNext(1, {
      kind: "http",
      code: 429,
      description: "Too Many Requests: retry after 7",
      retryAfter: 7,
    });
    const pauses: number[] = [];
    const deps = { db: h.db, api: h.api, clock: h.clock, log: createLogger("silent"), adminTelegramIds: [] };
    const opts = { sleep: async (ms: number) => void pauses.push(ms), ratePerSecond: 1e9, concurrency: 1 };
    const first = await dispatchOnce(deps, opts);
    expect(first).toMatchObject({ claimed: 2, sent: 1, retried: 1 });
    // Everyone waited retry_after before the next send (a 429 is for the whole bot).
    expect(pauses[0]).toBeGreaterThan(6_900);
    // Chat 1's first message was refused: nothing more goes to chat 1 until it is through.
    for (let i = 0; i < 3; i++) await dispatchOnce(deps, opts);
    expect(h.tg.textsTo(1)).toEqual([]);
    expect(h.tg.textsTo(2)).toEqual(["b1", "b2"]);
    h.clock.advance(6_999);
    expect((await dispatchOnce(deps, opts)).claimed).toBe(0);
    h.clock.advance(1);
    await h.flush();
    expect(h.tg.textsTo(1)).toEqual(["a1", "a2"]);
    const rows = await h.db.select().from(outbox);
    expect(rows.every((r) => r.state === "sent")).toBe(true);
  });
});
