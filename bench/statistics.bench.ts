/**
 * The dashboard's statistics at scale (issue 18; target: ≤ 200 ms for 10,000 cases): computeStatistics over
 * one institution with 10,000 cases registered over two years (every ground and category; most ended, a
 * fifth of the ended ones purged) and 8 steps each (80,000: statutory and target, done at any hour of
 * the day; the last three pending in running cases, many of them overdue), bulk-inserted with SQL, on a
 * scratch database on the real PostgreSQL and on PGlite in memory. Times a cold run and then `runs` warm ones;
 * the target applies to the warm median, the maximum is shown beside it.
 *   npx tsx bench/statistics.bench.ts [cases=10000] [runs=10] [pglite|postgres|both]
 */
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { computeStatistics } from "../src/dashboard/statistics";
import { type Database, openDatabase } from "../src/db/client";
import { CATEGORIES, GROUNDS } from "../src/rules";
import { emit, row } from "./support/report";
import { createScratchDatabase, ms, rowsOf } from "./support/scratch-db";

const CASES = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 10);
const WHICH = process.argv[4] ?? "both";
/** Wednesday 18 March 2026. */
const TODAY = "2026-03-18";
const TARGET_MS = 200;
const STEPS_PER_CASE = 8;
/** The steps of a case, in order (one each, as case_steps_case_key_uq wants); every third is statutory. */
const KEYS = [
  "endorse",
  "instruct",
  "conversation",
  "decide",
  "order",
  "submission",
  "transcript",
  "cost_calculation",
];

export interface StatisticsBenchResult {
  db: "pglite" | "postgres";
  cases: number;
  steps: number;
  seedSeconds: number;
  coldMs: number;
  warmMs: number[];
  rows: number;
}

const list = (xs: readonly string[]) => sql.raw(`ARRAY[${xs.map((x) => `'${x}'`).join(",")}]`);
const n = (x: number) => sql.raw(String(Math.trunc(x)));

/** One institution (and a second, small one, that must not be read), its cases and their steps. */
export async function seed(database: Database, cases: number): Promise<number> {
  const { db } = database;
  await db.execute(sql`
    INSERT INTO institutions (code, name_kk, name_ru, head_title_kk, head_title_ru)
    VALUES ('BENCH', 'Академия', 'Академия', 'бастығына', 'Начальнику'),
           ('OTHER', 'Басқа', 'Другой', 'бастығына', 'Начальнику')`);
  // Registered over 700 days up to early March 2026; 60 % closed, 10 % each rejected, withdrawn, approved,
  // open; an ended case ended 20–40 days after it was registered, and every fifth ended one is purged (D8).
  for (const [inst, count] of [
    [1, cases],
    [2, Math.ceil(cases / 20)],
  ] as const)
    await db.execute(sql`
      INSERT INTO cases (institution_id, ground, category, rules_edition, state, report_lang, conscript_served,
        registered_at, registered_on, closed_at, purged_at)
      SELECT ${n(inst)}, (${list(GROUNDS)})[1 + g % ${n(GROUNDS.length)}],
        (${list(CATEGORIES)})[1 + (g / 7) % ${n(CATEGORIES.length)}], '75/қе (88/қе)', state, 'kk', false,
        reg + time '10:00', reg,
        CASE WHEN state IN ('open', 'approved') THEN NULL ELSE reg + 20 + g % 21 + time '16:00' END,
        CASE WHEN state NOT IN ('open', 'approved') AND g % 5 = 0 THEN timestamptz '2026-03-01 00:00+05' END
      FROM (
        SELECT g, date '2024-04-01' + (g * 700 / ${n(count)}) AS reg,
          (ARRAY['closed','closed','closed','closed','closed','closed','rejected','withdrawn','approved','open'])[1 + g % 10] AS state
        FROM generate_series(1, ${n(count)}) g
      ) x`);
  // Step s opens 2 days after step s-1; it is done 0–8 calendar days after it opened, at 08:00–21:00
  // local time (some of it the next day in UTC); due 3–7 days after it opened. Running cases have their
  // last three steps pending.
  await db.execute(sql`
    INSERT INTO case_steps (case_id, key, role, state, opened_at, opened_on, due_on, due_kind, cite, done_at)
    SELECT c.id, (${list(KEYS)})[1 + s], 'head', CASE WHEN done THEN 'done' ELSE 'pending' END,
      opened + time '09:00', opened, opened + 3 + (c.id + s) % 5,
      CASE WHEN s % 3 = 0 THEN 'statutory' ELSE 'target' END, CASE WHEN s % 3 = 0 THEN 'cl. 20' ELSE 'D3' END,
      CASE WHEN done THEN (opened + (c.id * 7 + s * 13) % 9 + make_interval(hours => 8 + (c.id + s) % 14))
        AT TIME ZONE 'Asia/Almaty' END
    FROM cases c CROSS JOIN generate_series(0, ${n(STEPS_PER_CASE - 1)}) s
    CROSS JOIN LATERAL (
      SELECT c.registered_on + 2 * s AS opened, (c.state NOT IN ('open', 'approved') OR s < 5) AS done
    ) x`);
  await db.execute(sql`ANALYZE`);
  const [count] = rowsOf<{ steps: number }>(
    await db.execute(
      sql`SELECT count(*)::int AS steps FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE c.institution_id = 1`,
    ),
  );
  return count?.steps ?? 0;
}

async function measure(
  kind: "pglite" | "postgres",
  cases: number,
  runs: number,
): Promise<StatisticsBenchResult> {
  let database: Database;
  let drop: (() => Promise<void>) | undefined;
  if (kind === "pglite") {
    database = await openDatabase({ memory: true });
  } else {
    const scratch = await createScratchDatabase("statistics");
    database = scratch.database;
    drop = scratch.drop;
  }
  try {
    const t0 = process.hrtime.bigint();
    const steps = await seed(database, cases);
    const seedSeconds = ms(t0) / 1000;
    const opts = { institutionIds: [1], today: TODAY };
    // Cold: the first statements (plans, the calendar's first load and its day table), then warm ones.
    let t = process.hrtime.bigint();
    const stats = await computeStatistics(database.db, opts);
    const coldMs = ms(t);
    const warmMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = process.hrtime.bigint();
      await computeStatistics(database.db, opts);
      warmMs.push(ms(t));
    }
    const filed = stats.monthly.reduce((sum, r) => sum + r.filed, 0);
    if (filed !== cases) throw new Error(`counted ${filed} cases filed, seeded ${cases} in the institution`);
    const rows = [stats.states, stats.step_times, stats.on_time, stats.overdue, stats.monthly].flat().length;
    return { db: kind, cases, steps, seedSeconds, coldMs, warmMs, rows };
  } finally {
    if (drop) await drop();
    else await database.close();
  }
}

export async function run(cases = CASES, runs = RUNS, which = WHICH): Promise<StatisticsBenchResult[]> {
  const results: StatisticsBenchResult[] = [];
  if (which === "postgres" || which === "both") results.push(await measure("postgres", cases, runs));
  if (which === "pglite" || which === "both") results.push(await measure("pglite", cases, runs));
  return results;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await run();
  for (const r of results) {
    const med = median(r.warmMs);
    console.log(
      `statistics, ${r.cases.toLocaleString("en-US")} cases, ${r.steps.toLocaleString("en-US")} steps, ${r.db} ` +
        `(seeded in ${r.seedSeconds.toFixed(1)} s, ${r.rows} rows out): cold ${r.coldMs.toFixed(0)} ms, ` +
        `warm median ${med.toFixed(0)} ms, max ${Math.max(...r.warmMs).toFixed(0)} ms over ${r.warmMs.length} runs; ` +
        `${med <= TARGET_MS ? "PASS" : "FAIL"} (target ≤ ${TARGET_MS} ms)`,
    );
  }
  emit(
    results.flatMap((r) => {
      const who = `${r.cases.toLocaleString("en-US")} cases, ${r.steps.toLocaleString("en-US")} steps`;
      const msRow = (metric: string, value: number, target?: number) =>
        row("statistics", {
          metric,
          db: r.db,
          value,
          unit: "ms",
          ...(target === undefined ? {} : { target: { op: "≤" as const, value: target } }),
        });
      return [
        msRow(`computeStatistics, warm median (${who})`, median(r.warmMs), TARGET_MS),
        msRow(`warm max of ${r.warmMs.length}`, Math.max(...r.warmMs)),
        msRow("cold (first run)", r.coldMs),
      ];
    }),
  );
  process.exit(0);
}
