/**
 * The roster: students imported from a CSV file (UTF-8, Kazakh letters, an optional BOM, RFC 4180 quoting,
 * comma or semicolon as found in the header). Every row is checked first; one error anywhere and nothing is
 * imported, and every error is reported with its physical line and column. Otherwise the rows are upserted
 * by (institution, personal number) in one transaction. Students missing from a later file are left alone.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { audit } from "../audit";
import type { Db } from "../db/client";
import { invites, students } from "../db/schema";
import type { Category } from "../rules";
import { type Actor, by, CONTROL_RE, getInstitution, InputError } from "./institutions";
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
  let line = 1;
  let i = 0;
  const n = text.length;
  let fields: CsvField[] = [];
  let recordLine = 1;
  const delim = delimiter.charCodeAt(0);

  const endOfLine = (at: number): number => {
    // Returns the length of the line break at `at` (0 when there is none).
    const c = text[at];
    if (c === "\r") return text[at + 1] === "\n" ? 2 : 1;
    return c === "\n" ? 1 : 0;
  };

  while (i <= n) {
    const fieldLine = line;
    let value = "";
    if (text[i] === '"') {
      const openedOn = line;
      i++;
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
        const br = endOfLine(i);
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
        // The rest of the file is inside the quotes: the record is unreadable, so it is dropped.
        problems.push({ line: openedOn, message: 'a quoted field is not closed (a missing ")' });
        return { records, problems };
      }
      // After a closing quote only a delimiter, a line break or the end may follow.
      if (i < n && text[i] !== delimiter && endOfLine(i) === 0) {
        problems.push({ line, message: "text after a closing quote (put the whole field in quotes)" });
        while (i < n && text[i] !== delimiter && endOfLine(i) === 0) value += text[i++];
      }
    } else {
      // An unquoted field runs to the delimiter or the line break: one slice, not a character at a time
      // (a 50,000-row roster is millions of characters, issue 12.11).
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === delim || c === 10 || c === 13) break;
        i++;
      }
      value = text.slice(start, i);
    }
    fields.push({ value, line: fieldLine });
    if (i < n && text[i] === delimiter) {
      i++;
      continue;
    }
    // End of record (a line break or the end of the text).
    if (fields.some((f) => f.value.trim() !== "")) records.push({ line: recordLine, fields });
    if (i >= n) break;
    i += endOfLine(i);
    line++;
    fields = [];
    recordLine = line;
  }
  return { records, problems };
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

  const index = new Map<RosterColumn, number>();
  const headerErrors: RosterError[] = [];
  header.fields.forEach((f, i) => {
    const name = clean(f.value).toLowerCase();
    if (name === "" && i === header.fields.length - 1) return; // a trailing delimiter
    if (!(ROSTER_COLUMNS as readonly string[]).includes(name)) {
      headerErrors.push({
        line: f.line,
        column: name,
        message: `unknown column; the header must use ${ROSTER_COLUMNS.join(", ")}`,
      });
    } else if (index.has(name as RosterColumn)) {
      headerErrors.push({ line: f.line, column: name, message: "the column appears twice in the header" });
    } else {
      index.set(name as RosterColumn, i);
    }
  });
  for (const col of REQUIRED_COLUMNS) {
    if (!index.has(col))
      headerErrors.push({ line: header.line, column: col, message: "the header has no such column" });
  }
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
    const get = (col: RosterColumn): { value: string; line: number } => {
      const i = index.get(col);
      const f = i === undefined ? undefined : rec.fields[i];
      return { value: f ? clean(f.value) : "", line: f?.line ?? rec.line };
    };
    let ok = true;
    const fail = (col: RosterColumn, line: number, message: string) => {
      errors.push({ line, column: col, message });
      ok = false;
    };
    const field = (col: RosterColumn, required: boolean): string => {
      const { value, line } = get(col);
      if (value === "") {
        if (required) fail(col, line, "is required");
      } else if (CONTROL_RE.test(value)) {
        fail(col, line, "contains a line break or a control character");
      } else if (value.includes("\uFFFD")) {
        fail(col, line, "has unreadable characters: save the file as CSV UTF-8");
      } else if (value.length > LIMITS[col]) {
        fail(col, line, `is longer than ${LIMITS[col]} characters`);
      } else {
        return value;
      }
      return "";
    };

    // Personal numbers are identifiers: stored in upper case so "ж-12" and "Ж-12" are one student.
    const personalNumber = field("personal_number", true).toUpperCase();
    if (personalNumber) {
      const line = get("personal_number").line;
      if (/^\d+([.,]\d+)?E\+?\d+$/i.test(personalNumber)) {
        fail(
          "personal_number",
          line,
          "looks like a number a spreadsheet reformatted (1.2E+05): format the column as text",
        );
      } else if (!PERSONAL_NUMBER_RE.test(personalNumber)) {
        fail("personal_number", line, "may contain only letters, digits, -, / and . (no spaces)");
      } else {
        const first = seen.get(personalNumber);
        if (first !== undefined)
          fail("personal_number", line, `the same personal number is on line ${first}`);
        else seen.set(personalNumber, rec.line);
      }
    }
    const fullName = field("full_name", true);
    if (fullName && !NAME_RE.test(fullName))
      fail(
        "full_name",
        get("full_name").line,
        "may contain only letters, spaces, hyphens, apostrophes and dots",
      );
    const rank = field("rank", true);
    const categoryWord = field("category", true);
    const category = categoryWord ? CATEGORY_WORDS.get(categoryWord.toLowerCase()) : undefined;
    if (categoryWord && !category)
      fail("category", get("category").line, `"${categoryWord}" is not a category: ${CATEGORY_HINT}`);
    const faculty = field("faculty", false);
    const course = field("course", false);
    if (course && !/^[1-9]$/.test(course))
      fail("course", get("course").line, "must be a whole number 1–9 (or empty)");
    const groupName = field("group", false);
    // Cl. 21–22: master's and doctoral students return to (or are at the disposal of) the unit that sent them.
    const sendingUnit = field("sending_unit", category === "masters" || category === "doctoral");
    // Optional column (issue 14.6): one letter, as institutions write it (src/people/sex.ts); the value is
    // not repeated in the message (personal data).
    let sex: Sex | null | undefined;
    if (index.has("sex")) {
      const letter = field("sex", false);
      sex = parseSex(letter);
      if (sex === undefined)
        fail("sex", get("sex").line, "must be M or F (also М/Ж or Е/Ә), or empty when unknown");
    }
    if (ok && category) {
      rows.push({
        line: rec.line,
        personalNumber,
        fullName,
        rank,
        category,
        faculty,
        course,
        groupName,
        sendingUnit,
        ...(sex !== undefined ? { sex } : {}),
      });
    }
  }
  return { rows, errors };
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

/** Rows of a raw statement: postgres.js gives an array, PGlite an object with `rows`. */
const rowsOf = <T>(res: unknown): T[] =>
  (Array.isArray(res) ? res : ((res as { rows?: unknown[] }).rows ?? [])) as T[];

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
    // The institution's unbound, active students (one query), kept when listed, in the order given.
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
    if (unbound.length === 0) return none;
    unbound.sort((a, b) => wanted.get(a.id)! - wanted.get(b.id)!);

    const kept: KeptInvite[] = [];
    let toIssue = unbound;
    if (!options.reissue) {
      // The institution's live student links in one query (no parameter per learner).
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
      toIssue = [];
      for (const s of unbound) {
        const until = live.get(s.id);
        if (until) kept.push({ studentId: s.id, expiresAt: until });
        else toIssue.push(s);
      }
    }

    let revoked = 0;
    // ARRAY(…) is computed once and matched through invites_student_idx; an IN (subquery) over an
    // unanalysed table is planned as a nested loop that re-reads the JSON for every row (minutes at 50,000).
    // Without `reissue` only learners with no live link get one: nothing to revoke (an expired link stays
    // expired, and says so when followed).
    for (const part of options.reissue ? chunks(toIssue) : []) {
      const ids = JSON.stringify(part.map((s) => s.id));
      revoked += rowsOf(
        await tx.execute(sql`
          UPDATE ${invites} SET revoked_at = ${now.toISOString()}::timestamptz
          WHERE student_id = ANY (ARRAY(SELECT value::int FROM json_array_elements_text(${ids}::json)))
            AND used_at IS NULL AND revoked_at IS NULL
          RETURNING id`),
      ).length;
    }
    const issued: IssuedInvite[] = [];
    const expiresAt = inviteExpiry(now);
    for (const part of chunks(toIssue)) {
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
