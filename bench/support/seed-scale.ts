/**
 * Issue 17's scale, shared by the benchmarks of the daily jobs (digest, breach notices, D8 purge): officials
 * in 20 institutions (staffed as below, a few acting for a colleague this week),
 * open cases with two pending steps each and as many closed cases with two done steps as history, bulk-
 * inserted with SQL into a scratch database, then ANALYZEd. Deadlines fall from 12 days before to 17 after
 * SCALE_TODAY; every third step is statutory (the rest D3 targets).
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../src/db/client";
import { ROLES as ALL_ROLES } from "../../src/rules";
import { ms, rowsOf } from "./scratch-db";

export const INSTITUTIONS = 20;
/** Wednesday 18 March 2026, 10:00 Asia/Almaty: a working day after the reminder hour. */
export const SCALE_NOW = new Date("2026-03-18T10:00:00+05:00");
export const SCALE_TODAY = "2026-03-18";

/** The roles of the procedure, in the rules' order (the administrator holds no step). */
export const ROLES: string[] = ALL_ROLES.filter((r) => r !== "admin");
/** (step key, role) pairs; a case gets two different ones. */
export const STEPS: [string, string][] = [
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

/**
 * Who holds which role. "uniform" (the digest's): the ranks of an institution cycle through the seven
 * roles, every tenth with a second one, so every official gets a digest (some 70 holders of each role per
 * institution at 10,000 officials). "institutional": as an institution is staffed, one head, one deputy
 * each for personnel, academic and upbringing work, five personnel officers, two heads of the educational-
 * methodological subdivision and twenty unit heads; the other officials hold no role of the procedure.
 * What a step's holders and escalations are told (breach notices) grows with the holders per role.
 */
export type Staffing = "uniform" | "institutional";

/** Roles by rank inside an institution, "institutional" staffing: [role, first rank, last rank]. */
const INSTITUTIONAL: [string, number, number][] = [
  ["head", 0, 0],
  ["deputy_personnel", 1, 1],
  ["deputy_academic", 2, 2],
  ["deputy_upbringing", 3, 3],
  ["personnel_officer", 4, 8],
  ["academic_methods_head", 9, 10],
  ["unit_head", 11, 30],
];

export interface ScaleSeed {
  seedSeconds: number;
  officials: number;
  /** Pending steps of running cases (open, approved). */
  openSteps: number;
  roles: number;
  delegations: number;
  /** Case ids 1…openCases are running; openCases+1…2·openCases are the closed history. */
  openCases: number;
}

/** A whole number as SQL text (sizes go into generate_series). */
export const n = (x: number) => sql.raw(String(Math.trunc(x)));

/** Seeds `officials` officials and `openSteps` pending steps (in openSteps / 2 cases) plus the history. */
export async function seedScale(
  db: Db,
  officials: number,
  openSteps: number,
  staffing: Staffing = "uniform",
): Promise<ScaleSeed> {
  const casesOpen = Math.ceil(openSteps / 2);
  const t0 = process.hrtime.bigint();
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
  // Official g: institution 1 + (g-1) % 20, rank k = (g-1) / 20 inside it.
  await db.execute(sql`
    INSERT INTO officials (institution_id, full_name, position, user_id)
    SELECT 1 + (g - 1) % ${n(INSTITUTIONS)}, 'Official ' || g, '', g FROM generate_series(1, ${n(officials)}) g`);
  if (staffing === "uniform") {
    // Role k % 7; every tenth rank a second role.
    await db.execute(sql`
      INSERT INTO official_roles (official_id, role)
      SELECT g, (${roleArray})[1 + ((g - 1) / ${n(INSTITUTIONS)}) % 7] FROM generate_series(1, ${n(officials)}) g
      UNION ALL
      SELECT g, (${roleArray})[1 + (((g - 1) / ${n(INSTITUTIONS)}) + 3) % 7]
      FROM generate_series(1, ${n(officials)}) g WHERE ((g - 1) / ${n(INSTITUTIONS)}) % 10 = 0`);
  } else {
    const byRank = sql.raw(
      `CASE ${INSTITUTIONAL.map(([r, from, to]) => `WHEN k BETWEEN ${from} AND ${to} THEN '${r}'`).join(" ")} END`,
    );
    await db.execute(sql`
      INSERT INTO official_roles (official_id, role)
      SELECT g, ${byRank} FROM (
        SELECT g, (g - 1) / ${n(INSTITUTIONS)} AS k FROM generate_series(1, ${n(officials)}) g
      ) x WHERE k <= ${n(Math.max(...INSTITUTIONAL.map(([, , to]) => to)))}`);
  }
  // Acting delegates this week: every hundredth official, for each role they hold, is replaced by the next
  // of their institution (1 % of officials with uniform staffing; a head, a personnel officer… otherwise).
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
        ${SCALE_NOW.toISOString()}::timestamptz - make_interval(days => g % 40), ${SCALE_TODAY}::date - g % 40,
        ${SCALE_TODAY}::date - g % 20
      FROM generate_series(${n(offset + 1)}, ${n(offset + count)}) g`);
    await db.execute(sql`
      INSERT INTO case_steps (case_id, key, role, state, opened_at, opened_on, due_on, due_kind, cite, done_at)
      SELECT c, (${keyArray})[1 + p], (${stepRoleArray})[1 + p], ${state === "open" ? "pending" : "done"},
        ${SCALE_NOW.toISOString()}::timestamptz - interval '3 days', ${SCALE_TODAY}::date - 3,
        ${SCALE_TODAY}::date + (((c * 37 + slot * 11) % 30) - 12),
        CASE WHEN (c + slot) % 3 = 0 THEN 'statutory' ELSE 'target' END,
        CASE WHEN (c + slot) % 3 = 0 THEN 'cl. 26; D2' ELSE 'D3' END,
        ${state === "open" ? sql`NULL::timestamptz` : sql`${SCALE_NOW.toISOString()}::timestamptz`}
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
  return {
    seedSeconds,
    officials: counts?.officials ?? 0,
    openSteps: counts?.open_steps ?? 0,
    roles: counts?.roles ?? 0,
    delegations: counts?.delegations ?? 0,
    openCases: casesOpen,
  };
}

/** "12,345" */
export const fmt = (x: number): string => x.toLocaleString("en-US");
