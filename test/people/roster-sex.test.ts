/**
 * Issue 14.6: the roster's optional `sex` column, used only for Russian agreement. One letter as institutions
 * write it (M/F, Russian М/Ж, Kazakh Е/Ә), empty = unknown; a wrong value is reported by line and column like
 * every other column; a file without the column is fine and leaves what is stored alone.
 */
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { students } from "../../src/db/schema";
import { importRoster, parseRoster, RosterImportError } from "../../src/people/roster";
import { resetDatabase, testDatabase } from "../support/db";
import { csv, HEADER, institution, NOW } from "./fixtures";

const WITH_SEX = `${HEADER},sex`;

describe("the roster's sex column (parsing)", () => {
  it("accepts M/F, Russian М/Ж and Kazakh Е/Ә in either case, and an empty cell as unknown", () => {
    const { rows, errors } = parseRoster(
      csv(
        WITH_SEX,
        "1,Әлиев Асқар,курсант,cadet,,,,,M",
        "2,Ахметова Дана,курсант,cadet,,,,,f",
        "3,Петров Пётр,курсант,cadet,,,,,М", // Cyrillic
        "4,Иванова Анна,курсант,cadet,,,,,ж",
        "5,Серіков Болат,курсант,cadet,,,,,Е", // Kazakh ер (Cyrillic Е)
        "6,Сейітова Әйгерім,курсант,cadet,,,,, ә ",
        "7,Оспанов Ерлан,курсант,cadet,,,,,",
        "8,Нұрланов Бекзат,курсант,cadet,,,,", // the last field missing: empty
      ),
    );
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.personalNumber, r.sex])).toEqual([
      ["1", "M"],
      ["2", "F"],
      ["3", "M"],
      ["4", "F"],
      ["5", "M"],
      ["6", "F"],
      ["7", null],
      ["8", null],
    ]);
  });

  it("reports a wrong value with its line and column, without repeating it", () => {
    const { rows, errors } = parseRoster(
      csv(
        "personal_number;full_name;sex;rank;category",
        "1;Әлиев Асқар;M;курсант;cadet",
        "2;Ахметова Дана;female;курсант;cadet", // a word, not a letter
        "3;Петров Пётр;E;курсант;cadet", // Latin E is not the Kazakh letter: refused, not guessed
        "4;Иванова Анна;X;курсант;cadet",
      ),
    );
    expect(errors).toEqual([
      { line: 3, column: "sex", message: "must be M or F (also М/Ж or Е/Ә), or empty when unknown" },
      { line: 4, column: "sex", message: "must be M or F (also М/Ж or Е/Ә), or empty when unknown" },
      { line: 5, column: "sex", message: "must be M or F (also М/Ж or Е/Ә), or empty when unknown" },
    ]);
    expect(JSON.stringify(errors)).not.toMatch(/female|"X"/);
    expect(rows.map((r) => r.personalNumber)).toEqual(["1"]);
  });

  it("a file without the column is fine: the rows carry no sex at all", () => {
    const { rows, errors } = parseRoster(csv(HEADER, "1,Әлиев Асқар,курсант,cadet,,,,"));
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
    expect("sex" in rows[0]!).toBe(false);
  });
});

describe("the roster's sex column (import)", () => {
  let database: Database;
  let institutionId: number;
  beforeEach(async () => {
    database = await testDatabase();
    await resetDatabase(database);
    institutionId = (await institution(database.db)).id;
  });

  const sexes = async () =>
    (
      await database.db
        .select({ n: students.personalNumber, sex: students.sex })
        .from(students)
        .where(eq(students.institutionId, institutionId))
        .orderBy(students.personalNumber)
    ).map((r) => [r.n, r.sex]);

  it("stores the letter; a file without the column keeps it; the column with an empty cell clears it", async () => {
    await importRoster(
      database.db,
      institutionId,
      csv(WITH_SEX, "1,Әлиев Асқар,курсант,cadet,,,,,М", "2,Ахметова Дана,курсант,cadet,,,,,Ж"),
      NOW,
    );
    expect(await sexes()).toEqual([
      ["1", "M"],
      ["2", "F"],
    ]);
    // A later file without the column says nothing about it: nothing to write, nothing lost.
    const again = await importRoster(
      database.db,
      institutionId,
      csv(HEADER, "1,Әлиев Асқар,курсант,cadet,,,,", "2,Ахметова Дана,курсант,cadet,,2,,"),
      NOW,
    );
    expect(again).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await sexes()).toEqual([
      ["1", "M"],
      ["2", "F"],
    ]);
    // With the column, the file is the truth: a corrected letter, and an empty cell for "unknown".
    const third = await importRoster(
      database.db,
      institutionId,
      csv(WITH_SEX, "1,Әлиев Асқар,курсант,cadet,,,,,", "2,Ахметова Дана,курсант,cadet,,2,,,F"),
      NOW,
    );
    expect(third).toMatchObject({ updated: 1, unchanged: 1 });
    expect(await sexes()).toEqual([
      ["1", null],
      ["2", "F"],
    ]);
  });

  it("imports nothing when a sex is wrong, and names the line and the column", async () => {
    const err = await importRoster(
      database.db,
      institutionId,
      csv(WITH_SEX, "1,Әлиев Асқар,курсант,cadet,,,,,M", "2,Ахметова Дана,курсант,cadet,,,,,W"),
      NOW,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RosterImportError);
    expect((err as RosterImportError).errors).toEqual([
      { line: 3, column: "sex", message: "must be M or F (also М/Ж or Е/Ә), or empty when unknown" },
    ]);
    expect(await sexes()).toEqual([]);
  });
});
