/**
 * Two dispatchers and a Telegram flood wait longer than the outbox lease (issue 12.3). Dispatcher A claims
 * a batch; its first send gets 429 with retry_after longer than the lease, so A's pacer holds the rest of
 * the batch for that long. Meanwhile the lease runs out and dispatcher B claims and sends the same rows.
 * Before the fix A then sent them again (28 of 120 twice in the adversarial run). Now a dispatcher
 * re-checks and extends its claim right before each send, and drops rows another dispatcher has taken.
 * Real time here (the lease and the wait are short), on both databases.
 */
import { describe, expect, it } from "vitest";
import { enqueue } from "../../src/cases/outbox";
import { outbox } from "../../src/db/schema";
import { dispatchOnce } from "../../src/jobs/outbox-dispatcher";
import { createLogger } from "../../src/logger";
import { useHarness } from "../support/harness";

const LEASE_MS = 300;
const RETRY_AFTER_S = 1; // longer than the lease

describe("outbox: a flood wait longer than the lease, two dispatchers", () => {
  const hr = useHarness();

  it("no message is sent twice, and every message is sent", async () => {
    const h = hr.current;
    const realClock = () => new Date();
    const chats = Array.from({ length: 20 }, (_, i) => 7000 + i);
    await enqueue(
      h.db,
      chats.map((chatId) => ({ chatId, text: `message for ${chatId}` })),
      new Date(Date.now() - 1000),
    );
    const deps = {
      db: h.db,
      api: h.api,
      clock: realClock,
      log: createLogger("silent"),
      adminTelegramIds: [],
    };
    const opts = { leaseMs: LEASE_MS, ratePerSecond: 1000, concurrency: 1, batchSize: 50 };
    h.tg.failNext(
      1,
      { kind: "http", code: 429, description: "Too Many Requests: retry after 1", retryAfter: RETRY_AFTER_S },
      "sendMessage",
    );

    const a = dispatchOnce(deps, opts); // claims all 20; the first send is refused; the rest wait 1 s
    await new Promise((r) => setTimeout(r, LEASE_MS + 200)); // A's lease on the waiting rows has run out
    const b = await dispatchOnce(deps, opts); // B takes them over and sends them
    const aStats = await a;
    expect(b.claimed).toBe(19);
    expect(aStats.claimed).toBe(20);
    expect(aStats.released).toBe(19); // A found B's claim on every row it had waited on, and left them

    // The one refused message comes due after retry_after; then everything has gone out.
    await new Promise((r) => setTimeout(r, RETRY_AFTER_S * 1000));
    for (let i = 0; i < 5; i++) await dispatchOnce(deps, opts);

    const sends = h.tg.sent("sendMessage").map((p) => Number(p.chat_id));
    const twice = chats.filter((c) => sends.filter((s) => s === c).length > 1);
    expect(twice).toEqual([]);
    expect([...new Set(sends)].sort()).toEqual(chats);
    const rows = await h.db.select().from(outbox);
    expect(rows.every((r) => r.state === "sent")).toBe(true);
  }, 30_000);
});
