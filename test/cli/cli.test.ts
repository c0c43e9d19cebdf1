/** Every admin command through runCli: the happy path and a mistake, over the test database. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { audit } from "../../src/audit";
import { submitReport } from "../../src/cases/submit";
import { type CliIo, runCli } from "../../src/cli/run";
import type { Db } from "../../src/db/client";
import {
  auditEvents,
  calendarDays,
  caseSteps,
  cases,
  delegations,
  institutions,
  officials,
  students,
  users,
} from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { csv, HEADER, NOW } from "../people/fixtures";
import { resetDatabase, testDatabase } from "../support/db";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { newUser, useHarness } from "../support/harness";

const dir = mkdtempSync(path.join(tmpdir(), "cli-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

interface Result {
  code: number;
  out: string[];
  err: string[];
}

function cli(db: Db | (() => Promise<Db>), extra: Partial<CliIo> = {}) {
  return async (...argv: string[]): Promise<Result> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      db,
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      now: () => NOW,
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

const ROSTER = `\uFEFF${csv(
  HEADER.replace(/,/g, ";"),
  "Ж-001;Әбішев Нұрлан Қайратұлы;курсант;курсант;Заң;2;ЗФ-21;",
  "М-002;Құрманғазы Ғалия;лейтенант;магистрант;;1;;в/ч 1234",
)}`;

describe("help and command-line mistakes (no database needed)", () => {
  const noDb = async (): Promise<Db> => {
    throw new Error("the database must not be opened");
  };
  const run = cli(noDb);

  it("lists every command and shows each command's usage", async () => {
    const all = await run("help");
    expect(all.code).toBe(0);
    for (const c of [
      "institution add",
      "roster import <code> <file.csv>",
      "official invite",
      "revoke student",
      "delegate",
      "calendar show",
      "audit export",
    ])
      expect(all.out.join("\n")).toContain(c);
    expect((await run()).out).toEqual(all.out);
    const one = await run("roster", "import", "--help");
    expect(one.code).toBe(0);
    expect(one.out[0]).toBe(
      "Usage: npm run admin -- roster import <code> <file.csv> [--out links.csv] [--bot username] [--new-links]",
    );
    expect((await run("help", "roster", "import")).out).toEqual(one.out);
  });

  it("answers a wrong command, option or argument count with one line and exit code 1", async () => {
    const cases: [string[], string][] = [
      [["frobnicate"], 'error: unknown command "frobnicate"; see: help'],
      [
        ["institution", "rename"],
        'error: unknown command "institution rename"; did you mean: institution add, institution list, institution set, institution check?',
      ],
      [
        ["institution", "list", "--colour"],
        "error: Unknown option '--colour' (see: institution list --help)",
      ],
      [["roster", "import", "AKAD"], "error: missing <file.csv> (see: roster import --help)"],
      [["people", "AKAD", "extra"], "error: too many arguments (expected <code>) (see: people --help)"],
      [
        ["official", "invite", "abc"],
        'error: officialId must be a whole number 1–2147483647, not "abc" (see: official invite --help)',
      ],
      [
        ["calendar", "show", "20"],
        'error: year must be a whole number 1900–2199, not "20" (see: calendar show --help)',
      ],
      [["help", "nothing"], 'error: unknown command "nothing"; see: help'],
    ];
    for (const [argv, line] of cases) {
      const r = await run(...argv);
      expect({ argv, code: r.code, err: r.err, out: r.out }).toEqual({ argv, code: 1, err: [line], out: [] });
    }
  });

  it("reports an unexpected failure as one line, without a stack trace", async () => {
    const r = await cli(async () => {
      throw new Error("connection refused\n    at Socket.<anonymous>");
    })("institution", "list");
    expect(r).toEqual({
      code: 1,
      out: [],
      err: ["error: institution list failed: connection refused at Socket.<anonymous>"],
    });
  });
});

describe("admin commands", () => {
  let db: Db;
  let run: ReturnType<typeof cli>;
  beforeEach(async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    db = database.db;
    run = cli(db, { botUsername: "expulsion_test_bot" });
  });

  it("institution add, list and set", async () => {
    expect(await run(...INSTITUTION, "--reminder-hour", "8", "--week", "1,2,3,4,5,6")).toEqual({
      code: 0,
      out: ["institution AKAD added (id 1)"],
      err: [],
    });
    const list = await run("institution", "list");
    expect(list.out).toEqual([
      "AKAD (id 1)",
      "  name: kk: ҰҚК Академиясы | ru: Академия КНБ",
      "  head's title: kk: ҰҚК Академиясының бастығына | ru: Начальнику Академии КНБ",
      "  reminder hour: 8:00 Asia/Almaty; working week: 1,2,3,4,5,6",
      "  target for steps without a statutory period (D3): 2 working day(s)",
      "  opinions beside deputy_personnel (D4): none",
      "  reimbursement (D5): defaults",
      "  personnel contact: not set (learners are told to ask at the personnel subdivision in person)",
    ]);
    const set = await run(
      "institution",
      "set",
      "akad",
      "--endorsers",
      "unit_head",
      "--reimbursement",
      "citizenship=true",
      "--reimbursement",
      "own_will=false,foreign_org=default",
      "--week",
      "1,2,3,4,5",
    );
    expect(set.code).toBe(0);
    expect(set.out[0]).toBe("institution AKAD: changed weekPattern, endorsers, reimbursement");
    const [row] = await db.select().from(institutions);
    expect(row).toMatchObject({
      endorsers: ["unit_head"],
      reimbursement: { citizenship: true, own_will: false },
      weekPattern: [1, 2, 3, 4, 5],
    });
    expect((await run("institution", "set", "akad", "--endorsers", "none")).out[0]).toBe(
      "institution AKAD: changed endorsers",
    );
  });

  it("institution: mistakes", async () => {
    await run(...INSTITUTION);
    expect((await run(...INSTITUTION)).err).toEqual(['error: institution "AKAD" already exists']);
    expect((await run("institution", "add", "--code", "X")).err).toEqual([
      "error: --name-kk is required (see: institution add --help)",
    ]);
    expect(
      (await run(...INSTITUTION.map((a) => (a === "akad" ? "b2" : a)), "--reminder-hour", "25")).err,
    ).toEqual(['error: --reminder-hour must be a whole number 0–23, not "25" (see: institution add --help)']);
    expect((await run("institution", "set", "akad", "--endorsers", "head")).err[0]).toMatch(
      /^error: "head" cannot be an endorser/,
    );
    expect((await run("institution", "set", "akad", "--reimbursement", "citizenship")).err[0]).toMatch(
      /ground=true\|false\|default/,
    );
    expect((await run("institution", "set", "akad")).err).toEqual([
      "error: give at least one setting to change (see: institution set --help)",
    ]);
    expect((await run("institution", "set", "nope", "--reminder-hour", "7")).err).toEqual([
      'error: no institution with code "nope" (see: institution list)',
    ]);
  });

  it("roster import prints personal_number,full_name,link lines, or writes them to --out", async () => {
    await run(...INSTITUTION);
    const r = await run("roster", "import", "akad", file("roster.csv", ROSTER));
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(r.out.slice(0, 3)).toEqual([
      "roster AKAD: 2 created, 0 updated, 0 unchanged",
      "2 new invites, valid until 2026-04-03 09:00 Asia/Almaty:",
      "personal_number,full_name,link",
    ]);
    expect(r.out.slice(3)).toEqual([
      expect.stringMatching(
        /^Ж-001,Әбішев Нұрлан Қайратұлы,https:\/\/t\.me\/expulsion_test_bot\?start=[A-Za-z0-9_-]{32}$/,
      ),
      expect.stringMatching(
        /^М-002,Құрманғазы Ғалия,https:\/\/t\.me\/expulsion_test_bot\?start=[A-Za-z0-9_-]{32}$/,
      ),
    ]);
    expect((await db.select().from(students).orderBy(students.id)).map((s) => s.fullName)).toEqual([
      "Әбішев Нұрлан Қайратұлы",
      "Құрманғазы Ғалия",
    ]);

    const out = path.join(dir, "links.csv");
    const again = await run(
      "roster",
      "import",
      "AKAD",
      file("roster.csv", ROSTER),
      "--out",
      out,
      "--bot",
      "@other_bot",
      "--new-links",
    );
    expect(again.out).toEqual([
      "roster AKAD: 0 created, 0 updated, 2 unchanged",
      "2 earlier unused links revoked",
      `2 new invites (valid until 2026-04-03 09:00 Asia/Almaty) written to ${out}; hand each link only to its student`,
    ]);
    const lines = readFileSync(out, "utf8").split("\r\n");
    expect(lines[0]).toBe("\uFEFFpersonal_number,full_name,link");
    expect(lines[1]).toMatch(/^Ж-001,Әбішев Нұрлан Қайратұлы,https:\/\/t\.me\/other_bot\?start=/);
  });

  it("roster import without a bot username prints raw tokens with a note", async () => {
    await run(...INSTITUTION);
    const r = await cli(db)("roster", "import", "akad", file("roster.csv", ROSTER));
    expect(r.code).toBe(0);
    expect(r.out[2]).toBe("personal_number,full_name,token");
    expect(r.out[3]).toMatch(/^Ж-001,Әбішев Нұрлан Қайратұлы,[A-Za-z0-9_-]{32}$/);
    expect(r.err).toEqual([
      expect.stringMatching(
        /^note: the bot's username is unknown .*https:\/\/t\.me\/<username>\?start=<token>$/,
      ),
    ]);
    // ... or asks Telegram when it can.
    const asked = await cli(db, { resolveBotUsername: async () => "from_getme_bot" })(
      "roster",
      "import",
      "akad",
      file("roster.csv", ROSTER),
      "--new-links",
    );
    expect(asked.out[4]).toMatch(/^Ж-001,Әбішев Нұрлан Қайратұлы,https:\/\/t\.me\/from_getme_bot\?start=/);
  });

  it("roster import: a bad file prints every error as 'line L, column C: message' and imports nothing", async () => {
    await run(...INSTITUTION);
    const bad = file(
      "bad.csv",
      csv(
        HEADER,
        "1,Асқар Әлиев,курсант,студент,,1,,",
        "2,Болат Серік,лейтенант,masters,,,,",
        "1,Дана Ерлан,курсант,cadet,,1,,",
        '3,"unclosed',
      ),
    );
    const r = await run("roster", "import", "akad", bad);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      'line 2, column category: "студент" is not a category: use cadet, masters or doctoral (or курсант, тыңдаушы, слушатель, магистрант, докторант)',
      "line 3, column sending_unit: is required",
      "line 4, column personal_number: the same personal number is on line 2",
      'line 5: a quoted field is not closed (a missing ")',
      `error: 4 errors in ${bad}; nothing was imported`,
    ]);
    expect(await db.select().from(students)).toEqual([]);
    expect((await run("roster", "import", "akad", path.join(dir, "missing.csv"))).err).toEqual([
      `error: cannot read ${path.join(dir, "missing.csv")}: no such file (see: roster import --help)`,
    ]);
    const latin = file(
      "cp1251.csv",
      Buffer.concat([
        Buffer.from(`${HEADER}\n1,`),
        Buffer.from([0xc0, 0xe1, 0xe0]),
        Buffer.from(",r,cadet\n"),
      ]),
    );
    expect((await run("roster", "import", "akad", latin)).err[0]).toMatch(
      /is not UTF-8 text: save it as "CSV UTF-8"/,
    );
    expect((await run("roster", "import", "nope", bad)).err).toEqual([
      'error: no institution with code "nope" (see: institution list)',
    ]);
  });

  it("official add, invite and roles", async () => {
    await run(...INSTITUTION);
    const add = await run(
      "official",
      "add",
      "akad",
      "--name",
      "Серікбаев Ерлан",
      "--position",
      "Академия бастығы",
      "--roles",
      "head,admin",
    );
    expect(add).toEqual({
      code: 0,
      out: ["official 1 added to AKAD with roles admin, head", "next: official invite 1"],
      err: [],
    });
    const inv = await run("official", "invite", "1");
    expect(inv.out).toEqual([
      expect.stringMatching(/^https:\/\/t\.me\/expulsion_test_bot\?start=[A-Za-z0-9_-]{32}$/),
      "valid once, until 2026-04-03 09:00 Asia/Almaty; hand it only to official 1",
    ]);
    const roles = await run("official", "roles", "1", "--add", "deputy_personnel", "--remove", "admin");
    expect(roles.out).toEqual(["official 1 roles: deputy_personnel, head (before: admin, head)"]);
    expect(JSON.stringify(await db.select().from(auditEvents))).not.toContain("Серікбаев");
  });

  it("official: mistakes", async () => {
    await run(...INSTITUTION);
    expect(
      (await run("official", "add", "akad", "--name", "А Б", "--position", "x", "--roles", "rector")).err[0],
    ).toMatch(/^error: unknown role rector: use head, deputy_personnel/);
    expect((await run("official", "add", "akad", "--name", "А Б", "--position", "x")).err).toEqual([
      "error: --roles is required (see: official add --help)",
    ]);
    expect((await run("official", "invite", "7")).err).toEqual([
      "error: no official with id 7 (see: people <code>)",
    ]);
    await run("official", "add", "akad", "--name", "А Б", "--position", "x", "--roles", "head");
    expect((await run("official", "roles", "1")).err).toEqual(["error: give a role to add or to remove"]);
    await run("revoke", "official", "1");
    expect((await run("official", "invite", "1")).err).toEqual([
      "error: official 1 is deactivated (access revoked); add --reactivate to restore",
    ]);
    const back = await run("official", "invite", "1", "--reactivate");
    expect(back.out[0]).toBe("official 1 is active again");
    const [u] = await db.insert(users).values({ telegramId: 777 }).returning();
    await db.update(officials).set({ userId: u!.id }).where(eq(officials.id, 1));
    expect((await run("official", "invite", "1")).err).toEqual([
      "error: official 1 is already bound to a Telegram account (revoke it first)",
    ]);
  });

  it("people lists students and officials with their Telegram binding", async () => {
    await run(...INSTITUTION);
    await run("roster", "import", "akad", file("roster.csv", ROSTER));
    await run(
      "official",
      "add",
      "akad",
      "--name",
      "Серікбаев Ерлан",
      "--position",
      "Бастық",
      "--roles",
      "head",
    );
    const [u] = await db.insert(users).values({ telegramId: 778 }).returning();
    await db.update(students).set({ userId: u!.id }).where(eq(students.personalNumber, "Ж-001"));
    const r = await run("people", "akad");
    expect(r.code).toBe(0);
    const text = r.out.join("\n");
    expect(r.out[0]).toBe("AKAD: 2 students, 1 officials");
    expect(text).toMatch(/1\s+Серікбаев Ерлан\s+Бастық\s+head\s+no\s+yes/);
    expect(text).toMatch(/Ж-001\s+Әбішев Нұрлан Қайратұлы\s+курсант\s+cadet\s+Заң\s+2\s+ЗФ-21\s+yes\s+yes/);
    expect(text).toMatch(/М-002\s+Құрманғазы Ғалия\s+лейтенант\s+masters\s+1\s+в\/ч 1234\s+no\s+yes/);
    expect((await run("people", "nope")).code).toBe(1);
  });

  it("revoke student and revoke official", async () => {
    await run(...INSTITUTION);
    await run("roster", "import", "akad", file("roster.csv", ROSTER));
    const [u] = await db.insert(users).values({ telegramId: 779 }).returning();
    await db.update(students).set({ userId: u!.id }).where(eq(students.personalNumber, "Ж-001"));
    const r = await run("revoke", "student", "akad", "ж-001");
    expect(r).toEqual({
      code: 0,
      out: ["student 1: Telegram account unbound; 1 unused invite cancelled"],
      err: [],
    });
    expect((await run("revoke", "student", "akad", "М-002")).out).toEqual([
      "student 2: was not bound; 1 unused invite cancelled",
    ]);
    expect((await run("revoke", "student", "akad", "М-002")).out).toEqual([
      "student 2: nothing to revoke (not bound, no unused invites)",
    ]);
    expect((await run("revoke", "student", "akad", "Х-404")).err).toEqual([
      "error: AKAD has no student with that personal number (see: people AKAD)",
    ]);
    await run("official", "add", "akad", "--name", "А Б", "--position", "x", "--roles", "head");
    expect((await run("revoke", "official", "1")).out).toEqual([
      "official 1: was not bound, deactivated; 0 unused invites cancelled",
    ]);
    expect((await run("revoke", "official", "1")).out).toEqual([
      "official 1: nothing to revoke (already deactivated)",
    ]);
    expect((await run("revoke", "official", "2")).err).toEqual([
      "error: no official with id 2 (see: people <code>)",
    ]);
    expect((await run("revoke", "teacher", "2")).code).toBe(1);
  });

  it("delegate", async () => {
    await run(...INSTITUTION);
    await run("official", "add", "akad", "--name", "А Б", "--position", "Бастық", "--roles", "head");
    await run(
      "official",
      "add",
      "akad",
      "--name",
      "В Г",
      "--position",
      "Орынбасар",
      "--roles",
      "deputy_personnel",
    );
    const args = [
      "delegate",
      "akad",
      "--role",
      "head",
      "--from",
      "1",
      "--to",
      "2",
      "--from-date",
      "2026-04-01",
      "--to-date",
      "2026-04-10",
    ];
    const r = await run(...args);
    expect(r).toEqual({
      code: 0,
      out: ["delegation 1: official 2 acts as head for official 1 from 2026-04-01 to 2026-04-10"],
      err: ["note: official 2 is not bound to Telegram yet (official invite 2)"],
    });
    expect(await db.select().from(delegations)).toHaveLength(1);
    expect((await run(...args)).err[0]).toMatch(/already delegates head/);
    expect((await run(...args.slice(0, -2))).err).toEqual([
      "error: --to-date is required (see: delegate --help)",
    ]);
    expect((await run(...args.slice(0, -1), "10.04.2026")).err).toEqual([
      'error: "10.04.2026" is not a date: use YYYY-MM-DD',
    ]);
    expect((await run("people", "akad")).out.join("\n")).toMatch(
      /Delegations\nid\s+role\s+from\s+to\s+starts\s+ends\s+ended early\n1\s+head\s+1\s+2\s+2026-04-01\s+2026-04-10\n/,
    );
  });

  it("calendar show, add-day-off, add-working-day and remove", async () => {
    const off = await run("calendar", "add-day-off", "2026-03-26", "--note", "Government decree");
    expect(off).toEqual({
      code: 0,
      out: [
        "2026-03-26 (Thu): day off (was: the built-in calendar)",
        "due dates recomputed: 0 open step(s) moved",
      ],
      err: [],
    });
    expect((await run("calendar", "add-working-day", "2026-03-23")).out).toEqual([
      "2026-03-23 (Mon): working day (was: the built-in calendar)",
      "due dates recomputed: 0 open step(s) moved",
    ]);
    expect((await run("calendar", "add-working-day", "2026-03-23")).out).toEqual([
      "2026-03-23: already a working day; nothing changed",
    ]);
    expect((await run("calendar", "add-working-day", "2026-03-28")).out).toEqual([
      "2026-03-28 (Sat): working day (was: the built-in calendar)",
      "due dates recomputed: 0 open step(s) moved",
    ]);
    const show = await run("calendar", "show", "2026");
    const text = show.out.join("\n");
    expect(show.out[0]).toBe("Calendar 2026, working week 1,2,3,4,5");
    expect(text).toContain("Database entries (3)");
    expect(text).toMatch(/2026-03-26\s+Thu\s+day_off\s+admin\s+Government decree/);
    expect(text).toMatch(/Days off on working weekdays \(14\)/); // 14 seeded weekday days off, 23.03 cancelled, 26.03 added
    expect(text).toMatch(/2026-03-26\s+Thu\s+database\s+Government decree/);
    expect(text).toMatch(/2026-01-01\s+Thu\s+seed\s+New Year/);
    expect(text).not.toMatch(/2026-03-23\s+Mon\s+seed/);
    expect(text).toMatch(/Working days outside the working week \(1\)\n.*\n\s+2026-03-28\s+Sat\s+database/);
    // Outside the seeded years the Art. 5 rule is shown.
    expect((await run("calendar", "show", "2030")).out.join("\n")).toMatch(/2030-03-2\d\s+\w+\s+Art\. 5/);

    const rm = await run("calendar", "remove", "2026-03-26");
    expect(rm.out).toEqual([
      "2026-03-26: entry removed (was: day off); the built-in calendar decides again",
      "2026-03-26 is now a working day on Monday–Friday",
      "due dates recomputed: 0 open step(s) moved",
    ]);
    expect(await db.select().from(calendarDays)).toHaveLength(2);
    expect(
      (await db.select().from(auditEvents).where(eq(auditEvents.action, "calendar.changed"))).length,
    ).toBe(4);
  });

  it("a calendar change recomputes the due dates of open steps and says which moved", async () => {
    const inst = await addInstitution(db);
    await addStaff(db, inst.id);
    const { user } = await addStudent(db, inst.id);
    await submitReport(
      db,
      {
        userId: user.id,
        ground: "own_will",
        reasons: "Отбасылық жағдайыма байланысты.....",
        conscriptServed: true,
        phone: null,
        reportLang: "kk",
      },
      NOW,
    );
    // At registration (Fri 20.03) three steps open: the deputy's opinion and the cl. 4 interview (targets,
    // 2 WD) and the head's cl. 20 instruction (statutory, 2 WD from registration). With 23–25 March off all
    // are due Fri 27.03; a day off on Thu 26.03 moves each to Mon 30.03.
    const res = await run("calendar", "add-day-off", "2026-03-26");
    expect(res.out.slice(1)).toEqual([
      "due dates recomputed: 3 open step(s) moved",
      "  case 1, endorse: 2026-03-27 → 2026-03-30",
      "  case 1, interview: 2026-03-27 → 2026-03-30",
      "  case 1, instruct: 2026-03-27 → 2026-03-30",
    ]);
    const steps = await db.select().from(caseSteps).orderBy(caseSteps.id);
    expect(steps.map((s) => [s.key, s.dueKind, s.dueOn])).toEqual([
      ["endorse", "target", "2026-03-30"],
      ["interview", "target", "2026-03-30"],
      ["instruct", "statutory", "2026-03-30"],
    ]);
    // The same day again: nothing changed, so nothing is recomputed or moved.
    expect((await run("calendar", "add-day-off", "2026-03-26")).out).toEqual([
      "2026-03-26: already a day off; nothing changed",
    ]);
  });

  it("calendar: mistakes", async () => {
    expect((await run("calendar", "add-day-off", "2026-02-30")).err).toEqual([
      'error: "2026-02-30" is not a date: use YYYY-MM-DD, e.g. 2026-03-23',
    ]);
    expect((await run("calendar", "remove", "2026-03-23")).err).toEqual([
      "error: 2026-03-23 has no database entry; to cancel a built-in day off use calendar add-working-day 2026-03-23",
    ]);
    expect((await run("calendar", "show", "2026", "--institution", "nope")).err).toEqual([
      'error: no institution with code "nope" (see: institution list)',
    ]);
  });

  it("audit export writes a case's trail as CSV", async () => {
    await run(...INSTITUTION);
    const [c] = await db
      .insert(cases)
      .values({
        institutionId: 1,
        ground: "own_will",
        category: "cadet",
        rulesEdition: "test",
        reportLang: "kk",
        conscriptServed: true,
        registeredAt: NOW,
        registeredOn: "2026-03-20",
      })
      .returning();
    await audit(db, {
      at: NOW,
      action: "case.submitted",
      caseId: c!.id,
      actorUserId: 5,
      after: { state: "open" },
    });
    await audit(db, {
      at: new Date(NOW.getTime() + 60_000),
      action: "step.done",
      caseId: c!.id,
      actorOfficialId: 3,
      onBehalfOfOfficialId: 2,
      before: { state: "pending" },
      after: { state: "done", note: 'a "quoted", text' },
    });
    await audit(db, { at: NOW, action: "other.case", caseId: c!.id + 1 });
    const r = await run("audit", "export", String(c!.id));
    expect(r.out).toEqual([
      "at,action,actor_user_id,actor_official_id,on_behalf_of_official_id,before,after,details",
      '2026-03-20T04:00:00.000Z,case.submitted,5,,,,"{""state"":""open""}",',
      '2026-03-20T04:01:00.000Z,step.done,,3,2,"{""state"":""pending""}","{""note"":""a \\""quoted\\"", text"",""state"":""done""}",',
    ]);
    const out = path.join(dir, "audit.csv");
    expect((await run("audit", "export", String(c!.id), "--out", out)).out).toEqual([
      `case ${c!.id}: 2 audit events written to ${out}`,
    ]);
    expect(readFileSync(out, "utf8").split("\r\n").slice(0, 1)).toEqual([`\uFEFF${r.out[0]}`]);
    expect((await run("audit", "export", "999")).err).toEqual(["error: no case 999"]);
    expect((await run("audit", "export", "x")).code).toBe(1);
  });
});

describe("links from the command line bind through the bot", () => {
  const h = useHarness();

  it("a student and an official open the links printed by the CLI", async () => {
    const run = cli(h.current.db, { botUsername: "expulsion_test_bot", now: () => h.current.clock() });
    await run(...INSTITUTION);
    const roster = await run("roster", "import", "akad", file("roster.csv", ROSTER));
    const studentToken = roster.out[3]!.split("start=")[1]!;
    await run(
      "official",
      "add",
      "akad",
      "--name",
      "Серікбаев Ерлан",
      "--position",
      "Бастық",
      "--roles",
      "head",
    );
    const officialToken = (await run("official", "invite", "1")).out[0]!.split("start=")[1]!;

    const t = tFor("kk");
    const student = newUser();
    await h.current.command(student, "start", studentToken);
    expect(h.current.tg.textsTo(student.id)).toContain(t("invite.ok_student"));
    const boss = newUser();
    await h.current.command(boss, "start", officialToken);
    expect(h.current.tg.textsTo(boss.id)).toContain(t("invite.ok_official"));

    const people = (await run("people", "akad")).out.join("\n");
    expect(people).toMatch(/Серікбаев Ерлан\s+Бастық\s+head\s+yes\s+yes/);
    expect(people).toMatch(/Ж-001\s+.*\s+yes\s+yes/);

    // Revoked on the command line: the next /start is a stranger's.
    await run("revoke", "student", "akad", "Ж-001");
    await h.current.command(student, "start");
    expect(h.current.tg.lastTextTo(student.id)).toBe(t("start.unknown", { id: student.id }));
  });
});
