/**
 * `npm run demo`: no token, no database server. Starts a Bot API emulator on loopback, seeds an embedded
 * database with a demo institution, runs the real bot against them, walks one case of each ground to a
 * closed case (the learners' own-will, contract-refusal and citizenship reports; the cases officials open
 * on academic failure, negative reasons and a foreign expulsion), prints each person's chat as a
 * transcript, and writes the documents of every case as DOCX files under ./demo-documents/.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import TelegramServer from "telegram-test-api";
import { runCli } from "./cli/run";
import { openDatabase } from "./db/client";
import { cases } from "./db/schema";
import { supportDocuments } from "./demo/emulator-documents";
import { recordChatEvents } from "./demo/emulator-events";
import {
  bindAll,
  castOf,
  walkAcademicFailure,
  walkCitizenship,
  walkContractRefusal,
  walkForeignOrg,
  walkNegativeReasons,
  walkOwnWill,
} from "./demo/journey";
import { freePort, startProgram, waitForOutput } from "./demo/program";
import { seedDemo } from "./demo/seed";
import { formatDate } from "./messages/format";
import { localDateOf } from "./rules";

const TOKEN = "123456789:DEMO-token-for-the-local-emulator-only";

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "expulsion-demo-"));
  const port = await freePort();
  const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
  const events = recordChatEvents(server);
  supportDocuments(server, events);
  await server.start();
  const database = await openDatabase({ dataDir });
  const people = await seedDemo(database.db, new Date());
  await database.close();

  const program = startProgram({
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    // The scripted people tap far faster than anyone: the personnel officer alone sends some 200 updates.
    RATE_LIMIT_PER_MINUTE: "2000",
  });
  const { cast, tokens } = castOf(server, TOKEN, people, events);
  /** Every chat as a transcript: after the walk, and also when it stops half-way (to see where). */
  const printTranscripts = async () => {
    for (const [key, chat] of Object.entries(cast)) {
      await chat.poll().catch(() => []);
      process.stdout.write(`\n════ ${chat.name} (${key}) ════\n${chat.transcript.join("\n")}\n`);
    }
  };
  try {
    await waitForOutput(program, "bot started");
    const today = formatDate(localDateOf(new Date()));
    const started = Date.now();
    try {
      await bindAll(cast, tokens);
      await walkOwnWill(cast, today);
      await walkContractRefusal(cast, today);
      await walkCitizenship(cast, today);
      await walkAcademicFailure(cast, today);
      await walkNegativeReasons(cast, today);
      await walkForeignOrg(cast, today);
    } finally {
      await printTranscripts();
    }
    process.stdout.write(
      `\nSix cases, one of each ground, filed or opened and closed in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  } finally {
    const code = await program.stop();
    if (code === 0) await writeDocuments(dataDir);
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) process.stderr.write(`bot exited with ${code}:\n${program.output()}\n`);
  }
}

/** The documents of the demo cases, as an administrator gets them (`npm run admin -- case documents`). */
async function writeDocuments(dataDir: string) {
  const out = path.resolve("demo-documents");
  const database = await openDatabase({ dataDir });
  try {
    const rows = await database.db.select({ id: cases.id }).from(cases).orderBy(cases.id);
    for (const { id } of rows)
      await runCli(["case", "documents", String(id), "--out", out], {
        db: database.db,
        out: () => {},
        err: (s) => process.stderr.write(`${s}\n`),
        now: () => new Date(),
      });
    process.stdout.write(`The documents of the demo cases (DOCX): ${out}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
