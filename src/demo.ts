/**
 * `npm run demo`: no token, no database server. Starts a Bot API emulator on loopback, seeds an embedded
 * database with a demo institution, runs the real bot against them, walks an own-will report and a
 * contract-refusal report to closed cases, and prints each person's chat as a transcript.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import TelegramServer from "telegram-test-api";
import { formatDate } from "./cases/format";
import { openDatabase } from "./db/client";
import { bindAll, castOf, walkContractRefusal, walkOwnWill } from "./demo/journey";
import { freePort, startProgram, waitForOutput } from "./demo/program";
import { seedDemo } from "./demo/seed";
import { localDateOf } from "./rules";

const TOKEN = "123456789:DEMO-token-for-the-local-emulator-only";

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "expulsion-demo-"));
  const port = await freePort();
  const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const database = await openDatabase({ dataDir });
  const people = await seedDemo(database.db, new Date());
  await database.close();

  const program = startProgram({
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
  });
  try {
    await waitForOutput(program, "bot started");
    const { cast, tokens } = castOf(server, TOKEN, people);
    const today = formatDate(localDateOf(new Date()));
    const started = Date.now();
    await bindAll(cast, tokens);
    await walkOwnWill(cast, today);
    await walkContractRefusal(cast, today);
    for (const [key, chat] of Object.entries(cast)) {
      await chat.poll();
      process.stdout.write(`\n════ ${chat.name} (${key}) ════\n${chat.transcript.join("\n")}\n`);
    }
    process.stdout.write(
      `\nTwo reports filed and closed in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  } finally {
    const code = await program.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) process.stderr.write(`bot exited with ${code}:\n${program.output()}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
