/**
 * src/messages is the presentation layer (docs/architecture.md): pure, it depends on src/rules and src/i18n
 * only (and grammY's types), so every text can be rendered without a database or a bot; and it is the one
 * place outside the bot that translates: use cases and jobs render through it instead of calling i18n.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

/** Each import of a file (statements at the start of a line), resolved from src; type-only ones marked. */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const from = relative(SRC, file).split(/[\\/]/).join("/");
  const source = readFileSync(file, "utf8");
  const statement = /^[ \t]*(import|export)\s+(type\s+)?[^;]*?\sfrom\s*["']([^"']+)["']/gms;
  return [...source.matchAll(statement)].map((m) => {
    const spec = m[3]!;
    const target = spec.startsWith(".")
      ? posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.(ts|js)$/, "")
      : spec;
    return { target, typeOnly: m[2] !== undefined };
  });
}

const files = sourceFiles(SRC).map((f) => ({ path: relative(SRC, f).split(/[\\/]/).join("/"), file: f }));

describe("src/messages", () => {
  const own = files.filter((f) => f.path.startsWith("messages/"));

  it("has its renderers (the check below is not vacuous)", () => {
    expect(own.length).toBeGreaterThan(8);
    expect(own.flatMap((f) => importsOf(f.file)).some((i) => i.target === "i18n")).toBe(true);
  });

  it("imports only src/rules, src/i18n, itself, luxon and grammY's types", () => {
    const bad = own.flatMap((f) =>
      importsOf(f.file)
        .filter(
          (i) =>
            !(
              i.target === "rules" ||
              i.target === "i18n" ||
              i.target.startsWith("messages/") ||
              i.target === "luxon" ||
              (i.target === "grammy/types" && i.typeOnly)
            ),
        )
        .map((i) => `src/${f.path} → ${i.target}`),
    );
    expect(bad, `\n${bad.join("\n")}\n`).toEqual([]);
  });
});

describe("src/i18n", () => {
  it("is imported only by src/messages, src/bot and itself: use cases and jobs render through src/messages", () => {
    const importers = files.filter((f) => importsOf(f.file).some((i) => i.target === "i18n"));
    expect(importers.length).toBeGreaterThan(3);
    const bad = importers.map((f) => f.path).filter((p) => !/^(messages|bot|i18n)\//.test(p));
    expect(bad).toEqual([]);
  });
});
