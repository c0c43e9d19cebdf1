import { and, eq, isNull } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { auditEvents, invites, students } from "../../src/db/schema";
import {
  detectDelimiter,
  importRoster,
  issueRosterInvites,
  issueStudentInvites,
  parseCsv,
  parseRoster,
  RosterImportError,
} from "../../src/people/roster";
import { resetDatabase, testDatabase } from "../support/db";
import { csv, HEADER, institution, NOW } from "./fixtures";

describe("CSV parsing (RFC 4180)", () => {
  it("reads quoted fields with delimiters, doubled quotes and line breaks, and counts physical lines", () => {
    const { records, problems } = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\n\nlast,row', ",");
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.line, r.fields.map((f) => f.value)])).toEqual([
      [1, ["a", "b"]],
      [2, ["x, y", 'say "hi"']],
      [3, ["two\nlines", "z"]],
      [6, ["last", "row"]],
    ]);
    // The field after a line break inside quotes starts on the next physical line.
    expect(records[2]!.fields[1]!.line).toBe(4);
  });

  it("drops a BOM, skips blank and all-empty lines, and accepts CR, LF and CRLF", () => {
    const { records } = parseCsv("\uFEFFa;b\r;;\n\n1;2\r\n", ";");
    expect(records.map((r) => r.fields.map((f) => f.value))).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("reports an unclosed quote at the line it opened and text after a closing quote", () => {
    expect(parseCsv('a,b\n"open,\nstill open', ",").problems).toEqual([
      { line: 2, message: expect.stringContaining("not closed") },
    ]);
    expect(parseCsv('a,b\n"x"y,z', ",").problems).toEqual([
      { line: 2, message: expect.stringContaining("after a closing quote") },
    ]);
  });

  it("detects the delimiter from the header, outside quotes", () => {
    expect(detectDelimiter("a;b;c\n1,2,3,4,5")).toBe(";");
    expect(detectDelimiter("a,b,c\n1;2;3;4;5")).toBe(",");
    expect(detectDelimiter('"x;y;z",b\n')).toBe(",");
    expect(detectDelimiter("\uFEFFpersonal_number;full_name")).toBe(";");
  });
});

describe("roster validation", () => {
  it("maps category words of kk/ru lists and keeps Kazakh letters", () => {
    const { rows, errors } = parseRoster(
      csv(
        HEADER,
        "ж-1,Әбішев Нұрлан Қайратұлы,курсант,Курсант,,1,,",
        "Ж-2,Өмірзақова Ұлжан,курсант,тыңдаушы,,,,",
        "Ж-3,Петров Пётр,курсант,слушатель,,,,",
        "М-4,Іргебаев Һаким,лейтенант,магистрант,,,,в/ч 1234",
        "Д-5,Ғалымов Үміт,капитан,DOCTORAL,,,,в/ч 5678",
      ),
    );
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.personalNumber, r.category])).toEqual([
      ["Ж-1", "cadet"],
      ["Ж-2", "cadet"],
      ["Ж-3", "cadet"],
      ["М-4", "masters"],
      ["Д-5", "doctoral"],
    ]);
    expect(rows[0]!.fullName).toBe("Әбішев Нұрлан Қайратұлы");
  });

  it("reports every error with its line and column, without personal data", () => {
    const { errors } = parseRoster(
      [
        HEADER,
        "1,Ахметов Асқар,курсант,студент,,x,,", // 2: category, course
        "2,,курсант,магистрант,,,,", // 3: full_name, sending_unit
        '1,"Бекова\nАйгүл",курсант,cadet,,,,', // 4–5: duplicate, line break in a name
        "3.1E+05,Name9,курсант,cadet,,,,", // 6: spreadsheet number, digits in a name
        "4,Серік Болат,курсант,cadet,,,,,extra", // 7: too many fields
      ].join("\n"),
    );
    expect(errors.map((e) => `${e.line}:${e.column}`)).toEqual([
      "2:category",
      "2:course",
      "3:full_name",
      "3:sending_unit",
      "4:personal_number",
      "4:full_name",
      "6:personal_number",
      "6:full_name",
      "7:",
    ]);
    expect(errors.find((e) => e.line === 4 && e.column === "personal_number")?.message).toBe(
      "the same personal number is on line 2",
    );
    expect(JSON.stringify(errors)).not.toContain("Ахметов");
  });

  it("accepts only the listed category words", () => {
    for (const word of ["constructor", "toString", "студент", "__proto__"]) {
      const { rows, errors } = parseRoster(csv(HEADER, `1,Асқар Әлиев,курсант,${word},,,,`));
      expect(rows).toEqual([]);
      expect(errors).toEqual([
        { line: 2, column: "category", message: expect.stringContaining("is not a category") },
      ]);
    }
  });

  it("refuses a header with unknown or missing columns and an empty file", () => {
    expect(parseRoster("personal_number,fullname,rank\n1,A,B\n").errors).toEqual([
      { line: 1, column: "fullname", message: expect.stringContaining("unknown column") },
      { line: 1, column: "full_name", message: "the header has no such column" },
      { line: 1, column: "category", message: "the header has no such column" },
    ]);
    expect(parseRoster("").errors).toEqual([
      { line: 1, column: "", message: expect.stringContaining("empty") },
    ]);
    expect(parseRoster(`${HEADER}\n`).errors).toEqual([
      { line: 1, column: "", message: "the file has no student rows" },
    ]);
  });

  it("needs only the four main columns and tolerates fields missing at the end of a line", () => {
    const { rows, errors } = parseRoster(
      "full_name;personal_number;category;rank\nАсқар Әлиев;77;cadet;курсант\n",
    );
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({
      personalNumber: "77",
      fullName: "Асқар Әлиев",
      sendingUnit: "",
      course: "",
    });
    expect(parseRoster(`${HEADER}\n5,Асқар Әлиев,курсант,cadet\n`).errors).toEqual([]);
  });
});

describe("importRoster", () => {
  let database: Database;
  let institutionId: number;
  beforeEach(async () => {
    database = await testDatabase();
    await resetDatabase(database);
    institutionId = (await institution(database.db)).id;
  });

  it("imports a semicolon file with a BOM and Kazakh letters, and audits counts only", async () => {
    const text = `\uFEFF${csv(
      HEADER.replace(/,/g, ";"),
      "Ж-001;Әбішев Нұрлан Қайратұлы;курсант;курсант;Заң факультеті;2;ЗФ-21;",
      'М-002;"Құрманғазы Ғалия";лейтенант;магистрант;;1;;"в/ч 1234; бөлім ""Б"""',
    )}`;
    const res = await importRoster(database.db, institutionId, text, NOW);
    expect(res).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const rows = await database.db.select().from(students).orderBy(students.id);
    expect(rows.map((r) => r.id)).toEqual(res.studentIds);
    expect(rows[0]).toMatchObject({
      personalNumber: "Ж-001",
      fullName: "Әбішев Нұрлан Қайратұлы",
      category: "cadet",
      faculty: "Заң факультеті",
      course: "2",
      groupName: "ЗФ-21",
      userId: null,
      active: true,
    });
    expect(rows[1]).toMatchObject({
      fullName: "Құрманғазы Ғалия",
      category: "masters",
      sendingUnit: 'в/ч 1234; бөлім "Б"',
    });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "roster.imported"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      institutionId,
      details: { rows: 2, created: 2, updated: 0, unchanged: 0 },
    });
    expect(JSON.stringify(events[0])).not.toMatch(/Әбішев|Ж-001/);
  });

  it("updates by personal number on a second import and leaves others alone", async () => {
    await importRoster(
      database.db,
      institutionId,
      csv(HEADER, "1,Асқар Әлиев,курсант,cadet,,1,,", "2,Болат Серік,курсант,cadet,,1,,"),
      NOW,
    );
    const res = await importRoster(
      database.db,
      institutionId,
      csv(
        HEADER,
        "2,Болат Серік,курсант,cadet,,1,,",
        "1,Асқар Әлиев,курсант,cadet,,2,,",
        "3,Дана Ерлан,курсант,cadet,,1,,",
      ),
      new Date(NOW.getTime() + 86_400_000),
    );
    expect(res).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const rows = await database.db.select().from(students).orderBy(students.id);
    expect(rows.map((r) => [r.personalNumber, r.course])).toEqual([
      ["1", "2"],
      ["2", "1"],
      ["3", "1"],
    ]);
    const idOf = (n: string) => rows.find((r) => r.personalNumber === n)!.id;
    expect(res.studentIds).toEqual([idOf("2"), idOf("1"), idOf("3")]);
    expect(rows[0]!.updatedAt.getTime()).toBeGreaterThan(rows[1]!.updatedAt.getTime());
  });

  it("imports nothing when one row is wrong, and reports them all", async () => {
    await importRoster(database.db, institutionId, csv(HEADER, "1,Асқар Әлиев,курсант,cadet,,1,,"), NOW);
    const bad = csv(
      HEADER,
      "1,Асқар Әлиев,курсант,cadet,,3,,",
      "2,Болат,курсант,masters,,,,",
      "3,,курсант,cadet,,,,",
    );
    const err = await importRoster(database.db, institutionId, bad, NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RosterImportError);
    expect((err as RosterImportError).errors).toEqual([
      { line: 3, column: "sending_unit", message: "is required" },
      { line: 4, column: "full_name", message: "is required" },
    ]);
    const rows = await database.db.select().from(students);
    expect(rows.map((r) => [r.personalNumber, r.course])).toEqual([["1", "1"]]);
    expect(
      await database.db.select().from(auditEvents).where(eq(auditEvents.action, "roster.imported")),
    ).toHaveLength(1);
  });

  it("makes one invite per unbound student; again, keeps the live ones; with reissue, replaces them", async () => {
    const { studentIds } = await importRoster(
      database.db,
      institutionId,
      csv(HEADER, "1,Асқар Әлиев,курсант,cadet,,1,,", "2,Болат Серік,курсант,cadet,,1,,"),
      NOW,
    );
    const first = await issueStudentInvites(database.db, institutionId, studentIds, NOW);
    expect(first.map((i) => [i.personalNumber, i.fullName])).toEqual([
      ["1", "Асқар Әлиев"],
      ["2", "Болат Серік"],
    ]);
    expect(first[0]!.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Issue 14.14: links handed out stay valid; nothing new is made for learners who hold one.
    const second = await issueRosterInvites(database.db, institutionId, studentIds, NOW);
    expect(second).toEqual({
      issued: [],
      kept: studentIds.map((studentId) => ({ studentId, expiresAt: first[0]!.expiresAt })),
      revoked: 0,
    });
    const live = () =>
      database.db
        .select()
        .from(invites)
        .where(and(isNull(invites.revokedAt), isNull(invites.usedAt)));
    expect((await live()).map((i) => i.id)).toHaveLength(2);
    // An expired link is no reason to keep it: a new one is made, the old one left to say "expired".
    const later = new Date(first[0]!.expiresAt.getTime() + 1000);
    const afterExpiry = await issueRosterInvites(database.db, institutionId, [studentIds[0]!], later);
    expect(afterExpiry.issued.map((i) => i.studentId)).toEqual([studentIds[0]]);
    expect(afterExpiry.revoked).toBe(0);
    // Reissue: every unused link of the listed learners is revoked and each gets a new one.
    const third = await issueRosterInvites(database.db, institutionId, studentIds, NOW, { reissue: true });
    expect(third.issued).toHaveLength(2);
    expect(third.kept).toEqual([]);
    expect(third.revoked).toBe(3);
    expect(await live()).toHaveLength(2);
    expect(await database.db.select().from(invites)).toHaveLength(5);
  });
});
