// The layers of src (docs/architecture.md) as a test: which folder may import which. Beside the purity test of
// src/rules (test/rules/cites.test.ts), which also forbids the clock and I/O there.
//
// - src/bot is an adapter: it reads and writes through the use cases (src/cases, src/people), never with
//   drizzle-orm or the schema of its own;
// - src/rules is the order as code: it imports luxon and itself, nothing else;
// - the use cases (src/cases, src/people) and the jobs do not import the bot; the use cases not the jobs;
// - src/dashboard (issue 18) is an entry point like the bot: it imports neither the bot nor the jobs, and
//   only the entry points (src/main.ts, src/server, src/demo) import it.
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "../../src");

/** What a file imports: a package name ("drizzle-orm/pg-core"), or a path under src ("db/schema"). */
interface ImportEdge {
  from: string;
  spec: string;
  target: string;
}

/**
 * The import specifiers of a TypeScript source: import and export … from (type-only ones too, they are
 * edges of the design all the same), side-effect imports and dynamic import(). Statements are found at the
 * start of a line, so an import in a comment or a string is not one.
 */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  const statement =
    /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s+from\s*["']([^"']+)["']/gm;
  const sideEffect = /^[ \t]*import\s*["']([^"']+)["']/gm;
  const dynamic = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
  for (const re of [statement, sideEffect, dynamic]) for (const m of source.matchAll(re)) specs.push(m[1]!);
  return specs;
}

/** A specifier as seen from src: relative ones resolved ("../../db/schema" → "db/schema"), packages as they are. */
function resolveSpec(fromFile: string, spec: string): string {
  if (!spec.startsWith(".")) return spec;
  return posix.normalize(posix.join(posix.dirname(fromFile), spec)).replace(/\.(ts|js)$/, "");
}

const layerOf = (path: string): string =>
  path.includes("/") ? path.split("/")[0]! : path.replace(/\.ts$/, "");
const isPackage = (target: string, name: string) => target === name || target.startsWith(`${name}/`);
const inLayer = (target: string, layer: string) => target === layer || target.startsWith(`${layer}/`);

/** The rules, each a predicate over one edge; the name is what the failure prints. */
const RULES: { name: string; applies: (e: ImportEdge) => boolean }[] = [
  {
    name: "src/bot reads and writes only through src/cases and src/people, never drizzle-orm or the schema",
    applies: (e) =>
      layerOf(e.from) === "bot" && (isPackage(e.target, "drizzle-orm") || e.target === "db/schema"),
  },
  {
    name: "src/rules imports only luxon and src/rules",
    applies: (e) => layerOf(e.from) === "rules" && e.target !== "luxon" && !inLayer(e.target, "rules"),
  },
  {
    name: "src/cases and src/people must not import src/bot or src/jobs",
    applies: (e) =>
      ["cases", "people"].includes(layerOf(e.from)) &&
      (inLayer(e.target, "bot") || inLayer(e.target, "jobs")),
  },
  {
    name: "src/jobs must not import src/bot",
    applies: (e) => layerOf(e.from) === "jobs" && inLayer(e.target, "bot"),
  },
  {
    name: "src/dashboard is an entry point beside src/bot: it must not import src/bot or src/jobs",
    applies: (e) =>
      layerOf(e.from) === "dashboard" && (inLayer(e.target, "bot") || inLayer(e.target, "jobs")),
  },
  {
    name: "only the entry points (src/main.ts, src/server, src/demo) import src/dashboard",
    applies: (e) =>
      inLayer(e.target, "dashboard") && !["dashboard", "server", "main", "demo"].includes(layerOf(e.from)),
  },
];

/** Every edge that breaks a rule, as "from → target (rule)". */
function violations(edges: readonly ImportEdge[]): string[] {
  return edges.flatMap((e) =>
    RULES.filter((r) => r.applies(e)).map((r) => `src/${e.from} → ${e.target} (${r.name})`),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

function edgesOf(files: ReadonlyMap<string, string>): ImportEdge[] {
  return [...files].flatMap(([from, source]) =>
    importsOf(source).map((spec) => ({ from, spec, target: resolveSpec(from, spec) })),
  );
}

describe("the import parser", () => {
  it("sees every form of import and export, and none in comments or strings", () => {
    const source = [
      'import { a, type B } from "../db/schema";',
      'import type { Db } from "../db/client";',
      "import {",
      "  eq,",
      "  sql,",
      '} from "drizzle-orm";',
      'import * as x from "./x";',
      'import def, { y } from "./y";',
      'export { z } from "../z";',
      'export * from "./all";',
      'import "./side-effect";',
      'const later = await import("../jobs/runner");',
      '// import { no } from "../commented";',
      ' * import { no } from "../in-a-doc-comment";',
      "const s = \"import { no } from '../in-a-string'\";",
    ].join("\n");
    expect(importsOf(source)).toEqual([
      "../db/schema",
      "../db/client",
      "drizzle-orm",
      "./x",
      "./y",
      "../z",
      "./all",
      "./side-effect",
      "../jobs/runner",
    ]);
  });

  it("resolves relative specifiers from the file's folder", () => {
    expect(resolveSpec("bot/features/officials.ts", "../../db/schema")).toBe("db/schema");
    expect(resolveSpec("jobs/drafts.ts", "../db/conversation-storage")).toBe("db/conversation-storage");
    expect(resolveSpec("rules/index.ts", "./dates")).toBe("rules/dates");
    expect(resolveSpec("i18n/index.ts", "../../locales/kk.json")).toBe("../locales/kk.json");
    expect(resolveSpec("cases/act.ts", "drizzle-orm/pg-core")).toBe("drizzle-orm/pg-core");
  });

  it("reports each forbidden edge, and lets the allowed ones be", () => {
    const tree = new Map([
      ["bot/features/x.ts", 'import { eq } from "drizzle-orm";\nimport { cases } from "../../db/schema";'],
      ["bot/context.ts", 'import type { Db } from "../db/client";\nimport { act } from "../cases/act";'],
      [
        "rules/x.ts",
        'import { DateTime } from "luxon";\nimport { y } from "./y";\nimport { db } from "../db/client";',
      ],
      [
        "cases/x.ts",
        'import { showCase } from "../bot/features/officials";\nimport { z } from "../jobs/schedule";',
      ],
      ["people/x.ts", 'import type { BotContext } from "../bot/context";'],
      ["jobs/x.ts", 'import { caseLink } from "../bot/features/start";\nimport { act } from "../cases/act";'],
      ["server/webhook.ts", 'import type { BotContext } from "../bot/context";'],
      [
        "dashboard/x.ts",
        'import { menuFor } from "../bot/features/start";\nimport { inboxOf } from "../cases/queries";',
      ],
      ["cases/y.ts", 'import { DASHBOARD_ROLES } from "../dashboard/access";'],
      ["server/web.ts", 'import type { DashboardHandler } from "../dashboard/server";'],
    ]);
    expect(violations(edgesOf(tree)).map((v) => v.split(" (")[0])).toEqual([
      "src/bot/features/x.ts → drizzle-orm",
      "src/bot/features/x.ts → db/schema",
      "src/rules/x.ts → db/client",
      "src/cases/x.ts → bot/features/officials",
      "src/cases/x.ts → jobs/schedule",
      "src/people/x.ts → bot/context",
      "src/jobs/x.ts → bot/features/start",
      "src/dashboard/x.ts → bot/features/start",
      "src/cases/y.ts → dashboard/access",
    ]);
  });
});

describe("the layers of src", () => {
  const files = new Map(
    sourceFiles(SRC).map((f) => [relative(SRC, f).split(/[\\/]/).join("/"), readFileSync(f, "utf8")]),
  );
  const edges = edgesOf(files);

  it("the parser sees the tree (every layer has files and imports)", () => {
    for (const layer of ["bot", "cases", "dashboard", "db", "jobs", "people", "rules"])
      expect(
        edges.filter((e) => layerOf(e.from) === layer).length,
        `imports found under src/${layer}`,
      ).toBeGreaterThan(3);
    // The rules' own imports are seen too (luxon, and one another), so the rules' check is not vacuous.
    expect(edges.some((e) => e.from === "rules/dates.ts" && e.target === "luxon")).toBe(true);
  });

  it("no import crosses a layer the wrong way", () => {
    const bad = violations(edges);
    // Each offending edge on its own line, with the rule it breaks.
    expect(bad, `\n${bad.join("\n")}\n`).toEqual([]);
  });
});
