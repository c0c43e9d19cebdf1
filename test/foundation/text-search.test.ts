/**
 * Name search ignores case in every script whatever the database's locale (src/db/text-search.ts): under
 * LC_CTYPE=C, ILIKE folds ASCII only, so an official typing "иванов" would not find "Иванов".
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../src/db/client";
import { caseFoldPattern, containsIgnoringCase } from "../../src/db/text-search";
import { findLearners } from "../../src/people/learner-search";
import { scratchDatabaseName, testDatabase } from "../support/db";
import { addInstitution, addStudent } from "../support/fixtures";
import { useHarness } from "../support/harness";

describe("contains, ignoring case, in any locale", () => {
  it("makes a bracket of both cases for each letter and takes everything else literally", () => {
    expect(caseFoldPattern("Ив")).toBe("[Ии][вВ]");
    expect(caseFoldPattern("әл")).toBe("[әӘ][лЛ]");
    expect(caseFoldPattern("a.b*(1)")).toBe("[aA]\\.[bB]\\*\\(1\\)");
    expect(caseFoldPattern("Ж-0001")).toBe("[Жж]-0001");
    expect(caseFoldPattern("ß")).toBe("ß"); // its upper case is two letters: taken as it is
    expect(caseFoldPattern("ǅ")).toBe("[ǅǆǄ]");
  });

  const hr = useHarness();

  it("finds Kazakh and Russian names typed in any case; regex characters in a query match themselves", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStudent(h.db, inst.id, { name: "Әлиев Ерлан Қанатұлы" });
    await addStudent(h.db, inst.id, { name: "Иванов Иван (мл.)" });
    const names = async (q: string) => (await findLearners(h.db, inst.id, q)).map((m) => m.fullName);
    expect(await names("әлиев")).toEqual(["Әлиев Ерлан Қанатұлы"]);
    expect(await names("ҚАНАТ")).toEqual(["Әлиев Ерлан Қанатұлы"]);
    expect(await names("иванов иван")).toEqual(["Иванов Иван (мл.)"]);
    expect(await names("(мл.)")).toEqual(["Иванов Иван (мл.)"]);
    expect(await names("в.")).toEqual([]); // "." is a dot, not any character
    const [r] = rowsOf<{ m: boolean }>(
      await h.db.execute(sql`SELECT ${containsIgnoringCase(sql`'ӨРІС ҰЛЫ'`, "өріс ұлы")} AS m`),
    );
    expect(r?.m).toBe(true);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "PostgreSQL created under the C locale: ILIKE misses Cyrillic in another case, the search does not",
    async () => {
      await testDatabase(); // the server is up
      const base = process.env.TEST_DATABASE_URL!;
      const name = scratchDatabaseName(base, `cloc_${process.pid}`);
      const admin = postgres(base, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.unsafe(
        `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'`,
      );
      const url = new URL(base);
      url.pathname = `/${name}`;
      const c = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        const [r] = await c`SELECT 'Иванов' ILIKE '%иванов%' AS ilike, 'Әлиев' ILIKE '%әлиев%' AS kk,
          'Иванов' ~ ${caseFoldPattern("иванов")} AS ours, 'Әлиев' ~ ${caseFoldPattern("әлиев")} AS ours_kk,
          current_setting('lc_ctype') AS ctype`;
        expect(r).toEqual({ ilike: false, kk: false, ours: true, ours_kk: true, ctype: "C" });
      } finally {
        await c.end();
        await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      }
    },
  );
});
