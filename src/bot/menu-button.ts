/**
 * Issue 18: the dashboard's button (a web_app menu button, in the chat's language) in the private chats of
 * officials and HQ viewers (D16), never learners'. Set at start for every one of them, paced, and when an
 * official binds; a refusal is logged and the bot goes on (the button is a convenience: the bot's commands
 * do everything the dashboard shows). Reset to the default when access is revoked: src/people/menu-button.ts.
 */
import type { Api } from "grammy";
import type { Db } from "../db/client";
import { type Logger, safeError } from "../logger";
import { dashboardMenuButton } from "../messages/dashboard";
import { dashboardButtonChats } from "../people/menu-button";
import type { BotContext } from "./context";

/** Sets the button in one chat; false when Telegram refused (logged). */
export async function setDashboardButton(
  api: Api,
  chatId: number,
  lang: string,
  url: string,
  log: Logger,
): Promise<boolean> {
  try {
    await api.setChatMenuButton({ chat_id: chatId, menu_button: dashboardMenuButton(lang, url) });
    return true;
  } catch (err) {
    log.warn({ err: safeError(err), chatId }, "the dashboard's menu button was not set for a chat");
    return false;
  }
}

export interface InstallOptions {
  /** Pause between two chats (default 50 ms: some 20 calls a second, well under Telegram's limits). */
  paceMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops the loop (the bot is stopping). */
  signal?: AbortSignal;
}

/** At start: the button for every bound official and HQ viewer, one chat at a time; counts what was set. */
export async function installDashboardButtons(
  api: Api,
  db: Db,
  url: string,
  log: Logger,
  opts: InstallOptions = {},
): Promise<{ set: number; failed: number }> {
  const pace = opts.paceMs ?? 50;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const chats = await dashboardButtonChats(db);
  let set = 0;
  let failed = 0;
  for (const [i, chat] of chats.entries()) {
    if (opts.signal?.aborted) break;
    if (i > 0) await sleep(pace);
    if (await setDashboardButton(api, chat.telegramId, chat.lang, url, log)) set++;
    else failed++;
  }
  log.info({ set, failed }, "dashboard menu buttons installed");
  return { set, failed };
}

/**
 * After an official binds (an invite accepted) or chooses a language: the button in this private chat, in
 * their language, when the dashboard is on. Learners and strangers: nothing.
 */
export async function refreshDashboardButton(ctx: BotContext): Promise<void> {
  const url = ctx.deps.webAppUrl;
  if (!url || !ctx.identity.official || ctx.chat?.type !== "private") return;
  await setDashboardButton(ctx.api, ctx.chat.id, ctx.identity.lang, url, ctx.deps.log);
}

/** installDashboardButtons in the background (the bot serves meanwhile); returns what stops it. */
export function startDashboardButtons(api: Api, db: Db, url: string, log: Logger): () => void {
  const stopping = new AbortController();
  installDashboardButtons(api, db, url, log, { signal: stopping.signal }).catch((err: unknown) =>
    log.warn({ err: safeError(err) }, "the dashboard's menu buttons were not installed"),
  );
  return () => stopping.abort();
}
