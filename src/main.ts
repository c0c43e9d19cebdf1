/**
 * `npm start`: load config, open the database (migrations applied), run the bot with long polling
 * through @grammyjs/runner (or a webhook server), run the jobs, and stop cleanly on SIGINT/SIGTERM:
 * in-flight updates finish, the jobs stop after their current batch, then the database closes.
 * `npm start` execs node, so a SIGTERM sent to the npm process reaches this one (README, Reliability).
 */
import { migrateToLawfulChain } from "./cases/chain-migration";
import "dotenv/config";
import type { Server } from "node:http";
import { run } from "@grammyjs/runner";
import { Api } from "grammy";
import { installCommandMenus } from "./bot/commands";
import { connectApi, connectToTelegram, DEFAULT_API_ROOT } from "./bot/connect";
import type { Deps } from "./bot/context";
import { createBot } from "./bot/create-bot";
import { startDashboardButtons } from "./bot/menu-button";
import { RateLimiter } from "./bot/middleware/rate-limit";
import { systemClock } from "./clock";
import { loadConfigOrExit } from "./config";
import { startDashboard } from "./dashboard/start";
import { openDatabase } from "./db/client";
import { SEND_TIMEOUT_SECONDS } from "./jobs/outbox-dispatcher";
import { startJobs } from "./jobs/runner";
import { createLogger } from "./logger";
import { installProcessPolicy } from "./process-policy";
import { startWebServer } from "./server/web";
import { startWebhookServer } from "./server/webhook";

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL);
  // Errors no handler caught: logged; the bot keeps serving unless our own code threw (see the module).
  installProcessPolicy(log);

  // SIGTERM / SIGINT before the bot runs (Telegram unreachable, the database opening): remembered, and
  // acted on as soon as there is something to stop; while connecting, it ends the retries at once.
  let earlySignal: NodeJS.Signals | undefined;
  const starting = new AbortController();
  const onEarlySignal = (signal: NodeJS.Signals) => {
    earlySignal ??= signal;
    starting.abort();
  };
  process.on("SIGINT", onEarlySignal);
  process.on("SIGTERM", onEarlySignal);

  // Telegram first: a wrong token exits at once, an unreachable Telegram is said and retried (README,
  // Reliability), before the database is opened.
  const connected = await connectToTelegram({
    api: connectApi(config.BOT_TOKEN, config.TELEGRAM_API_ROOT),
    apiRoot: config.TELEGRAM_API_ROOT ?? DEFAULT_API_ROOT,
    botId: config.BOT_TOKEN.split(":")[0],
    log,
    signal: starting.signal,
  });
  if (connected.kind === "refused") process.exit(1);
  if (connected.kind === "stopped") {
    log.info({ signal: earlySignal }, "stopped before Telegram answered");
    process.exit(0);
  }

  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  log.info({ db: database.kind }, "database ready");
  // Cases opened under the first chain move to the lawful one before anyone acts on them (idempotent).
  const migrated = await migrateToLawfulChain(database.db, systemClock());
  if (migrated.length > 0) log.info({ cases: migrated.length }, "open cases moved to the lawful chain");
  const deps: Deps = {
    db: database.db,
    clock: systemClock,
    log,
    adminTelegramIds: config.ADMIN_TELEGRAM_IDS,
    rateLimiter: new RateLimiter({ knownPerMinute: config.RATE_LIMIT_PER_MINUTE }),
    // Several webhook instances share one database: keep each chat's updates in order across them.
    ...(config.BOT_MODE === "webhook" && database.kind === "postgres" ? { withLock: database.withLock } : {}),
    ...(config.WEBAPP_URL ? { webAppUrl: config.WEBAPP_URL } : {}),
  };
  const bot = createBot({ token: config.BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT }, deps, {
    botInfo: connected.me, // bot.init() has nothing left to ask
  });
  await installCommandMenus(bot.api, log);

  // The jobs send through their own Api without auto-retry: the outbox has its own retry policy.
  // A send must end well within the outbox lease (see SEND_TIMEOUT_SECONDS).
  const jobsApi = new Api(config.BOT_TOKEN, {
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    timeoutSeconds: SEND_TIMEOUT_SECONDS,
  });
  const stopJobs =
    config.JOBS === "inline"
      ? startJobs({
          db: database.db,
          api: jobsApi,
          clock: systemClock,
          log,
          adminTelegramIds: config.ADMIN_TELEGRAM_IDS,
          botUsername: bot.botInfo.username, // the links to cases in digests and breach notices
        })
      : async () => {};

  // Issue 18: the dashboard, on the webhook's server or (polling) a small one of its own.
  const dashboard = startDashboard(config, bot.api, database.db, log);

  let stopReceiving: () => Promise<void>;
  if (config.BOT_MODE === "webhook") {
    const server: Server = await startWebhookServer(bot, database.db, log, {
      host: config.WEBHOOK_HOST,
      port: config.WEBHOOK_PORT,
      secretToken: config.WEBHOOK_SECRET,
      ...(dashboard ? { dashboard } : {}),
    });
    await bot.api.setWebhook(config.WEBHOOK_URL, {
      secret_token: config.WEBHOOK_SECRET,
      allowed_updates: ["message", "callback_query"],
      max_connections: 20,
    });
    stopReceiving = () => new Promise<void>((resolve) => server.close(() => resolve()));
  } else {
    const runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query"] } } });
    const web = dashboard
      ? await startWebServer(dashboard, log, { host: config.WEB_HOST, port: config.WEB_PORT })
      : undefined;
    stopReceiving = async () => {
      if (runner.isRunning()) await runner.stop(); // stops fetching, waits for updates in flight
      if (web) await new Promise<void>((resolve) => web.close(() => resolve()));
    };
  }
  // Officials' (and HQ viewers') menu buttons, in the background: the bot serves meanwhile.
  const stopButtons = config.WEBAPP_URL
    ? startDashboardButtons(bot.api, database.db, config.WEBAPP_URL, log)
    : () => {};
  log.info({ username: bot.botInfo.username, mode: config.BOT_MODE, jobs: config.JOBS }, "bot started");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing in-flight updates");
    stopButtons();
    await stopReceiving();
    await stopJobs();
    await database.close();
    log.info("stopped");
    process.exit(0);
  };
  process.off("SIGINT", onEarlySignal);
  process.off("SIGTERM", onEarlySignal);
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  if (earlySignal) void stop(earlySignal);
}

main().catch((err) => {
  process.stderr.write(`Fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
