/**
 * The dashboard's reads that the bot has no use for: a page of an institution's cases with filters and
 * search, the roster's faculties and courses, whether an official took part in a case (D16), the few
 * fields a task line shows, and officials' names. Read-only; the case's own rows come
 * through src/cases (loadCaseContext, inboxOf) as in the bot.
 */
import { and, desc, eq, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import { ACTIVE_STATES } from "../cases/states";
import type { Executor } from "../db/client";
import { cases, officials, students } from "../db/schema";
import { containsIgnoringCase } from "../db/text-search";
import type { CaseFilter } from "./contract";

/** Cases per page of the list. */
export const PAGE_SIZE = 20;

/** "—" for a learner whose name the D8 purge removed (or a case with no snapshot). */
export const NO_NAME = "—";

const snap = (field: string) => sql<string | null>`${cases.studentSnapshot}->>${field}`;

/*
 * The correlated subqueries below name their tables and columns in full: drizzle leaves the columns of a
 * one-table select unqualified, and an unqualified "id" inside a subquery would be the subquery's own.
 */
const ACTIVE = sql.raw(`(${ACTIVE_STATES.map((s) => `'${s}'`).join(",")})`);

/** Some pending step of an active case is past its due day (D1: due_on is the last day allowed). */
const overdueNow = (today: string) =>
  sql<boolean>`("cases"."state" in ${ACTIVE} and exists (select 1 from "case_steps" s
    where s."case_id" = "cases"."id" and s."state" = 'pending' and s."due_on" < ${today}))`;

/** The first pending step's key (the step opened first), or null. */
const currentStep = sql<string | null>`(select s."key" from "case_steps" s
  where s."case_id" = "cases"."id" and s."state" = 'pending' order by s."id" limit 1)`;

function filterWhere(institutionId: number, f: CaseFilter, today: string): SQL | undefined {
  const q = f.q?.trim();
  return and(
    eq(cases.institutionId, institutionId),
    f.ground ? eq(cases.ground, f.ground as never) : undefined,
    f.category ? eq(cases.category, f.category as never) : undefined,
    f.state ? eq(cases.state, f.state as never) : undefined,
    f.faculty ? sql`${snap("faculty")} = ${f.faculty}` : undefined,
    f.course ? sql`${snap("course")} = ${f.course}` : undefined,
    f.overdue === "1" ? overdueNow(today) : undefined,
    // Case-insensitive in any script, whatever the database's locale (src/db/text-search.ts).
    q
      ? or(containsIgnoringCase(snap("fullName"), q), containsIgnoringCase(snap("personalNumber"), q))
      : undefined,
  );
}

export interface CaseListRow {
  id: number;
  ground: string;
  category: string;
  state: string;
  registeredOn: string;
  purged: boolean;
  fullName: string | null;
  personalNumber: string | null;
  faculty: string | null;
  course: string | null;
  currentStep: string | null;
  overdue: boolean;
}

/** One page (from 1) of an institution's cases matching `f`, newest first, and how many match in all. */
export async function casePage(
  db: Executor,
  institutionId: number,
  f: CaseFilter,
  today: string,
): Promise<{ rows: CaseListRow[]; total: number }> {
  const where = filterWhere(institutionId, f, today);
  const page = f.page ?? 1;
  const [count] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(cases)
    .where(where);
  const total = count?.n ?? 0;
  if (total <= (page - 1) * PAGE_SIZE) return { rows: [], total };
  const rows = await db
    .select({
      id: cases.id,
      ground: cases.ground,
      category: cases.category,
      state: cases.state,
      registeredOn: cases.registeredOn,
      purged: sql<boolean>`${cases.purgedAt} is not null`,
      fullName: snap("fullName"),
      personalNumber: snap("personalNumber"),
      faculty: snap("faculty"),
      course: snap("course"),
      currentStep,
      overdue: overdueNow(today),
    })
    .from(cases)
    .where(where)
    .orderBy(desc(cases.registeredOn), desc(cases.id))
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE);
  return { rows, total };
}

/** The faculties and courses of the institution's roster, for the filters (no empty value). */
export async function rosterFacets(
  db: Executor,
  institutionId: number,
): Promise<{ faculties: string[]; courses: string[] }> {
  const distinct = async (col: typeof students.faculty | typeof students.course) =>
    (
      await db
        .selectDistinct({ v: col })
        .from(students)
        .where(and(eq(students.institutionId, institutionId), ne(col, "")))
    )
      .map((r) => r.v)
      // Sorted here, not by the database's collation (which differs between servers): as a reader expects.
      .sort(FACET_ORDER.compare);
  return { faculties: await distinct(students.faculty), courses: await distinct(students.course) };
}

const FACET_ORDER = new Intl.Collator(["kk", "ru"], { numeric: true });

/**
 * D16: whether an official without the dashboard's roles took part in a case: opened it, did one of its
 * steps (or had it done on their behalf), got its task card, or holds the role of one of its pending steps
 * today (own or delegated). One statement.
 */
export async function tookPart(
  db: Executor,
  caseId: number,
  official: { id: number },
  telegramId: number,
  rolesToday: readonly string[],
): Promise<boolean> {
  const me = official.id;
  const holds =
    rolesToday.length > 0
      ? sql`or (s."state" = 'pending' and s."role" in (${sql.join(
          rolesToday.map((r) => sql`${r}`),
          sql`, `,
        )}))`
      : sql``;
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(
      and(
        eq(cases.id, caseId),
        or(
          eq(cases.openedByOfficialId, me),
          sql`exists (select 1 from "case_steps" s where s."case_id" = "cases"."id" and (
            s."done_by_official_id" = ${me} or s."on_behalf_of_official_id" = ${me} ${holds}
            or exists (select 1 from "step_messages" m where m."step_id" = s."id" and m."chat_id" = ${telegramId})))`,
        ),
      ),
    );
  return row !== undefined;
}

/** What a task line shows of its case: ground, category, the learner's name as filed (null after D8). */
export async function taskCases(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, { ground: string; category: string; fullName: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: cases.id,
      ground: cases.ground,
      category: cases.category,
      fullName: sql<string | null>`case when ${cases.purgedAt} is null then ${snap("fullName")} end`,
    })
    .from(cases)
    .where(inArray(cases.id, [...ids]));
  return new Map(rows.map(({ id, ...r }) => [id, r]));
}

/** The institution of a case, or null when there is no such case. */
export async function caseInstitution(db: Executor, caseId: number): Promise<number | null> {
  const [row] = await db
    .select({ institutionId: cases.institutionId })
    .from(cases)
    .where(eq(cases.id, caseId));
  return row?.institutionId ?? null;
}

/** Officials' names by id (one statement; none without ids). */
export async function officialNames(db: Executor, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: officials.id, name: officials.fullName })
    .from(officials)
    .where(inArray(officials.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
