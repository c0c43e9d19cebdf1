// The project's documentation lives in docs/ (issue 15.6): comments and tests cite files that exist in the
// repository, the Kazakh text they cite clauses of is there in full, and the procedure and decisions pages
// keep up with src/rules.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { CATEGORIES, DECISIONS, GROUNDS, workflowFor } from "../../src/rules/index";

const root = join(__dirname, "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

function* filesUnder(dir: string): Generator<string> {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) yield* filesUnder(path);
    else if (/\.(ts|mts|mjs|md)$/.test(name)) yield path;
  }
}

const cited = [...["src", "test", "scripts", "bench"].flatMap((d) => [...filesUnder(d)]), "README.md"];
const self = relative(root, __filename);

describe("citations of documents", () => {
  it("nothing cites the notes outside the repository (../shared, its RULES, DESIGN and CALENDAR files)", () => {
    // Built from pieces, so that this file does not match itself.
    const outside = new RegExp(["\\.\\./shared", "\\b(RULES|DESIGN|CALENDAR)\\\\?\\.md\\b"].join("|"));
    const offending = cited.filter((f) => f !== self && outside.test(read(f)));
    expect(offending).toEqual([]);
  });

  it("every docs/ file that code, tests or the README cite exists", () => {
    const names = new Set<string>();
    for (const f of cited) for (const m of read(f).matchAll(/docs\/([\w.-]+\.(?:md|txt))/g)) names.add(m[1]!);
    expect(names.size).toBeGreaterThanOrEqual(4); // decisions, calendar, architecture, the Kazakh text
    for (const name of names) expect([name, existsSync(join(root, "docs", name))]).toEqual([name, true]);
  });

  it("docs/rules-75-ke.kk.txt has every clause of the rules, 1 to 26, and the 88/қе notes", () => {
    const text = read("docs/rules-75-ke.kk.txt");
    for (let n = 1; n <= 26; n++)
      expect([n, new RegExp(`^\\s+${n}\\. \\S`, "m").test(text)]).toEqual([n, true]);
    expect(text.match(/88\/қе/g)?.length).toBe(2); // cl. 2 and cl. 7 in the new wording
  });
});

describe("docs/ keep up with src/rules", () => {
  it("docs/procedure.md lists every statutory period the workflows carry, with its working days", () => {
    const doc = read("docs/procedure.md");
    const table = doc.slice(doc.indexOf("## Every statutory period"), doc.indexOf("## Case states"));
    const rows = table
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map((l) => l.split("|").map((c) => c.trim()));
    for (const ground of GROUNDS)
      for (const category of CATEGORIES)
        for (const s of workflowFor(ground, { category, conscriptServed: false }).steps) {
          if (s.deadline?.kind !== "statutory") continue;
          const row = rows.find(
            (r) => r[1]?.startsWith(`\`${s.key}\``) && r[2] === String(s.deadline?.workingDays),
          );
          expect([ground, category, s.key, row !== undefined]).toEqual([ground, category, s.key, true]);
        }
  });

  it("docs/decisions.md has a paragraph for every decision of DECISIONS", () => {
    const doc = read("docs/decisions.md");
    for (const id of Object.keys(DECISIONS)) expect([id, doc.includes(`**${id}. `)]).toEqual([id, true]);
  });
});
