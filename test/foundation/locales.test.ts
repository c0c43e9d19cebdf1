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
  // Beside a kk key K, ru and en may have K_male / K_female (agreement with the learner, issue 14.6) and
  // plural forms; Kazakh has neither, and i18next falls back from a variant to K.
  const VARIANT = /_(male|female|zero|one|two|few|many|other)$/;
  const variants = (o: Record<string, unknown>) => flat(o).filter((k) => !flat(kk).includes(k));
  for (const f of ["ru.json", "en.json"]) {
    it(`${f} has exactly the keys of kk.json, plus variants of them`, () => {
      const other = load(f);
      expect(
        flat(other)
          .filter((k) => flat(kk).includes(k))
          .sort(),
      ).toEqual(flat(kk).sort());
      for (const key of variants(other))
        expect([key, flat(kk).includes(key.replace(VARIANT, ""))]).toEqual([key, true]);
    });
    it(`${f} uses the same placeholders as kk.json, in every variant too`, () => {
      const other = load(f);
      for (const key of flat(kk))
        expect([key, placeholders(get(other, key))]).toEqual([key, placeholders(get(kk, key))]);
      for (const key of variants(other))
        expect([key, placeholders(get(other, key))]).toEqual([
          key,
          placeholders(get(kk, key.replace(VARIANT, ""))),
        ]);
    });
  }

  it("agrees Russian texts about the learner with the learner's sex, and has variants only there (14.6)", () => {
    const ru = load("ru.json");
    const gendered = variants(ru).filter((k) => /_(male|female)$/.test(k));
    expect(gendered).toContain("doc.conscript_no_female");
    // An unknown sex gets the base key, worded without agreement: never an "отчислен(а)" shortcut.
    for (const key of flat(ru))
      expect([key, /[а-яё]\([а-я]{1,2}\)/i.test(get(ru, key))]).toEqual([key, false]);
    expect(variants(load("en.json")).filter((k) => /_(male|female)$/.test(k))).toEqual([]);
  });

  it("has no empty strings", () => {
    for (const f of files) {
      const o = load(f);
      for (const key of flat(o)) expect([f, key, get(o, key).trim().length > 0]).toEqual([f, key, true]);
    }
  });
});
