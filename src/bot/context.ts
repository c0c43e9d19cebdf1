import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import type { Lang, T } from "../i18n";
import type { Logger } from "../logger";
import type { Identity } from "../people/identity";
import type { RateLimiter } from "./middleware/rate-limit";

/** What every handler may use; passed to createBot, never imported as a global. */
export interface Deps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Telegram ids of the administrators from ADMIN_TELEGRAM_IDS. */
  adminTelegramIds: readonly number[];
  /** Cross-instance per-chat lock (webhook mode with several instances); absent = in-process order only. */
  withLock?: <R>(key: string, fn: () => Promise<R>) => Promise<R>;
  /** Per-sender rate limit (issue 12.17); a default one per bot when absent. */
  rateLimiter?: RateLimiter;
  /** Issue 18: the dashboard's address (WEBAPP_URL) when it is on: officials get its menu button. */
  webAppUrl?: string;
}

export interface BaseContext extends Context {
  deps: Deps;
  t: T;
  lang: Lang;
  /** Who the sender is in our records (loaded fresh on every update, so revocation is immediate). */
  identity: Identity;
}

export type BotContext = ConversationFlavor<BaseContext>;
/** Inside conversations: the same fields, installed by the conversation plugins. */
export type ConvContext = BaseContext;
