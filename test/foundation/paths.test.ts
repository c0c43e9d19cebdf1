/**
 * The project's root is found from a module's own folder, at any depth (issue 17): from the sources run by
 * tsx and from the bundle `npm start` runs (dist/main.mjs), migrations and web/ resolve to the same place.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "../../src/db/client";
import { ROOT, rootFrom } from "../../src/paths";

describe("the project's root", () => {
  it("is the folder of package.json, from src/, from dist/ and from a deeper bench folder", () => {
    expect(existsSync(path.join(ROOT, "package.json"))).toBe(true);
    expect(rootFrom(path.join(ROOT, "src", "db"))).toBe(ROOT);
    expect(rootFrom(path.join(ROOT, "dist"))).toBe(ROOT);
    expect(rootFrom(path.join(ROOT, "bench", ".build"))).toBe(ROOT);
    expect(existsSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"))).toBe(true);
  });

  it("fails with the folder it started from when there is no package.json above it", () => {
    expect(() => rootFrom("/")).toThrow("no package.json above /");
  });
});
