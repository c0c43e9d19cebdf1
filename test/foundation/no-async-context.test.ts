/**
 * Issue 17 (speed): nothing in src runs an AsyncLocalStorage or async_hooks. On Node 20 running one turns on
 * promise hooks for the whole process (init, resolve, propagation on every promise): 4-7 % of the bot's
 * CPU in bench/load.bench.ts profiles. What is per update is kept by chat instead (src/bot/middleware/
 * identity.ts PerUpdate, src/db/conversation-storage.ts perUpdateStorage) or passed explicitly (the
 * stranger of src/audit/stranger.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "../../src");

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

describe("no ambient async context in src (issue 17)", () => {
  it("no file imports async_hooks or names AsyncLocalStorage", () => {
    const found = sources(SRC)
      .filter((f) => /async_hooks|AsyncLocalStorage|AsyncResource/.test(readFileSync(f, "utf8")))
      .map((f) => relative(SRC, f));
    expect(found).toEqual([]);
  });
});
