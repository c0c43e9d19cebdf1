/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) for issue 17: self time by function, by file and by package,
 * and inclusive time of the project's own functions. Self time is the sum of the sample intervals that
 * landed in a function (timeDeltas), so it is in milliseconds of the profiled thread.
 *   node bench/support/cpuprofile-top.mjs <file.cpuprofile> [top=20] [--window <from>,<to>]
 * --window (µs on the profile's monotonic clock, as bench/load.bench.ts prints with BENCH_PRINT_WINDOW=1)
 * keeps only the samples of the measured run: no start-up, migrations, seeding or warm-up.
 */
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const w = args.indexOf("--window");
const window = w >= 0 ? args.splice(w, 2)[1].split(",").map(Number) : undefined;
const [file, topArg] = args;
if (!file) {
  console.error("usage: node bench/support/cpuprofile-top.mjs <file.cpuprofile> [top=20]");
  process.exit(2);
}
const TOP = Number(topArg ?? 20);
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map(); // node id → ms
let at = profile.startTime; // µs; timeDeltas[i] is the gap before sample i
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i];
  if (window && (at < window[0] || at > window[1])) continue;
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const short = (url) =>
  url
    .replace(/^file:\/\//, "")
    .replace(/^.*\/node_modules\//, "node_modules/")
    .replace(/^.*\/work\/main\//, "");
const pkgOf = (url) => {
  if (!url) return "(native/VM)";
  if (url.startsWith("node:")) return "node: core";
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const s = short(url);
  return s.startsWith("src/") ? `${s.split("/").slice(0, 2).join("/")}/` : s.split("/")[0];
};
const fnKey = (n) => {
  const f = n.callFrame;
  const name = f.functionName || "(anonymous)";
  return f.url ? `${name}  ${short(f.url)}:${f.lineNumber + 1}` : name;
};

const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
const byFn = new Map();
const byFile = new Map();
const byPkg = new Map();
for (const [id, ms] of self) {
  const n = nodes.get(id);
  add(byFn, fnKey(n), ms);
  add(byFile, n.callFrame.url ? short(n.callFrame.url) : n.callFrame.functionName, ms);
  add(byPkg, pkgOf(n.callFrame.url), ms);
}

// Inclusive time of project functions (src/): each sample counted once per function on its stack.
const incl = new Map();
for (const [id, ms] of self) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const n = nodes.get(cur);
    if (!/\/work\/main\/src\//.test(n.callFrame.url)) continue;
    const k = fnKey(n);
    if (seen.has(k)) continue;
    seen.add(k);
    add(incl, k, ms);
  }
}

const show = (title, m, n = TOP) => {
  console.log(`${title}`);
  for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
};
console.log(`${file}: ${total.toFixed(0)} ms sampled${window ? " in the window" : ""}`);
show(`Top ${TOP} functions by self time:`, byFn);
show("Self time by package / src folder:", byPkg, 25);
show("Top files by self time:", byFile, 15);
show("Project functions (src/) by inclusive time:", incl, 15);
