/**
 * The jobs as their own process (`tsx src/jobs/main.ts`): the outbox dispatcher, breach notices, daily
 * digests and the D8 purge, for a bot started with JOBS=off, or as extra instances beside it. Needs a
 * server PostgreSQL (DATABASE_URL) when the bot runs at the same time: an embedded PGlite directory can be
 * opened by one process only. Several job processes on one database are safe (work is claimed in it).
 */
import { migrateToLawfulChain } from "../cases/chain-migration";
import "dotenv/config";
import { Api } from "grammy";
import { systemClock } from "../clock";
import { loadConfigOrExit } from "../config";
import { openDatabase } from "../db/client";
import { createLogger, safeError } from "../logger";
import { installProcessPolicy } from "../process-policy";
import { SEND_TIMEOUT_SECONDS } from "./outbox-dispatcher";
import { startJobs } from "./runner";

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL);
  installProcessPolicy(log); // as in src/main.ts: a lost database connection never ends the jobs
  if (!config.DATABASE_URL) {
    log.warn("no DATABASE_URL: using the embedded database; do not run the bot on the same DATA_DIR at once");
  }
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  log.info({ db: database.kind }, "database ready");
  // Cases opened under the first chain move to the lawful one before anyone acts on them (idempotent).
  const migrated = await migrateToLawfulChain(database.db, systemClock());
  if (migrated.length > 0) log.info({ cases: migrated.length }, "open cases moved to the lawful chain");
  // A raw Api without auto-retry: the dispatcher has its own policy (429 retry_after, back-off, 403).
  // A send must end well within the outbox lease (see SEND_TIMEOUT_SECONDS).
  const api = new Api(config.BOT_TOKEN, {
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT.replace(/\/+$/, "") } : {}),
    timeoutSeconds: SEND_TIMEOUT_SECONDS,
  });
  // No botUsername given: the runner asks getMe once, for the links to cases (issue 14.10).
  const stop = startJobs({
    db: database.db,
    api,
    clock: systemClock,
    log,
    adminTelegramIds: config.ADMIN_TELEGRAM_IDS,
  });
  log.info("jobs started");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping jobs: finishing the current tick and batch");
    const force = setTimeout(() => {
      log.error("jobs did not stop within 30 s; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await stop();
      await database.close();
    } catch (err) {
      log.error({ err: safeError(err) }, "error while stopping");
    }
    log.info("stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  process.stderr.write(`Fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
