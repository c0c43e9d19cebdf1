/**
 * The project's root (the folder of package.json), found from this module's own place: the same from the
 * sources run by tsx (src/paths.ts) and from the bundle `npm start` runs (dist/main.mjs, scripts/build.mjs),
 * whose modules no longer sit at their folders' depth. Migrations (drizzle/) and the dashboard's sources
 * (web/) are read from it at run time.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function rootFrom(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const ROOT = rootFrom(path.dirname(fileURLToPath(import.meta.url)));
