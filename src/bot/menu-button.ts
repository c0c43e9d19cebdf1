/**
 * Issue 18: the dashboard's button (a web_app menu button, in the chat's language) in the private chats of
 * officials and HQ viewers (D16), never learners'. Set at start for every one of them whose chat does not
 * have it yet at this address in this language (menu_buttons: a restart of an unchanged deployment makes no
 * call), paced, and when an official binds or chooses a language; a refusal is logged and the bot goes on
 * (the button is a convenience: the bot's commands do everything the dashboard shows). Reset to the default
 * when access is revoked: src/people/menu-button.ts.
 */
import type { Api } from "grammy";
import type { Db } from "../db/client";
import { type Logger, safeError } from "../logger";
import { dashboardMenuButton } from "../messages/dashboard";
import { buttonsSetBy, dashboardButtonChats, recordButtonSet } from "../people/menu-button";
import type { BotContext } from "./context";

/** The bot's own id: the numeric part of its token (the same as getMe's id). */
export const botIdOf = (api: Api): number => Number(api.token.split(":")[0]);

/** Sets the button in one chat and records it; false when Telegram refused (logged, nothing recorded). */
export async function setDashboardButton(
  api: Api,
  db: Db,
  chatId: number,
  lang: string,
  url: string,
  log: Logger,
  now: Date,
): Promise<boolean> {
  try {
    await api.setChatMenuButton({ chat_id: chatId, menu_button: dashboardMenuButton(lang, url) });
  } catch (err) {
    log.warn({ err: safeError(err), chatId }, "the dashboard's menu button was not set for a chat");
    return false;
  }
  await recordButtonSet(db, botIdOf(api), chatId, { url, lang }, now);
  return true;
}

export interface InstallOptions {
  /** Pause between two chats (default 50 ms: some 20 calls a second, well under Telegram's limits). */
  paceMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops the loop (the bot is stopping). */
  signal?: AbortSignal;
  /** When each button was set (menu_buttons.set_at); the wall clock by default. */
  clock?: () => Date;
}

/**
 * At start: the button for every bound official and HQ viewer whose chat does not have it already (this
 * address, their language), one chat at a time; counts what was set, refused, and already there.
 */
export async function installDashboardButtons(
  api: Api,
  db: Db,
  url: string,
  log: Logger,
  opts: InstallOptions = {},
): Promise<{ set: number; failed: number; unchanged: number }> {
  const pace = opts.paceMs ?? 50;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = opts.clock ?? (() => new Date());
  const [chats, done] = await Promise.all([dashboardButtonChats(db), buttonsSetBy(db, botIdOf(api))]);
  const todo = chats.filter((c) => {
    const had = done.get(c.telegramId);
    return had?.url !== url || had.lang !== c.lang;
  });
  let set = 0;
  let failed = 0;
  for (const [i, chat] of todo.entries()) {
    if (opts.signal?.aborted) break;
    if (i > 0) await sleep(pace);
    if (await setDashboardButton(api, db, chat.telegramId, chat.lang, url, log, clock())) set++;
    else failed++;
  }
  const unchanged = chats.length - todo.length;
  log.info({ set, failed, unchanged }, "dashboard menu buttons installed");
  return { set, failed, unchanged };
}

/**
 * After an official binds (an invite accepted) or chooses a language: the button in this private chat, in
 * their language, when the dashboard is on. Learners and strangers: nothing.
 */
export async function refreshDashboardButton(ctx: BotContext): Promise<void> {
  const url = ctx.deps.webAppUrl;
  if (!url || !ctx.identity.official || ctx.chat?.type !== "private") return;
  await setDashboardButton(
    ctx.api,
    ctx.deps.db,
    ctx.chat.id,
    ctx.identity.lang,
    url,
    ctx.deps.log,
    ctx.deps.clock(),
  );
}

/** installDashboardButtons in the background (the bot serves meanwhile); returns what stops it. */
export function startDashboardButtons(api: Api, db: Db, url: string, log: Logger): () => void {
  const stopping = new AbortController();
  installDashboardButtons(api, db, url, log, { signal: stopping.signal }).catch((err: unknown) =>
    log.warn({ err: safeError(err) }, "the dashboard's menu buttons were not installed"),
  );
  return () => stopping.abort();
}
