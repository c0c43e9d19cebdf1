/**
 * `npm run web:build`: the Mini App as the program serves it (src/dashboard/assets.ts), written to web/dist
 * for inspection, with each file's size and gzip size. The program itself never reads web/dist.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { WEB_DIR, webAppAssets } from "../src/dashboard/assets";

const dist = join(WEB_DIR, "dist");
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
let raw = 0;
let gzip = 0;
for (const [name, file] of await webAppAssets()) {
  await writeFile(join(dist, name), file.body);
  raw += file.body.length;
  gzip += file.gzip.length;
  console.log(
    `${name.padEnd(24)} ${String(file.body.length).padStart(8)} B  gzip ${String(file.gzip.length).padStart(7)} B`,
  );
}
console.log(
  `${"total".padEnd(24)} ${String(raw).padStart(8)} B  gzip ${String(gzip).padStart(7)} B (budget 150000)`,
);
