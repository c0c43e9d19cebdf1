/**
 * The roster: students imported from a CSV file (UTF-8, Kazakh letters, an optional BOM, RFC 4180 quoting,
 * comma or semicolon as found in the header). Every row is checked first; one error anywhere and nothing is
 * imported, and every error is reported with its physical line and column. Otherwise the rows are upserted
 * by (institution, personal number) in one transaction. Students missing from a later file are left alone.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { audit } from "../audit";
import { type Db, type Executor, rowsOf } from "../db/client";
import { invites, students } from "../db/schema";
import { InputError } from "../errors";
import type { Category } from "../rules";
import { type Actor, by, CONTROL_RE, getInstitution } from "./institutions";
import { inviteExpiry, newToken } from "./invites";
import { parseSex, type Sex } from "./sex";

// --- CSV (RFC 4180) -----------------------------------------------------------------------------------------

export type Delimiter = "," | ";";

export interface CsvField {
  value: string;
  /** Physical line (1-based) where the field starts. */
  line: number;
}

export interface CsvRecord {
  /** Physical line (1-based) where the record starts. */
  line: number;
  fields: CsvField[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

/** The delimiter of the header line: a semicolon when it has more semicolons than commas outside quotes. */
export function detectDelimiter(text: string): Delimiter {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, "")) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && ch === ",") commas++;
    else if (!quoted && ch === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

/**
 * Splits CSV text into records (RFC 4180: quoted fields may hold the delimiter, doubled quotes and line
 * breaks; CRLF, LF or CR end a record). A leading BOM is dropped; blank lines are skipped. A quote inside
 * an unquoted field is kept as a character; text after a closing quote and an unclosed quote are problems.
 */
export function parseCsv(
  input: string,
  delimiter: Delimiter,
): { records: CsvRecord[]; problems: CsvProblem[] } {
  const text = input.replace(/^\uFEFF/, "");
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const n = text.length;
  const at: Cursor = { i: 0, line: 1 };
  let fields: CsvField[] = [];
  let recordLine = 1;
  const delim = delimiter.charCodeAt(0);

  while (at.i <= n) {
    const fieldLine = at.line;
    let value: string;
    if (text[at.i] === '"') {
      const quoted = readQuoted(text, at, delimiter, problems);
      // The rest of the file is inside the quotes: the record is unreadable, so it is dropped.
      if (quoted === null) return { records, problems };
      value = quoted;
    } else {
      value = readUnquoted(text, at, delim);
    }
    fields.push({ value, line: fieldLine });
    if (at.i < n && text[at.i] === delimiter) {
      at.i++;
      continue;
    }
    // End of record (a line break or the end of the text).
    if (fields.some((f) => f.value.trim() !== "")) records.push({ line: recordLine, fields });
    if (at.i >= n) break;
    at.i += lineBreakAt(text, at.i);
    at.line++;
    fields = [];
    recordLine = at.line;
  }
  return { records, problems };
}

/** Where parseCsv is: the index in the text and the physical line (1-based). */
interface Cursor {
  i: number;
  line: number;
}

/** The length of the line break at `at` (CRLF, LF or CR; 0 when there is none). */
function lineBreakAt(text: string, at: number): number {
  const c = text[at];
  if (c === "\r") return text[at + 1] === "\n" ? 2 : 1;
  return c === "\n" ? 1 : 0;
}

/**
 * A quoted field from its opening quote: doubled quotes are one, line breaks become "\n". null when the
 * quote is never closed (a problem is recorded). Text after the closing quote is a problem and is kept.
 */
function readQuoted(text: string, at: Cursor, delimiter: Delimiter, problems: CsvProblem[]): string | null {
  const n = text.length;
  const openedOn = at.line;
  let { line } = at;
  let i = at.i + 1;
  let value = "";
  let closed = false;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      if (text[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      i++;
      closed = true;
      break;
    }
    const br = lineBreakAt(text, i);
    if (br > 0) {
      value += "\n";
      line++;
      i += br;
      continue;
    }
    value += c;
    i++;
  }
  if (!closed) {
    problems.push({ line: openedOn, message: 'a quoted field is not closed (a missing ")' });
    return null;
  }
  // After a closing quote only a delimiter, a line break or the end may follow.
  if (i < n && text[i] !== delimiter && lineBreakAt(text, i) === 0) {
    problems.push({ line, message: "text after a closing quote (put the whole field in quotes)" });
    while (i < n && text[i] !== delimiter && lineBreakAt(text, i) === 0) value += text[i++];
  }
  at.i = i;
  at.line = line;
  return value;
}

/**
 * An unquoted field runs to the delimiter or the line break: one slice, not a character at a time
 * (a 50,000-row roster is millions of characters, issue 12.11).
 */
function readUnquoted(text: string, at: Cursor, delim: number): string {
  const n = text.length;
  const start = at.i;
  let i = start;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === delim || c === 10 || c === 13) break;
    i++;
  }
  at.i = i;
  return text.slice(start, i);
}

// --- Roster rows --------------------------------------------------------------------------------------------

export const ROSTER_COLUMNS = [
  "personal_number",
  "full_name",
  "rank",
  "category",
  "faculty",
  "course",
  "group",
  "sending_unit",
  "sex",
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly RosterColumn[] = ["personal_number", "full_name", "rank", "category"];

/** Category words as they appear in institutions' lists (kk, ru) mapped to the rules' categories. */
export const CATEGORY_WORDS: ReadonlyMap<string, Category> = new Map([
  ["cadet", "cadet"],
  ["курсант", "cadet"],
  ["тыңдаушы", "cadet"],
  ["слушатель", "cadet"],
  ["masters", "masters"],
  ["магистрант", "masters"],
  ["doctoral", "doctoral"],
  ["докторант", "doctoral"],
]);
const CATEGORY_HINT = `use cadet, masters or doctoral (or ${[...CATEGORY_WORDS.keys()].filter((w) => !/^[a-z]/.test(w)).join(", ")})`;

export interface RosterRow {
  line: number;
  personalNumber: string;
  fullName: string;
  rank: string;
  category: Category;
  faculty: string;
  course: string;
  groupName: string;
  sendingUnit: string;
  /**
   * For Russian agreement (issue 14.6): "M", "F", null for an empty cell (unknown), undefined when the file
   * has no sex column (then a re-import leaves what is stored alone).
   */
  sex?: Sex | null;
}

export interface RosterError {
  /** Physical line of the file (1-based). */
  line: number;
  /** The header name of the column, or "" for a problem with the whole line or file. */
  column: string;
  message: string;
}

/** Nothing was imported: every problem of the file is in `errors`. */
export class RosterImportError extends InputError {
  override name = "RosterImportError";
  constructor(readonly errors: RosterError[]) {
    super(`the roster has ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing was imported`);
  }
}

const clean = (s: string) =>
  s
    .normalize("NFC")
    .trim()
    .replace(/[ \t]+/g, " ");
const NAME_RE = /^[\p{L}\p{M}][\p{L}\p{M} .'’ʼ-]*$/u;
const PERSONAL_NUMBER_RE = /^[\p{L}\p{N}][\p{L}\p{N}/.-]*$/u;
const LIMITS: Record<RosterColumn, number> = {
  personal_number: 32,
  full_name: 200,
  rank: 100,
  category: 40,
  faculty: 200,
  course: 20,
  group: 100,
  sending_unit: 300,
  sex: 10,
};

/**
 * Checks a roster file without touching the database. Personal data never goes into an error message
 * (a duplicate names the line of the first occurrence, not the number).
 */
export function parseRoster(csvText: string): { rows: RosterRow[]; errors: RosterError[] } {
  const errors: RosterError[] = [];
  const delimiter = detectDelimiter(csvText);
  const { records, problems } = parseCsv(csvText, delimiter);
  for (const p of problems) errors.push({ line: p.line, column: "", message: p.message });
  const [header, ...body] = records;
  if (!header) {
    errors.push({
      line: 1,
      column: "",
      message: `the file is empty: the first line must be the header ${ROSTER_COLUMNS.join(",")}`,
    });
    return { rows: [], errors };
  }

  const { index, errors: headerErrors } = readHeader(header);
  // With a broken header every row would be misread: report the header only.
  if (headerErrors.length > 0) return { rows: [], errors: [...errors, ...headerErrors] };
  if (body.length === 0)
    errors.push({ line: header.line, column: "", message: "the file has no student rows" });

  const rows: RosterRow[] = [];
  const seen = new Map<string, number>();
  for (const rec of body) {
    const extra = rec.fields.slice(header.fields.length).filter((f) => f.value.trim() !== "");
    if (extra.length > 0) {
      errors.push({
        line: rec.line,
        column: "",
        message: `the line has ${rec.fields.length} fields, the header ${header.fields.length} (a value with a "${delimiter}" needs quotes)`,
      });
      continue;
    }
    const row = checkRow({ rec, index, errors, ok: true }, seen);
    if (row) rows.push(row);
  }
  return { rows, errors };
}

/** The column of each header name; unknown, repeated and missing required columns are errors. */
function readHeader(header: CsvRecord): { index: Map<RosterColumn, number>; errors: RosterError[] } {
  const index = new Map<RosterColumn, number>();
  const errors: RosterError[] = [];
  header.fields.forEach((f, i) => {
    const name = clean(f.value).toLowerCase();
    if (name === "" && i === header.fields.length - 1) return; // a trailing delimiter
    if (!(ROSTER_COLUMNS as readonly string[]).includes(name)) {
      errors.push({
        line: f.line,
        column: name,
        message: `unknown column; the header must use ${ROSTER_COLUMNS.join(", ")}`,
      });
    } else if (index.has(name as RosterColumn)) {
      errors.push({ line: f.line, column: name, message: "the column appears twice in the header" });
    } else {
      index.set(name as RosterColumn, i);
    }
  });
  for (const col of REQUIRED_COLUMNS) {
    if (!index.has(col))
      errors.push({ line: header.line, column: col, message: "the header has no such column" });
  }
  return { index, errors };
}

/** One record being checked: its errors go to the file's list, `ok` turns false on the first. */
interface RowCheck {
  rec: CsvRecord;
  index: ReadonlyMap<RosterColumn, number>;
  errors: RosterError[];
  ok: boolean;
}

function cell(rc: RowCheck, col: RosterColumn): { value: string; line: number } {
  const i = rc.index.get(col);
  const f = i === undefined ? undefined : rc.rec.fields[i];
  return { value: f ? clean(f.value) : "", line: f?.line ?? rc.rec.line };
}

function fail(rc: RowCheck, col: RosterColumn, message: string) {
  rc.errors.push({ line: cell(rc, col).line, column: col, message });
  rc.ok = false;
}

/** The cleaned value of a column, or "" (with an error when it is required or malformed). */
function field(rc: RowCheck, col: RosterColumn, required: boolean): string {
  const { value } = cell(rc, col);
  if (value === "") {
    if (required) fail(rc, col, "is required");
  } else if (CONTROL_RE.test(value)) {
    fail(rc, col, "contains a line break or a control character");
  } else if (value.includes("\uFFFD")) {
    fail(rc, col, "has unreadable characters: save the file as CSV UTF-8");
  } else if (value.length > LIMITS[col]) {
    fail(rc, col, `is longer than ${LIMITS[col]} characters`);
  } else {
    return value;
  }
  return "";
}

/** Personal numbers are identifiers: stored in upper case so "ж-12" and "Ж-12" are one student. */
function personalNumberOf(rc: RowCheck, seen: Map<string, number>): string {
  const personalNumber = field(rc, "personal_number", true).toUpperCase();
  if (!personalNumber) return personalNumber;
  if (/^\d+([.,]\d+)?E\+?\d+$/i.test(personalNumber)) {
    fail(
      rc,
      "personal_number",
      "looks like a number a spreadsheet reformatted (1.2E+05): format the column as text",
    );
  } else if (!PERSONAL_NUMBER_RE.test(personalNumber)) {
    fail(rc, "personal_number", "may contain only letters, digits, -, / and . (no spaces)");
  } else {
    const first = seen.get(personalNumber);
    if (first !== undefined) fail(rc, "personal_number", `the same personal number is on line ${first}`);
    else seen.set(personalNumber, rc.rec.line);
  }
  return personalNumber;
}

/** One student row, or null when any of its fields is wrong (the errors are in `rc.errors`). */
function checkRow(rc: RowCheck, seen: Map<string, number>): RosterRow | null {
  const personalNumber = personalNumberOf(rc, seen);
  const fullName = field(rc, "full_name", true);
  if (fullName && !NAME_RE.test(fullName))
    fail(rc, "full_name", "may contain only letters, spaces, hyphens, apostrophes and dots");
  const rank = field(rc, "rank", true);
  const categoryWord = field(rc, "category", true);
  const category = categoryWord ? CATEGORY_WORDS.get(categoryWord.toLowerCase()) : undefined;
  if (categoryWord && !category)
    fail(rc, "category", `"${categoryWord}" is not a category: ${CATEGORY_HINT}`);
  const faculty = field(rc, "faculty", false);
  const course = field(rc, "course", false);
  if (course && !/^[1-9]$/.test(course)) fail(rc, "course", "must be a whole number 1–9 (or empty)");
  const groupName = field(rc, "group", false);
  // Cl. 21–22: master's and doctoral students return to (or are at the disposal of) the unit that sent them.
  const sendingUnit = field(rc, "sending_unit", category === "masters" || category === "doctoral");
  const sex = sexOf(rc);
  if (!rc.ok || !category) return null;
  return {
    line: rc.rec.line,
    personalNumber,
    fullName,
    rank,
    category,
    faculty,
    course,
    groupName,
    sendingUnit,
    ...(sex !== undefined ? { sex } : {}),
  };
}

/**
 * Optional column (issue 14.6): one letter, as institutions write it (src/people/sex.ts); the value is not
 * repeated in the message (personal data). undefined: the file has no such column.
 */
function sexOf(rc: RowCheck): Sex | null | undefined {
  if (!rc.index.has("sex")) return undefined;
  const sex = parseSex(field(rc, "sex", false));
  if (sex === undefined) fail(rc, "sex", "must be M or F (also М/Ж or Е/Ә), or empty when unknown");
  return sex;
}

// --- Import ------------------------------------------------------------------------------------------------

export interface RosterImportResult {
  created: number;
  updated: number;
  /** Rows identical to what was stored (nothing written). */
  unchanged: number;
  /** The students of the file, in file order. */
  studentIds: number[];
}

/**
 * Rows per statement. Rows travel as one JSON parameter (json_to_recordset), so a chunk never nears
 * PostgreSQL's 65,535 bind parameters, whatever the size of the file (issue 12.11); chunks keep each
 * statement's text and memory moderate.
 */
const CHUNK = 5_000;

/** `[0, n)` in chunks of `size`. */
function* chunks<T>(list: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/**
 * Validates the whole file, then upserts every row by (institution, personal number) in one transaction.
 * Throws RosterImportError (with every error) when any row is wrong; nothing is written then.
 */
export async function importRoster(
  db: Db,
  institutionId: number,
  csvText: string,
  now: Date,
  actor?: Actor,
): Promise<RosterImportResult> {
  const { rows, errors } = parseRoster(csvText);
  if (errors.length > 0) throw new RosterImportError(errors.sort((a, b) => a.line - b.line));
  if (!(await getInstitution(db, institutionId)))
    throw new InputError(`no institution with id ${institutionId}`);

  return db.transaction(async (tx) => {
    // The institution's whole roster in one query (no parameter per row): the file is usually most of it.
    const stored = await tx
      .select({
        id: students.id,
        personalNumber: students.personalNumber,
        fullName: students.fullName,
        rank: students.rank,
        category: students.category,
        faculty: students.faculty,
        course: students.course,
        groupName: students.groupName,
        sendingUnit: students.sendingUnit,
        sex: students.sex,
      })
      .from(students)
      .where(eq(students.institutionId, institutionId));
    // A file without the sex column says nothing about it: what is stored stays (issue 14.6).
    const sexGiven = rows.some((r) => r.sex !== undefined);
    const byNumber = new Map(stored.map((s) => [s.personalNumber, s]));
    const same = (r: RosterRow, s: (typeof stored)[number]) =>
      s.fullName === r.fullName &&
      s.rank === r.rank &&
      s.category === r.category &&
      s.faculty === r.faculty &&
      s.course === r.course &&
      s.groupName === r.groupName &&
      s.sendingUnit === r.sendingUnit &&
      (!sexGiven || s.sex === (r.sex ?? null));

    const toWrite = rows.filter((r) => {
      const s = byNumber.get(r.personalNumber);
      return !s || !same(r, s);
    });
    const ids = new Map<string, number>(stored.map((s) => [s.personalNumber, s.id]));
    for (const part of chunks(toWrite)) {
      const json = JSON.stringify(
        part.map((r) => ({
          personal_number: r.personalNumber,
          full_name: r.fullName,
          rank: r.rank,
          category: r.category,
          faculty: r.faculty,
          course: r.course,
          group_name: r.groupName,
          sending_unit: r.sendingUnit,
          sex: r.sex ?? null,
        })),
      );
      const written = rowsOf<{ id: number; personal_number: string }>(
        await tx.execute(sql`
          INSERT INTO ${students} (institution_id, personal_number, full_name, rank, category, faculty, course,
            group_name, sending_unit, sex, updated_at)
          SELECT ${institutionId}::int, x.personal_number, x.full_name, x.rank, x.category, x.faculty, x.course,
            x.group_name, x.sending_unit, x.sex, ${now.toISOString()}::timestamptz
          FROM json_to_recordset(${json}::json) AS x(personal_number text, full_name text, rank text,
            category text, faculty text, course text, group_name text, sending_unit text, sex text)
          ON CONFLICT (institution_id, personal_number) DO UPDATE SET
            full_name = excluded.full_name, rank = excluded.rank, category = excluded.category,
            faculty = excluded.faculty, course = excluded.course, group_name = excluded.group_name,
            sending_unit = excluded.sending_unit,
            sex = CASE WHEN ${sexGiven}::boolean THEN excluded.sex ELSE ${students}.sex END,
            updated_at = excluded.updated_at
          RETURNING id, personal_number`),
      );
      for (const w of written) ids.set(w.personal_number, Number(w.id));
    }
    const created = toWrite.filter((r) => !byNumber.has(r.personalNumber)).length;
    const result: RosterImportResult = {
      created,
      updated: toWrite.length - created,
      unchanged: rows.length - toWrite.length,
      studentIds: rows.map((r) => ids.get(r.personalNumber)!),
    };
    // Counts only: the audit trail holds no personal data.
    await audit(tx, {
      at: now,
      action: "roster.imported",
      institutionId,
      ...by(actor, { rows: rows.length, created, updated: result.updated, unchanged: result.unchanged }),
    });
    return result;
  });
}

export interface IssuedInvite {
  studentId: number;
  personalNumber: string;
  fullName: string;
  token: string;
  expiresAt: Date;
}

/** A listed learner who keeps a link made earlier: unused, not revoked, not expired. */
export interface KeptInvite {
  studentId: number;
  /** The latest expiry among their live links. */
  expiresAt: Date;
}

export interface StudentInvites {
  /** New links, in the order of the list given. */
  issued: IssuedInvite[];
  /** Learners whose earlier link still works: they get no new one (unless `reissue`). */
  kept: KeptInvite[];
  /** Earlier unused links revoked (only with `reissue`). */
  revoked: number;
}

/**
 * Invite links for the listed learners who are active and have no Telegram account bound (a bound learner
 * needs none). A re-import must not break links already handed out (issue 14.14): a learner who holds a
 * live link (unused, not revoked, not expired) keeps it and gets no new one; the others (new learners,
 * links expired, revoked, or used by an account unbound since) get one. With `reissue` (the administrator's
 * --new-links: links lost or leaked) every unused link of the listed unbound learners is revoked and each
 * gets a new one. One transaction; bulk statements (50,000 in a few seconds, issue 12.11).
 */
export async function issueRosterInvites(
  db: Db,
  institutionId: number,
  studentIds: readonly number[],
  now: Date,
  options: { reissue?: boolean; actor?: Actor } = {},
): Promise<StudentInvites> {
  const none: StudentInvites = { issued: [], kept: [], revoked: 0 };
  if (studentIds.length === 0) return none;
  return db.transaction(async (tx) => {
    const unbound = await unboundListed(tx, institutionId, studentIds);
    if (unbound.length === 0) return none;
    const { kept, toIssue } = options.reissue
      ? { kept: [], toIssue: unbound }
      : splitByLiveLink(unbound, await liveLinks(tx, institutionId, now));
    // Without `reissue` only learners with no live link get one: nothing to revoke (an expired link stays
    // expired, and says so when followed).
    const revoked = options.reissue ? await revokeUnusedLinks(tx, toIssue, now) : 0;
    const issued = await insertLinks(tx, institutionId, toIssue, now);
    // Counts only: the audit trail holds no personal data.
    await audit(tx, {
      at: now,
      action: "invites.issued",
      institutionId,
      ...by(options.actor, {
        kind: "student",
        issued: issued.length,
        kept: kept.length,
        revoked,
        reissue: options.reissue === true,
      }),
    });
    return { issued, kept, revoked };
  });
}

type UnboundStudent = { id: number; personalNumber: string; fullName: string };

/** The institution's unbound, active students (one query), kept when listed, in the order given. */
async function unboundListed(
  tx: Executor,
  institutionId: number,
  studentIds: readonly number[],
): Promise<UnboundStudent[]> {
  const wanted = new Map(studentIds.map((id, i) => [id, i]));
  const unbound = (
    await tx
      .select({ id: students.id, personalNumber: students.personalNumber, fullName: students.fullName })
      .from(students)
      .where(
        and(
          eq(students.institutionId, institutionId),
          isNull(students.userId),
          eq(students.active, true),
          isNull(students.pseudonymisedAt),
        ),
      )
  ).filter((s) => wanted.has(s.id));
  unbound.sort((a, b) => wanted.get(a.id)! - wanted.get(b.id)!);
  return unbound;
}

/** The institution's live student links in one query (no parameter per learner): the latest expiry each. */
async function liveLinks(tx: Executor, institutionId: number, now: Date): Promise<Map<number, Date>> {
  const live = new Map<number, Date>();
  for (const l of await tx
    .select({ studentId: invites.studentId, expiresAt: invites.expiresAt })
    .from(invites)
    .where(
      and(
        eq(invites.institutionId, institutionId),
        eq(invites.kind, "student"),
        isNull(invites.usedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, now),
      ),
    )) {
    if (l.studentId === null) continue;
    const prev = live.get(l.studentId);
    if (!prev || l.expiresAt > prev) live.set(l.studentId, l.expiresAt);
  }
  return live;
}

/** Pure: learners holding a live link keep it; the others get one. */
function splitByLiveLink(
  unbound: UnboundStudent[],
  live: ReadonlyMap<number, Date>,
): { kept: KeptInvite[]; toIssue: UnboundStudent[] } {
  const kept: KeptInvite[] = [];
  const toIssue: UnboundStudent[] = [];
  for (const s of unbound) {
    const until = live.get(s.id);
    if (until) kept.push({ studentId: s.id, expiresAt: until });
    else toIssue.push(s);
  }
  return { kept, toIssue };
}

/** Revokes every unused link of these learners; returns how many. */
async function revokeUnusedLinks(tx: Executor, list: UnboundStudent[], now: Date): Promise<number> {
  let revoked = 0;
  // ARRAY(…) is computed once and matched through invites_student_idx; an IN (subquery) over an
  // unanalysed table is planned as a nested loop that re-reads the JSON for every row (minutes at 50,000).
  for (const part of chunks(list)) {
    const ids = JSON.stringify(part.map((s) => s.id));
    revoked += rowsOf(
      await tx.execute(sql`
        UPDATE ${invites} SET revoked_at = ${now.toISOString()}::timestamptz
        WHERE student_id = ANY (ARRAY(SELECT value::int FROM json_array_elements_text(${ids}::json)))
          AND used_at IS NULL AND revoked_at IS NULL
        RETURNING id`),
    ).length;
  }
  return revoked;
}

/** A new link for each learner, in bulk statements. */
async function insertLinks(
  tx: Executor,
  institutionId: number,
  list: UnboundStudent[],
  now: Date,
): Promise<IssuedInvite[]> {
  const issued: IssuedInvite[] = [];
  const expiresAt = inviteExpiry(now);
  for (const part of chunks(list)) {
    const made = part.map((s) => ({ s, ...newToken() }));
    const json = JSON.stringify(made.map((m) => ({ token_hash: m.tokenHash, student_id: m.s.id })));
    await tx.execute(sql`
      INSERT INTO ${invites} (token_hash, kind, institution_id, student_id, expires_at)
      SELECT x.token_hash, 'student', ${institutionId}::int, x.student_id, ${expiresAt.toISOString()}::timestamptz
      FROM json_to_recordset(${json}::json) AS x(token_hash text, student_id int)`);
    for (const m of made)
      issued.push({
        studentId: m.s.id,
        personalNumber: m.s.personalNumber,
        fullName: m.s.fullName,
        token: m.token,
        expiresAt,
      });
  }
  return issued;
}

/** The new links of issueRosterInvites (learners holding a live link keep it and are not listed). */
export async function issueStudentInvites(
  db: Db,
  institutionId: number,
  studentIds: readonly number[],
  now: Date,
  actor?: Actor,
): Promise<IssuedInvite[]> {
  return (await issueRosterInvites(db, institutionId, studentIds, now, { actor })).issued;
}
