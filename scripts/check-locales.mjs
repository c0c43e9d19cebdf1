// Fails when locales/{kk,ru,en}.json do not carry exactly the same keys.
import { readdirSync, readFileSync } from "node:fs";

const flat = (o, p = "") =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" ? flat(v, `${p}${k}.`) : [`${p}${k}`]));
const files = readdirSync("locales").filter((f) => f.endsWith(".json"));
const sets = files.map((f) => [f, new Set(flat(JSON.parse(readFileSync(`locales/${f}`, "utf8"))))]);
const all = new Set(sets.flatMap(([, s]) => [...s]));
let bad = 0;
for (const [f, s] of sets) {
  const missing = [...all].filter((k) => !s.has(k));
  if (missing.length) {
    bad++;
    console.error(`locales/${f} lacks ${missing.length} key(s): ${missing.join(", ")}`);
  }
}
if (bad) process.exit(1);
console.log(`locales: ${files.join(", ")} share ${all.size} keys`);
