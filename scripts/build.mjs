/**
 * Bundles the program for `npm start` (dist/main.mjs) and `npm run jobs` (dist/jobs.mjs), issue 17: run
 * through tsx, every process also carried tsx's module hooks, which Node 20 runs on a thread of their own
 * with its own heap (about 60 MB of the bot's 200 MB budget); bundled, the program needs neither tsx nor any
 * other development dependency. Packages stay in node_modules (only our sources are bundled), so what runs
 * is the code the tests run.
 *
 * A bundle is rebuilt only when something it is made of (src/, locales/, package.json, this file) is newer
 * than it: a restart costs a few milliseconds of checks, a start after an update about half a second. It is
 * written to a temporary file and renamed, so two starts at once never see half a file.
 *   node scripts/build.mjs [main|jobs ...] [--force]   (no entry: both)
 */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ENTRIES = { main: "src/main.ts", jobs: "src/jobs/main.ts" };
export const DIST = path.join(ROOT, "dist");

/** The newest modification time (ms) of the files a bundle is made of. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["src", "locales", "package.json", "scripts/build.mjs"]) visit(path.join(ROOT, p));
  return newest;
}

const mtimeOf = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

/** Bundles `source` (a path under the project) into `out`; returns `out`. */
export function bundle(source, out) {
  const { outputFiles } = buildSync({
    entryPoints: [path.resolve(ROOT, source)],
    outfile: out,
    write: false,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
  mkdirSync(path.dirname(out), { recursive: true });
  // The map first: the bundle names it.
  const mapsFirst = [...outputFiles].sort(
    (a, b) => Number(b.path.endsWith(".map")) - Number(a.path.endsWith(".map")),
  );
  for (const file of mapsFirst) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  return out;
}

/** dist/<name>.mjs, rebuilt when stale (or always with `force`); returns its path. */
export function built(name, { force = false } = {}) {
  const source = ENTRIES[name];
  if (!source) throw new Error(`unknown entry ${name}: ${Object.keys(ENTRIES).join(", ")}`);
  const out = path.join(DIST, `${name}.mjs`);
  if (force || mtimeOf(out) < newestSource()) bundle(source, out);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const force = args.includes("--force");
  const names = args.filter((a) => a !== "--force");
  for (const name of names.length ? names : Object.keys(ENTRIES)) built(name, { force });
}
