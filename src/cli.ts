/**
 * `npm run admin -- <command>`: the administrator's command line (see src/cli/run.ts; `help` lists the
 * commands). Opens the database like the bot does, only when a command needs it.
 */
import "dotenv/config";
import { Api } from "grammy";
import { runCli, safeFailure } from "./cli/run";
import { type Database, openDatabase } from "./db/client";
import { InputError } from "./errors";

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL || undefined;
  let database: Database | undefined;
  const openDb = async () => {
    if (url && !/^postgres(ql)?:\/\//.test(url))
      throw new InputError(
        "DATABASE_URL must start with postgres:// (or be empty for the embedded database)",
      );
    try {
      database = await openDatabase({ url, dataDir: process.env.DATA_DIR || "./data" });
    } catch (err) {
      throw new InputError(`cannot open the database: ${safeFailure(err)}`);
    }
    return database.db;
  };
  const token = process.env.BOT_TOKEN;
  try {
    return await runCli(process.argv.slice(2), {
      db: openDb,
      out: (s) => process.stdout.write(`${s}\n`),
      err: (s) => process.stderr.write(`${s}\n`),
      now: () => new Date(),
      botUsername: process.env.BOT_USERNAME || undefined,
      webAppUrl: process.env.WEBAPP_URL || undefined,
      resolveBotUsername: token
        ? async () =>
            (await new Api(token, { apiRoot: process.env.TELEGRAM_API_ROOT || undefined }).getMe()).username
        : undefined,
    });
  } finally {
    await database?.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`error: ${safeFailure(err)}\n`);
    process.exitCode = 1;
  },
);
