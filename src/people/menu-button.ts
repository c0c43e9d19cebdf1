/**
 * Issue 18: the dashboard's menu button in a person's private chat. Who gets it (D16): bound, active
 * officials and active HQ viewers; never a learner. A change made inside a transaction (an official's access
 * revoked, an HQ viewer added or removed) is queued in the outbox with it, so the button follows the
 * change even when the change comes from the administrator's shell, and is retried like any message.
 */

import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { MenuButton } from "grammy/types";
import type { Executor } from "../db/client";
import { hqViewers, menuButtons, officials, outbox, users } from "../db/schema";

/** Queues setChatMenuButton for a private chat (in the caller's transaction). */
export async function queueMenuButton(
  tx: Executor,
  chatId: number,
  button: MenuButton,
  now: Date,
): Promise<void> {
  await tx.insert(outbox).values({
    chatId,
    method: "setChatMenuButton",
    payload: { menu_button: button },
    nextAttemptAt: now,
  });
}

export interface ButtonChat {
  telegramId: number;
  lang: string;
}

/** Every chat that should have the dashboard's button: bound active officials, then active HQ viewers. */
export async function dashboardButtonChats(db: Executor): Promise<ButtonChat[]> {
  const own = await db
    .select({ telegramId: users.telegramId, lang: users.lang })
    .from(officials)
    .innerJoin(users, eq(users.id, officials.userId))
    .where(and(eq(officials.active, true), isNotNull(officials.userId)))
    .orderBy(officials.id);
  const hq = await db
    .select({ telegramId: hqViewers.telegramId, lang: users.lang })
    .from(hqViewers)
    .leftJoin(users, eq(users.telegramId, hqViewers.telegramId))
    .where(isNull(hqViewers.removedAt))
    .orderBy(hqViewers.id);
  const seen = new Set<number>();
  const out: ButtonChat[] = [];
  for (const c of [...own, ...hq]) {
    if (seen.has(c.telegramId)) continue;
    seen.add(c.telegramId);
    out.push({ telegramId: c.telegramId, lang: c.lang ?? "kk" });
  }
  return out;
}

/** Whether the account still has a reason for the button (an active official, or an active HQ viewer). */
export async function keepsDashboardButton(db: Executor, telegramId: number): Promise<boolean> {
  const [official] = await db
    .select({ id: officials.id })
    .from(officials)
    .innerJoin(users, eq(users.id, officials.userId))
    .where(and(eq(users.telegramId, telegramId), eq(officials.active, true)));
  if (official) return true;
  const [viewer] = await db
    .select({ id: hqViewers.id })
    .from(hqViewers)
    .where(and(eq(hqViewers.telegramId, telegramId), isNull(hqViewers.removedAt)));
  return viewer !== undefined;
}

/** The language a chat is written to in (users.lang), Kazakh for an account with no users row (D10). */
export async function chatLanguage(db: Executor, telegramId: number): Promise<string> {
  const [row] = await db.select({ lang: users.lang }).from(users).where(eq(users.telegramId, telegramId));
  return row?.lang ?? "kk";
}

/** The chat's menu button as Telegram has it by default (the command list). */
export const DEFAULT_MENU_BUTTON: MenuButton = { type: "default" };

/**
 * The account lost its reason for the dashboard's button (access revoked, HQ viewer removed): the chat's
 * button goes back to the default, unless the account still has another reason for it. The record of the
 * button set goes too, so that a later grant sets it again.
 */
export async function queueButtonReset(tx: Executor, telegramId: number, now: Date): Promise<void> {
  if (await keepsDashboardButton(tx, telegramId)) return;
  await queueMenuButton(tx, telegramId, DEFAULT_MENU_BUTTON, now);
  await tx.delete(menuButtons).where(eq(menuButtons.telegramId, telegramId));
}

/** What a bot set in a chat: the dashboard's address and the button's language. */
export interface ButtonSet {
  url: string;
  lang: string;
}

/** The buttons this bot has set, by chat (menu_buttons). */
export async function buttonsSetBy(db: Executor, botId: number): Promise<Map<number, ButtonSet>> {
  const rows = await db
    .select({ telegramId: menuButtons.telegramId, url: menuButtons.url, lang: menuButtons.lang })
    .from(menuButtons)
    .where(eq(menuButtons.botId, botId));
  return new Map(rows.map((r) => [r.telegramId, { url: r.url, lang: r.lang }]));
}

/** Records that the bot has just set the chat's button (after Telegram accepted it). */
export async function recordButtonSet(
  db: Executor,
  botId: number,
  telegramId: number,
  set: ButtonSet,
  now: Date,
): Promise<void> {
  await db
    .insert(menuButtons)
    .values({ botId, telegramId, url: set.url, lang: set.lang, setAt: now })
    .onConflictDoUpdate({
      target: [menuButtons.botId, menuButtons.telegramId],
      set: { url: sql`excluded.url`, lang: sql`excluded.lang`, setAt: sql`excluded.set_at` },
    });
}
