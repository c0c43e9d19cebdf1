/**
 * Fails when src/db/schema.ts and the committed migrations in drizzle/ disagree: drizzle-kit generate
 * runs over a scratch copy of drizzle/ and must report that there is nothing to migrate.
 */
import { execFileSync } from "node:child_process";
import { cpSync, rmSync, writeFileSync } from "node:fs";

const scratch = ".migrations-check"; // drizzle-kit wants paths relative to the project
rmSync(scratch, { recursive: true, force: true });
try {
  cpSync("drizzle", `${scratch}/drizzle`, { recursive: true });
  writeFileSync(
    `${scratch}/drizzle.config.mjs`,
    `export default { dialect: "postgresql", schema: "./src/db/schema.ts", out: "./${scratch}/drizzle" };\n`,
  );
  const log = execFileSync("npx", ["drizzle-kit", "generate", "--config", `${scratch}/drizzle.config.mjs`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (!/No schema changes/i.test(log)) {
    console.error(log);
    console.error("The schema has changes with no migration: run `npm run db:generate` and commit drizzle/.");
    process.exit(1);
  }
  console.log("migrations match src/db/schema.ts");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
