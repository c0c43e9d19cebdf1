/**
 * Daily digest build at scale (target, issue 17: build + claim + enqueue ≤ 2 s on PostgreSQL; it was ≤ 5 s
 * before): 10,000 officials in 20 institutions
 * (own roles, some with two, plus acting delegates), 100,000 pending steps of 50,000 open cases, and as
 * much history (closed cases, done steps), bulk-inserted with SQL into a scratch database on the real
 * PostgreSQL. Measures buildDigests (the set-based queries, grouping and rendering), the claim and enqueue
 * (digests_sent + outbox in transactions of 1,000), and a tick once everything is claimed.
 *   npx tsx bench/digest.bench.ts [officials=10000] [openSteps=100000]
 */
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { buildDigests, claimDigests, sendDigests } from "../src/jobs/digest";
import { emit, row } from "./support/report";
import { createScratchDatabase, ms, rowsOf } from "./support/scratch-db";

const OFFICIALS = Number(process.argv[2] ?? 10_000);
const OPEN_STEPS = Number(process.argv[3] ?? 100_000);
const INSTITUTIONS = 20;
/** Wednesday 18 March 2026, 10:00 Asia/Almaty: a working day after the reminder hour. */
const NOW = new Date("2026-03-18T10:00:00+05:00");
const TODAY = "2026-03-18";
/** Cold build + claim + enqueue, issue 17. */
const TARGET_MS = 2000;

const ROLES = [
  "head",
  "deputy_personnel",
  "deputy_academic",
  "deputy_upbringing",
  "personnel_officer",
  "academic_methods_head",
  "unit_head",
];
/** (step key, role) pairs; a case gets two different ones. */
const STEPS: [string, string][] = [
  ["endorse", "deputy_personnel"],
  ["instruct", "head"],
  ["conversation", "personnel_officer"],
  ["decide", "head"],
  ["order", "personnel_officer"],
  ["submit_academic", "academic_methods_head"],
  ["agree_academic", "deputy_academic"],
  ["submit_negative", "unit_head"],
  ["agree_upbringing", "deputy_upbringing"],
  ["transcript", "personnel_officer"],
];

export interface DigestBenchResult {
  officials: number;
  openSteps: number;
  seedSeconds: number;
  buildMs: number[];
  claimMs: number;
  steadyTickMs: number;
  digests: number;
  messages: number;
  avgTextChars: number;
}

export async function run(officials = OFFICIALS, openSteps = OPEN_STEPS): Promise<DigestBenchResult> {
  const scratch = await createScratchDatabase("digest");
  const { db } = scratch.database;
  try {
    const casesOpen = Math.ceil(openSteps / 2);
    const t0 = process.hrtime.bigint();
    const n = (x: number) => sql.raw(String(Math.trunc(x)));
    const roleArray = sql.raw(`ARRAY[${ROLES.map((r) => `'${r}'`).join(",")}]`);
    const keyArray = sql.raw(`ARRAY[${STEPS.map(([k]) => `'${k}'`).join(",")}]`);
    const stepRoleArray = sql.raw(`ARRAY[${STEPS.map(([, r]) => `'${r}'`).join(",")}]`);
    await db.execute(sql`
      INSERT INTO institutions (code, name_kk, name_ru, head_title_kk, head_title_ru)
      SELECT 'I' || g, 'Институт ' || g, 'Институт ' || g, 'бастығына', 'Начальнику'
      FROM generate_series(1, ${n(INSTITUTIONS)}) g`);
    await db.execute(sql`
      INSERT INTO users (telegram_id, lang)
      SELECT 7000000 + g, (ARRAY['kk','ru','en'])[1 + g % 3] FROM generate_series(1, ${n(officials)}) g`);
    // Official g: institution 1 + (g-1) % 20, rank k = (g-1) / 20 inside it; role k % 7; every tenth a second role.
    await db.execute(sql`
      INSERT INTO officials (institution_id, full_name, position, user_id)
      SELECT 1 + (g - 1) % ${n(INSTITUTIONS)}, 'Official ' || g, '', g FROM generate_series(1, ${n(officials)}) g`);
    await db.execute(sql`
      INSERT INTO official_roles (official_id, role)
      SELECT g, (${roleArray})[1 + ((g - 1) / ${n(INSTITUTIONS)}) % 7] FROM generate_series(1, ${n(officials)}) g
      UNION ALL
      SELECT g, (${roleArray})[1 + (((g - 1) / ${n(INSTITUTIONS)}) + 3) % 7]
      FROM generate_series(1, ${n(officials)}) g WHERE ((g - 1) / ${n(INSTITUTIONS)}) % 10 = 0`);
    // Acting delegates: 1 % of officials act for another of their institution this week.
    await db.execute(sql`
      INSERT INTO delegations (institution_id, role, from_official_id, to_official_id, starts_on, ends_on)
      SELECT o.institution_id, r.role, o.id, o.id + ${n(INSTITUTIONS)}, '2026-03-16', '2026-03-20'
      FROM officials o JOIN official_roles r ON r.official_id = o.id
      WHERE o.id % 100 = 1 AND o.id + ${n(INSTITUTIONS)} <= ${n(officials)}`);
    // Open cases with two pending steps each; closed cases with two done steps as history.
    for (const [state, count, offset] of [
      ["open", casesOpen, 0],
      ["closed", casesOpen, casesOpen],
    ] as const) {
      await db.execute(sql`
        INSERT INTO cases (institution_id, ground, category, rules_edition, state, report_lang, reasons,
          conscript_served, phone, student_snapshot, registered_at, registered_on, decision_on)
        SELECT 1 + g % ${n(INSTITUTIONS)}, 'own_will', 'cadet', '75/қе (88/қе)',
          ${sql.raw(state === "open" ? "CASE WHEN g % 4 = 0 THEN 'approved' ELSE 'open' END" : "'closed'")}, 'ru',
          'Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.', false, '+7 700 000 00 00',
          jsonb_build_object('fullName', 'Learner ' || g, 'rank', 'курсант', 'groupName', 'Т-' || (g % 40)),
          ${NOW.toISOString()}::timestamptz - make_interval(days => g % 40), ${TODAY}::date - g % 40,
          ${TODAY}::date - g % 20
        FROM generate_series(${n(offset + 1)}, ${n(offset + count)}) g`);
      await db.execute(sql`
        INSERT INTO case_steps (case_id, key, role, state, opened_at, opened_on, due_on, due_kind, cite, done_at)
        SELECT c, (${keyArray})[1 + p], (${stepRoleArray})[1 + p], ${state === "open" ? "pending" : "done"},
          ${NOW.toISOString()}::timestamptz - interval '3 days', ${TODAY}::date - 3,
          ${TODAY}::date + (((c * 37 + slot * 11) % 30) - 12),
          CASE WHEN (c + slot) % 3 = 0 THEN 'statutory' ELSE 'target' END,
          CASE WHEN (c + slot) % 3 = 0 THEN 'cl. 26; D2' ELSE 'D3' END,
          ${state === "open" ? sql`NULL::timestamptz` : sql`${NOW.toISOString()}::timestamptz`}
        FROM (
          SELECT c, slot, ((c / ${n(INSTITUTIONS)}) * 7 + slot * 3) % 10 AS p
          FROM generate_series(${n(offset + 1)}, ${n(offset + count)}) c, generate_series(0, 1) slot
        ) x`);
    }
    await db.execute(sql`ANALYZE`);
    const seedSeconds = ms(t0) / 1000;
    const [counts] = rowsOf<{ officials: number; open_steps: number; roles: number; delegations: number }>(
      await db.execute(sql`
        SELECT (SELECT count(*)::int FROM officials) AS officials,
          (SELECT count(*)::int FROM case_steps s JOIN cases c ON c.id = s.case_id
            WHERE s.state = 'pending' AND c.state IN ('open', 'approved')) AS open_steps,
          (SELECT count(*)::int FROM official_roles) AS roles,
          (SELECT count(*)::int FROM delegations) AS delegations`),
    );

    // The first build is cold (calendar tables, JIT, the database's caches); then three warm ones.
    const buildMs: number[] = [];
    let built = await (async () => {
      const t = process.hrtime.bigint();
      const b = await buildDigests(db, NOW);
      buildMs.push(ms(t));
      return b;
    })();
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      built = await buildDigests(db, NOW);
      buildMs.push(ms(t));
    }

    const tc = process.hrtime.bigint();
    const claimed = await claimDigests(db, built, NOW);
    const claimMs = ms(tc);
    const ts = process.hrtime.bigint();
    const again = await sendDigests(db, NOW);
    const steadyTickMs = ms(ts);
    if (again.claimed !== 0) throw new Error("a second run claimed digests again");

    const [outboxStats] = rowsOf<{ n: number; avg: number }>(
      await db.execute(
        sql`SELECT count(*)::int AS n, coalesce(avg(length(payload->>'text')), 0)::float AS avg FROM outbox`,
      ),
    );
    const result: DigestBenchResult = {
      officials: counts?.officials ?? 0,
      openSteps: counts?.open_steps ?? 0,
      seedSeconds,
      buildMs,
      claimMs,
      steadyTickMs,
      digests: claimed.claimed,
      messages: outboxStats?.n ?? 0,
      avgTextChars: Math.round(outboxStats?.avg ?? 0),
    };
    console.log(
      `seeded ${result.officials.toLocaleString("en-US")} officials (${counts?.roles} role rows, ${counts?.delegations} delegations), ` +
        `${result.openSteps.toLocaleString("en-US")} open steps (+ as many done) in ${seedSeconds.toFixed(1)} s`,
    );
    return result;
  } finally {
    await scratch.drop();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run();
  const [cold, ...warm] = r.buildMs as [number, ...number[]];
  const best = Math.min(...warm);
  console.log(
    `digest build, all officials:     ${(cold / 1000).toFixed(3)} s cold, ${warm.map((w) => (w / 1000).toFixed(3)).join(" / ")} s warm`,
  );
  console.log(
    `claim + enqueue (${r.digests.toLocaleString("en-US")} claims, ${r.messages.toLocaleString("en-US")} messages, avg ${r.avgTextChars} chars): ${(r.claimMs / 1000).toFixed(3)} s`,
  );
  console.log(`cold build + claim + enqueue:     ${((cold + r.claimMs) / 1000).toFixed(3)} s`);
  console.log(`tick once all are claimed:        ${(r.steadyTickMs / 1000).toFixed(3)} s`);
  console.log(
    cold + r.claimMs <= TARGET_MS
      ? "PASS (≤ 2 s, cold build + claim + enqueue)"
      : "FAIL (> 2 s, cold build + claim + enqueue)",
  );
  const who = `${r.officials.toLocaleString("en-US")} officials, ${r.openSteps.toLocaleString("en-US")} open steps`;
  const seconds = (metric: string, msValue: number, target?: number) =>
    row("digest", {
      metric,
      db: "postgres",
      value: msValue / 1000,
      unit: "s",
      ...(target === undefined ? {} : { target: { op: "≤" as const, value: target / 1000 } }),
    });
  emit([
    seconds(`build, cold (${who})`, cold),
    seconds("build, warm (best of 3)", best),
    seconds(
      `claim + enqueue (${r.digests.toLocaleString("en-US")} digests, ${r.messages.toLocaleString("en-US")} messages)`,
      r.claimMs,
    ),
    seconds("cold build + claim + enqueue", cold + r.claimMs, TARGET_MS),
    seconds("tick once all are claimed", r.steadyTickMs),
  ]);
  process.exit(0);
}
