/**
 * `npm start`: load config, open the database (migrations applied), run the bot with long polling
 * through @grammyjs/runner (or a webhook server), run the jobs, and stop cleanly on SIGINT/SIGTERM.
 */
import "dotenv/config";
import { run } from "@grammyjs/runner";
import { installCommandMenus } from "./bot/commands";
import { createBot } from "./bot/create-bot";
import { systemClock } from "./clock";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/client";
import { createLogger } from "./logger";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message.split("\n").join("; ")}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  log.info({ db: database.kind }, "database ready");
  const deps = { db: database.db, clock: systemClock, log, adminTelegramIds: config.ADMIN_TELEGRAM_IDS };
  const bot = createBot({ token: config.BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT }, deps);

  try {
    await bot.init();
  } catch (err) {
    log.fatal(
      { err: String(err) },
      "cannot reach Telegram with this BOT_TOKEN (check the token and the network)",
    );
    await database.close();
    process.exit(1);
  }
  await installCommandMenus(bot.api, log);

  const runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query"] } } });
  log.info({ username: bot.botInfo.username, mode: config.BOT_MODE }, "bot started");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing in-flight updates");
    // runner.stop() stops fetching and waits for the updates already being handled.
    if (runner.isRunning()) await runner.stop();
    await database.close();
    log.info("stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  await runner.task();
}

main().catch((err) => {
  process.stderr.write(`Fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
