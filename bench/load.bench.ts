/**
 * 1,000 learners filling reports at once through the full stack (createBot, conversations in Postgres,
 * use cases, real PostgreSQL) with a fake Bot API; then the same flow on bare grammY with in-memory
 * conversation state as the reference. Prints sustained updates/s, p50/p99 handling latency, peak RSS.
 * Targets (issue 17; before it, ≥ 500 updates/s, p99 ≤ 50 ms, peak RSS ≤ 250 MB): throughput ≥ 0.5× the
 * reference's measured in the same run, p99 ≤ 2× the reference's, peak RSS ≤ 200 MB, on PostgreSQL and on
 * the embedded database (PGlite, files in a temporary DATA_DIR as `npm start` keeps them): each full stack
 * and the reference run in a child process of their own (bundled, as `npm start` runs), so that each peak RSS is its own; both full stacks
 * are compared with the one reference of the run.
 *   npx tsx bench/load.bench.ts [learners=1000] [concurrency=4] [postgres|pglite|both=both]
 * BENCH_COUNT_QUERIES=1 also prints, for the full stack on PostgreSQL (postgres.js only), the SQL statements per update by step and the top
 * statements by count and by total time (bench/support/query-counter.ts; off by default, it costs time);
 * BENCH_COUNT_QUERIES_JSON=<file> writes every distinct statement with one example as sent (for EXPLAIN).
 * BENCH_KEEP_DB=1 keeps the scratch database (its URL on stderr) for EXPLAIN; drop it by hand.
 * Profiling the full stack (the child where the bot runs): BENCH_PRINT_WINDOW=1 node --cpu-prof
 * --import tsx bench/load.bench.ts 300 4 full, then node bench/support/cpuprofile-top.mjs <file> --window <printed>.
 * All 1,000 learners are mid-report at once; `concurrency` is how many chats are being handled at the same
 * instant (the runner's in-flight updates). Latency is the time to handle one update.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from "@grammyjs/conversations";
import { Bot, type Context } from "grammy";
import type { Update } from "grammy/types";
import { createBot } from "../src/bot/create-bot";
import { type Database, type Db, openDatabase } from "../src/db/client";
import { conversationStorage } from "../src/db/conversation-storage";
import { institutions, officialRoles, officials, students, users } from "../src/db/schema";
import { HEAP } from "../src/demo/program";
import { createLogger } from "../src/logger";
import { BOT_INFO, FakeTelegram } from "../test/support/telegram";
import {
  installQueryCounter,
  queryReport,
  queryStats,
  startCounting,
  stopCounting,
  withLabel,
} from "./support/query-counter";
import { emit, type RowInput, row } from "./support/report";
import { rowsOf, type Scratch, createScratchDatabase as scratchDatabase } from "./support/scratch-db";

const LEARNERS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 4);
/** Learners run first and not measured: JIT, the connection pool and prepared statements warm up. */
const WARMUP = 100;
const REASONS = "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.";
const STEPS = ["/report", "ground", "reasons", "conscript", "phone", "language", "submit"];

/** The seven updates of one report: /report, ground, reasons, conscript, phone, language, submit. */
function flow(userId: number, nextId: () => number): Update[] {
  const chat = { id: userId, type: "private" as const, first_name: "L" };
  const from = { id: userId, is_bot: false, first_name: "L" };
  const msg = (text: string, command = false) => ({
    update_id: nextId(),
    message: {
      message_id: nextId(),
      date: 0,
      chat,
      from,
      text,
      ...(command ? { entities: [{ type: "bot_command" as const, offset: 0, length: text.length }] } : {}),
    },
  });
  const press = (data: string) => ({
    update_id: nextId(),
    callback_query: {
      id: String(nextId()),
      from,
      chat_instance: "x",
      data,
      message: { message_id: 1, date: 0, chat, text: "" },
    },
  });
  return [
    msg("/report", true),
    press("r:g:own_will"),
    msg(REASONS),
    press("r:c:no"),
    msg("+7 700 123 45 67"),
    press("r:l:ru"),
    press("r:submit"),
  ] as Update[];
}

async function drive(handle: (u: Update) => Promise<void>, learnerIds: number[]) {
  let seq = 1;
  const nextId = () => seq++;
  const latencies: number[] = [];
  const byStep: number[][] = Array.from({ length: 7 }, () => []);
  // process.memoryUsage.rss(), not process.memoryUsage(): the latter walks the heap's spaces, ~0.4 ms a
  // call here, 2 % of the measured process's time at one call every 20 ms (seen in a --cpu-prof profile).
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  // All learners are mid-report at once: each worker takes the next learner in line, handles ONE of its
  // updates and puts it back at the end, so the 1,000 conversations interleave while a learner's own
  // updates stay in order (none is taken again while its previous update is in flight).
  const line = learnerIds.map((id) => ({ updates: flow(id, nextId), next: 0 }));
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    for (let l = line.shift(); l; l = line.shift()) {
      const i = l.next++;
      const t0 = performance.now();
      await withLabel(STEPS[i]!, () => handle(l.updates[i]!));
      const dt = performance.now() - t0;
      latencies.push(dt);
      byStep[i]?.push(dt);
      if (l.next < l.updates.length) line.push(l);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  // This process's CPU (user + system) per update: what the handling costs in node, whatever else runs
  // on the machine (PostgreSQL shares its 2 cores), so comparable between runs on a busy machine.
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  latencies.sort((a, b) => a - b);
  const pct = (p: number, xs = latencies) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const p99ByStep = Object.fromEntries(
    byStep.map((xs, i) => [
      STEPS[i],
      Number(
        pct(
          99,
          xs.sort((a, b) => a - b),
        ).toFixed(1),
      ),
    ]),
  );
  return {
    p99ByStep,
    updates: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: pct(50),
    p99: pct(99),
    peakRssMb: peakRss / 2 ** 20,
    cpuMsPerUpdate: (cpu.user + cpu.system) / 1000 / latencies.length,
  };
}

/** Parameters as sent may hold drizzle objects (columns, which refer back to their table): named, not walked. */
const safeJson = (_key: string, v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v) && v.constructor?.name?.startsWith("Pg")
    ? `[${v.constructor.name}]`
    : v;

/**
 * The embedded database as the program opens it without DATABASE_URL: PGlite files under DATA_DIR. The
 * parent creates and migrates it in a child of its own first (BENCH_PGLITE_DATA_DIR; it removes it too): a
 * new directory costs initdb in a second PGlite instance, whose memory the process keeps (about 800 MB of
 * RSS at its peak, 580 MB after it, against 350 MB for a program that opens an existing directory, as every
 * start but the first does). Run alone, the child makes a new one.
 */
async function scratchPglite(): Promise<{ database: Database; drop(): Promise<void> }> {
  const given = process.env.BENCH_PGLITE_DATA_DIR;
  const dataDir = given ?? mkdtempSync(path.join(tmpdir(), "load-bench-"));
  const database = await openDatabase({ dataDir });
  return {
    database,
    async drop() {
      await database.close();
      if (!given) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function fullStack(kind: "postgres" | "pglite" = "postgres") {
  installQueryCounter();
  const scratch: Pick<Scratch, "database" | "drop"> & { url?: string } =
    kind === "postgres" ? await scratchDatabase("load", 20) : await scratchPglite();
  const db = scratch.database.db;
  try {
    const [inst] = await db
      .insert(institutions)
      .values({
        code: "B",
        nameKk: "A",
        nameRu: "A",
        headTitleKk: "A бастығына",
        headTitleRu: "Начальнику A",
      })
      .returning();
    const ids = Array.from({ length: LEARNERS + WARMUP }, (_, i) => 3_000_000 + i);
    const userRows = await db
      .insert(users)
      .values(ids.map((telegramId) => ({ telegramId })))
      .returning();
    await db.insert(students).values(
      userRows.map((u, i) => ({
        institutionId: inst!.id,
        personalNumber: `P${i}`,
        fullName: `Learner ${i}`,
        rank: "курсант",
        category: "cadet" as const,
        userId: u.id,
      })),
    );
    // The officials a report reaches at once (the deputy head's opinion and interview, the head's cl. 20
    // instruction): an institution ready to work, so no report alerts that a role has nobody (D14).
    for (const [i, role] of (["deputy_personnel", "head"] as const).entries()) {
      const [u] = await db
        .insert(users)
        .values({ telegramId: 4_000_000 + i })
        .returning();
      const [o] = await db
        .insert(officials)
        .values({ institutionId: inst!.id, fullName: role, userId: u!.id })
        .returning();
      await db.insert(officialRoles).values({ officialId: o!.id, role });
    }
    const tg = new FakeTelegram();
    tg.record = false;
    const bot = createBot(
      { token: "1:BENCH_TOKEN_abcdefghijklmnopqrstuvwxyz" },
      { db, clock: () => new Date(), log: createLogger("silent"), adminTelegramIds: [] },
      { botInfo: BOT_INFO, client: { fetch: tg.fetch as never } },
    );
    await drive((u) => bot.handleUpdate(u), ids.slice(LEARNERS)); // warm-up: JIT, pool, prepared statements
    startCounting();
    const from = process.hrtime.bigint();
    const result = await drive((u) => bot.handleUpdate(u), ids.slice(0, LEARNERS));
    const to = process.hrtime.bigint();
    stopCounting();
    // For node --cpu-prof: the measured run's window on the profile's clock (CLOCK_MONOTONIC, µs), for
    // bench/support/cpuprofile-top.mjs --window.
    if (process.env.BENCH_PRINT_WINDOW === "1")
      process.stderr.write(`measured window: ${from / 1000n},${to / 1000n}\n`);
    const counted = queryReport(STEPS);
    // stderr: the parent passes it through, and stdout's last line stays the result.
    if (counted) process.stderr.write(`${counted}\n`);
    if (process.env.BENCH_COUNT_QUERIES_JSON) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(process.env.BENCH_COUNT_QUERIES_JSON, JSON.stringify(queryStats(), safeJson, 2));
    }
    const [{ n }] = rowsOf<{ n: number }>(
      await db.execute(`select count(*)::int as n from cases` as never),
    ) as [{ n: number }];
    return { ...result, cases: n - WARMUP };
  } finally {
    if (process.env.BENCH_KEEP_DB === "1" && scratch.url) {
      // For EXPLAIN on a database filled as the run fills it; drop it by hand afterwards.
      await scratch.database.close();
      process.stderr.write(`kept the scratch database: ${scratch.url}\n`);
      // The scratch helper's admin connection stays open without a drop: end the process once it has answered.
      setTimeout(() => process.exit(0), 1000).unref();
    } else await scratch.drop();
  }
}

type RefContext = ConversationFlavor<Context>;

/**
 * The same seven-step flow on bare grammY with in-memory conversation state and no database. With `db`
 * ("floor"), the conversation state lives in PostgreSQL through the program's own storage (one prepared
 * read and one prepared write per update) and nothing else does: the least any bot that keeps a chat's
 * state across restarts in this database pays, so what the full stack can at most approach.
 */
async function reference(db?: Db) {
  const tg = new FakeTelegram();
  tg.record = false;
  const bot = new Bot<RefContext>("1:BENCH_TOKEN_abcdefghijklmnopqrstuvwxyz", {
    botInfo: BOT_INFO,
    client: { fetch: tg.fetch as never },
  });
  bot.use(
    db
      ? conversations({ storage: { type: "key", version: 1, adapter: conversationStorage(db) as never } })
      : conversations(),
  );
  let filed = 0;
  async function report(conversation: Conversation<RefContext, Context>, ctx: Context) {
    await ctx.reply("ground?");
    const g = await conversation.waitForCallbackQuery(/^r:g:/);
    await g.answerCallbackQuery();
    await g.reply("reasons?");
    const r = await conversation.waitFor("message:text");
    await r.reply("conscript?");
    const c = await conversation.waitForCallbackQuery(/^r:c:/);
    await c.answerCallbackQuery();
    await c.reply("phone?");
    const p = await conversation.waitFor("message:text");
    await p.reply("lang?");
    const l = await conversation.waitForCallbackQuery(/^r:l:/);
    await l.answerCallbackQuery();
    await l.reply(`preview ${r.message.text}`);
    const s = await conversation.waitForCallbackQuery("r:submit");
    await s.answerCallbackQuery();
    filed++;
    await s.reply("submitted");
  }
  bot.use(createConversation(report, "report"));
  bot.command("report", (ctx) => ctx.conversation.enter("report"));
  const ids = Array.from({ length: LEARNERS + WARMUP }, (_, i) => 3_000_000 + i);
  await drive((u) => bot.handleUpdate(u), ids.slice(LEARNERS));
  const result = await drive((u) => bot.handleUpdate(u), ids.slice(0, LEARNERS));
  return { ...result, cases: filed - WARMUP };
}

/**
 * The reference's flow with its conversation state in a scratch PostgreSQL database, or in the embedded
 * database (BENCH_PGLITE_DATA_DIR, as the full stack on PGlite has it): see reference.
 */
async function floor(kind: "postgres" | "pglite" = "postgres") {
  const scratch = kind === "postgres" ? await scratchDatabase("floor", 20) : await scratchPglite();
  try {
    return await reference(scratch.database.db);
  } finally {
    await scratch.drop();
  }
}

const fmt = (r: Awaited<ReturnType<typeof fullStack>>) =>
  `${r.updates} updates in ${r.seconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} updates/s; latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; node CPU ${r.cpuMsPerUpdate.toFixed(2)} ms/update; peak RSS ${r.peakRssMb.toFixed(0)} MB; reports filed ${r.cases}\n    p99 by step (ms): ${JSON.stringify(r.p99ByStep)}`;

// Each side runs in its own process so that peak RSS is its own: "full" (PostgreSQL), "full-pglite", "ref";
// "pglite-init" only creates and migrates BENCH_PGLITE_DATA_DIR for "full-pglite".
const mode = process.argv[4] ?? "both";
const CHILD_MODES = ["full", "full-pglite", "ref", "floor", "floor-pglite"];
const DBS = { postgres: ["postgres"], pglite: ["pglite"], both: ["postgres", "pglite"] } as const;
if (mode === "pglite-init") {
  await (await openDatabase({ dataDir: process.env.BENCH_PGLITE_DATA_DIR })).close();
} else if (CHILD_MODES.includes(mode)) {
  const r =
    mode === "ref"
      ? await reference()
      : mode === "floor" || mode === "floor-pglite"
        ? await floor(mode === "floor" ? "postgres" : "pglite")
        : await fullStack(mode === "full-pglite" ? "pglite" : "postgres");
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else if (!(mode in DBS)) {
  console.error(`unknown mode ${mode}: postgres, pglite or both (or ${CHILD_MODES.join(", ")} for one side)`);
  process.exitCode = 2;
} else {
  const { execFileSync } = await import("node:child_process");
  const pgliteDir = mkdtempSync(path.join(tmpdir(), "load-bench-"));
  // The children run bundled, as `npm start` runs the program (scripts/build.mjs): without tsx's module
  // hooks, whose thread alone is about 60 MB of RSS.
  // (Imported here by URL, so that the bundle does not take the build script in with it.)
  const { bundle } = (await import(
    new URL("../scripts/build.mjs", import.meta.url).href
  )) as typeof import("../scripts/build.mjs");
  const bundled = bundle(
    fileURLToPath(import.meta.url),
    path.join(path.dirname(fileURLToPath(import.meta.url)), ".build", "load.bench.mjs"),
  );
  const child = (m: string) =>
    execFileSync(process.execPath, [...HEAP, bundled, String(LEARNERS), String(CONCURRENCY), m], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
      env: { ...process.env, BENCH_PGLITE_DATA_DIR: pgliteDir },
    });
  const runMode = (m: string) =>
    JSON.parse(child(m).trim().split("\n").at(-1)!) as Awaited<ReturnType<typeof fullStack>>;
  const dbs = DBS[mode as keyof typeof DBS];
  const NAME = { postgres: "PostgreSQL", pglite: "PGlite, files in DATA_DIR" } as const;
  const fulls = dbs.map((db) => {
    if (db === "pglite") child("pglite-init");
    const full = runMode(db === "postgres" ? "full" : "full-pglite");
    console.log(
      `full stack (${NAME[db]}, ${LEARNERS} learners mid-report at once, ${CONCURRENCY} updates in flight, node ${HEAP.join(" ")} as npm start): ${fmt(full)}`,
    );
    return { db, full };
  });
  const ref = runMode("ref");
  console.log(`bare grammY, in-memory state (reference): ${fmt(ref)}`);
  // The floor on each database: what the targets (≥ 0.5×, p99 ≤ 2× the reference) ask is above it when its
  // own ratios miss them.
  const floors = dbs.map((db) => {
    if (db === "pglite") {
      rmSync(pgliteDir, { recursive: true, force: true });
      child("pglite-init");
    }
    const bottom = runMode(db === "postgres" ? "floor" : "floor-pglite");
    console.log(`bare grammY, conversation state in ${NAME[db]} (floor): ${fmt(bottom)}`);
    return { db, bottom };
  });
  rmSync(pgliteDir, { recursive: true, force: true });
  const ratios = (r: { perSecond: number; p99: number }) =>
    `throughput ${(r.perSecond / ref.perSecond).toFixed(3)}, p99 latency ${(r.p99 / ref.p99).toFixed(1)}x`;
  for (const { db, full } of fulls) console.log(`ratio full/reference (${NAME[db]}): ${ratios(full)}`);
  for (const { db, bottom } of floors) console.log(`ratio floor/reference (${NAME[db]}): ${ratios(bottom)}`);
  const label = "bare grammY";
  // The PostgreSQL rows keep their names and targets (docs cite them); PGlite's are the same rows.
  emit(
    fulls
      .flatMap(({ db, full }) => {
        const load = (r: Omit<RowInput, "db">) => row("load", { ...r, db });
        return [
          load({
            metric: `throughput (${LEARNERS.toLocaleString("en-US")} learners, ${CONCURRENCY} in flight)`,
            value: full.perSecond,
            unit: "updates/s",
            reference: { value: ref.perSecond, label },
            target: { op: "≥", value: 0.5, ofReference: true },
          }),
          load({ metric: "latency p50", value: full.p50, unit: "ms", reference: { value: ref.p50, label } }),
          load({
            metric: "node CPU per update",
            value: full.cpuMsPerUpdate,
            unit: "ms",
            reference: { value: ref.cpuMsPerUpdate, label },
          }),
          load({
            metric: "latency p99",
            value: full.p99,
            unit: "ms",
            reference: { value: ref.p99, label },
            target: { op: "≤", value: 2, ofReference: true },
          }),
          load({
            metric: "latency p99, submit step",
            value: full.p99ByStep.submit ?? 0,
            unit: "ms",
            reference: { value: ref.p99ByStep.submit ?? 0, label },
          }),
          load({
            metric: "peak RSS",
            value: full.peakRssMb,
            unit: "MB",
            reference: { value: ref.peakRssMb, label },
            target: { op: "≤", value: 200 },
          }),
          load({
            metric: "reports filed",
            value: full.cases,
            unit: "",
            reference: { value: ref.cases, label },
            target: { op: "=", value: LEARNERS },
          }),
        ];
      })
      .concat(
        floors.flatMap(({ db, bottom }) => [
          row("load", {
            metric: `floor: bare grammY, only its conversation state in ${db === "postgres" ? "PostgreSQL" : "PGlite"}`,
            db,
            value: bottom.perSecond,
            unit: "updates/s",
            reference: { value: ref.perSecond, label },
          }),
          row("load", {
            metric: "floor: latency p99",
            db,
            value: bottom.p99,
            unit: "ms",
            reference: { value: ref.p99, label },
          }),
        ]),
      ),
  );
}
