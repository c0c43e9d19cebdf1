/**
 * Cold start to the first answered update (issue 17: ≤ 2 s on PostgreSQL, ≤ 5 s on the embedded database),
 * through the real program as `npm start` runs it (src/demo/program.ts startProgram: scripts/build.mjs, which
 * rebuilds the bundle only if the sources changed, then node with the heap flag on dist/main.mjs). A small Bot API on loopback answers getMe, serves one /start on the first
 * getUpdates and notes when the bot's sendMessage arrives; the time is from spawn to that arrival.
 * Four cases, each `runs` times (median and every run printed):
 *  - PostgreSQL, a new scratch database (every migration runs), then a second start on it (migrated);
 *  - PGlite, a new DATA_DIR (initdb and every migration), then a second start on the same directory.
 * The targets apply to the first start (migrations run), the harder one; the second start is shown beside.
 * Each start is a new stranger's /start (the same handler path on both starts). One unmeasured start comes
 * first, so the bundle is built and the OS file cache warm as on any restart after the first; a start that
 * rebuilds the bundle (the first start after an update) is shown once per database, without a target.
 * Also shown: the time to the log's "bot started", and where the time goes (medians, from the fake API's
 * arrivals and the log's timestamps): the build check, node and imports (spawn to getMe), opening the database with its
 * migrations (getMe to "database ready"; getMe itself answers at once here), the rest of start-up (to "bot
 * started"), then to the first getUpdates and the answer. Every program is stopped with SIGTERM and must
 * exit 0 (a row counts them).
 *   npx tsx bench/cold-start.bench.ts [runs=3]
 * BENCH_CPU_PROF_DIR=<dir>: every start writes a CPU profile there (bench/support/cpu-prof-preload.mjs; it
 * slows the start a little), for node bench/support/cpuprofile-top.mjs <file>.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { type Program, startProgram } from "../src/demo/program";
import { readBody } from "./support/bot-api-emulator";
import { type BenchRow, emit, row } from "./support/report";
import { BENCH_SERVER_URL } from "./support/scratch-db";

const RUNS = Number(process.argv[2] ?? 3);
const TOKEN = "123456789:cold-start-bench-token-loopback";
const ME = { id: 123456789, is_bot: true, first_name: "Bench", username: "cold_start_bench_bot" };
/** A start that has not answered by then is broken, not slow. */
const GIVE_UP_MS = 120_000;
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR ? path.resolve(process.env.BENCH_CPU_PROF_DIR) : undefined;
const TARGET_S = { postgres: 2, pglite: 5 } as const;
type DbKind = keyof typeof TARGET_S;

/** Milliseconds since spawn of each point of one start. */
interface Run {
  answer: number;
  botStarted: number;
  getMe: number;
  dbReady: number;
  firstGetUpdates: number;
  exitCode: number | null;
}

/**
 * One start's Bot API: getMe, one /start from `userId` on the first getUpdates (later ones hold 500 ms and
 * return nothing, as long polling does), the arrival of the first answer to that user; every other call true.
 */
async function fakeBotApi(userId: number) {
  const arrivals = new Map<string, number>();
  let answered: (t: number) => void = () => {};
  const answer = new Promise<number>((resolve) => {
    answered = resolve;
  });
  let served = false;
  const server = createServer(async (req, res) => {
    const t = performance.now();
    const method = (req.url ?? "").split("/").pop() ?? "";
    if (!arrivals.has(method)) arrivals.set(method, t);
    const body = await readBody(req);
    const send = (result: unknown) => {
      if (res.destroyed) return;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result }));
    };
    if (method === "getMe") return send(ME);
    if (method === "getUpdates") {
      if (!served) {
        served = true;
        const chat = { id: userId, type: "private", first_name: "Cold" };
        return send([
          {
            update_id: 1,
            message: {
              message_id: 1,
              date: Math.floor(Date.now() / 1000),
              chat,
              from: { id: userId, is_bot: false, first_name: "Cold", language_code: "ru" },
              text: "/start",
              entities: [{ type: "bot_command", offset: 0, length: 6 }],
            },
          },
        ]);
      }
      const timer = setTimeout(() => send([]), 500);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    if (method === "sendMessage") {
      const p = JSON.parse(body || "{}") as { chat_id?: number; text?: string };
      if (Number(p.chat_id) === userId) answered(t);
      return send({
        message_id: 2,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(p.chat_id), type: "private", first_name: "Cold" },
        text: p.text ?? "",
      });
    }
    return send(true);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    arrivals,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The program's JSON log lines (pino: `time` in ms since the epoch). */
const logLines = (p: Program) =>
  p
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { msg?: string; time?: number });

let nextUser = 5_000_000;

/** One start of the program on `db`, measured; stopped with SIGTERM afterwards. */
async function start(db: { DATABASE_URL: string } | { DATA_DIR: string }, rebuild = false): Promise<Run> {
  const userId = nextUser++;
  const api = await fakeBotApi(userId);
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const p = startProgram(
    {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_LEVEL: "info",
      ...(PROFILE_DIR
        ? {
            NODE_OPTIONS: `--import ${new URL("./support/cpu-prof-preload.mjs", import.meta.url).pathname}`,
            BENCH_CPU_PROF_DIR: PROFILE_DIR,
          }
        : {}),
      ...db,
    },
    { rebuild },
  );
  let botStartedSeen = Number.NaN;
  const watch = (d: Buffer) => {
    if (Number.isNaN(botStartedSeen) && d.toString().includes('"msg":"bot started"'))
      botStartedSeen = performance.now() - t0;
  };
  p.child.stdout?.on("data", watch);
  try {
    let timer: NodeJS.Timeout | undefined;
    const answerAt = await Promise.race([
      api.answer,
      p.exited.then((code) => {
        throw new Error(`the program exited (${code}) before answering:\n${p.output()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${GIVE_UP_MS} ms:\n${p.output()}`)),
          GIVE_UP_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const stopped = p.stop("SIGTERM");
    const exitCode = await Promise.race([
      stopped,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000).unref()),
    ]);
    if (exitCode !== 0) process.stderr.write(`exit code ${exitCode} after SIGTERM:\n${p.output()}\n`);
    const logged = (msg: string) => {
      const l = logLines(p).find((x) => x.msg === msg);
      return l?.time === undefined ? Number.NaN : l.time - spawnedAt;
    };
    const at = (method: string) => (api.arrivals.get(method) ?? Number.NaN) - t0;
    return {
      answer: answerAt - t0,
      // The log's own clock (ms) if the line was parsed, else when the parent saw it.
      botStarted: Number.isNaN(logged("bot started")) ? botStartedSeen : logged("bot started"),
      getMe: at("getMe"),
      dbReady: logged("database ready"),
      firstGetUpdates: at("getUpdates"),
      exitCode,
    };
  } finally {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
    await api.close();
  }
}

/** A new, empty database on the server (no migrations: the program applies them). */
async function emptyPostgres(admin: postgres.Sql, i: number) {
  const name = `bench_coldstart_${process.pid}_${i}`;
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (x: number) => (x / 1000).toFixed(2);

/** A first start on a new database and (unless `once`) a second start on the same one. */
async function pair(
  kind: DbKind,
  admin: postgres.Sql,
  i: number,
  opts: { rebuild?: boolean; once?: boolean } = {},
): Promise<{ fresh: Run; migrated?: Run }> {
  const twice = async (db: { DATABASE_URL: string } | { DATA_DIR: string }) => {
    const fresh = await start(db, opts.rebuild);
    return opts.once ? { fresh } : { fresh, migrated: await start(db) };
  };
  if (kind === "postgres") {
    const db = await emptyPostgres(admin, i);
    try {
      return await twice({ DATABASE_URL: db.url });
    } finally {
      await db.drop();
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), "cold-start-"));
  try {
    return await twice({ DATA_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
const admin = postgres(BENCH_SERVER_URL, { max: 1, onnotice: () => {} });
const results: Record<DbKind, { fresh: Run[]; migrated: Run[]; noCache?: Run }> = {
  postgres: { fresh: [], migrated: [] },
  pglite: { fresh: [], migrated: [] },
};
try {
  // Unmeasured: builds the bundle and fills the OS file cache, as any earlier start would have.
  await pair("pglite", admin, 0, { once: true });
  let n = 1;
  for (let r = 0; r < RUNS; r++) {
    for (const kind of ["postgres", "pglite"] as const) {
      const { fresh, migrated } = await pair(kind, admin, n++);
      results[kind].fresh.push(fresh);
      if (migrated) results[kind].migrated.push(migrated);
      process.stderr.write(
        `run ${r + 1} ${kind}: first start ${sec(fresh.answer)} s, second ${sec(migrated?.answer ?? Number.NaN)} s\n`,
      );
    }
  }
  // The first start after an update: the bundle is built again.
  for (const kind of ["postgres", "pglite"] as const)
    results[kind].noCache = (await pair(kind, admin, n++, { rebuild: true, once: true })).fresh;
} finally {
  await admin.end();
}

const LABEL = { postgres: "PostgreSQL", pglite: "PGlite" };
const rows: BenchRow[] = [];
for (const kind of ["postgres", "pglite"] as const) {
  const { fresh, migrated, noCache } = results[kind];
  console.log(`${LABEL[kind]} (${RUNS} runs each; ms from spawn):`);
  for (const [name, runs] of [
    ["first start (new database, migrations)", fresh],
    ["second start (migrated)", migrated],
  ] as const) {
    const m = (k: keyof Run) => median(runs.map((r) => r[k] as number));
    console.log(
      `  ${name}: first answer median ${sec(m("answer"))} s (runs ${runs.map((r) => sec(r.answer)).join(", ")}); ` +
        `"bot started" ${sec(m("botStarted"))} s\n` +
        `    median: getMe arrives ${m("getMe").toFixed(0)} (build check, node, imports); database ready ${m("dbReady").toFixed(0)} ` +
        `(+${(m("dbReady") - m("getMe")).toFixed(0)} open + migrations); bot started ${m("botStarted").toFixed(0)} ` +
        `(+${(m("botStarted") - m("dbReady")).toFixed(0)}); first getUpdates ${m("firstGetUpdates").toFixed(0)}; ` +
        `answer ${m("answer").toFixed(0)} (+${(m("answer") - m("firstGetUpdates")).toFixed(0)} handling /start)`,
    );
  }
  if (noCache)
    console.log(
      `  first start after an update (bundle rebuilt): ${sec(noCache.answer)} s (getMe at ${noCache.getMe.toFixed(0)} ms)`,
    );
  const runsText = (runs: Run[]) =>
    runs.length === 1 ? "1 run" : `median of ${runs.map((r) => sec(r.answer)).join(", ")} s`;
  const s = (k: keyof Run, runs: Run[]) => median(runs.map((r) => r[k] as number)) / 1000;
  const cold = (r: Omit<Parameters<typeof row>[1], "db">) => rows.push(row("cold-start", { ...r, db: kind }));
  cold({
    metric: `to first answer, new database (migrations), ${runsText(fresh)}`,
    value: s("answer", fresh),
    unit: "s",
    target: { op: "≤", value: TARGET_S[kind] },
  });
  cold({
    metric: `to first answer, migrated database, ${runsText(migrated)}`,
    value: s("answer", migrated),
    unit: "s",
  });
  cold({ metric: `to "bot started", new database`, value: s("botStarted", fresh), unit: "s" });
  cold({ metric: `to "bot started", migrated database`, value: s("botStarted", migrated), unit: "s" });
  cold({
    metric: "build check + node + imports (spawn to getMe), median",
    value: s("getMe", fresh),
    unit: "s",
  });
  cold({
    metric: "database open + migrations, new database, median",
    value: median(fresh.map((r) => r.dbReady - r.getMe)) / 1000,
    unit: "s",
  });
  if (noCache)
    cold({
      metric: "to first answer, bundle rebuilt (after an update), once",
      value: noCache.answer / 1000,
      unit: "s",
    });
}
const all = [...Object.values(results)].flatMap((r) => [
  ...r.fresh,
  ...r.migrated,
  ...(r.noCache ? [r.noCache] : []),
]);
rows.push(
  row("cold-start", {
    metric: "SIGTERM → exit code 0",
    value: all.filter((r) => r.exitCode === 0).length,
    unit: "starts",
    target: { op: "=", value: all.length },
  }),
);
emit(rows);
