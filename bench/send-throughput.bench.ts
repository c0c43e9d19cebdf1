/**
 * Outbox send throughput against Telegram's limits (target: ≥ 25 messages/s sustained, lost = 0, no
 * duplicates). An emulated Bot API on loopback (node:http) answers 429 with retry_after when more than 30
 * messages arrive within any 1 s window. 1,500 outbox messages (300 chats × 5, so per-chat order matters)
 * go through the real dispatcher (startOutboxDispatcher, default pacing) with a grammY Api pointed at the
 * emulator, over a scratch database on the real PostgreSQL. A second run paces above the limit on purpose
 * (45/s), and a third runs two dispatchers on one database (2 × 25/s), to show the 429 path: retry_after
 * is honoured, the rate adapts, nothing is lost or sent twice.
 *   npx tsx bench/send-throughput.bench.ts [messages=1500] [chats=300]
 */
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { Api } from "grammy";
import { enqueue } from "../src/cases/outbox";
import { systemClock } from "../src/clock";
import type { Db } from "../src/db/client";
import { type DispatchOptions, startOutboxDispatcher } from "../src/jobs/outbox-dispatcher";
import { createLogger } from "../src/logger";
import { startEmulator } from "./support/bot-api-emulator";
import { type BenchRow, emit, row } from "./support/report";
import { createScratchDatabase, rowsOf } from "./support/scratch-db";

const MESSAGES = Number(process.argv[2] ?? 1500);
const CHATS = Number(process.argv[3] ?? 300);

export interface SendBenchResult {
  label: string;
  messages: number;
  seconds: number;
  /** Accepted messages per second between the first and the last delivery. */
  sustainedPerSecond: number;
  /** Largest number of accepted messages in any 1 s window. */
  peakPerSecond: number;
  tooMany: number;
  lost: number;
  duplicates: number;
  outOfOrderChats: number;
}

async function pending(db: Db): Promise<number> {
  const [r] = rowsOf<{ n: number }>(
    await db.execute(sql`SELECT count(*)::int AS n FROM outbox WHERE state <> 'sent'`),
  );
  return r?.n ?? 0;
}

async function runOnce(
  db: Db,
  label: string,
  messages: number,
  chats: number,
  dispatch: DispatchOptions,
  instances = 1,
): Promise<SendBenchResult> {
  await db.execute(sql`TRUNCATE outbox RESTART IDENTITY`);
  const emulator = await startEmulator({ limit: 30, windowMs: 1000, retryAfter: 1 });
  try {
    const texts: string[] = [];
    const msgs = [];
    for (let i = 0; i < messages; i++) {
      const chatId = 9_000_000 + (i % chats);
      const text = `${label} #${i} chat ${chatId} seq ${Math.floor(i / chats)}`;
      texts.push(text);
      msgs.push({ chatId, text });
    }
    for (let i = 0; i < msgs.length; i += 500) await enqueue(db, msgs.slice(i, i + 500), systemClock());

    const api = new Api("123456:BENCH_TOKEN_abcdefghijklmnopqrstuvwxyz", { apiRoot: emulator.apiRoot });
    const log = createLogger("silent");
    const t0 = performance.now();
    const stops = Array.from({ length: instances }, () =>
      startOutboxDispatcher({ db, api, clock: systemClock, log, adminTelegramIds: [] }, dispatch),
    );
    const deadline = Date.now() + 10 * 60_000;
    while ((await pending(db)) > 0) {
      if (Date.now() > deadline) throw new Error("outbox did not drain in 10 minutes");
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(stops.map((stop) => stop()));

    const s = emulator.stats;
    const first = s.acceptedAt[0] ?? 0;
    const last = s.acceptedAt[s.acceptedAt.length - 1] ?? first;
    let peak = 0;
    for (let i = 0, j = 0; i < s.acceptedAt.length; i++) {
      while ((s.acceptedAt[j] as number) <= (s.acceptedAt[i] as number) - 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    let lost = 0;
    let duplicates = 0;
    for (const text of texts) {
      const n = s.deliveries.get(text) ?? 0;
      if (n === 0) lost++;
      if (n > 1) duplicates += n - 1;
    }
    // Per chat, the sequence numbers must arrive in order (the dispatcher claims a chat's oldest first).
    const rows = rowsOf<{ chat_id: string; ids: string[] }>(
      await db.execute(
        sql`SELECT chat_id, array_agg(id::text ORDER BY sent_at, id) AS ids FROM outbox GROUP BY chat_id`,
      ),
    );
    let outOfOrderChats = 0;
    for (const r of rows) {
      const ids = r.ids.map(Number);
      if (ids.some((id, k) => k > 0 && id < (ids[k - 1] as number))) outOfOrderChats++;
    }
    return {
      label,
      messages,
      seconds,
      sustainedPerSecond: s.acceptedAt.length > 1 ? (s.acceptedAt.length - 1) / ((last - first) / 1000) : 0,
      peakPerSecond: peak,
      tooMany: s.tooMany,
      lost,
      duplicates,
      outOfOrderChats,
    };
  } finally {
    await emulator.close();
  }
}

export async function run(messages = MESSAGES, chats = CHATS): Promise<SendBenchResult[]> {
  const scratch = await createScratchDatabase("send");
  try {
    const { db } = scratch.database;
    return [
      await runOnce(db, "default pacing", messages, chats, {}),
      await runOnce(db, "over the limit (45/s)", Math.round(messages / 2), chats, { ratePerSecond: 45 }),
      await runOnce(db, "two dispatchers", Math.round(messages / 2), chats, {}, 2),
    ];
  } finally {
    await scratch.drop();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await run();
  for (const r of results) {
    console.log(
      `${r.label.padEnd(21)} ${r.messages} messages in ${r.seconds.toFixed(1)} s: ` +
        `${r.sustainedPerSecond.toFixed(2)} msg/s sustained, peak ${r.peakPerSecond} in 1 s, ` +
        `429s ${r.tooMany}, lost ${r.lost}, duplicates ${r.duplicates}, chats out of order ${r.outOfOrderChats}`,
    );
  }
  const main = results[0]!;
  const ok = main.sustainedPerSecond >= 25 && results.every((r) => r.lost === 0 && r.duplicates === 0);
  console.log(ok ? "PASS (≥ 25 msg/s, lost 0, no duplicates)" : "FAIL");
  const rows: BenchRow[] = [];
  const none = { op: "=" as const, value: 0 };
  for (const [i, r] of results.entries()) {
    const m = (metric: string) => `${r.label}, ${r.messages.toLocaleString("en-US")} messages: ${metric}`;
    rows.push(
      row("send-throughput", {
        metric: m("sustained"),
        db: "postgres",
        value: r.sustainedPerSecond,
        unit: "msg/s",
        // The target is for the default pacing; the other two runs show the 429 path.
        ...(i === 0 ? { target: { op: "≥" as const, value: 25 } } : {}),
      }),
      row("send-throughput", {
        metric: m("peak in any 1 s"),
        db: "postgres",
        value: r.peakPerSecond,
        unit: "msg",
      }),
      row("send-throughput", { metric: m("429 answers"), db: "postgres", value: r.tooMany, unit: "" }),
      row("send-throughput", { metric: m("lost"), db: "postgres", value: r.lost, unit: "", target: none }),
      row("send-throughput", {
        metric: m("duplicates"),
        db: "postgres",
        value: r.duplicates,
        unit: "",
        target: none,
      }),
      row("send-throughput", {
        metric: m("chats out of order"),
        db: "postgres",
        value: r.outOfOrderChats,
        unit: "",
        target: none,
      }),
    );
  }
  emit(rows);
  process.exit(ok ? 0 : 1);
}
