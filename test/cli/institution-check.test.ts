/**
 * D14: `institution check <code>`, the administrator's readiness check: every role of the procedure without
 * an official bound to Telegram, the records not bound yet, the cases waiting on nobody; exit code 1 until
 * every role is held, then 0 and "ready".
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type CliIo, runCli } from "../../src/cli/run";
import { officials, users } from "../../src/db/schema";
import { fileCase } from "../jobs/helpers";
import { type Harness, useHarness } from "../support/harness";

interface Result {
  code: number;
  out: string[];
  err: string[];
}

function cli(h: Harness, extra: Partial<CliIo> = {}) {
  return async (...argv: string[]): Promise<Result> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      db: h.db,
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      now: () => h.clock(),
      ...extra,
    });
    return { code, out, err };
  };
}

const INSTITUTION = [
  "institution",
  "add",
  "--code",
  "akad",
  "--name-kk",
  "ҰҚК Академиясы",
  "--name-ru",
  "Академия КНБ",
  "--head-title-kk",
  "ҰҚК Академиясының бастығына",
  "--head-title-ru",
  "Начальнику Академии КНБ",
];

const official = (name: string, position: string, roles: string) => [
  "official",
  "add",
  "akad",
  "--name",
  name,
  "--position",
  position,
  "--roles",
  roles,
];

let telegramId = 900_000;
/** What redeeming an invite does to the record: the official is bound to a Telegram account. */
async function bind(h: Harness, officialId: number) {
  const [u] = await h.db.insert(users).values({ telegramId: ++telegramId }).returning();
  await h.db.update(officials).set({ userId: u!.id }).where(eq(officials.id, officialId));
}

/** The table row of a role: its cells split on the column gaps. */
const rowOf = (r: Result, role: string) => r.out.find((l) => l.startsWith(`${role} `))?.split(/\s{2,}/) ?? [];

describe("institution check (D14 readiness)", () => {
  const hr = useHarness(); // Friday 20 March 2026, 09:00 Asia/Almaty

  it("shows its usage with --help and is listed in help", async () => {
    const run = cli(hr.current, {
      db: async () => {
        throw new Error("the database must not be opened");
      },
    });
    const help = await run("institution", "check", "--help");
    expect(help.code).toBe(0);
    expect(help.out[0]).toBe("Usage: npm run admin -- institution check <code>");
    expect(help.out.join("\n")).toContain('the last line is "ready" (exit code 0)');
    expect((await run("help")).out.join("\n")).toMatch(/institution check <code>\s+check that every role/);
    expect((await run("institution", "check")).err).toEqual([
      "error: missing <code> (see: institution check --help)",
    ]);
  });

  it("lists every role without a bound official, the records not bound yet, and exits 1 until all are held", async () => {
    const h = hr.current;
    const run = cli(h);
    await run(...INSTITUTION);

    // Nobody at all: every role of the procedure is missing.
    const empty = await run("institution", "check", "akad");
    expect(empty.code).toBe(1);
    expect(empty.out[0]).toBe("institution AKAD: roles of the procedure on 2026-03-20");
    const roles = ["head", "deputy_personnel", "personnel_officer", "admin"];
    for (const role of roles) expect(rowOf(empty, role).slice(0, 2)).toEqual([role, "MISSING"]);
    expect(rowOf(empty, "personnel_officer")[2]).toBe(
      'nobody has the role: official add AKAD --name "…" --position "…" --roles personnel_officer',
    );
    // Roles no learner-filed procedure uses are not asked for.
    expect(empty.out.join("\n")).not.toContain("deputy_academic");
    expect(empty.out.at(-1)).toBe(
      "not ready: 4 roles without an official bound to Telegram: head, deputy_personnel, personnel_officer, admin",
    );

    // The head (also the administrator) is bound; the deputy has a record but has not joined.
    await run(...official("Серікбаев Ерлан", "Бастық", "head,admin")); // official 1
    await run(...official("Орынбасар Қанат", "Орынбасар", "deputy_personnel")); // official 2
    await bind(h, 1);
    const partial = await run("institution", "check", "AKAD");
    expect(partial.code).toBe(1);
    expect(rowOf(partial, "head")).toEqual(["head", "Серікбаев Ерлан (1)"]);
    expect(rowOf(partial, "admin")).toEqual(["admin", "Серікбаев Ерлан (1)"]);
    expect(rowOf(partial, "deputy_personnel")).toEqual([
      "deputy_personnel",
      "MISSING",
      "Орынбасар Қанат (2): official invite 2",
    ]);
    expect(partial.out.at(-1)).toBe(
      "not ready: 2 roles without an official bound to Telegram: deputy_personnel, personnel_officer",
    );

    // A learner files meanwhile: the check names the case's steps waiting on nobody.
    const caseId = await fileCase(h, 1, "own_will");
    const waiting = await run("institution", "check", "akad");
    expect(waiting.out).toContain(`  case ${caseId}: endorse (deputy_personnel)`);
    expect(waiting.out.find((l) => l.startsWith("open cases waiting on nobody: "))).toBeDefined();

    // An extra endorser (D4) is a role of the procedure too.
    await run("institution", "set", "akad", "--endorsers", "unit_head");
    expect(rowOf(await run("institution", "check", "akad"), "unit_head")[1]).toBe("MISSING");
    await run("institution", "set", "akad", "--endorsers", "none");

    // A deactivated record is named with the way back.
    await run(...official("Кадровик Дәулет", "Кадр бөлімшесі", "personnel_officer")); // official 3
    await run("revoke", "official", "3");
    expect(rowOf(await run("institution", "check", "akad"), "personnel_officer")[2]).toBe(
      "Кадровик Дәулет (3, deactivated): official invite 3 --reactivate",
    );

    // Everyone joins: ready.
    await run(...official("Кадровик Айгүл", "Кадр бөлімшесі", "personnel_officer")); // official 4
    await bind(h, 2);
    await bind(h, 4);
    const ready = await run("institution", "check", "akad");
    expect(ready.code).toBe(0);
    expect(ready.out.at(-1)).toBe("ready");
    expect(ready.out.join("\n")).not.toContain("MISSING");
    expect(ready.out.join("\n")).not.toContain("waiting on nobody");

    // Issue 16: once someone may open ch. 2 cases, the whole ch. 2 chain must have holders (D14): the
    // deputy head for academic work who agrees next.
    await run(...official("Әдістемеші Бақыт", "Оқу-әдістемелік бөлімше бастығы", "academic_methods_head")); // 5
    await bind(h, 5);
    const chain = await run("institution", "check", "akad");
    expect(chain.code).toBe(1);
    expect(rowOf(chain, "academic_methods_head")).toEqual(["academic_methods_head", "Әдістемеші Бақыт (5)"]);
    expect(rowOf(chain, "deputy_academic")[1]).toBe("MISSING");
    expect(chain.out.join("\n")).not.toContain("deputy_upbringing"); // nobody opens ch. 3 here
    expect(chain.out.at(-1)).toBe("not ready: 1 role without an official bound to Telegram: deputy_academic");
  });

  it("an unknown institution is one error line", async () => {
    const r = await cli(hr.current)("institution", "check", "nope");
    expect(r).toEqual({
      code: 1,
      out: [],
      err: ['error: no institution with code "nope" (see: institution list)'],
    });
  });
});
