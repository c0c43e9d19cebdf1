/**
 * The dashboard at the program's start (src/main.ts): on when WEBAPP_URL is set, else the bot works as
 * before and says once, in the log, how to turn it on.
 */
import type { Api } from "grammy";
import { systemClock } from "../clock";
import type { Config } from "../config";
import type { Db } from "../db/client";
import type { Logger } from "../logger";
import { createDashboardHandler, type DashboardHandler } from "./server";

export function startDashboard(config: Config, api: Api, db: Db, log: Logger): DashboardHandler | null {
  if (!config.WEBAPP_URL) {
    log.info(
      "dashboard off: set WEBAPP_URL to its public https address (/app/ on this program's HTTP server: the webhook's, or WEB_HOST:WEB_PORT while polling) to turn it on",
    );
    return null;
  }
  log.info({ url: config.WEBAPP_URL, mode: config.BOT_MODE }, "dashboard on");
  return createDashboardHandler({
    db,
    botToken: config.BOT_TOKEN,
    api,
    clock: systemClock,
    log,
    authMaxAgeSeconds: config.WEBAPP_AUTH_MAX_AGE,
  });
}
