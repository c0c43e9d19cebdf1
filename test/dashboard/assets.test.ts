/**
 * Issue 18: the Mini App is bundled by the program itself (src/dashboard/assets.ts), needs nothing from a
 * CDN, and its first load is at most 150 kB compressed. The texts it shows are the locales' `webapp` keys.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import en from "../../locales/en.json";
import kk from "../../locales/kk.json";
import ru from "../../locales/ru.json";
import { WEB_DIR, webAppAssets } from "../../src/dashboard/assets";

/** Issue 18's budget for the first load, gzip, every file of it. */
const BUDGET_GZIP_BYTES = 150_000;

describe("the Mini App's bundle", () => {
  it("is built once, minified, with gzip precomputed, and its first load fits 150 kB gzip", async () => {
    const files = await webAppAssets();
    expect(await webAppAssets()).toBe(files); // cached

    const html = files.get("index.html")!.body.toString("utf8");
    const js = html.match(/<script src="(app-[A-Z0-9]+\.js)"/)?.[1];
    const css = html.match(/<link rel="stylesheet" href="(app-[A-Z0-9]+\.css)"/)?.[1];
    expect(js && files.has(js)).toBe(true);
    expect(css && files.has(css)).toBe(true);

    // The first load is index.html and what it names: nothing else is fetched before the API.
    let total = 0;
    const lines: string[] = [];
    for (const name of ["index.html", js!, css!]) {
      const f = files.get(name)!;
      expect(gunzipSync(f.gzip).equals(f.body)).toBe(true);
      total += f.gzip.length;
      lines.push(`${name}: ${f.body.length} B, gzip ${f.gzip.length} B`);
    }
    console.log(
      `Mini App first load: ${lines.join("; ")}; total gzip ${total} B (budget ${BUDGET_GZIP_BYTES})`,
    );
    expect(total).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);

    // Minified (no indentation left) and self-contained: no script or style from another host.
    const script = files.get(js!)!.body.toString("utf8");
    expect(script.split("\n").length).toBeLessThan(50);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(files.get("index.html")!.contentType).toBe("text/html; charset=utf-8");
    expect(files.get(js!)!.contentType).toMatch(/^text\/javascript/);
  });

  it("carries the error texts of all three languages for the moments before /api/me answers", async () => {
    const html = (await webAppAssets()).get("index.html")!.body.toString("utf8");
    const boot = JSON.parse(html.match(/<script id="boot" type="application\/json">(.*?)<\/script>/s)![1]!);
    expect(Object.keys(boot).sort()).toEqual(["en", "kk", "ru"]);
    expect(boot.kk.error_unauthorized).toBe(kk.webapp.error_unauthorized);
    expect(boot.ru.error_network).toBe(ru.webapp.error_network);
    expect(Object.keys(boot.en).sort()).toEqual(Object.keys(boot.kk).sort());
    // Only what those moments need: not the whole interface.
    expect(boot.kk.tab_cases).toBeUndefined();
  });

  it("uses only texts the locales have, in kk, ru and en, and writes none itself", async () => {
    const sources = await webSources();
    const used = new Set<string>();
    for (const text of sources.values()) {
      for (const m of text.matchAll(/\bt\(\s*"([a-z0-9_]+)"/g)) used.add(m[1]!);
      for (const m of text.matchAll(/t\(\s*`([a-z0-9_]+)\$\{/g)) used.add(`${m[1]}*`);
      for (const m of text.matchAll(/:\s*"(error_[a-z_]+)"/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    for (const [lang, locale] of Object.entries({ kk, ru, en })) {
      const keys = Object.keys(locale.webapp);
      for (const key of used) {
        const present = key.endsWith("*")
          ? keys.some((k) => k.startsWith(key.slice(0, -1)))
          : keys.includes(key);
        expect(present, `${lang}: webapp.${key}`).toBe(true);
      }
    }
    // The dynamic keys, each value spelled out.
    for (const locale of [kk, ru, en]) {
      const w = locale.webapp as Record<string, unknown>;
      for (const k of ["tasks", "cases", "stats", "hq"]) expect(w[`tab_${k}`]).toBeTypeOf("string");
      for (const k of ["ground", "category", "state", "faculty", "course"])
        expect(w[`filter_${k}`]).toBeTypeOf("string");
      for (const k of ["states", "step_times", "on_time", "overdue", "monthly"])
        expect(w[`table_${k}`]).toBeTypeOf("string");
      for (const k of ["states", "on_time", "overdue", "monthly"]) expect(w[`hq_${k}`]).toBeTypeOf("string");
      for (const k of ["pending", "done", "cancelled"]) expect(w[`step_state_${k}`]).toBeTypeOf("string");
    }
    // No Cyrillic or English sentence in the code: every word a person reads comes from the server.
    for (const [file, text] of sources) {
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect(code, file).not.toMatch(/[А-Яа-яӘәІіҢңҒғҮүҰұҚқӨөҺһЁё]/);
      expect(code, file).not.toMatch(/>\s*[A-Z][a-z]+( [a-z]+)+\s*</);
    }
  });
});

async function webSources(): Promise<Map<string, string>> {
  const dir = join(WEB_DIR, "src");
  const out = new Map<string, string>();
  for (const name of await readdir(dir)) {
    if (/\.(ts|tsx)$/.test(name)) out.set(name, await readFile(join(dir, name), "utf8"));
  }
  return out;
}
