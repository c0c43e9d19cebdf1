/**
 * Issue 14.14: re-importing the roster keeps the invite links already handed out valid. New links go only to
 * learners who are new or hold no live link; --new-links revokes and replaces them all; the links file names
 * each learner beside the link. The sample roster in examples/ imports as it is.
 * Through the administrator's command line and the bot (links are followed with /start).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run";
import { invites, students } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { parseRoster, ROSTER_COLUMNS } from "../../src/people/roster";
import { newUser, useHarness } from "../support/harness";

const SAMPLE = path.resolve(__dirname, "../../examples/learners.csv");
const BOT = "expulsion_test_bot";
const dir = mkdtempSync(path.join(tmpdir(), "roster-reimport-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const t = tFor("kk");

/** The links printed or written: personal number → { name, token }. */
function linksOf(csvLines: string[]) {
  const [header, ...rows] = csvLines.filter((l) => l !== "");
  expect(header!.replace(/^\uFEFF/, "")).toBe("personal_number,full_name,link");
  return new Map(
    rows.map((r) => {
      const [number, name, link] = r.split(",");
      expect(link).toMatch(new RegExp(`^https://t\\.me/${BOT}\\?start=[A-Za-z0-9_-]{32}$`));
      return [number!, { name: name!, token: link!.split("start=")[1]! }];
    }),
  );
}

describe("roster re-import and invite links", () => {
  const hr = useHarness();

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      db: hr.current.db,
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      now: () => hr.current.clock(),
      botUsername: BOT,
    });
    return { code, out, err };
  };
  const addInstitution = () =>
    cli(
      "institution",
      "add",
      "--code",
      "AKAD",
      "--name-kk",
      "ҰҚК Академиясы",
      "--name-ru",
      "Академия КНБ",
      "--head-title-kk",
      "ҰҚК Академиясының бастығына",
      "--head-title-ru",
      "Начальнику Академии КНБ",
    );
  const follow = async (token: string) => {
    const u = newUser();
    await hr.current.command(u, "start", token);
    return hr.current.tg.textsTo(u.id);
  };

  it("the sample examples/learners.csv uses every column the importer accepts and imports cleanly", async () => {
    const text = readFileSync(SAMPLE, "utf8");
    const header = text.split(/\r?\n/)[0]!.split(",");
    expect([...header].sort()).toEqual([...ROSTER_COLUMNS].sort());
    const { rows, errors } = parseRoster(text);
    expect(errors).toEqual([]);
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set(["cadet", "masters", "doctoral"]));

    await addInstitution();
    const r = await cli("roster", "import", "AKAD", SAMPLE);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`roster AKAD: ${rows.length} created, 0 updated, 0 unchanged`);
    const links = linksOf(r.out.slice(2));
    expect([...links.keys()]).toEqual(rows.map((row) => row.personalNumber));
    expect([...links.values()].map((l) => l.name)).toEqual(rows.map((row) => row.fullName));
  });

  it("a re-import keeps handed-out links valid, links only the new learner, --new-links replaces every unused link", async () => {
    await addInstitution();
    const first = await cli("roster", "import", "AKAD", SAMPLE, "--out", path.join(dir, "links-1.csv"));
    expect(first.code).toBe(0);
    const handedOut = linksOf(readFileSync(path.join(dir, "links-1.csv"), "utf8").split("\r\n"));
    expect(handedOut.size).toBe(5);
    // The first learner binds; the others hold their links, not used yet.
    expect(await follow(handedOut.get("Ж-10231")!.token)).toContain(t("invite.ok_student"));

    // The next file: the same learners and one new one.
    const next = path.join(dir, "learners-2.csv");
    await writeFile(
      next,
      `${readFileSync(SAMPLE, "utf8")}Ж-10240,Тұрсынбекова Әсел Нұржанқызы,курсант,курсант,Тергеу факультеті,1,ТФ-11,,F\n`,
    );
    const out2 = path.join(dir, "links-2.csv");
    const again = await cli("roster", "import", "AKAD", next, "--out", out2);
    expect(again.err).toEqual([]);
    expect(again.out).toEqual([
      "roster AKAD: 1 created, 0 updated, 5 unchanged",
      "4 students keep the unused links made earlier (valid until 2026-04-03 09:00 Asia/Almaty at the latest): no new links for them (--new-links replaces them)",
      `1 new invite (valid until 2026-04-03 09:00 Asia/Almaty) written to ${out2}; hand each link only to its student`,
    ]);
    const newcomer = linksOf(readFileSync(out2, "utf8").split("\r\n"));
    expect([...newcomer.entries()].map(([n, l]) => [n, l.name])).toEqual([
      ["Ж-10240", "Тұрсынбекова Әсел Нұржанқызы"],
    ]);
    // A link handed out before the re-import still binds its learner; the newcomer's works too.
    expect(await follow(handedOut.get("Ж-10232")!.token)).toContain(t("invite.ok_student"));
    expect(await follow(newcomer.get("Ж-10240")!.token)).toContain(t("invite.ok_student"));

    // The links file of an earlier run is never overwritten (its links may still be in use).
    const refused = await cli("roster", "import", "AKAD", next, "--out", out2, "--new-links");
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      `error: ${out2} already exists (it may hold links still in use): give another --out file name`,
    ]);
    expect(await hr.current.db.select().from(invites)).toHaveLength(6);

    // --new-links: every unbound learner's unused link is revoked and replaced.
    const out3 = path.join(dir, "links-3.csv");
    const reissued = await cli("roster", "import", "AKAD", next, "--out", out3, "--new-links");
    expect(reissued.out).toEqual([
      "roster AKAD: 0 created, 0 updated, 6 unchanged",
      "3 earlier unused links revoked",
      `3 new invites (valid until 2026-04-03 09:00 Asia/Almaty) written to ${out3}; hand each link only to its student`,
    ]);
    const fresh = linksOf(readFileSync(out3, "utf8").split("\r\n"));
    expect([...fresh.keys()]).toEqual(["Ж-10233", "М-2051", "Д-0307"]);
    expect(fresh.get("М-2051")!.name).toBe("Құрманғазы Ғалия Ерланқызы");
    expect(await follow(handedOut.get("Ж-10233")!.token)).toContain(t("invite.invalid"));
    expect(await follow(fresh.get("Ж-10233")!.token)).toContain(t("invite.ok_student"));
    const bound = (await hr.current.db.select().from(students)).filter((s) => s.userId !== null);
    expect(bound.map((s) => s.personalNumber).sort()).toEqual(["Ж-10231", "Ж-10232", "Ж-10233", "Ж-10240"]);
  });
});
