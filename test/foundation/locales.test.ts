import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const flat = (o: Record<string, unknown>, p = ""): string[] =>
  Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === "object" ? flat(v as Record<string, unknown>, `${p}${k}.`) : [`${p}${k}`],
  );
const load = (f: string) => JSON.parse(readFileSync(`locales/${f}`, "utf8")) as Record<string, unknown>;
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const get = (o: Record<string, unknown>, key: string) =>
  key.split(".").reduce<unknown>((acc, k) => (acc as Record<string, unknown>)[k], o) as string;

describe("locales", () => {
  const files = readdirSync("locales").filter((f) => f.endsWith(".json"));
  it("has kk, ru and en", () => expect(files.sort()).toEqual(["en.json", "kk.json", "ru.json"]));

  const kk = load("kk.json");
  for (const f of ["ru.json", "en.json"]) {
    it(`${f} has exactly the keys of kk.json`, () => {
      expect(flat(load(f)).sort()).toEqual(flat(kk).sort());
    });
    it(`${f} uses the same placeholders as kk.json`, () => {
      const other = load(f);
      for (const key of flat(kk))
        expect([key, placeholders(get(other, key))]).toEqual([key, placeholders(get(kk, key))]);
    });
  }

  it("has no empty strings", () => {
    for (const f of files) {
      const o = load(f);
      for (const key of flat(o)) expect([f, key, get(o, key).trim().length > 0]).toEqual([f, key, true]);
    }
  });
});
