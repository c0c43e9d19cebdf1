// Fails when locales/{kk,ru,en}.json do not carry the same keys. Kazakh (the default and the fallback) is the
// reference: Russian and English may also have, beside a key K, its grammatical variants K_male / K_female
// (i18next context: agreement with the learner, issue 14.6) and K_one / K_few / K_many / K_other (plural
// forms); Kazakh has no grammatical gender and needs no plural forms, and a variant falls back to K.
import { readdirSync, readFileSync } from "node:fs";

const VARIANT = /_(male|female|zero|one|two|few|many|other)$/;
const flat = (o, p = "") =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" ? flat(v, `${p}${k}.`) : [`${p}${k}`]));
const files = readdirSync("locales").filter((f) => f.endsWith(".json"));
const keysOf = (f) => new Set(flat(JSON.parse(readFileSync(`locales/${f}`, "utf8"))));
const reference = keysOf("kk.json");
let bad = 0;
for (const f of files) {
  const own = keysOf(f);
  const missing = [...reference].filter((k) => !own.has(k));
  // A key kk lacks is allowed only as a variant of a key kk has.
  const extra = [...own].filter((k) => !reference.has(k) && !reference.has(k.replace(VARIANT, "")));
  if (missing.length) console.error(`locales/${f} lacks ${missing.length} key(s): ${missing.join(", ")}`);
  if (extra.length)
    console.error(`locales/${f} has ${extra.length} key(s) kk.json lacks: ${extra.join(", ")}`);
  if (missing.length || extra.length) bad++;
}
if (bad) process.exit(1);
console.log(
  `locales: ${files.join(", ")} share ${reference.size} keys (ru/en may add _male/_female and plural variants)`,
);
